"""Grid boundaries from GeoJSON, through the command and the region's page: all features or none,
a reason for each bad one, in the importer's jurisdiction only, audited; the map's GeoJSON read back
in scope; and the grid found for a point."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import translation

from anju.audit.models import AuditEvent
from anju.demo import testing
from anju.regions import boundaries, geo
from anju.regions.models import Region

pytestmark = pytest.mark.django_db

GRID_B1 = testing.VILLAGE_B1 + "001"


def square(west, south, size=0.01):
    return [
        [west, south],
        [west + size, south],
        [west + size, south + size],
        [west, south + size],
        [west, south],
    ]


def feature(properties, coordinates, kind="Polygon"):
    return {
        "type": "Feature",
        "properties": properties,
        "geometry": {"type": kind, "coordinates": coordinates},
    }


def collection(*features, **extra):
    return json.dumps({"type": "FeatureCollection", **extra, "features": list(features)}).encode()


GOOD = collection(
    feature({"code": testing.GRID_A1}, [square(103.0, 36.0, 0.02), square(103.005, 36.005, 0.005)]),
)


@pytest.fixture
def grid_b1(db):
    return Region.objects.create(code=GRID_B1, name="乙一网格", level="grid", parent_id=testing.VILLAGE_B1)


def upload(client, code, content, name="grids.geojson"):
    return client.post(f"/regions/{code}/boundaries/import/", {"file": SimpleUploadedFile(name, content)})


def test_the_command_imports_a_file_and_the_grid_is_found_for_a_point(tmp_path, capsys):
    path = tmp_path / "grids.geojson"
    path.write_bytes(GOOD)
    with translation.override("en"):
        call_command("import_grids", str(path))
    assert "1 new" in capsys.readouterr().out
    grid = Region.objects.get(code=testing.GRID_A1)
    assert (grid.bbox_west, grid.bbox_south, grid.bbox_east, grid.bbox_north) == pytest.approx(
        (103, 36, 103.02, 36.02)
    )
    assert geo.grid_at(36.001, 103.001) == grid
    assert geo.grid_at(36.007, 103.007) is None  # in the hole
    assert geo.grid_at(36.001, 103.001, within=testing.TOWNSHIP_B) is None
    assert geo.grid_at(36.001, 103.001, within=Region.objects.get(code=testing.VILLAGE_A1)) == grid
    call_command("import_grids", str(path))
    runs = AuditEvent.objects.filter(action="region.boundaries.import", result="ok").order_by("id")
    assert [(e.after["created"], e.after["unchanged"]) for e in runs] == [(1, 0), (0, 1)]


def test_the_command_lists_each_bad_feature_and_imports_none(tmp_path, capsys, grid_b1):
    path = tmp_path / "grids.geojson"
    path.write_bytes(
        collection(
            feature({"code": GRID_B1}, [square(104, 37)]),  # good, but not imported: another is bad
            feature({"code": "629902100201099"}, [square(103, 36)]),
            feature({"code": testing.VILLAGE_A1}, [square(103, 36)]),
            feature({"code": testing.GRID_A1}, [[[103, 36], [103.1, 36], [103.1, 36.1], [103, 36.1]]]),
            feature({"name": "无此网格"}, [square(103, 36)]),
            feature({}, [square(103, 36)]),
        )
    )
    with translation.override("en"), pytest.raises(CommandError, match="5 bad rows"):
        call_command("import_grids", str(path))
    err = capsys.readouterr().err
    assert "row 2 [code]: 629902100201099 is not a region of this county." in err
    assert "row 3 [code]" in err and "is not a grid" in err
    assert "row 4 [geometry]" in err and "not closed" in err
    assert "row 5 [name]: No grid is named 无此网格 here." in err
    assert "row 6 [properties]" in err
    assert not Region.objects.filter(boundary__isnull=False).exists()
    assert AuditEvent.objects.filter(action="region.boundaries.import", result="refused").exists()


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"not json", "not GeoJSON"),
        (json.dumps({"type": "Feature"}).encode(), "not a GeoJSON FeatureCollection"),
        (collection(), "no features"),
        (
            collection(
                feature({"code": testing.GRID_A1}, [square(500000, 3300000, 100)]),
                crs={"type": "name", "properties": {"name": "EPSG:4547"}},
            ),
            "EPSG:4547",
        ),
    ],
)
def test_the_command_refuses_unusable_files(tmp_path, content, said):
    path = tmp_path / "grids.geojson"
    path.write_bytes(content)
    with translation.override("en"), pytest.raises(CommandError, match=said):
        call_command("import_grids", str(path))


def test_a_file_too_large_is_refused_before_reading_it(tmp_path, monkeypatch, client_for):
    monkeypatch.setattr(boundaries, "MAX_BYTES", 100)
    path = tmp_path / "grids.geojson"
    path.write_bytes(GOOD)
    with translation.override("en"), pytest.raises(CommandError, match="larger than"):
        call_command("import_grids", str(path))
    response = upload(client_for("admin"), testing.TOWNSHIP_A, GOOD)
    assert response.status_code == 400
    assert "0 MB" in response.content.decode()


def test_the_page_imports_by_name_and_multipolygon_and_is_audited(client_for):
    client = client_for("admin")
    page = client.get(f"/regions/{testing.TOWNSHIP_A}/boundaries/import/")
    assert page.status_code == 200
    content = collection(
        feature({"名称": "甲一网格"}, [[square(103, 36)], [square(103.1, 36.1)]], "MultiPolygon")
    )
    response = upload(client, testing.TOWNSHIP_A, content)
    assert response.status_code == 302, response.content.decode()[-3000:]
    grid = Region.objects.get(code=testing.GRID_A1)
    assert grid.boundary["type"] == "MultiPolygon"
    assert geo.grid_at(36.105, 103.105) == grid
    event = AuditEvent.objects.get(action="region.boundaries.import", result="ok")
    assert event.region_code == testing.TOWNSHIP_A and event.actor.username == "admin"


def test_the_page_shows_each_bad_feature(client_for):
    response = upload(
        client_for("admin"),
        testing.TOWNSHIP_A,
        collection(feature({"code": testing.GRID_A1}, [square(103, 36)], "LineString")),
    )
    assert response.status_code == 400
    assert "LineString" in response.content.decode()
    assert not Region.objects.filter(boundary__isnull=False).exists()


def test_another_townships_admin_cannot_import_for_a(client_for, grid_b1):
    client = client_for("admin_b")
    assert client.get(f"/regions/{testing.TOWNSHIP_A}/boundaries/import/").status_code == 404
    assert upload(client, testing.TOWNSHIP_A, GOOD).status_code == 404
    # From B's own page, a feature for A's grid is refused by name of the grid, and nothing changes.
    response = upload(client, testing.TOWNSHIP_B, GOOD)
    assert response.status_code == 400
    assert f"{testing.GRID_A1}" in response.content.decode()
    assert not Region.objects.filter(boundary__isnull=False).exists()
    for name in ("officer_a", "grid_a1", "auditor", "norole"):
        assert client_for(name).get(f"/regions/{testing.TOWNSHIP_A}/boundaries/import/").status_code in (
            403,
            404,
        )


def test_the_boundaries_geojson_is_scoped(client_for, grid_b1):
    client_for("admin").post(
        f"/regions/{testing.COUNTY}/boundaries/import/",
        {
            "file": SimpleUploadedFile(
                "g.geojson",
                collection(
                    feature({"code": testing.GRID_A1}, [square(103, 36)]),
                    feature({"code": GRID_B1}, [square(104, 37)]),
                ),
            )
        },
    )
    answer = client_for("leader").get(f"/regions/{testing.COUNTY}/boundaries.geojson").json()
    assert [f["id"] for f in answer["features"]] == [testing.GRID_A1, GRID_B1]
    # Township B's officer sees B's grid under the county and nothing of A.
    answer = client_for("officer_b").get(f"/regions/{testing.TOWNSHIP_B}/boundaries.geojson")
    assert [f["properties"]["code"] for f in answer.json()["features"]] == [GRID_B1]
    assert not testing.a_markers_in(answer.content)
    assert client_for("officer_b").get(f"/regions/{testing.TOWNSHIP_A}/boundaries.geojson").status_code == 404
    assert client_for("norole").get(f"/regions/{testing.TOWNSHIP_A}/boundaries.geojson").status_code in (
        403,
        404,
    )
    grid = client_for("grid_a1").get(f"/regions/{testing.GRID_A1}/boundaries.geojson").json()
    assert grid["features"][0]["geometry"]["coordinates"] == [square(103, 36)]
