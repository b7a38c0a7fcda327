from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from anju.core.commands import acting_user, read_import_file, report_problems
from anju.regions.actions import import_regions
from anju.regions.importing import REGIONS, parse_regions


class Command(BaseCommand):
    help = "Import the jurisdiction tree from CSV or XLSX (all rows or none; bad rows are listed)."

    def add_arguments(self, parser):
        parser.add_argument(
            "file",
            help=".csv or .xlsx with columns code and name (level, parent code optional), "
            "or the statistics bureau's list of 12-digit codes",
        )
        parser.add_argument("--as", dest="username", help="act as this account (default: the system itself)")
        parser.add_argument("--header-row", type=int, metavar="N", help="the headers are on row N")

    def handle(self, *args, **options):
        path, table = read_import_file(options["file"], REGIONS, options["header_row"])
        actor = acting_user(options["username"])
        self.stdout.write(_("%(file)s: %(rows)d rows") % {"file": path.name, "rows": len(table.rows)})
        parsed = parse_regions(table)
        if parsed.unused:
            self.stdout.write(_("Not imported: %(columns)s") % {"columns": "、".join(parsed.unused)})
        report = import_regions(actor, parsed, filename=path.name)
        report_problems(self, report)
        self.stdout.write(
            self.style.SUCCESS(
                _("Imported: %(created)d new, %(updated)d changed, %(unchanged)d unchanged.")
                % {"created": report.created, "updated": report.updated, "unchanged": report.unchanged}
            )
        )
