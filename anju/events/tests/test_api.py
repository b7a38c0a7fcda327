"""The events API, with the cast: the whole loop, refusals by jurisdiction and role, stale
versions, idempotent reports, duplicates and conversion to a dispute."""

import base64

import pytest

from anju.demo import testing
from anju.events.models import Event

pytestmark = pytest.mark.django_db

PNG = base64.b64encode(testing.TINY_PNG).decode()


def report(client, **extra):
    body = {
        "region": testing.GRID_A1,
        "category": "illegal-dumping",
        "title": "甲一网格路边垃圾",
        "description": "路边倾倒了一车建筑垃圾。",
        "latitude": "36.700000",
        "longitude": "101.800000",
        "extra": {"waste": "建筑垃圾", "area": "12"},
        "reporter_name": "王五",
        "reporter_phone": "13912345678",
        "photos": [{"name": "现场.png", "content_base64": PNG}],
        **extra,
    }
    return client.post("/api/events", body, content_type="application/json")


def act(client, event_id, path, **body):
    return client.post(f"/api/events/{event_id}/{path}", body, content_type="application/json")


def test_the_whole_loop_through_the_api(client_for):
    grid, officer, mediator = client_for("grid_a1"), client_for("officer_a"), client_for("mediator_a1")
    answer = report(grid)
    assert answer.status_code == 201, answer.content
    event = answer.json()
    assert event["status"] == "reported" and event["handling_unit"] == testing.TOWNSHIP_A
    assert event["reporter_phone"] == "139****5678" and "王五" not in answer.content.decode()
    assert event["extra"] == {"waste": "建筑垃圾", "area": "12"}
    assert event["due_at"] and len(event["photos"]) == 1
    assert "file" not in event["allowed_actions"]  # a grid worker does not file
    eid = event["id"]
    assert act(grid, eid, "file").status_code == 403
    assert act(officer, eid, "file", version=event["version"]).json()["status"] == "filed"
    dispatched = act(officer, eid, "dispatch").json()
    # Illegal dumping in a grid is the village's to handle (the catalogue's default).
    assert dispatched["status"] == "dispatched" and dispatched["handling_unit"] == testing.VILLAGE_A1
    assert act(mediator, eid, "send-back", reason="不属于本村").json()["handling_unit"] == testing.TOWNSHIP_A
    act(officer, eid, "dispatch")
    handled = act(
        mediator, eid, "handle", report="已清运", photos=[{"name": "清运后.png", "content_base64": PNG}]
    )
    assert handled.json()["status"] == "handled"
    assert act(mediator, eid, "verify-pass").status_code == 403  # handlers do not verify their own work
    failed = act(officer, eid, "verify-fail", reason="仍有残余").json()
    assert failed["status"] == "dispatched" and failed["returned"] == 1
    act(mediator, eid, "handle", report="全部清运", photos=[{"name": "再次.png", "content_base64": PNG}])
    closed = act(officer, eid, "verify-pass", note="现场核查通过").json()
    assert closed["status"] == "closed"
    evaluated = act(officer, eid, "evaluate", satisfaction=5, centre_score=95).json()
    assert evaluated["status"] == "evaluated" and evaluated["satisfaction"] == 5
    names = [t["transition"] for t in evaluated["timeline"]]
    for name in [
        "report",
        "file",
        "dispatch",
        "send_back",
        "handle",
        "verify_fail",
        "verify_pass",
        "evaluate",
    ]:
        assert name in names
    saved = Event.objects.get(pk=eid)
    assert (
        saved.filed_at and saved.dispatched_at and saved.handled_at and saved.verified_at and saved.closed_at
    )
    assert saved.photos.filter(purpose="handling").count() == 2


def test_outsiders_get_404_and_wrong_roles_403(client_for, cast):
    event = cast.event()
    assert client_for("officer_b").get(f"/api/events/{event.pk}").status_code == 404
    assert act(client_for("officer_b"), event.pk, "handle", report="x").status_code == 404
    assert client_for("leader").get(f"/api/events/{event.pk}").status_code == 200
    assert act(client_for("leader"), event.pk, "handle", report="x").status_code == 403
    assert report(client_for("auditor")).status_code == 403
    b = report(client_for("officer_b"), region=testing.GRID_A1)
    assert b.status_code == 404
    assert not testing.a_markers_in(client_for("officer_b").get("/api/events").content)


def test_a_stale_version_is_refused(client_for, cast):
    event = cast.event()
    answer = act(client_for("mediator_a1"), event.pk, "send-back", reason="x", version=event.version - 1)
    assert answer.status_code == 409


def test_bad_input_is_a_clear_4xx(client_for):
    grid = client_for("grid_a1")
    assert report(grid, category="no-such").status_code == 400
    bad_extra = report(grid, extra={"waste": "核废料"})
    assert bad_extra.status_code == 400 and "extra.waste" in bad_extra.json()["errors"]
    assert report(grid, photos=[]).status_code == 400  # this class needs a photo
    assert report(grid, photos=[{"name": "x.png", "content_base64": "!!!!"}]).status_code == 400
    assert report(grid, latitude="95").status_code == 422
    assert client_for("grid_a1").get("/api/events?cursor=nonsense").status_code == 400


def test_a_report_is_idempotent(client_for):
    grid = client_for("grid_a1")
    body = {
        "region": testing.GRID_A1,
        "category": "drinking-water",
        "title": "饮水困难",
        "description": "水管冻裂",
    }
    first = grid.post("/api/events", body, content_type="application/json", headers={"Idempotency-Key": "k1"})
    again = grid.post("/api/events", body, content_type="application/json", headers={"Idempotency-Key": "k1"})
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert Event.objects.filter(title="饮水困难").count() == 1


def test_a_nearby_report_of_the_same_kind_is_a_possible_duplicate(client_for):
    grid = client_for("grid_a1")
    first = report(grid).json()
    # About 50 m north of the first.
    near = report(grid, latitude="36.700450")
    assert near.status_code == 409
    assert [d["number"] for d in near.json()["duplicates"]] == [first["number"]]
    assert 30 < near.json()["duplicates"][0]["metres"] < 70
    far = report(grid, latitude="36.710000")  # over a kilometre away
    assert far.status_code == 201
    joined = grid.post(
        f"/api/events/{first['id']}/join", {"description": "又有人倒了"}, content_type="application/json"
    )
    assert joined.json()["also_reported"] == 1


def test_converting_to_a_dispute_shows_on_both_timelines(client_for, cast):
    from anju.disputes.models import Dispute

    event = cast.event()
    answer = act(client_for("officer_a"), event.pk, "convert", category="neighbour", party_name="甲当事人三")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["status"] == "converted"
    dispute = Dispute.objects.get(pk=body["dispute"])
    assert dispute.channel == "grid_event" and dispute.title == event.title
    assert event.number in dispute.timeline.get(transition="register").note
    assert body["timeline"][-1]["transition"] == "convert" and dispute.number in body["timeline"][-1]["note"]
    page = client_for("officer_a").get(f"/disputes/{dispute.pk}/").content.decode()
    assert event.number in page


def test_extension_requests_are_decided_one_level_up(client_for, cast):
    event = cast.event()
    ext = event.extensions.get()
    assert (
        client_for("mediator_a1")
        .post(f"/api/events/extensions/{ext.pk}/decide", {"approve": True}, content_type="application/json")
        .status_code
        == 403
    )
    before = event.due_at
    ok = client_for("officer_a").post(
        f"/api/events/extensions/{ext.pk}/decide", {"approve": True}, content_type="application/json"
    )
    assert ok.status_code == 200 and ok.json()["decision"] == "approved"
    event.refresh_from_db()
    assert event.due_at > before
    asked = client_for("mediator_a1").post(
        f"/api/events/{event.pk}/extensions",
        {"working_hours": 4, "reason": "等待"},  # the category counts its limits in working hours
        content_type="application/json",
    )
    assert asked.status_code == 201 and asked.json()["approver_unit"] == testing.TOWNSHIP_A


def test_void_and_mark_urgent_and_alerts(client_for):
    grid, officer, mediator = client_for("grid_a1"), client_for("officer_a"), client_for("mediator_a1")
    first = report(grid).json()
    assert act(officer, first["id"], "void").status_code == 422  # a reason is needed
    voided = act(officer, first["id"], "void", reason="重复上报").json()
    assert voided["status"] == "voided" and voided["due_at"] is None
    second = report(grid, latitude="36.720000").json()
    urgent = act(officer, second["id"], "urgent", reason="靠近水源").json()
    assert urgent["urgent"] is True
    assert act(officer, second["id"], "urgent", reason="再次").status_code == 400
    act(officer, second["id"], "file")
    act(officer, second["id"], "dispatch")
    queue = mediator.get("/events/queue/").content.decode()
    assert "派遣给您" in queue and second["number"] in queue
    from anju.events.models import Alert

    alert = Alert.objects.filter(event_id=second["id"], unit_id=testing.VILLAGE_A1).first()
    assert client_for("officer_b").post(f"/events/alerts/{alert.pk}/acknowledge/").status_code == 404
    assert mediator.post(f"/events/alerts/{alert.pk}/acknowledge/").status_code == 302
    alert.refresh_from_db()
    assert alert.acknowledged_at is not None


def test_the_event_figures_through_the_reports_api(client_for):
    answer = client_for("officer_a").get("/api/reports/events")
    assert answer.status_code == 200
    body = answer.json()
    assert body["reported"] >= 1 and [s["stage"] for s in body["on_time_by_stage"]] == [
        "file",
        "dispatch",
        "handle",
        "verify",
    ]
    assert client_for("officer_b").get("/api/reports/events").json()["reported"] == 0
    assert client_for("officer_b").get(f"/api/reports/events?region={testing.TOWNSHIP_A}").status_code == 404
    assert client_for("auditor").get("/api/reports/events").status_code == 403
    assert client_for("officer_a").get("/api/reports/events?date_from=2026-02-30").status_code == 422


def test_the_list_pages_by_keyset_both_ways(client_for):
    grid = client_for("grid_a1")
    for n in range(3):
        body = {
            "region": testing.GRID_A1,
            "category": "drinking-water",
            "title": f"缺水{n}",
            "description": "缺水",
        }
        assert grid.post("/api/events", body, content_type="application/json").status_code == 201
    seen, cursor = [], None
    while True:
        url = "/api/events?limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = grid.get(url).json()
        seen += [e["number"] for e in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == 3  # the grid worker sees its grid's three
    last = grid.get("/api/events?limit=2").json()
    second = grid.get(f"/api/events?limit=2&cursor={last['next_cursor']}").json()
    back = grid.get(f"/api/events?limit=2&before={second['prev_cursor']}").json()
    assert [e["number"] for e in back["items"]] == [e["number"] for e in last["items"]]
    assert not testing.a_markers_in(client_for("officer_b").get("/api/events").content)


def test_a_county_department_is_not_a_place_to_report_an_event(client, cast):
    """An event happens in a place: reported at a county department (县直部门), through the API as
    through the form, it is refused with a reason and nothing is written."""
    from anju.accounts.choices import Role
    from anju.regions.models import Region

    Region.objects.create(code="629902502", name="县住建局", level="township", parent_id=testing.COUNTY)
    testing.add_staff("centre_county", "县中心值班员", Role.CENTRE_OPERATOR, testing.COUNTY)
    client.force_login(testing.User.objects.get(username="centre_county"))
    refused = report(client, region="629902502")
    assert refused.status_code == 400
    reason = "县住建局 (629902502) 是县直部门，不是地点：请选择事情发生的地方。"
    assert refused.json()["errors"]["region"] == [reason]
    assert not Event.objects.filter(region_id="629902502").exists()
    form = client.get("/events/new/?type=illegal-dumping")
    assert form.status_code == 200 and "629902502" not in form.content.decode()
    assert report(client).status_code == 201
