"""The grid event pages and the machinery they rely on: the loop through the pages, the sweep's
cards, routing overrides, the catalogue sheet."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from anju.core import export
from anju.demo import testing
from anju.events import actions, catalogue
from anju.events.models import Event, EventType, RoutingRule
from anju.workflow import sweep

pytestmark = pytest.mark.django_db


def test_a_report_through_the_phone_form_then_the_loop_through_buttons(client_for):
    grid = client_for("grid_a1")
    assert "违反禁牧休牧" in grid.get("/events/new/").content.decode()
    form = grid.get("/events/new/?type=grazing-ban").content.decode()
    assert "牲畜种类" in form and 'name="extra_herd"' in form
    data = {
        "type": "grazing-ban",
        "region": testing.GRID_A1,
        "title": "禁牧区放牧",
        "description": "禁牧草场上有羊群。",
        "channel": "grid_worker",
        "extra_herd": ["羊"],
        "extra_count": "40",
        "latitude": "36.650000",
        "longitude": "101.750000",
        "photos": [SimpleUploadedFile("羊群.png", testing.TINY_PNG)],
    }
    answer = grid.post("/events/new/", data)
    assert answer.status_code == 302, answer.content.decode()[:2000]
    event = Event.objects.get(title="禁牧区放牧")
    assert event.extra == {"herd": ["羊"], "count": "40"}
    # The same thing seen again nearby: shown before saving, with the choice to join.
    data["photos"] = [SimpleUploadedFile("羊群.png", testing.TINY_PNG)]
    again = grid.post("/events/new/", data)
    assert again.status_code == 200 and event.number in again.content.decode()
    assert "加入" in again.content.decode() or "Join" in again.content.decode()
    assert grid.post(f"/events/{event.pk}/join/", {"description": "又看见了"}).status_code == 302
    event.refresh_from_db()
    assert event.also_reported == 1
    officer = client_for("officer_a")
    assert event.number in officer.get("/events/board/").content.decode()
    assert grid.post(f"/events/{event.pk}/act/file/", {"file-version": event.version}).status_code == 403
    assert officer.post(f"/events/{event.pk}/act/file/", {"file-version": event.version}).status_code == 302
    event.refresh_from_db()
    stale = officer.post(f"/events/{event.pk}/act/dispatch/", {"dispatch-version": event.version - 1})
    assert stale.status_code == 409
    officer.post(f"/events/{event.pk}/act/dispatch/", {"dispatch-version": event.version})
    event.refresh_from_db()
    assert event.status == "dispatched" and event.handling_unit_id == testing.VILLAGE_A1
    mediator = client_for("mediator_a1")
    assert event.number in mediator.get("/events/queue/").content.decode()
    listed = mediator.get("/events/?event_type=grazing-ban").content.decode()
    assert event.number in listed and testing.EVENT_TITLE not in listed
    assert mediator.get("/events/?cursor=bad").status_code == 400
    page = mediator.get(f"/events/{event.pk}/").content.decode()
    assert "禁牧区放牧" in page and "羊群.png" in page
    assert client_for("officer_b").get(f"/events/{event.pk}/").status_code == 404


def test_the_reporters_phone_is_masked_and_revealed_with_a_record(client_for, cast):
    from anju.audit.models import AccessRecord

    event = cast.event()
    officer = client_for("officer_a")
    page = officer.get(f"/events/{event.pk}/").content.decode()
    assert "139****0009" in page and "13900000009" not in page
    officer.post(f"/events/{event.pk}/reveal/", {"field": "reporter_phone", "purpose": "联系核实"})
    assert "13900000009" in officer.get(f"/events/{event.pk}/").content.decode()
    assert AccessRecord.objects.filter(field="reporter_phone").exists()
    assert (
        client_for("leader").post(f"/events/{event.pk}/reveal/", {"field": "reporter_phone"}).status_code
        == 403
    )


def test_the_sweep_gives_a_yellow_then_a_red_card_once_each(cast):
    event = cast.event()
    start = timezone.now()
    Event.objects.filter(pk=event.pk).update(due_at=start + dt.timedelta(minutes=30))
    first = sweep.run(start)
    assert first["event"].warned == 1
    assert sweep.run(start)["event"].warned == 0
    later = start + dt.timedelta(hours=1)
    red = sweep.run(later)
    assert red["event"].overdue == 1
    assert sweep.run(later + dt.timedelta(minutes=5))["event"].overdue == 0
    names = list(event.timeline.values_list("transition", flat=True))
    assert names.count("warn") == 1 and names.count("overdue") == 1
    # The red card is heard of one level above the handlers.
    assert event.alerts.filter(unit_id=testing.TOWNSHIP_A, reason__contains="红牌").exists()


def test_a_townships_rule_overrides_the_countys(cast):
    road = EventType.objects.get(code="road-damage")
    village = cast.region(testing.VILLAGE_A1)
    assert catalogue.route(road, village) == testing.TOWNSHIP_A  # the class's own level
    RoutingRule.objects.create(event_type=road, region_id=testing.COUNTY, level="county")
    assert catalogue.route(road, village) == testing.COUNTY
    RoutingRule.objects.create(event_type=road, region_id=testing.TOWNSHIP_A, level="village")
    assert catalogue.route(road, village) == testing.VILLAGE_A1
    assert catalogue.route(road, cast.region(testing.VILLAGE_B1)) == testing.COUNTY


def test_the_catalogue_sheet_round_trips_and_a_bad_row_saves_nothing(client_for):
    admin = client_for("admin")
    sheet = b"".join(admin.get("/events/catalogue/export/csv/").streaming_content)
    text = sheet.decode("utf-8-sig")
    assert "违反禁牧休牧" in text and "herd=牲畜种类:multiple:牛/羊/马/骆驼" in text
    headers = catalogue.export_headers()
    rows = [
        [
            "farming",
            "农牧水利",
            "grazing-ban",
            "违反禁牧",
            "否",
            "是",
            "hours",
            "0.5",
            "0.5",
            "8",
            "2",
            "村",
            "村",
            "乡镇",
            "forest_land",
            "herd=牲畜种类:multiple:牛/羊",
            "是",
        ],
        [
            "farming",
            "农牧水利",
            "new-kind",
            "新类别",
            "否",
            "否",
            "天",
            "1",
            "1",
            "3",
            "1",
            "村",
            "村",
            "乡镇",
            "other",
            "",
            "是",
        ],
    ]
    bad = [
        *rows,
        [
            "farming",
            "农牧水利",
            "broken",
            "坏行",
            "也许",
            "是",
            "weeks",
            "0",
            "1",
            "1",
            "1",
            "村",
            "村",
            "乡镇",
            "other",
            "x=:number",
            "是",
        ],
    ]
    upload = SimpleUploadedFile("catalogue.csv", export.csv_bytes(headers, bad))
    refused = admin.post("/events/catalogue/", {"file": upload})
    assert refused.status_code == 200 or refused.status_code == 400
    page = refused.content.decode()
    assert "也许" not in page or "是" in page
    assert not EventType.objects.filter(code="new-kind").exists()
    assert EventType.objects.get(code="grazing-ban").name == "违反禁牧休牧"
    upload = SimpleUploadedFile("catalogue.csv", export.csv_bytes(headers, rows))
    assert admin.post("/events/catalogue/", {"file": upload}).status_code == 302
    grazing = EventType.objects.get(code="grazing-ban")
    assert grazing.name == "违反禁牧" and grazing.handle_limit == 8
    assert grazing.extra_fields.get().options == ["牛", "羊"]
    assert EventType.objects.get(code="new-kind").limit_unit == "days"
    # Only county administrators import; everyone who works with events reads it.
    assert client_for("admin_b").post("/events/catalogue/", {}).status_code == 403
    assert client_for("grid_a1").get("/events/catalogue/").status_code == 200


def test_the_bad_rows_are_each_reported(cast):
    headers = catalogue.export_headers()
    bad = [
        [
            "farming",
            "农牧水利",
            "broken",
            "坏行",
            "也许",
            "是",
            "weeks",
            "0",
            "1",
            "1",
            "1",
            "村",
            "村",
            "乡镇",
            "other",
            "x=:number",
            "是",
        ]
    ]
    report = catalogue.import_catalogue(export.csv_bytes(headers, bad), "c.csv")
    assert not report.ok
    columns = {e.column for e in report.errors}
    assert {"紧急", "时限单位", "立案时限", "附加字段"} <= columns


def test_limits_in_working_hours_follow_the_calendar(cast):
    event = cast.event()
    event.status = "dispatched"
    due = actions.EVENT.limits.due_for(event, testing.local(2026, 3, 6, 17, 0))  # a Friday, late
    # The 24 working hours of handling skip the weekend and the nights.
    assert due.date() > dt.date(2026, 3, 9) and due.weekday() < 5 and 8 <= due.hour <= 18


def test_the_event_figures_count_the_loop(client_for, cast):
    from anju.reports import metrics

    officer, mediator = cast.officer_a, cast.mediator_a1
    event = cast.event()
    event = actions.handle(
        mediator, event, report="已疏通", photos=[SimpleUploadedFile("后.png", testing.TINY_PNG)]
    )
    event = actions.verify_fail(officer, event, reason="仍有淤泥")
    event = actions.handle(mediator, event, report="清淤完毕")
    event = actions.verify_pass(officer, event)
    actions.evaluate(officer, event, satisfaction=4, centre_score=90)
    today = timezone.localdate()
    figures = metrics.event_figures(officer, start=today, end=today + dt.timedelta(days=1))
    assert (figures.reported, figures.filed, figures.closed) == (1, 1, 1)
    assert figures.returned_by_verification == 1 and figures.evaluated == 1
    assert figures.average_satisfaction == 4.0 and figures.satisfied_share == 1.0
    rates = {s.stage: (s.done, s.on_time) for s in figures.on_time_by_stage}
    assert rates["file"] == (1, 1) and rates["verify"] == (1, 1)
    outsider = metrics.event_figures(cast.officer_b, start=today, end=today + dt.timedelta(days=1))
    assert outsider.reported == 0


def test_the_demo_county_gets_events_at_every_stage(db):
    import io

    from django.core.management import call_command

    call_command("seed", "--county", "629903", "--townships", "1", "--events", "200", stdout=io.StringIO())
    events = Event.objects.filter(region__code__startswith="629903")
    assert events.count() == 200
    assert set(events.values_list("status", flat=True)) >= {"reported", "dispatched", "closed", "evaluated"}


def test_every_timeline_name_the_events_code_writes_has_words():
    import ast
    from pathlib import Path

    import anju.events
    from anju.events.kind import EVENT

    names = set()
    for path in Path(anju.events.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            called = isinstance(node, ast.Call) and (
                getattr(node.func, "attr", None) or getattr(node.func, "id", None)
            )
            index = {"add_timeline": 3, "note_row": 3}.get(called)
            if index is not None and len(node.args) > index and isinstance(node.args[index], ast.Constant):
                names.add(node.args[index].value)
    assert {"report", "joined"} <= names
    assert names - set(EVENT.timeline_labels) == set()
