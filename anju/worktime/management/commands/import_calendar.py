from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from anju.core.commands import acting_user, read_import_file, report_problems
from anju.worktime.actions import import_days
from anju.worktime.importing import CALENDAR

DONE = gettext_noop(
    "Imported %(first)s to %(last)s: %(created)d new, %(updated)d changed, %(unchanged)d unchanged."
)


class Command(BaseCommand):
    help = (
        "Import holidays and make-up working days from CSV or XLSX (all rows or none; bad rows are listed)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file", help=".csv or .xlsx with columns date, kind (holiday/workday, 休/班), name"
        )
        parser.add_argument("--as", dest="username", help="act as this account (default: the system itself)")
        parser.add_argument("--header-row", type=int, metavar="N", help="the headers are on row N")

    def handle(self, *args, **options):
        path, table = read_import_file(options["file"], CALENDAR, options["header_row"])
        actor = acting_user(options["username"])
        self.stdout.write(_("%(file)s: %(rows)d rows") % {"file": path.name, "rows": len(table.rows)})
        try:
            report = import_days(actor, table, filename=path.name)
        except PermissionDenied as error:
            raise CommandError(f"{actor}: {error}") from None
        report_problems(self, report)
        self.stdout.write(
            self.style.SUCCESS(
                _(DONE)
                % {
                    "first": report.first,
                    "last": report.last,
                    "created": report.created,
                    "updated": report.updated,
                    "unchanged": report.unchanged,
                }
            )
        )
