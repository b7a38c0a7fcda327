from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from anju.audit.actions import record
from anju.core.scoping import SYSTEM
from anju.disputes import ledger, queries
from anju.regions.models import Region


class Command(BaseCommand):
    help = "Export disputes (or one region's) to CSV or XLSX in the ledger's layout, which import reads."

    def add_arguments(self, parser):
        parser.add_argument("file", help="output .xlsx or .csv")
        parser.add_argument("--region", help="export only the disputes that arose in this region's subtree")

    def handle(self, *args, **options):
        path = Path(options["file"])
        fmt = path.suffix.lower().lstrip(".")
        if fmt not in ("xlsx", "csv"):
            raise CommandError("the output file must end in .csv or .xlsx")
        region = options["region"] or ""
        if region and not Region.objects.filter(code=region).exists():
            raise CommandError(f"no region {region}")
        disputes = queries.filtered(SYSTEM, queries.Filters(region=region))
        count = ledger.export_queryset(disputes).count()
        with path.open("wb") as out:
            for chunk in ledger.export_chunks(disputes, fmt):
                out.write(chunk)
        record(
            SYSTEM,
            "dispute.export",
            region_code=region,
            after={"format": fmt, "rows": count, "file": path.name},
        )
        self.stdout.write(self.style.SUCCESS(f"wrote {count:,} disputes to {path}"))
