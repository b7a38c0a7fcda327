"""The audit trail: written with every change and refusal, searchable by auditors, never edited."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.utils import timezone

from anju.audit.actions import record, record_access
from anju.audit.models import AccessRecord, AppendOnlyError, AuditEvent
from anju.demo import testing

pytestmark = pytest.mark.django_db


def rows_of(response) -> str:
    """The log's rows as the auditor reads them, without the search form's lists."""
    page = response.content.decode()
    return page[page.index("<tbody>") : page.index("</tbody>")]


@pytest.fixture
def events(cast, client_for):
    """A change in A, a refusal in A by B's administrator, and a failed login."""
    client_for("admin").post(
        f"/regions/{testing.GRID_A1}/edit/", {"name": "新名", "grid_type": "general", "households": 1}
    )
    client_for("admin_b").post(
        "/api/regions", {"code": "629902100201009", "name": "x"}, content_type="application/json"
    )
    Client().post("/accounts/login/", {"username": "ghost", "password": "nope-nope-nope"})


def test_changes_carry_who_what_where_when_and_from_where(events):
    event = AuditEvent.objects.get(action="region.update")
    assert event.actor.username == "admin" and event.actor_username == "admin"
    assert (event.object_type, event.object_id, event.region_code) == (
        "regions.region",
        testing.GRID_A1,
        testing.GRID_A1,
    )
    assert event.before["name"] == "甲一网格" and event.after["name"] == "新名"
    assert event.result == "ok" and len(event.request_id) == 32 and event.ip == "127.0.0.1"


def test_request_id_from_the_proxy_is_kept(client_for):
    client_for("admin").post(
        f"/regions/{testing.GRID_A1}/edit/",
        {"name": "再改", "grid_type": "general"},
        headers={"x-request-id": "abc-123"},
    )
    assert AuditEvent.objects.get(action="region.update").request_id == "abc-123"


def test_auditor_searches_by_user_action_object_and_date(events, client_for):
    client = client_for("auditor")
    page = rows_of(client.get("/audit/", {"user": "admin_b"}))
    assert "区划已添加" in page and "区划已修改" not in page
    api = client.get("/api/audit/events", {"action": "region.", "result": "refused"}).json()
    assert [e["actor_username"] for e in api] == ["admin_b"]
    by_object = client.get(
        "/api/audit/events", {"object_type": "regions.region", "object_id": testing.GRID_A1}
    ).json()
    assert [e["action"] for e in by_object] == ["region.update"]
    today = timezone.localdate().isoformat()  # days are Asia/Shanghai days
    assert len(client.get("/api/audit/events", {"date_from": today, "date_to": today}).json()) >= 3
    assert client.get("/api/audit/events", {"date_from": "2001-01-01", "date_to": "2001-01-02"}).json() == []
    assert "ghost" in rows_of(client.get("/audit/", {"action": "auth.login_failed"}))


def test_bad_search_input_is_a_4xx(client_for):
    client = client_for("auditor")
    backwards = {"date_from": "2026-02-01", "date_to": "2026-01-01"}
    chinese = client.get("/api/audit/events", backwards)
    assert chinese.status_code == 422
    assert chinese.json()["detail"][0]["ctx"]["error"] == "结束日期不能早于开始日期。"
    english = client.get("/api/audit/events", backwards, HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["detail"][0]["ctx"]["error"] == "The period must end on or after the day it starts."
    assert client.get("/api/audit/events", {"date_from": "yesterday"}).status_code == 422
    assert client.get("/audit/", {"date_from": "2026-02-30"}).status_code == 400


def test_the_log_page_says_a_reversed_period_as_every_date_filter_does(client_for, events):
    client = client_for("auditor")
    backwards = client.get("/audit/", {"date_from": "2026-02-01", "date_to": "2026-01-01"})
    assert backwards.status_code == 400
    assert "结束日期不能早于开始日期。" in backwards.content.decode()
    english = client.get(
        "/audit/", {"date_from": "2026-02-01", "date_to": "2026-01-01"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "The period must end on or after the day it starts." in english.content.decode()
    one_day = client.get("/audit/", {"date_from": "2026-01-01", "date_to": "2026-01-01"})
    assert one_day.status_code == 200


def test_only_auditors_read_the_log(events, client_for):
    for member in ("leader", "admin", "officer_a", "norole"):
        assert client_for(member).get("/audit/").status_code == 403
        assert client_for(member).get("/api/audit/events").status_code == 403


def test_rows_cannot_be_changed_or_removed_through_the_code(events):
    event = AuditEvent.objects.first()
    event.detail = "tampered"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(detail="tampered")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


def test_the_database_refuses_to_change_a_row(events):
    event = AuditEvent.objects.first()
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET detail = 'tampered' WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).detail != "tampered"


def test_refusals_are_recorded_even_though_the_change_rolls_back(events):
    refusal = AuditEvent.objects.get(actor_username="admin_b")
    assert refusal.result == "refused" and refusal.action == "region.create"


def test_personal_data_reads_are_logged_for_auditors(cast, client_for):
    mediator = cast.mediator_a1
    record_access(cast.leader, mediator, "phone", region_code=testing.VILLAGE_A1, purpose="联系当事人")
    page = client_for("auditor").get("/audit/access/").content.decode()
    assert "phone" in page and "联系当事人" in page
    assert AccessRecord.objects.count() == 1


def test_system_actions_name_the_system(cast):
    from anju.core.scoping import SYSTEM

    event = record(SYSTEM, "seed.county", region_code=testing.COUNTY)
    assert event.actor is None and event.actor_username == "system"
