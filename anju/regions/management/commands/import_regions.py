from django.core.management.base import BaseCommand, CommandError

from anju.core.commands import acting_user, read_import_file
from anju.regions.actions import import_regions
from anju.regions.importing import parse_regions


class Command(BaseCommand):
    help = "Import the jurisdiction tree from CSV or XLSX (all rows or none; bad rows are listed)."

    def add_arguments(self, parser):
        parser.add_argument("file", help=".csv or .xlsx with columns code, name, and level or parent code")
        parser.add_argument("--as", dest="username", help="act as this account (default: the system itself)")

    def handle(self, *args, **options):
        path, table = read_import_file(options["file"])
        actor = acting_user(options["username"])
        self.stdout.write(f"{path.name}: {len(table.rows)} rows")
        report = import_regions(actor, parse_regions(table), filename=path.name)
        if not report.ok:
            for error in report.errors:
                self.stderr.write(f"  row {error.row} [{error.column}]: {error.message}")
            problems = len(report.errors)
            raise CommandError(f"{report.bad_rows} bad rows ({problems} problems): nothing was imported")
        self.stdout.write(
            self.style.SUCCESS(
                f"imported: {report.created} new, {report.updated} changed, {report.unchanged} unchanged"
            )
        )
