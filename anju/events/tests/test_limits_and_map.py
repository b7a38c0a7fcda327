"""Time limits in the stage's own unit and the map at a county's volume, through the pages and the
API: more time asked in working hours where a category counts hours, an urgent mark halving the
limits, each photo's addresses on the API (copies without EXIF, scoped), and the map's points asked
for by the box in view, a page at a time."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from anju.demo import testing
from anju.events import actions, deadlines
from anju.events.models import Event, EventType, ExtensionRequest
from anju.worktime.calendar import WorkingCalendar

pytestmark = pytest.mark.django_db


def decide_pending(client, event):
    ask = event.extensions.get(decision="pending")
    return client.post(f"/events/extensions/{ask.pk}/decide/", {"approve": "1"})


def test_more_time_on_a_stage_of_hours_is_asked_in_working_hours(client_for, cast):
    event = cast.event()  # irrigation-blocked: its limits count working hours
    officer, mediator = client_for("officer_a"), client_for("mediator_a1")
    decide_pending(officer, event)  # the cast's own request, out of the way
    page = mediator.get(f"/events/{event.pk}/").content.decode()
    assert "extension-working_hours" in page and "extension-working_days" not in page
    in_days = mediator.post(
        f"/events/{event.pk}/extensions/", {"extension-working_days": 2, "extension-reason": "等机械"}
    )
    assert in_days.status_code == 400
    asked = mediator.post(
        f"/events/{event.pk}/extensions/", {"extension-working_hours": 4, "extension-reason": "等机械"}
    )
    assert asked.status_code == 302
    ask = ExtensionRequest.objects.get(event=event, decision="pending")
    assert (ask.working_hours, ask.working_days) == (4, 0)
    assert "4 个工作小时" in officer.get(f"/events/{event.pk}/").content.decode()
    event.refresh_from_db()
    before = event.due_at
    assert decide_pending(officer, event).status_code == 302
    event.refresh_from_db()
    assert event.due_at == WorkingCalendar.from_database().add_working_hours(before, 4)


def test_the_api_asks_in_the_category_unit_and_refuses_the_other(client_for, cast):
    event = cast.event()
    mediator = client_for("mediator_a1")
    ExtensionRequest.objects.filter(event=event).update(decision="rejected")
    url = f"/api/events/{event.pk}/extensions"
    wrong = mediator.post(url, {"working_days": 1, "reason": "等待"}, content_type="application/json")
    assert wrong.status_code == 400 and "working_hours" in wrong.content.decode()
    too_much = mediator.post(url, {"working_hours": 241, "reason": "等待"}, content_type="application/json")
    assert too_much.status_code == 422
    ok = mediator.post(url, {"working_hours": 6, "reason": "等待"}, content_type="application/json")
    assert ok.status_code == 201 and ok.json()["working_hours"] == 6 and ok.json()["working_days"] == 0
    assert (
        client_for("officer_b")
        .post(url, {"working_hours": 6, "reason": "x"}, content_type="application/json")
        .status_code
        == 404
    )


def test_marking_urgent_halves_the_running_limit_and_those_after_it(client_for, cast):
    event = cast.event()  # dispatched, 24 working hours to handle
    assert not event.event_type.urgent
    calendar = WorkingCalendar.from_database()
    answer = client_for("officer_a").post(
        f"/api/events/{event.pk}/urgent", {"reason": "汛期将至"}, content_type="application/json"
    )
    assert answer.status_code == 200 and answer.json()["urgent"] is True
    marked = Event.objects.get(pk=event.pk)
    assert marked.due_at < event.due_at
    assert deadlines.limit_of(marked.event_type, "handle", urgent=True) == 12
    # The next stage starts with half its limit too: two working hours of verification become one.
    handled = actions.handle(cast.user("mediator_a1"), marked, report="已疏通", photos=[_png()])
    assert handled.due_at == calendar.add_working_hours(handled.handled_at, 1)


def test_an_urgent_mark_leaves_a_sooner_limit_alone(cast):
    soon = timezone.now() + dt.timedelta(minutes=10)
    Event.objects.filter(pk=cast.event().pk).update(due_at=soon)
    after = actions.mark_urgent(cast.user("officer_a"), cast.event(), reason="加急")
    assert after.urgent and after.due_at == soon


def _png(name="现场.png"):
    return SimpleUploadedFile(name, testing.TINY_PNG)


def _jpeg_with_make() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "AcmePhone X"
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), "blue").save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def test_the_api_gives_each_photo_its_addresses_scoped_and_the_copies_without_exif(client_for, cast):
    event = cast.event()
    actions.add_photo(cast.user("mediator_a1"), event, SimpleUploadedFile("手机.jpg", _jpeg_with_make()))
    officer = client_for("officer_a")
    photos = officer.get(f"/api/events/{event.pk}").json()["photos"]
    assert len(photos) == 2
    jpeg = next(p for p in photos if p["original_name"] == "手机.jpg")
    assert jpeg["url"] == f"/api/events/{event.pk}/photos/{jpeg['id']}"
    for address in (jpeg["display_url"], jpeg["thumbnail_url"]):
        copy = officer.get(address)
        assert copy.status_code == 200 and copy["Content-Type"] == "image/jpeg"
        body = b"".join(copy.streaming_content)
        assert b"AcmePhone" not in body and Image.open(io.BytesIO(body)).getexif() == {}
    # The original, EXIF and all, goes to the handling chain; a county leader gets the display copy.
    original = b"".join(officer.get(jpeg["url"]).streaming_content)
    assert b"AcmePhone" in original
    leader = b"".join(client_for("leader").get(jpeg["url"]).streaming_content)
    assert b"AcmePhone" not in leader
    assert client_for("officer_b").get(jpeg["display_url"]).status_code == 404
    assert officer.get(f"/api/events/{event.pk}/photos/{jpeg['id']}?copy=raw").status_code == 422
    assert officer.get(f"/api/events/{event.pk}/photos/999999").status_code == 404


def test_the_map_asks_for_the_box_in_view_a_page_at_a_time(client_for, cast):
    event = cast.event()  # at 36.6 N, 101.7 E
    grid = EventType.objects.get(code="illegal-dumping")
    for lat in ("36.610000", "36.620000"):
        actions.report_event(
            cast.user("grid_a1"),
            region=cast.region(testing.GRID_A1),
            event_type=grid,
            title=f"甲一网格垃圾{lat}",
            description="路边垃圾",
            latitude=lat,
            longitude="101.700000",
            extra={"waste": "生活垃圾"},
            photos=[_png()],
        )
    officer = client_for("officer_a")
    everything = officer.get("/events/map.json").json()
    assert len(everything["points"]) == 3 and everything["next"] is None
    near = officer.get("/events/map.json", {"bbox": "101.6,36.605,101.8,36.7"}).json()["points"]
    assert len(near) == 2 and event.number not in " ".join(p["label"] for p in near)
    first = officer.get("/events/map.json", {"limit": 2}).json()
    assert len(first["points"]) == 2 and first["next"]
    rest = officer.get(first["next"]).json()
    assert len(rest["points"]) == 1 and rest["next"] is None
    seen = [p["url"] for p in first["points"] + rest["points"]]
    assert len(set(seen)) == 3
    for bad in ({"bbox": "101,36"}, {"bbox": "102,36,101,37"}, {"limit": "0"}, {"after": "x"}):
        assert officer.get("/events/map.json", bad).status_code == 400
    assert client_for("officer_b").get("/events/map.json").json()["points"] == []
    assert client_for("norole").get("/events/map.json", {"bbox": "101,36,102,37"}).status_code == 403


def test_the_badge_counts_what_waits_at_the_person_units_and_no_one_elses(client_for, cast):
    from anju.events.queries import waiting_count

    event = cast.event()  # dispatched to village A1
    assert waiting_count(cast.user("mediator_a1"), 100) == 1
    grid = EventType.objects.get(code="illegal-dumping")
    actions.report_event(
        cast.user("grid_a1"),
        region=cast.region(testing.GRID_A1),
        event_type=grid,
        title="甲一网格垃圾待立案",
        description="路边垃圾",
        extra={"waste": "生活垃圾"},
        photos=[_png()],
    )
    assert waiting_count(cast.user("officer_a"), 100) >= 1  # waits at township A's centre to be filed
    assert waiting_count(cast.user("officer_b"), 100) == 0
    assert waiting_count(cast.user("officer_a"), 1) <= 2  # each part capped
    page = client_for("mediator_a1").get("/events/queue/").content.decode()
    assert event.number in page and 'class="nav-count"' in page
