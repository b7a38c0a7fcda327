"""Reading grid boundaries from a GeoJSON file (a FeatureCollection of Polygons and MultiPolygons,
each feature naming its grid by code or by name), with a reason for every bad feature, and writing
a subtree's boundaries back out as GeoJSON."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from anju.core.tabular import RowError

from . import codes, geo

# A county's grids in GeoJSON are a few megabytes; a file far larger is the wrong file (a survey's
# full detail, a whole province), refused before it is parsed.
MAX_BYTES = 20 * 2**20
MAX_FEATURES = 10_000
CODE_KEYS = ("code", "grid_code", "region_code", "代码", "网格编码", "网格代码", "编码")
NAME_KEYS = ("name", "grid_name", "名称", "网格名称")


class BoundaryFileError(ValueError):
    """The file as a whole cannot be read (too large, not JSON, not a FeatureCollection, other CRS)."""


@dataclass
class ParsedFeature:
    number: int  # 1-based, as the person counts the file's features
    code: str
    name: str
    geometry: dict


@dataclass
class ParsedBoundaries:
    features: list[ParsedFeature] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def _first(properties: dict, keys: tuple[str, ...]) -> str:
    for key in keys:
        value = properties.get(key)
        if value not in (None, ""):
            return str(value).strip()
    return ""


def parse_boundaries(data: bytes) -> ParsedBoundaries:
    """Checked features of a GeoJSON file; BoundaryFileError when the file itself is unusable."""
    if len(data) > MAX_BYTES:
        raise BoundaryFileError(
            _("The file is larger than %(mb)d MB: grid boundaries are smaller than that.")
            % {"mb": MAX_BYTES // 2**20}
        )
    try:
        collection = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as error:
        raise BoundaryFileError(_("The file is not GeoJSON (%(error)s).") % {"error": error}) from None
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        raise BoundaryFileError(_("The file is not a GeoJSON FeatureCollection."))
    try:
        geo.check_crs(collection)
    except geo.GeometryError as error:
        raise BoundaryFileError(str(error)) from None
    features = collection.get("features")
    if not isinstance(features, list) or not features:
        raise BoundaryFileError(_("The file has no features."))
    if len(features) > MAX_FEATURES:
        raise BoundaryFileError(_("The file has more than %(n)d features.") % {"n": MAX_FEATURES})

    result = ParsedBoundaries()
    seen: dict[str, int] = {}
    for number, feature in enumerate(features, 1):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            result.errors.append(RowError(number, "type", _("This is not a GeoJSON Feature.")))
            continue
        properties = feature.get("properties") if isinstance(feature.get("properties"), dict) else {}
        code = codes.normalise(_first(properties, CODE_KEYS))
        name = _first(properties, NAME_KEYS)
        if not code and not name:
            result.errors.append(
                RowError(number, "properties", _("The feature names no grid: give its code (or its name)."))
            )
            continue
        try:
            geometry = geo.check_geometry(feature.get("geometry"))
        except geo.GeometryError as error:
            result.errors.append(RowError(number, "geometry", str(error)))
            continue
        key = code or name
        if key in seen:
            result.errors.append(
                RowError(
                    number,
                    "properties",
                    _("%(grid)s appears again (first as feature %(n)d).") % {"grid": key, "n": seen[key]},
                )
            )
            continue
        seen[key] = number
        result.features.append(ParsedFeature(number, code, name, geometry))
    return result


def feature_collection(regions) -> dict:
    """The GeoJSON FeatureCollection of regions that have a boundary."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": r.code,
                "properties": {"code": r.code, "name": r.name, "level": r.level, "parent": r.parent_id},
                "geometry": r.boundary,
            }
            for r in regions
        ],
    }
