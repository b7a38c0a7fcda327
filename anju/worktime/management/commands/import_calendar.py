from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from anju.accounts.models import User
from anju.core import tabular
from anju.core.scoping import SYSTEM
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
        try:
            report = import_days(actor, table, filename=path.name)
        except PermissionDenied as error:
            raise CommandError(f"{actor}: {error}") from None
        if not report.ok:
            for error in report.errors:
                self.stderr.write(f"  row {error.row} [{error.column}]: {error.message}")
            raise CommandError(f"{len(report.errors)} bad rows: nothing was imported")
        self.stdout.write(
            self.style.SUCCESS(
                f"imported {report.first}..{report.last}: {report.created} new, "
                f"{report.updated} changed, {report.unchanged} unchanged"
            )
        )
