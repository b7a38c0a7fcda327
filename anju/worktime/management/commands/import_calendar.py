from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from anju.core.commands import acting_user, read_import_file
from anju.worktime.actions import import_days


class Command(BaseCommand):
    help = (
        "Import holidays and make-up working days from CSV or XLSX (all rows or none; bad rows are listed)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file", help=".csv or .xlsx with columns date, kind (holiday/workday, 休/班), name"
        )
        parser.add_argument("--as", dest="username", help="act as this account (default: the system itself)")

    def handle(self, *args, **options):
        path, table = read_import_file(options["file"])
        actor = acting_user(options["username"])
        self.stdout.write(f"{path.name}: {len(table.rows)} rows")
        try:
            report = import_days(actor, table, filename=path.name)
        except PermissionDenied as error:
            raise CommandError(f"{actor}: {error}") from None
        if not report.ok:
            for error in report.errors:
                self.stderr.write(f"  row {error.row} [{error.column}]: {error.message}")
            problems = len(report.errors)
            raise CommandError(f"{report.bad_rows} bad rows ({problems} problems): nothing was imported")
        self.stdout.write(
            self.style.SUCCESS(
                f"imported {report.first}..{report.last}: {report.created} new, "
                f"{report.updated} changed, {report.unchanged} unchanged"
            )
        )
