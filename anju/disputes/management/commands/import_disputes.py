import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from anju.core.commands import ProgressBar, acting_user, read_import_file, report_problems
from anju.core.tabular import parse_overrides
from anju.disputes import ledger
from anju.regions.names import RegionNames


class Command(BaseCommand):
    help = "Import a dispute ledger (台账) from CSV or XLSX: all rows or none, nothing twice."

    def add_arguments(self, parser):
        parser.add_argument("file", help=".csv or .xlsx, one dispute a row, titles above the headers allowed")
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
        parser.add_argument(
            "--header-row",
            type=int,
            metavar="N",
            help="the headers are on row N (as Excel numbers it); found by their names if not given",
        )

    def handle(self, *args, **options):
        actor = acting_user(options["username"], system_allowed=False)
        try:
            overrides = parse_overrides(options["map"])
        except ValueError as error:
            raise CommandError(_("--map %(item)s: write it as FIELD=HEADER.") % {"item": error}) from None
        path, table = read_import_file(options["file"], ledger.LEDGER, options["header_row"])
        try:
            mapping = ledger.resolve_mapping(table.headers, overrides)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        missing = ledger.missing_fields(mapping)
        if missing:
            names = ", ".join(f.key for f in missing)
            raise CommandError(
                _("Missing column(s): %(columns)s. Name them with --map FIELD=HEADER.") % {"columns": names}
            )
        self.stdout.write(
            _("%(file)s: %(rows)s rows, headers on row %(header)d")
            % {"file": path.name, "rows": f"{len(table.rows):,}", "header": table.header_row}
        )
        for f in ledger.FIELDS:
            if f.key in mapping:
                self.stdout.write(f"  {f.key:<15} <- {table.headers[mapping[f.key]]}")
        unused = ledger.LEDGER.unused(table.headers, mapping)
        if unused:
            self.stdout.write(_("Not imported: %(columns)s") % {"columns": "、".join(unused)})
        if table.skipped:
            rows = ", ".join(str(n) for n in table.skipped)
            self.stdout.write(_("Totals and signature rows skipped: %(rows)s") % {"rows": rows})
        self.stdout.write(_("Checking the rows…"))
        started = time.monotonic()
        checking = ProgressBar(self.stderr)
        parsed = ledger.parse_ledger(
            table, mapping, names=RegionNames.for_actor(actor, "case.handle"), progress=checking
        )
        checking.finish()
        bar = ProgressBar(self.stderr)
        report = ledger.import_ledger(actor, parsed, filename=path.name, progress=bar)
        bar.finish()
        report_problems(self, report)
        self.stdout.write(
            self.style.SUCCESS(
                _("Imported: %(created)s new, %(unchanged)s imported before (%(seconds).1f s).")
                % {
                    "created": f"{report.created:,}",
                    "unchanged": f"{report.unchanged:,}",
                    "seconds": time.monotonic() - started,
                }
            )
        )
