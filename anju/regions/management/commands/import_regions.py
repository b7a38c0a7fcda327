from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from anju.accounts.models import User
from anju.core import tabular
from anju.core.scoping import SYSTEM
from anju.regions.actions import import_regions
from anju.regions.importing import parse_regions


class Command(BaseCommand):
    help = "Import the jurisdiction tree from CSV or XLSX (all rows or none; bad rows are listed)."

    def add_arguments(self, parser):
        parser.add_argument("file", help=".csv or .xlsx with columns code, name, and level or parent code")
        parser.add_argument("--as", dest="username", help="act as this account (default: the system itself)")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        if path.stat().st_size > settings.ANJU_IMPORT_MAX_BYTES:
            raise CommandError(f"{path}: larger than ANJU_IMPORT_MAX_MB")
        actor = SYSTEM
        if options["username"]:
            actor = User.objects.filter(username=options["username"], is_active=True).first()
            if actor is None:
                raise CommandError(f"no active account {options['username']}")
        try:
            table = tabular.read_table(path.read_bytes(), path.name)
        except tabular.TableError as error:
            raise CommandError(f"{path}: {error}") from None
        self.stdout.write(f"{path.name}: {len(table.rows)} rows")
        report = import_regions(actor, parse_regions(table), filename=path.name)
        if not report.ok:
            for error in report.errors:
                self.stderr.write(f"  row {error.row} [{error.column}]: {error.message}")
            raise CommandError(f"{len(report.errors)} bad rows: nothing was imported")
        self.stdout.write(
            self.style.SUCCESS(
                f"imported: {report.created} new, {report.updated} changed, {report.unchanged} unchanged"
            )
        )
