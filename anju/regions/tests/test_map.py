"""The grid map on a region's page: drawn from the boundaries' GeoJSON, over the county's tiles or
天地图 when configured (and the policy admits that host's images then only), on a plain background
with a note otherwise."""

import json
import re

import pytest
from django.test import override_settings

from anju.demo import testing
from anju.regions.models import Region

pytestmark = pytest.mark.django_db
RING = [[103.0, 36.0], [103.02, 36.0], [103.02, 36.02], [103.0, 36.02], [103.0, 36.0]]


@pytest.fixture
def bounded(db):
    Region.objects.filter(code=testing.GRID_A1).update(
        boundary={"type": "Polygon", "coordinates": [RING]},
        bbox_west=103.0,
        bbox_south=36.0,
        bbox_east=103.02,
        bbox_north=36.02,
    )


def map_config(page: str) -> dict:
    match = re.search(r'<script id="map-1-config" type="application/json">(.*?)</script>', page, re.S)
    return json.loads(match.group(1))


def test_without_tiles_the_map_draws_on_a_plain_background_with_a_note(client_for, bounded):
    answer = client_for("officer_a").get(f"/regions/{testing.VILLAGE_A1}/")
    page = answer.content.decode()
    assert 'data-map="map-1-config"' in page and "vendor/leaflet/leaflet.js" in page and "anju/map.js" in page
    config = map_config(page)
    assert (
        config["tiles"] == [] and config["boundaries"] == f"/regions/{testing.VILLAGE_A1}/boundaries.geojson"
    )
    assert "map no-tiles" in page and "未加载底图" in page
    # A clerk is told what they see, not the names of settings they cannot change.
    assert "ANJU_MAP_TILES" not in page
    assert "img-src 'self' data:;" in answer["Content-Security-Policy"]


def test_an_administrator_is_told_which_setting_shows_a_background_map(client_for, bounded):
    page = client_for("admin").get(f"/regions/{testing.VILLAGE_A1}/").content.decode()
    assert "ANJU_MAP_TILES" in page and "ANJU_TIANDITU_KEY" in page


@override_settings(
    ANJU_MAP_TILES="https://{s}.tiles.county.example.cn/{z}/{x}/{y}.png", ANJU_MAP_ATTRIBUTION="县自然资源局"
)
def test_the_countys_tile_server_is_used_and_admitted_for_images_only(client_for, bounded):
    answer = client_for("officer_a").get(f"/regions/{testing.TOWNSHIP_A}/")
    config = map_config(answer.content.decode())
    assert config["tiles"][0]["url"] == "https://{s}.tiles.county.example.cn/{z}/{x}/{y}.png"
    assert config["tiles"][0]["attribution"] == "县自然资源局"
    policy = answer["Content-Security-Policy"]
    assert "img-src 'self' data: https://*.tiles.county.example.cn;" in policy
    assert policy.count("tiles.county.example.cn") == 1  # nowhere but img-src
    assert "no-tiles" not in answer.content.decode()


@override_settings(ANJU_TIANDITU_KEY="abc123def456")
def test_tianditu_gives_the_vector_map_and_its_annotation_with_attribution(client_for, bounded):
    answer = client_for("leader").get(f"/regions/{testing.VILLAGE_A1}/")
    tiles = map_config(answer.content.decode())["tiles"]
    assert [("vec_w" in t["url"], "cva_w" in t["url"]) for t in tiles] == [(True, False), (False, True)]
    assert all("tk=abc123def456" in t["url"] and t["subdomains"] == "01234567" for t in tiles)
    assert "天地图" in tiles[0]["attribution"]
    assert "https://t{s}" not in answer["Content-Security-Policy"]
    assert "img-src 'self' data: https://*.tianditu.gov.cn;" in answer["Content-Security-Policy"]


def test_a_region_without_boundaries_says_so_and_draws_no_map(client_for):
    page = client_for("admin").get(f"/regions/{testing.VILLAGE_A2}/").content.decode()
    assert "data-map=" not in page
    assert f"/regions/{testing.VILLAGE_A2}/boundaries/import/" in page
    # Someone who may not change the region sees no import button.
    assert (
        "/boundaries/import/"
        not in client_for("mediator_a1").get(f"/regions/{testing.VILLAGE_A1}/").content.decode()
    )


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("ftp://tiles/{z}/{x}/{y}.png", "http"),
        ("https://tiles.example.cn/{z}/{x}.png", "{y}"),
        ("https://tiles.{s}.example.cn/{z}/{x}/{y}.png", "first label"),
    ],
)
def test_a_bad_tile_address_stops_the_start(monkeypatch, value, said):
    from django.core.exceptions import ImproperlyConfigured

    from anju.settings import env_tile_template

    monkeypatch.setenv("ANJU_MAP_TILES", value)
    with pytest.raises(ImproperlyConfigured, match=re.escape(said)):
        env_tile_template("ANJU_MAP_TILES")
