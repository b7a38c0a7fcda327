"""The jurisdiction tree as users meet it: browsing pages, the API, and the administrators' edits."""

import pytest

from anju.audit.models import AuditEvent
from anju.demo import testing
from anju.regions.models import Region, RegionBorder

pytestmark = pytest.mark.django_db


def test_a_township_officer_browses_only_their_subtree(client_for):
    client = client_for("officer_a")
    index = client.get("/regions/").content.decode()
    assert "甲镇" in index and "乙镇" not in index and "测试县" not in index
    detail = client.get(f"/regions/{testing.TOWNSHIP_A}/").content.decode()
    assert "甲一村" in detail and "甲二村" in detail
    assert "· 镇</dd>" in detail  # the township's kind, from its code segment (100-199: town)
    assert client.get(f"/regions/{testing.TOWNSHIP_B}/").status_code == 404
    assert client.get(f"/regions/{testing.COUNTY}/").status_code == 404


def test_region_page_shows_staff_and_neighbours(client_for):
    page = client_for("leader").get(f"/regions/{testing.VILLAGE_A1}/").content.decode()
    assert "甲调解员" in page  # the village's mediator
    assert "甲二村" in page and "邻县丙村" in page and "邻县" in page  # local and other-county neighbours


def test_search_finds_by_name_and_code_inside_the_jurisdiction(client_for):
    client = client_for("officer_b")
    assert "乙一村" in client.get("/regions/", {"q": "乙一"}).content.decode()
    assert "甲一村" not in client.get("/regions/", {"q": "甲一"}).content.decode()
    assert "乙一村" in client.get("/regions/", {"q": testing.VILLAGE_B1}).content.decode()


def test_api_lists_a_subtree_with_keyset_pages(client_for):
    client = client_for("leader")
    first = client.get("/api/regions", {"limit": 3}).json()
    assert [r["code"] for r in first["items"]] == [testing.COUNTY, testing.TOWNSHIP_A, testing.VILLAGE_A1]
    second = client.get("/api/regions", {"limit": 3, "after": first["next_after"]}).json()
    assert second["items"][0]["code"] == testing.GRID_A1
    children = client.get("/api/regions", {"parent": testing.TOWNSHIP_A}).json()["items"]
    assert [r["code"] for r in children] == [testing.VILLAGE_A1, testing.VILLAGE_A2]
    villages = client.get("/api/regions", {"level": "village"}).json()["items"]
    assert {r["code"] for r in villages} == {testing.VILLAGE_A1, testing.VILLAGE_A2, testing.VILLAGE_B1}


def test_api_answers_bad_input_with_4xx(client_for):
    client = client_for("leader")
    assert client.get("/api/regions", {"level": "planet"}).status_code == 422
    assert client.get("/api/regions", {"limit": 0}).status_code == 422
    assert client.get("/api/regions/not-a-code").status_code == 404


def test_subtree_query_is_a_prefix_on_the_code(cast):
    assert set(Region.objects.in_subtree(testing.TOWNSHIP_A).values_list("code", flat=True)) == {
        testing.TOWNSHIP_A,
        testing.VILLAGE_A1,
        testing.VILLAGE_A2,
        testing.GRID_A1,
        testing.GROUP_A1,
    }
    visible = Region.objects.visible_to(cast.grid_a1, "view")
    assert set(visible.values_list("code", flat=True)) == {testing.GRID_A1, testing.GROUP_A1}


def test_administrator_creates_a_grid_through_the_api_and_it_is_audited(client_for):
    client = client_for("admin")
    response = client.post(
        "/api/regions",
        {"code": "629902100201002", "name": "甲一村第二网格", "grid_type": "dedicated", "households": 80},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["parent_code"] == testing.VILLAGE_A1
    event = AuditEvent.objects.get(action="region.create", object_id="629902100201002")
    assert event.actor_username == "admin" and event.after["name"] == "甲一村第二网格"
    assert event.request_id and event.ip == "127.0.0.1"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"code": "629902100201000", "name": "x"}, "code"),  # grid segment 000
        ({"code": "629902100299001", "name": "x"}, "code"),  # parent village does not exist
        ({"code": testing.VILLAGE_A1, "name": "x"}, "code"),  # exists already
        ({"code": "629902100201003", "name": "x", "grid_type": "round"}, "grid_type"),
    ],
)
def test_bad_regions_are_refused_with_field_errors(client_for, payload, field):
    response = client_for("admin").post("/api/regions", payload, content_type="application/json")
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_another_townships_administrator_cannot_create_in_a_and_the_refusal_is_audited(client_for):
    response = client_for("admin_b").post(
        "/api/regions", {"code": "629902100201002", "name": "越权"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert not Region.objects.filter(code="629902100201002").exists()
    refusal = AuditEvent.objects.get(action="region.create", actor_username="admin_b")
    assert refusal.result == "refused"


def test_administrator_edits_a_region_on_its_page(client_for):
    client = client_for("admin")
    response = client.post(
        f"/regions/{testing.GRID_A1}/edit/",
        {"name": "甲一网格（新）", "grid_type": "general", "households": 310},
    )
    assert response.status_code == 302
    grid = Region.objects.get(code=testing.GRID_A1)
    assert (grid.name, grid.households) == ("甲一网格（新）", 310)
    event = AuditEvent.objects.get(action="region.update", object_id=testing.GRID_A1)
    assert event.before["households"] == 300 and event.after["households"] == 310


def test_leaders_read_but_do_not_edit(client_for):
    client = client_for("leader")
    assert client.get(f"/regions/{testing.GRID_A1}/edit/").status_code == 403
    assert "/edit/" not in client.get(f"/regions/{testing.GRID_A1}/").content.decode()


def test_borders_are_linked_both_ways_and_can_name_another_county(client_for):
    client = client_for("admin")
    client.post(f"/regions/{testing.VILLAGE_A2}/borders/", {"neighbour_code": testing.VILLAGE_B1})
    assert RegionBorder.objects.filter(
        region_id=testing.VILLAGE_A2, neighbour_code=testing.VILLAGE_B1
    ).exists()
    assert RegionBorder.objects.filter(
        region_id=testing.VILLAGE_B1, neighbour_code=testing.VILLAGE_A2
    ).exists()
    response = client.post(f"/regions/{testing.VILLAGE_A2}/borders/", {"neighbour_code": "629903200202"})
    assert response.status_code == 302
    assert not RegionBorder.objects.filter(neighbour_code="629903200202").exists()  # no county named
    client.post(
        f"/regions/{testing.VILLAGE_A2}/borders/",
        {"neighbour_code": "629903200202", "neighbour_name": "邻县丁村", "other_county": "邻县"},
    )
    api = client.get(f"/api/regions/{testing.VILLAGE_A2}/borders").json()
    assert {"neighbour_code": "629903200202", "neighbour_name": "邻县丁村", "other_county": "邻县"} in api
    client.post(f"/regions/{testing.VILLAGE_A2}/borders/{testing.VILLAGE_B1}/remove/")
    assert not RegionBorder.objects.filter(
        region_id=testing.VILLAGE_B1, neighbour_code=testing.VILLAGE_A2
    ).exists()


def test_retired_regions_stay_resolvable(client_for, cast):
    from anju.regions.actions import retire_region

    retire_region(cast.admin, cast.region(testing.VILLAGE_A2))
    page = client_for("leader").get(f"/regions/{testing.VILLAGE_A2}/")
    assert page.status_code == 200
    assert "撤销日期" in page.content.decode()
    assert client_for("leader").get(f"/api/regions/{testing.VILLAGE_A2}").json()["retired_on"] is not None


def test_administrator_retires_a_subtree_on_its_page(client_for):
    client = client_for("admin")
    assert client.post(f"/regions/{testing.VILLAGE_A1}/retire/").status_code == 302
    retired = set(Region.objects.filter(retired_on__isnull=False).values_list("code", flat=True))
    assert retired == {testing.VILLAGE_A1, testing.GRID_A1, testing.GROUP_A1}
    assert AuditEvent.objects.get(action="region.retire").after["regions"] == 3
    # a retired region takes no new roles
    response = client.post("/staff/", {**NEW_MEDIATOR, "region": testing.VILLAGE_A1})
    assert "已撤销" in response.content.decode()


def test_retire_through_the_api_is_idempotent(client_for):
    client = client_for("admin")
    first = client.post(f"/api/regions/{testing.VILLAGE_A2}/retire").json()["retired_on"]
    second = client.post(f"/api/regions/{testing.VILLAGE_A2}/retire").json()["retired_on"]
    assert first == second
    assert AuditEvent.objects.filter(action="region.retire").count() == 1


NEW_MEDIATOR = {
    "username": "m2",
    "full_name": "新调解员",
    "phone": "",
    "password": "Strong-pass-2026",
    "role": "mediator",
}
