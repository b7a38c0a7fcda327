from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from anju.core import tabular
from anju.core.scoping import SYSTEM
from anju.regions import queries
from anju.regions.importing import EXPORT_HEADERS
from anju.regions.models import Region


class Command(BaseCommand):
    help = "Export the jurisdiction tree (or one subtree) to CSV or XLSX, in the layout import reads."

    def add_arguments(self, parser):
        parser.add_argument("file", help="output .csv or .xlsx")
        parser.add_argument("--root", help="export only this region's subtree")

    def handle(self, *args, **options):
        path = Path(options["file"])
        root = None
        if options["root"]:
            root = Region.objects.filter(code=options["root"]).first()
            if root is None:
                raise CommandError(f"no region {options['root']}")
        rows = queries.export_rows(queries.subtree_for_export(SYSTEM, root))
        if path.suffix.lower() == ".xlsx":
            path.write_bytes(tabular.write_xlsx(EXPORT_HEADERS, rows, title="regions"))
        elif path.suffix.lower() == ".csv":
            path.write_bytes(tabular.write_csv(EXPORT_HEADERS, rows))
        else:
            raise CommandError("the output file must end in .csv or .xlsx")
        self.stdout.write(self.style.SUCCESS(f"wrote {path}"))
