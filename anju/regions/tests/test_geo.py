"""Finding the grid for a point without a GIS database: holes, MultiPolygons, points outside every
grid, the bounding-box prefilter, and distances."""

import time

import pytest
from django.utils import translation

from anju.regions import geo


def square(west, south, size):
    return [
        [west, south],
        [west + size, south],
        [west + size, south + size],
        [west, south + size],
        [west, south],
    ]


DONUT = geo.check_geometry({"type": "Polygon", "coordinates": [square(100, 30, 1), square(100.4, 30.4, 0.2)]})
ISLANDS = geo.check_geometry(
    {"type": "MultiPolygon", "coordinates": [[square(100, 30, 0.1)], [square(101, 31, 0.1)]]}
)


def test_a_point_in_a_hole_is_outside_the_polygon():
    assert geo.contains(DONUT, 30.2, 100.2)
    assert not geo.contains(DONUT, 30.5, 100.5)  # in the hole
    assert not geo.contains(DONUT, 31.5, 100.5)  # beyond the outer ring


def test_each_part_of_a_multipolygon_counts_and_the_sea_between_does_not():
    assert geo.contains(ISLANDS, 30.05, 100.05)
    assert geo.contains(ISLANDS, 31.05, 101.05)
    assert not geo.contains(ISLANDS, 30.5, 100.5)


def test_a_concave_polygon_is_tested_by_its_shape_not_its_box():
    ell = geo.check_geometry(
        {"type": "Polygon", "coordinates": [[[0, 0], [2, 0], [2, 1], [1, 1], [1, 2], [0, 2], [0, 0]]]}
    )
    assert geo.contains(ell, 0.5, 1.5)
    assert not geo.contains(ell, 1.5, 1.5)  # in the box, outside the L


def test_locate_finds_the_grid_among_thousands_fast_and_none_outside_all():
    boundaries = []
    for i in range(60):
        for j in range(50):
            geometry = geo.check_geometry(
                {"type": "Polygon", "coordinates": [square(100 + i * 0.01, 30 + j * 0.01, 0.01)]}
            )
            boundaries.append(geo.Boundary(f"g{i:02d}{j:02d}", *geo.bbox(geometry), geometry))
    assert geo.locate(boundaries, 30.125, 100.335) == "g3312"
    assert geo.locate(boundaries, 29.0, 100.0) is None
    started = time.perf_counter()
    for _ in range(100):
        geo.locate(boundaries, 30.495, 100.595)  # the last grid: the worst case of the scan
    per_lookup = (time.perf_counter() - started) / 100
    assert per_lookup < 0.01, per_lookup  # 3,000 grids: the boxes, not the polygons, are scanned


@pytest.mark.parametrize(
    ("geometry", "said"),
    [
        ({"type": "Point", "coordinates": [100, 30]}, "only Polygon and MultiPolygon"),
        ({"type": "Polygon", "coordinates": [[[100, 30], [101, 30], [101, 31], [100, 31]]]}, "not closed"),
        ({"type": "Polygon", "coordinates": [[[100, 30], [101, 30], [100, 30]]]}, "fewer than four"),
        ({"type": "Polygon", "coordinates": [[[100, 30], [101, 30], [102, 30], [100, 30]]]}, "no area"),
        ({"type": "Polygon", "coordinates": [square(500000, 3300000, 1000)]}, "projected"),
        (
            {"type": "Polygon", "coordinates": [[[100, 30], ["a", 30], [101, 31], [100, 30]]]},
            "not [longitude",
        ),
        (None, "no geometry"),
    ],
)
def test_bad_geometries_are_refused_with_the_reason(geometry, said):
    with translation.override("en"), pytest.raises(geo.GeometryError, match=said.replace("[", r"\[")):
        geo.check_geometry(geometry)


def test_a_declared_crs_other_than_wgs84_is_refused():
    geo.check_crs({"crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}})
    with pytest.raises(geo.GeometryError, match="EPSG:4547"):
        geo.check_crs({"crs": {"type": "name", "properties": {"name": "EPSG:4547"}}})


def test_haversine_distances():
    assert geo.haversine_m((30, 100), (30, 100)) == 0
    # One degree of latitude is about 111.2 km everywhere.
    assert geo.haversine_m((30, 100), (31, 100)) == pytest.approx(111_195, rel=1e-3)
    # 200 m east at 36°N (the duplicate check's radius).
    assert geo.haversine_m((36, 103), (36, 103 + 200 / (111_195 * 0.809017))) == pytest.approx(200, rel=1e-3)
