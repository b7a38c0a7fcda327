import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from anju.core.commands import acting_user, read_import_file
from anju.disputes import ledger

SHOWN_ERRORS = 200


class ProgressBar:
    """A one-line text bar on stderr, redrawn in place with \\r: [#####.....]  52.0%  1,234 rows/s."""

    def __init__(self, out, width: int = 30):
        self.out = out
        self.width = width
        self.started = time.monotonic()
        self.drawn = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self.drawn < 0.1:
            return
        self.drawn = now
        fraction = done / total if total else 1.0
        filled = int(self.width * fraction)
        rate = done / max(now - self.started, 1e-6)
        bar = "#" * filled + "." * (self.width - filled)
        self.out.write(f"\r[{bar}] {fraction:6.1%}  {done:,}/{total:,}  {rate:,.0f} rows/s", ending="")
        self.out.flush()

    def finish(self) -> None:
        if self.drawn:
            self.out.write("")


class Command(BaseCommand):
    help = "Import a dispute ledger (台账) from CSV or XLSX: all rows or none, nothing twice."

    def add_arguments(self, parser):
        parser.add_argument("file", help=".csv or .xlsx, one dispute a row, with a header row")
        parser.add_argument(
            "--as",
            dest="username",
            required=True,
            help="the active account that registers the disputes; rows outside its jurisdiction are refused",
        )
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="FIELD=HEADER",
            help=(
                "take FIELD from the column headed HEADER (repeatable; FIELD= leaves a field out). "
                f"Fields: {', '.join(f.key for f in ledger.FIELDS)}"
            ),
        )

    def handle(self, *args, **options):
        actor = acting_user(options["username"], system_allowed=False)
        overrides = {}
        for item in options["map"]:
            key, sep, header = item.partition("=")
            if not sep:
                raise CommandError(f"--map {item}: write it as FIELD=HEADER")
            overrides[key.strip()] = header.strip()
        path, table = read_import_file(options["file"])
        try:
            mapping = ledger.resolve_mapping(table.headers, overrides)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        missing = ledger.missing_fields(mapping)
        if missing:
            names = ", ".join(f.key for f in missing)
            raise CommandError(f"Missing column(s): {names}. Name them with --map FIELD=HEADER.")
        self.stdout.write(f"{path.name}: {len(table.rows):,} rows")
        for f in ledger.FIELDS:
            if f.key in mapping:
                self.stdout.write(f"  {f.key:<15} <- {table.headers[mapping[f.key]]}")
        self.stdout.write("checking the rows…")
        parsed = ledger.parse_ledger(table, mapping)
        bar = ProgressBar(self.stderr)
        started = time.monotonic()
        report = ledger.import_ledger(actor, parsed, filename=path.name, progress=bar)
        bar.finish()
        if not report.ok:
            for error in report.errors[:SHOWN_ERRORS]:
                self.stderr.write(f"  row {error.row} [{error.column}]: {error.message}")
            if len(report.errors) > SHOWN_ERRORS:
                self.stderr.write(f"  … and {len(report.errors) - SHOWN_ERRORS:,} more problems")
            raise CommandError(
                f"{report.bad_rows:,} bad rows ({len(report.errors):,} problems): nothing was imported"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"imported: {report.created:,} new, {report.unchanged:,} imported before "
                f"({time.monotonic() - started:.1f} s)"
            )
        )
