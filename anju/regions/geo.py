"""Grid boundaries without a GIS database: GeoJSON polygons checked and kept on the region, a
point-in-polygon test (holes and MultiPolygons) behind a bounding-box prefilter, and distances.

Coordinates are GeoJSON's: [longitude, latitude] in WGS 84 (what phones' GPS and EXIF give). A
county's few thousand grids fit in memory, so finding the grid for a point is a scan of boxes and a
ray-casting test on the few whose box holds it."""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.cache import cache
from django.utils.translation import gettext as _

Ring = Sequence[Sequence[float]]
Polygon = Sequence[Ring]  # the outer ring, then holes
EARTH_RADIUS_M = 6_371_008.8  # the mean radius (IUGG), what haversine distances usually use
# A polygon with more vertices than this is a surveyed line, not a grid: refused as a mistake.
MAX_VERTICES = 20_000
# CRS names that mean plain longitude/latitude in WGS 84 (GeoJSON's 2008 form declares them).
WGS84_NAMES = frozenset(
    {"urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:OGC::CRS84", "EPSG:4326", "urn:ogc:def:crs:EPSG::4326"}
)


NUMBERS = (int, float)


class GeometryError(ValueError):
    """Why a geometry is not a usable boundary, said for the person who imported it."""


def polygons_of(geometry: dict) -> list[Polygon]:
    """The polygons of a checked Polygon or MultiPolygon geometry, each a list of rings."""
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    return list(geometry["coordinates"])


def _ring_name(polygon: int, ring: int) -> str:
    if ring == 0:
        return _("The outer ring of polygon %(n)d") % {"n": polygon}
    return _("Hole %(hole)d of polygon %(n)d") % {"hole": ring, "n": polygon}


def _check_ring(ring, polygon: int, index: int) -> list[list[float]]:
    """The ring's positions as floats; the ring is named only when it is refused."""
    if not isinstance(ring, list) or len(ring) < 4:
        raise GeometryError(
            _("%(where)s has fewer than four positions.") % {"where": _ring_name(polygon, index)}
        )
    points = []
    for position in ring:
        # type() rather than isinstance(): JSON gives exactly int or float, and true is not a number.
        if (
            type(position) is not list
            or len(position) < 2
            or not (type(position[0]) in NUMBERS and type(position[1]) in NUMBERS)
        ):
            raise GeometryError(
                _("%(where)s has a position that is not [longitude, latitude].")
                % {"where": _ring_name(polygon, index)}
            )
        lon, lat = float(position[0]), float(position[1])
        if not (-180 <= lon <= 180 and -90 <= lat <= 90) or not (math.isfinite(lon) and math.isfinite(lat)):
            raise GeometryError(
                _("%(where)s has a position outside longitude/latitude (%(lon)s, %(lat)s): is it projected?")
                % {"where": _ring_name(polygon, index), "lon": position[0], "lat": position[1]}
            )
        points.append([lon, lat])
    if points[0] != points[-1]:
        raise GeometryError(
            _("%(where)s is not closed (its first and last positions differ).")
            % {"where": _ring_name(polygon, index)}
        )
    if abs(_signed_area(points)) < 1e-12:
        raise GeometryError(_("%(where)s encloses no area.") % {"where": _ring_name(polygon, index)})
    return points


def check_geometry(geometry) -> dict:
    """A Polygon or MultiPolygon geometry with closed rings of valid positions, normalised to floats;
    a GeometryError otherwise."""
    if not isinstance(geometry, dict):
        raise GeometryError(_("The feature has no geometry."))
    kind = geometry.get("type")
    coordinates = geometry.get("coordinates")
    if kind not in ("Polygon", "MultiPolygon"):
        raise GeometryError(
            _("The geometry is a %(type)s; only Polygon and MultiPolygon are grid boundaries.")
            % {"type": kind or "?"}
        )
    if not isinstance(coordinates, list) or not coordinates:
        raise GeometryError(_("The geometry has no coordinates."))
    polygons = [coordinates] if kind == "Polygon" else coordinates
    checked = []
    for p, polygon in enumerate(polygons, 1):
        if not isinstance(polygon, list) or not polygon:
            raise GeometryError(_("Polygon %(n)d has no rings.") % {"n": p})
        rings = [_check_ring(ring, p, r) for r, ring in enumerate(polygon)]
        checked.append(rings)
    if sum(len(ring) for polygon in checked for ring in polygon) > MAX_VERTICES:
        raise GeometryError(_("The geometry has more than %(n)d positions.") % {"n": MAX_VERTICES})
    if kind == "Polygon":
        return {"type": "Polygon", "coordinates": checked[0]}
    return {"type": "MultiPolygon", "coordinates": checked}


def check_crs(collection: dict) -> None:
    """GeoJSON is longitude/latitude in WGS 84 (RFC 7946); an older file may declare another CRS,
    whose numbers would land the grids somewhere else: refuse it rather than guess."""
    crs = collection.get("crs")
    if crs is None:
        return
    name = crs.get("properties", {}).get("name") if isinstance(crs, dict) else None
    if name not in WGS84_NAMES:
        raise GeometryError(
            _("The file declares the coordinate system %(crs)s; grids must be in WGS 84 longitude/latitude.")
            % {"crs": name or crs}
        )


def bbox(geometry: dict) -> tuple[float, float, float, float]:
    """(west, south, east, north) of a checked geometry: only outer rings count."""
    xs, ys = [], []
    for polygon in polygons_of(geometry):
        for lon, lat in polygon[0]:
            xs.append(lon)
            ys.append(lat)
    return min(xs), min(ys), max(xs), max(ys)


def _signed_area(ring: Ring) -> float:
    return sum(a[0] * b[1] - b[0] * a[1] for a, b in itertools.pairwise(ring)) / 2


def _in_ring(lon: float, lat: float, ring: Ring) -> bool:
    """Ray casting: a point on a ring's edge may go either way, which for a grid (edges shared with
    the neighbour) means it lands in one of the two."""
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i][0], ring[i][1]
        xj, yj = ring[j][0], ring[j][1]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def contains(geometry: dict, lat: float, lon: float) -> bool:
    """Is the point in one of the geometry's polygons and in none of that polygon's holes?"""
    for polygon in polygons_of(geometry):
        if _in_ring(lon, lat, polygon[0]) and not any(_in_ring(lon, lat, hole) for hole in polygon[1:]):
            return True
    return False


@dataclass(frozen=True)
class Boundary:
    code: str
    west: float
    south: float
    east: float
    north: float
    geometry: dict

    def holds(self, lat: float, lon: float) -> bool:
        return (
            self.west <= lon <= self.east
            and self.south <= lat <= self.north
            and contains(self.geometry, lat, lon)
        )


def locate(boundaries: Iterable[Boundary], lat: float, lon: float) -> str | None:
    """The code of the first boundary (in code order) holding the point, or None."""
    for boundary in boundaries:
        if boundary.holds(lat, lon):
            return boundary.code
    return None


def _cache_key(prefix: str) -> str:
    """Changes whenever a boundary under the prefix is imported or a grid with one is retired."""
    from django.db.models import Count, Max, Q

    from .models import Region

    state = Region.objects.filter(code__startswith=prefix, boundary__isnull=False).aggregate(
        latest=Max("boundary_updated_at"), retired=Count("code", filter=Q(retired_on__isnull=False))
    )
    latest = state["latest"].isoformat() if state["latest"] else "-"
    return f"anju:grids:{prefix}:{latest}:{state['retired']}"


def boundaries_under(prefix: str) -> list[Boundary]:
    """The grid boundaries in a subtree, sorted by code; kept in the cache until one changes (the key
    holds the latest change, so a new import is seen at once)."""
    from .choices import Level
    from .models import Region

    key = _cache_key(prefix)
    found = cache.get(key)
    if found is None:
        found = [
            Boundary(r.code, r.bbox_west, r.bbox_south, r.bbox_east, r.bbox_north, r.boundary)
            for r in Region.objects.filter(
                code__startswith=prefix, level=Level.GRID, boundary__isnull=False, retired_on__isnull=True
            ).order_by("code")
        ]
        cache.set(key, found, 3600)
    return found


def grid_at(lat: float, lon: float, within=None):
    """The grid (a Region) whose boundary holds the point, looking only under `within` (a Region or a
    code prefix) when given; None where no imported boundary holds it."""
    from .models import Region

    prefix = getattr(within, "code", within) or ""
    code = locate(boundaries_under(prefix), lat, lon)
    return Region.objects.filter(code=code).first() if code else None


def haversine_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Metres along the ground between two (lat, lon) points, on a sphere (good to ~0.5%, plenty for
    "within 200 m")."""
    lat1, lon1 = map(math.radians, a)
    lat2, lon2 = map(math.radians, b)
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))
