from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from anju.core.commands import acting_user, report_problems
from anju.regions import boundaries
from anju.regions.actions import import_boundaries
from anju.regions.boundaries import BoundaryFileError, parse_boundaries
from anju.regions.models import Region


class Command(BaseCommand):
    help = "Import grid boundaries from GeoJSON (all features or none; bad features are listed)."

    def add_arguments(self, parser):
        parser.add_argument(
            "file",
            help=".geojson: a FeatureCollection of Polygons/MultiPolygons in WGS 84 longitude/latitude, "
            "each feature's properties giving the grid's code (or its name)",
        )
        parser.add_argument("--within", metavar="CODE", help="only grids under this region")
        parser.add_argument("--as", dest="username", help="act as this account (default: the system itself)")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("%(path)s: no such file.") % {"path": path})
        within = None
        if options["within"]:
            within = Region.objects.filter(code=options["within"]).first()
            if within is None:
                raise CommandError(_("No region has the code %(code)s.") % {"code": options["within"]})
        actor = acting_user(options["username"])
        try:
            # One byte past the limit is enough to refuse a file that is too large without reading it all.
            with path.open("rb") as handle:
                parsed = parse_boundaries(handle.read(boundaries.MAX_BYTES + 1))
        except BoundaryFileError as error:
            raise CommandError(f"{path}: {error}") from None
        report = import_boundaries(actor, parsed, within=within, filename=path.name)
        report_problems(self, report)
        self.stdout.write(
            self.style.SUCCESS(
                _("Grid boundaries: %(created)d new, %(updated)d changed, %(unchanged)d unchanged.")
                % {"created": report.created, "updated": report.updated, "unchanged": report.unchanged}
            )
        )
