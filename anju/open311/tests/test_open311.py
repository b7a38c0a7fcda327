"""The Open311 GeoReport v2 door, as a client written to the specification sees it: every endpoint
in XML and JSON, every error in the specification's format, paging, dates with zones, comma lists,
posting with and without a photo, and the API keys (missing, revoked, over their limit)."""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from anju.audit.models import AuditEvent
from anju.demo import testing
from anju.events.choices import Status
from anju.events.models import Event, EventType
from anju.open311 import keys
from anju.open311.models import ApiKey, ServiceRequest

pytestmark = pytest.mark.django_db

V2 = "/open311/v2/"
PRIVATE = ["王小明", "13912345678", "139****5678", "wang@example.cn", "王", "小明"]


@pytest.fixture
def key(cast):
    _key, secret = keys.create_key(
        cast.user("admin"), name="县便民小程序", channel="resident", account=cast.user("grid_a1")
    )
    return secret


@pytest.fixture
def no_photo_needed(cast):
    EventType.objects.filter(code__in=["illegal-dumping", "grazing-ban"]).update(photo_required=False)


def xml_of(response) -> ET.Element:
    assert response["Content-Type"].startswith("text/xml"), response["Content-Type"]
    # The XML is this server's own answer, parsed as a client would (the brief asks for xml.etree).
    return ET.fromstring(response.content)  # noqa: S314


def json_of(response):
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    return json.loads(response.content)


def assert_error(response, status: int, fmt: str) -> str:
    assert response.status_code == status, response.content[:500]
    if fmt == "json":
        body = json_of(response)
        assert isinstance(body, list) and len(body) == 1
        assert body[0]["code"] == status and body[0]["description"]
        return body[0]["description"]
    root = xml_of(response)
    assert root.tag == "errors"
    (error,) = root.findall("error")
    assert error.findtext("code") == str(status) and error.findtext("description")
    return error.findtext("description")


def post(client, secret, fmt="json", **fields):
    body = {
        "service_code": "illegal-dumping",
        "lat": "36.700000",
        "long": "101.800000",
        "address_string": "甲一网格公路边",
        "description": "路边倾倒了一车建筑垃圾。",
        "attribute[waste]": "建筑垃圾",
        "attribute[area]": "12",
        "first_name": "小明",
        "last_name": "王",
        "email": "wang@example.cn",
        "phone": "13912345678",
        **({"api_key": secret} if secret is not None else {}),
        **fields,
    }
    body = {k: v for k, v in body.items() if v is not None}
    return client.post(f"{V2}requests.{fmt}", body)


def posted_number(response) -> str:
    assert response.status_code == 201, response.content[:500]
    (item,) = json_of(response)
    return item["service_request_id"]


# --- discovery and services ----------------------------------------------------------------------


def test_discovery_in_both_formats(client, cast):
    body = json_of(client.get(f"{V2}discovery.json"))
    (endpoint,) = body["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith(V2) and "application/json" in endpoint["formats"]
    root = xml_of(client.get(f"{V2}discovery.xml"))
    assert root.tag == "discovery" and root.findtext("changeset")
    formats = [f.text for f in root.findall("endpoints/endpoint/formats/format")]
    assert formats == ["text/xml", "application/json"]


def test_services_are_the_minor_classes(client, cast):
    services = json_of(client.get(f"{V2}services.json"))
    by_code = {s["service_code"]: s for s in services}
    assert by_code["illegal-dumping"]["service_name"] == "乱倒垃圾"
    assert by_code["illegal-dumping"]["metadata"] is True and by_code["illegal-dumping"]["type"] == "realtime"
    assert set(by_code) == set(EventType.objects.filter(active=True).values_list("code", flat=True))
    root = xml_of(client.get(f"{V2}services.xml"))
    assert root.tag == "services"
    codes = [s.findtext("service_code") for s in root.findall("service")]
    assert sorted(codes) == sorted(by_code)
    dumping = next(s for s in root.findall("service") if s.findtext("service_code") == "illegal-dumping")
    assert dumping.findtext("metadata") == "true" and dumping.findtext("group")


def test_a_class_without_extra_fields_has_no_metadata(client, cast):
    EventType.objects.get(code="irrigation-blocked").extra_fields.all().delete()
    by_code = {s["service_code"]: s for s in json_of(client.get(f"{V2}services.json"))}
    assert by_code["irrigation-blocked"]["metadata"] is False
    assert json_of(client.get(f"{V2}services/irrigation-blocked.json"))["attributes"] == []


def test_a_service_definition_in_both_formats(client, cast):
    body = json_of(client.get(f"{V2}services/grazing-ban.json"))
    assert body["service_code"] == "grazing-ban"
    attributes = {a["code"]: a for a in body["attributes"]}
    assert attributes["herd"]["datatype"] == "multivaluelist"
    assert {"key": "羊", "name": "羊"} in attributes["herd"]["values"]
    assert attributes["count"]["datatype"] == "number" and attributes["seen"]["datatype"] == "datetime"
    dumping = json_of(client.get(f"{V2}services/illegal-dumping.json"))["attributes"]
    waste = next(a for a in dumping if a["code"] == "waste")
    assert waste["datatype"] == "singlevaluelist" and waste["required"] is True and waste["variable"] is True
    root = xml_of(client.get(f"{V2}services/grazing-ban.xml"))
    assert root.tag == "service_definition" and root.findtext("service_code") == "grazing-ban"
    herd = next(a for a in root.findall("attributes/attribute") if a.findtext("code") == "herd")
    assert herd.findtext("datatype") == "multivaluelist" and herd.findtext("required") == "false"
    assert "羊" in [v.findtext("key") for v in herd.findall("values/value")]


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_an_unknown_service_is_404(client, cast, fmt):
    assert_error(client.get(f"{V2}services/no-such-thing.{fmt}"), 404, fmt)


# --- errors anywhere under the prefix ------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "fmt"),
    [
        ("nothing.json", "json"),
        ("nothing.xml", "xml"),
        ("nothing", "xml"),
        ("requests.csv", "xml"),
        ("services/illegal-dumping/more.json", "json"),
        ("", "xml"),
    ],
)
def test_unknown_paths_answer_404_in_the_format_asked(client, cast, path, fmt):
    assert_error(client.get(V2 + path), 404, fmt)


@pytest.mark.parametrize("fmt", ["xml", "json"])
@pytest.mark.parametrize("path", ["services", "services/illegal-dumping", "requests", "requests/SJ1"])
def test_a_wrong_jurisdiction_is_404_and_the_right_one_answers(client, cast, fmt, path):
    assert "110101" in assert_error(client.get(f"{V2}{path}.{fmt}", {"jurisdiction_id": "110101"}), 404, fmt)
    right = client.get(f"{V2}{path}.{fmt}", {"jurisdiction_id": testing.COUNTY})
    assert right.status_code == (404 if path == "requests/SJ1" else 200)


def test_the_county_code_setting_names_the_jurisdiction(client, cast, settings):
    settings.ANJU_COUNTY_CODE = "620123"
    assert client.get(f"{V2}services.json", {"jurisdiction_id": "620123"}).status_code == 200
    assert_error(client.get(f"{V2}services.json", {"jurisdiction_id": testing.COUNTY}), 404, "json")


# --- posting -------------------------------------------------------------------------------------


def test_post_urlencoded_enters_the_workflow_and_reaches_the_dispatch_board(
    client, cast, key, no_photo_needed, client_for
):
    answer = post(client, key)
    number = posted_number(answer)
    event = Event.objects.get(number=number)
    assert event.status == "reported" and event.channel == "resident"
    assert event.region_id == testing.GRID_A1 and event.handling_unit_id == testing.TOWNSHIP_A
    assert event.extra == {"waste": "建筑垃圾", "area": "12"}
    assert event.reporter_name == "小明 王" and event.reporter_phone == "13912345678"
    assert ServiceRequest.objects.get(event=event).email == "wang@example.cn"
    assert event.timeline.filter(transition="report").exists()
    assert AuditEvent.objects.filter(action="event.report", object_id=str(event.pk)).exists()
    assert number in client_for("officer_a").get("/events/board/").content.decode()
    assert number not in client_for("officer_b").get("/events/board/").content.decode()


def test_post_in_xml_gives_the_id_and_a_token_that_resolves(client, cast, key, no_photo_needed):
    root = xml_of(post(client, key, fmt="xml"))
    assert root.tag == "service_requests"
    (item,) = root.findall("request")
    number, token = item.findtext("service_request_id"), item.findtext("token")
    assert number.startswith("SJ629902-") and token
    for fmt in ("xml", "json"):
        response = client.get(f"{V2}tokens/{token}.{fmt}")
        assert response.status_code == 200
        if fmt == "json":
            assert json_of(response) == [{"service_request_id": number, "token": token}]
        else:
            assert xml_of(response).findtext("request/service_request_id") == number
        assert_error(client.get(f"{V2}tokens/nosuchtoken.{fmt}"), 404, fmt)


def test_post_multipart_with_a_photo_read_back_through_media_url(client, cast, key):
    answer = post(
        client, key, media=SimpleUploadedFile("现场.png", testing.TINY_PNG, content_type="image/png")
    )
    number = posted_number(answer)
    (item,) = json_of(client.get(f"{V2}requests/{number}.json"))
    assert item["media_url"].startswith("http://testserver/open311/v2/media/")
    photo = client.get(item["media_url"])
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"
    assert b"".join(photo.streaming_content)[:2] == b"\xff\xd8"
    root = xml_of(client.get(f"{V2}requests/{number}.xml"))
    assert root.findtext("request/media_url") == item["media_url"]
    # Photos of events that did not come through the door are not served by it.
    cast_photo = cast.event().photos.first()
    assert client.get(f"{V2}media/{cast_photo.pk}.jpg").status_code == 404


def test_a_class_that_needs_a_photo_refuses_a_post_without_one(client, cast, key):
    description = assert_error(post(client, key), 400, "json")
    assert "photos" in description and not Event.objects.filter(channel="resident").exists()


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_post_errors(client, cast, key, no_photo_needed, fmt):
    assert_error(post(client, key, fmt, service_code=None), 400, fmt)
    assert_error(post(client, key, fmt, service_code="no-such-thing"), 400, fmt)
    assert_error(post(client, key, fmt, lat=None, long=None, address_string=None), 400, fmt)
    assert_error(post(client, key, fmt, lat="north"), 400, fmt)
    assert_error(post(client, key, fmt, **{"attribute[waste]": "金子"}), 400, fmt)
    assert_error(post(client, key, fmt, **{"attribute[waste]": None}), 400, fmt)
    assert_error(post(client, key, fmt, phone="12"), 400, fmt)
    assert_error(post(client, key, fmt, jurisdiction_id="110101"), 404, fmt)
    assert not Event.objects.filter(channel="resident").exists()
    # An address alone is enough, and a multiple-choice attribute takes several values.
    fields = {"lat": None, "long": None, "attribute[waste]": None, "attribute[area]": None}
    answer = post(
        client, key, fmt, service_code="grazing-ban", **fields, **{"attribute[herd][]": ["牛", "羊"]}
    )
    assert answer.status_code == 201
    assert Event.objects.get(channel="resident").extra == {"herd": ["牛", "羊"]}


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_post_needs_a_valid_unrevoked_key(client, cast, key, no_photo_needed, fmt):
    assert_error(post(client, None, fmt), 403, fmt)
    assert_error(post(client, "o311_not-a-key", fmt), 403, fmt)
    keys.revoke_key(cast.user("admin"), ApiKey.objects.get())
    assert "api_key" in assert_error(post(client, key, fmt), 403, fmt)
    assert not Event.objects.filter(channel="resident").exists()
    refused = AuditEvent.objects.filter(action="open311.key.use", result="refused")
    assert refused.count() == 3
    assert AuditEvent.objects.filter(action="open311.key.revoke").count() == 1
    assert AuditEvent.objects.filter(action="open311.key.create").count() == 1


def test_the_key_may_come_in_the_query_string(client, cast, key, no_photo_needed):
    body = {"service_code": "illegal-dumping", "address_string": "路口", "attribute[waste]": "生活垃圾"}
    answer = client.post(f"{V2}requests.json?api_key={key}", body)
    assert answer.status_code == 201, answer.content
    key_row = ApiKey.objects.get()
    assert key_row.last_used_at is not None and key_row.key_hash != key and key not in str(key_row.__dict__)


def test_a_key_over_its_limit_gets_429_in_the_specification_format(client, cast, key, no_photo_needed):
    ApiKey.objects.update(posts_per_minute=2)
    posted_number(post(client, key))
    posted_number(post(client, key))
    assert_error(post(client, key), 429, "json")
    assert_error(post(client, key, "xml"), 429, "xml")
    assert AuditEvent.objects.filter(action="open311.key.use", result="refused").count() == 2
    ApiKey.objects.update(window_start=timezone.now() - dt.timedelta(minutes=2))
    posted_number(post(client, key))


def test_get_needs_no_key_and_post_answers_405_elsewhere(client, cast):
    assert_error(client.post(f"{V2}services.json"), 405, "json")


# --- reading requests ----------------------------------------------------------------------------


def _post_many(client, key, count: int) -> list[str]:
    return [posted_number(post(client, key, description=f"第{i}堆垃圾")) for i in range(count)]


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_zero_one_and_many_requests(client, cast, key, no_photo_needed, fmt):
    def listed(**params):
        response = client.get(f"{V2}requests.{fmt}", params)
        assert response.status_code == 200, response.content
        if fmt == "json":
            return [r["service_request_id"] for r in json_of(response)]
        root = xml_of(response)
        assert root.tag == "service_requests"
        return [r.findtext("service_request_id") for r in root.findall("request")]

    # The cast's own event came from a grid worker, not through the door: it is not published.
    assert listed() == []
    first = _post_many(client, key, 1)
    assert listed() == first
    more = _post_many(client, key, 2)
    assert listed() == list(reversed(first + more))  # newest first


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_a_request_in_full_without_the_reporter(client, cast, key, no_photo_needed, fmt, client_for):
    number = posted_number(post(client, key))
    for path in (
        f"requests/{number}.{fmt}",
        f"requests.{fmt}",
        f"tokens/{ServiceRequest.objects.get().token}.{fmt}",
    ):
        text = client.get(V2 + path).content.decode()
        assert not [p for p in PRIVATE if p in text], path
    if fmt == "json":
        (item,) = json_of(client.get(f"{V2}requests/{number}.json"))
        assert item["status"] == "open" and item["service_code"] == "illegal-dumping"
        assert item["agency_responsible"] == "甲镇" and item["address"] == "甲一网格公路边"
        assert item["lat"] == 36.7 and item["long"] == 101.8 and item["media_url"] == ""
        assert item["requested_datetime"].endswith("+08:00") and item["expected_datetime"]
        assert item["updated_datetime"] == item["requested_datetime"]
        assert set(item) >= {"status_notes", "service_name", "description", "service_notice", "zipcode"}
    else:
        root = xml_of(client.get(f"{V2}requests/{number}.xml"))
        (request,) = root.findall("request")
        assert request.findtext("status") == "open" and request.findtext("agency_responsible") == "甲镇"
    assert_error(client.get(f"{V2}requests/SJ629902-2026-999999.{fmt}"), 404, fmt)


def label_of(status) -> str:
    from django.utils import translation

    with translation.override("zh-hans"):
        return str(status.label)


def test_the_workflow_shows_through_status_notes_and_times(client, cast, key, no_photo_needed, client_for):
    from anju.events import actions

    number = posted_number(post(client, key))
    event = Event.objects.get(number=number)
    officer = cast.user("officer_a")
    event = actions.file(officer, event)
    event = actions.dispatch(officer, event)
    (item,) = json_of(client.get(f"{V2}requests/{number}.json"))
    assert item["status"] == "open" and item["agency_responsible"] == "甲一村"
    assert item["updated_datetime"] >= item["requested_datetime"]
    event = actions.handle(cast.user("mediator_a1"), event, report="已清运完毕，张三家门口的垃圾由李四清走")
    event = actions.verify_pass(officer, event)
    (item,) = json_of(client.get(f"{V2}requests/{number}.json"))
    # The public answer names the stage; the handler's own words (which may name people) stay inside.
    assert item["status"] == "closed" and item["status_notes"] == label_of(Status.CLOSED)
    assert "张三" not in str(item) and "李四" not in str(item)
    assert item["expected_datetime"] is None
    voided = Event.objects.get(number=posted_number(post(client, key)))
    actions.void(officer, voided, reason="重复上报，王五已报过")
    (item,) = json_of(client.get(f"{V2}requests/{voided.number}.json"))
    assert (
        item["status"] == "closed"
        and item["status_notes"] == label_of(Status.VOIDED)
        and "王五" not in str(item)
    )
    assert (
        json_of(client.get(f"{V2}requests.json", {"status": "closed"}))
        and len(json_of(client.get(f"{V2}requests.json", {"status": "open,closed"}))) == 2
    )
    assert json_of(client.get(f"{V2}requests.json", {"status": "open"})) == []


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_comma_lists(client, cast, key, no_photo_needed, fmt):
    one, two, three = _post_many(client, key, 3)
    grazing = posted_number(
        post(client, key, service_code="grazing-ban", **{"attribute[waste]": None, "attribute[area]": None})
    )

    def ids(**params):
        response = client.get(f"{V2}requests.{fmt}", params)
        assert response.status_code == 200
        if fmt == "json":
            return {r["service_request_id"] for r in json_of(response)}
        return {r.findtext("service_request_id") for r in xml_of(response).findall("request")}

    assert ids(service_request_id=f"{one},{three}") == {one, three}
    # With ids the other parameters are ignored, as the specification says.
    assert ids(service_request_id=f"{one}, {grazing}", status="closed") == {one, grazing}
    assert ids(service_code="grazing-ban") == {grazing}
    assert ids(service_code="grazing-ban,illegal-dumping") == {one, two, three, grazing}
    assert ids(status="open,closed") == {one, two, three, grazing}
    assert_error(client.get(f"{V2}requests.{fmt}", {"status": "open,pending"}), 400, fmt)


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_dates_with_z_and_with_offsets(client, cast, key, no_photo_needed, fmt):
    numbers = _post_many(client, key, 3)
    # Reported at 09:00, 11:00 and 13:00 Beijing time on 1 December 2026 (01:00, 03:00, 05:00 UTC).
    for number, hour in zip(numbers, (9, 11, 13), strict=True):
        Event.objects.filter(number=number).update(reported_at=testing.local(2026, 12, 1, hour))

    def ids(**params):
        response = client.get(f"{V2}requests.{fmt}", params)
        assert response.status_code == 200, response.content
        if fmt == "json":
            return [r["service_request_id"] for r in json_of(response)]
        return [r.findtext("service_request_id") for r in xml_of(response).findall("request")]

    first, second, third = numbers
    assert ids(start_date="2026-12-01T02:00:00Z", end_date="2026-12-01T04:00:00Z") == [second]
    assert ids(start_date="2026-12-01T10:00:00+08:00", end_date="2026-12-01T14:00:00+08:00") == [
        third,
        second,
    ]
    assert ids(start_date="2026-12-01T00:00:00Z") == [third, second, first]
    assert ids(end_date="2026-12-01T09:30:00+08:00") == [first]
    # Without dates: the last 90 days.
    Event.objects.filter(number=first).update(reported_at=timezone.now() - dt.timedelta(days=91))
    Event.objects.filter(number=second).update(reported_at=timezone.now() - dt.timedelta(days=1))
    assert first not in ids() and second in ids()
    # An unencoded "+" arrives as a space: still read as the offset.
    response = client.get(
        f"{V2}requests.{fmt}?start_date=2026-12-01T10:00:00+08:00&end_date=2026-12-01T14:00:00+08:00"
    )
    assert response.status_code == 200
    for bad in ("2026-12-01", "2026-12-01T10:00:00", "yesterday", "2026-13-01T00:00:00Z"):
        assert_error(client.get(f"{V2}requests.{fmt}", {"start_date": bad}), 400, fmt)
    assert_error(
        client.get(
            f"{V2}requests.{fmt}", {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-12-01T00:00:00Z"}
        ),
        400,
        fmt,
    )
    assert_error(
        client.get(
            f"{V2}requests.{fmt}", {"start_date": "2026-12-02T00:00:00Z", "end_date": "2026-12-01T00:00:00Z"}
        ),
        400,
        fmt,
    )


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_paging(client, cast, key, no_photo_needed, fmt):
    numbers = list(reversed(_post_many(client, key, 5)))  # newest first

    def page(**params):
        response = client.get(f"{V2}requests.{fmt}", params)
        assert response.status_code == 200
        if fmt == "json":
            return [r["service_request_id"] for r in json_of(response)]
        return [r.findtext("service_request_id") for r in xml_of(response).findall("request")]

    assert page(page_size=2) == numbers[:2]
    assert page(page_size=2, page=2) == numbers[2:4]
    assert page(page_size=2, page=3) == numbers[4:]
    assert page(page_size=2, page=4) == []
    assert page() == numbers
    for bad in ({"page_size": "0"}, {"page_size": "1001"}, {"page": "0"}, {"page": "two"}):
        assert_error(client.get(f"{V2}requests.{fmt}", bad), 400, fmt)


def test_at_most_a_thousand_rows(client, cast, key, no_photo_needed, monkeypatch):
    from anju.open311 import views

    monkeypatch.setattr(views, "MAX_ROWS", 3)
    _post_many(client, key, 4)
    assert len(json_of(client.get(f"{V2}requests.json"))) == 3
    assert views.MAX_ROWS == 3 and len(json_of(client.get(f"{V2}requests.json", {"page": "2"}))) == 1


# --- the keys in the admin -----------------------------------------------------------------------


def test_an_administrator_makes_a_key_sees_it_once_and_revokes_it(client_for, cast):
    admin = client_for("admin")
    answer = admin.post(
        "/admin/open311/apikey/add/",
        {
            "name": "热线对接",
            "channel": "hotline",
            "account": cast.user("grid_a1").pk,
            "posts_per_minute": 10,
        },
        follow=True,
    )
    assert answer.status_code == 200
    key = ApiKey.objects.get()
    page = answer.content.decode()
    secret = page[page.index("o311_") :].split(" ")[0].split("<")[0].split("。")[0].rstrip(".")
    assert keys.hash_key(secret) == key.key_hash
    assert secret not in admin.get(f"/admin/open311/apikey/{key.pk}/change/").content.decode()
    assert AuditEvent.objects.filter(action="open311.key.create", object_id=str(key.pk)).exists()
    admin.post("/admin/open311/apikey/", {"action": "revoke", "_selected_action": [key.pk]})
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert client_for("admin_b").get("/admin/open311/apikey/").status_code in {302, 403}
    assert client_for("officer_a").get("/admin/open311/apikey/").status_code in {302, 403}


def test_post_limits_follow_a_holiday_set_between_two_requests(client, cast, key, no_photo_needed):
    """The working calendar is kept between requests, never past a change to it: the filing limit
    of a request posted after the next two weeks became holidays falls after them."""
    from anju.worktime import actions as worktime_actions

    before = Event.objects.get(number=posted_number(post(client, key)))
    today = timezone.localdate()
    holidays = [today + dt.timedelta(days=n) for n in range(15)]
    for day in holidays:
        worktime_actions.set_day(cast.user("admin"), day, "holiday", "测试假日")
    after = Event.objects.get(number=posted_number(post(client, key)))
    assert timezone.localdate(before.file_due_at) <= holidays[-1]
    assert timezone.localdate(after.file_due_at) > holidays[-1]
    # Cleared again, the next request's limit is as short as the first one's.
    for day in holidays:
        worktime_actions.clear_day(cast.user("admin"), day)
    again = Event.objects.get(number=posted_number(post(client, key)))
    assert timezone.localdate(again.file_due_at) <= holidays[-1]


def test_post_follows_changes_to_the_catalogue_made_between_two_requests(client, cast, key, no_photo_needed):
    """The services are kept between requests, never past a change to the catalogue, however it
    was made (here by UPDATE and DELETE, which no model's save sees): a renamed class names the next
    event, a field it now requires is asked for, a class or major class switched off is not found,
    and switched on again it is."""
    from anju.events.models import EventClass, ExtraField

    first = Event.objects.get(number=posted_number(post(client, key)))
    assert first.title.startswith("乱倒垃圾：") and not first.urgent
    EventType.objects.filter(code="illegal-dumping").update(name="倾倒垃圾", urgent=True)
    renamed = Event.objects.get(number=posted_number(post(client, key)))
    assert renamed.title.startswith("倾倒垃圾：") and renamed.urgent
    minor = EventType.objects.get(code="illegal-dumping")
    ExtraField.objects.create(event_type=minor, key="plate", label="车牌", required=True, order=9)
    assert "extra.plate" in assert_error(post(client, key), 400, "json")
    assert (
        Event.objects.get(number=posted_number(post(client, key, **{"attribute[plate]": "青A12345"}))).extra[
            "plate"
        ]
        == "青A12345"
    )
    ExtraField.objects.filter(key="plate").delete()
    assert "plate" not in Event.objects.get(number=posted_number(post(client, key))).extra
    EventType.objects.filter(pk=minor.pk).update(active=False)
    assert "illegal-dumping" in assert_error(post(client, key), 400, "json")
    EventType.objects.filter(pk=minor.pk).update(active=True)
    posted_number(post(client, key))
    EventClass.objects.filter(pk=minor.event_class_id).update(active=False)
    assert "illegal-dumping" in assert_error(post(client, key), 400, "json")
    EventClass.objects.filter(pk=minor.event_class_id).update(active=True)
    posted_number(post(client, key))
