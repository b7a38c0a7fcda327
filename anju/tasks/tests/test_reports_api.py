"""Issue 14, items 5-8 through the API: major-matter reports on the shared workflow (acknowledged
within a limit set by urgency, instructed, made a task or closed), leaders' reviews, activities and
village rectifications; refused where they must be."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from anju.accounts.choices import Role
from anju.audit.models import AuditEvent
from anju.demo import testing
from anju.tasks.models import MatterReport, MatterReportAlert
from anju.tasks.report_kind import REPORT
from anju.workflow import sweep

pytestmark = pytest.mark.django_db


def post_json(client, url, data):
    return client.post(url, data, content_type="application/json")


@pytest.fixture
def committee(cast):
    """The county committee's office: a centre operator at the county, signed in."""
    user = testing.add_staff("centre", "县中心", Role.CENTRE_OPERATOR, testing.COUNTY)
    client = Client()
    client.force_login(user)
    testing.pass_second_factor(client)
    return client


def test_a_report_is_acknowledged_instructed_and_made_a_task_through_the_api(client_for, cast, committee):
    village = client_for("mediator_a1")
    sent = post_json(
        village,
        "/api/matter-reports",
        {
            "region": testing.VILLAGE_A1,
            "title": "甲一村突发事项",
            "content": "需县里协调",
            "urgency": "very_urgent",
        },
    )
    assert sent.status_code == 201
    report = sent.json()
    assert (report["status"], report["answered_by"], report["allowed_actions"]) == (
        "submitted",
        testing.COUNTY,
        [],
    )
    # A very urgent report is acknowledged within a working day; the committee is alerted.
    stored = MatterReport.objects.get(pk=report["id"])
    assert stored.due_at is not None and stored.due_at - stored.submitted_at <= dt.timedelta(days=4)
    assert MatterReportAlert.objects.filter(report=stored, unit_id=testing.COUNTY).exists()
    url = f"/api/matter-reports/{report['id']}"
    # The township above does not answer for the county committee.
    assert post_json(client_for("officer_a"), f"{url}/acknowledge", {}).status_code == 403
    assert post_json(client_for("leader"), f"{url}/acknowledge", {}).status_code == 403
    assert committee.get(url).json()["allowed_actions"] == ["acknowledge", "instruct"]
    acknowledged = post_json(committee, f"{url}/acknowledge", {"version": 1}).json()
    assert (acknowledged["status"], acknowledged["due_at"], acknowledged["supervision"]) == (
        "acknowledged",
        None,
        "",
    )
    assert post_json(committee, f"{url}/acknowledge", {}).status_code == 400
    assert (
        post_json(committee, f"{url}/instruct", {"instruction": "请县公安局牵头", "version": 1}).status_code
        == 409
    )
    instructed = post_json(committee, f"{url}/instruct", {"instruction": "请县公安局牵头"}).json()
    assert instructed["status"] == "instructed" and instructed["instruction"] == "请县公安局牵头"
    # The reporting village hears of the instructions.
    assert MatterReportAlert.objects.filter(report=stored, unit_id=testing.VILLAGE_A1).exists()
    deadline = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    assert (
        post_json(village, f"{url}/tasks", {"unit": testing.VILLAGE_A1, "deadline": deadline}).status_code
        == 403
    )
    task = post_json(committee, f"{url}/tasks", {"unit": testing.TOWNSHIP_A, "deadline": deadline})
    assert task.status_code == 201
    assert (task.json()["origin"], task.json()["description"]) == ("major_report", "请县公安局牵头")
    after = village.get(url).json()
    assert after["status"] == "tasked" and after["tasks"] == [task.json()["id"]]
    assert [row["transition"] for row in after["timeline"]] == [
        "submit",
        "acknowledge",
        "instruct",
        "make_task",
    ]
    assert {"report.submit", "report.acknowledge", "report.instruct", "report.make_task"} <= set(
        AuditEvent.objects.filter(object_id=str(report["id"])).values_list("action", flat=True)
    )
    closed = post_json(committee, f"{url}/close", {"reason": "已交办办结"}).json()
    assert closed["status"] == "closed" and closed["allowed_actions"] == []


def test_a_report_waiting_for_acknowledgement_is_carded_for_the_committee(cast):
    report = cast.report()
    assert report.status == "submitted" and report.due_at is not None
    report_due = report.due_at
    assert sweep.cards(REPORT, report_due - dt.timedelta(hours=1)).warned == 1
    given = sweep.run(report_due + dt.timedelta(hours=1))["report"]
    assert given.overdue == 1
    red = MatterReportAlert.objects.filter(report=report, reason__contains="红牌")
    assert list(red.values_list("unit_id", flat=True)) == [testing.COUNTY]
    # A report written before the workflow gets its limit from the sweep, counted from its submission.
    MatterReport.objects.filter(pk=report.pk).update(due_at=None, warned_at=None, overdue_at=None)
    sweep.run(timezone.now())
    assert MatterReport.objects.get(pk=report.pk).due_at == report_due


def test_reviews_activities_and_rectifications_through_the_api(client_for, cast):
    officer = client_for("officer_a")
    review = post_json(
        officer,
        "/api/reviews",
        {
            "region": testing.TOWNSHIP_A,
            "document": "甲镇综治工作汇报",
            "reviewer": "县委副书记",
            "instruction": "已阅，抓好落实。",
            "reviewed_at": timezone.now().isoformat(),
        },
    )
    assert review.status_code == 201
    assert officer.get(f"/api/reviews/{review.json()['id']}").json()["reviewer"] == "县委副书记"
    assert [r["document"] for r in officer.get("/api/reviews?limit=1").json()["items"]] == [
        "甲镇综治工作汇报"
    ]
    for n in range(3):
        made = post_json(
            officer,
            "/api/activities",
            {
                "region": testing.VILLAGE_A2,
                "kind": "publicity",
                "held_on": (timezone.localdate() - dt.timedelta(days=n + 1)).isoformat(),
                "title": f"普法宣传{n}",
                "organiser": "甲镇司法所",
                "participants": 30,
            },
        )
        assert made.status_code == 201
    first = officer.get("/api/activities?limit=2").json()
    second = officer.get(f"/api/activities?limit=2&cursor={first['next_cursor']}").json()
    titles = [a["title"] for a in first["items"] + second["items"]]
    assert titles == ["甲一村调解员培训", "普法宣传0", "普法宣传1", "普法宣传2"]
    assert [a["title"] for a in officer.get("/api/activities?kind=training").json()["items"]] == [
        "甲一村调解员培训"
    ]
    listed = post_json(
        officer,
        "/api/rectifications",
        {
            "village": testing.VILLAGE_A2,
            "listed_on": timezone.localdate().isoformat(),
            "reason": "治安问题突出",
        },
    )
    assert listed.status_code == 201
    url = f"/api/rectifications/{listed.json()['id']}"
    planned = post_json(
        officer, f"{url}/plan", {"plan": "一村一策", "cadre_name": "张三", "cadre_unit": "县司法局"}
    )
    assert planned.json()["cadre_unit"] == "县司法局"
    # No measures yet: nothing to accept.
    assert post_json(officer, f"{url}/accept", {"note": "验收"}).status_code == 400
    assert (
        officer.get("/api/rectifications?accepted=false").json()["items"][0]["village"] == testing.VILLAGE_A2
    )


def test_outsiders_wrong_roles_and_bad_input_are_refused(client_for, cast):
    review = cast.review()
    urls = [
        f"/api/matter-reports/{cast.report().pk}",
        f"/api/reviews/{review.pk}",
        f"/api/activities/{cast.activity().pk}",
        f"/api/rectifications/{cast.rectification().pk}",
    ]
    for url in urls:
        assert client_for("officer_b").get(url).status_code == 404
        assert client_for("auditor").get(url).status_code == 403
        assert client_for("leader").get(url).status_code == 200
    for url in ("/api/matter-reports", "/api/reviews", "/api/activities", "/api/rectifications"):
        assert testing.a_markers_in(client_for("officer_b").get(url).content) == []
        assert client_for("officer_a").get(f"{url}?cursor=nonsense").status_code == 400
    leader = client_for("leader")
    assert post_json(leader, "/api/activities", {}).status_code == 403
    assert post_json(leader, "/api/matter-reports", {}).status_code == 403
    officer = client_for("officer_a")
    assert post_json(officer, "/api/activities", {"region": testing.VILLAGE_A1}).status_code == 422
    future = {
        "region": testing.VILLAGE_A1,
        "kind": "award",
        "held_on": (timezone.localdate() + dt.timedelta(days=5)).isoformat(),
        "title": "获奖",
        "organiser": "县委政法委",
    }
    assert post_json(officer, "/api/activities", future).status_code == 400
    assert post_json(officer, "/api/activities", {**future, "region": testing.VILLAGE_B1}).status_code == 404
    report_url = f"/api/matter-reports/{cast.report().pk}"
    assert post_json(officer, f"{report_url}/instruct", {"instruction": ""}).status_code == 422
    assert post_json(client_for("officer_b"), f"{report_url}/close", {"reason": "x"}).status_code == 404
    assert (
        post_json(
            officer,
            "/api/rectifications",
            {"village": testing.TOWNSHIP_A, "listed_on": "2026-01-01", "reason": "x"},
        ).status_code
        == 400
    )


def test_the_report_page_offers_what_the_workflow_allows_and_closes_it(client_for, cast, committee):
    report = cast.report()
    url = f"/tasks/reports/{report.pk}/"
    page = committee.get(url).content.decode()
    assert "签收和批示" in page and "close/" not in page and "待签收" in page
    assert committee.post(f"{url}answer/", {"instruction": ""}).status_code == 302
    page = committee.get(url).content.decode()
    assert "已签收" in page and f"{url}close/" in page and "?report=" in page
    assert committee.post(f"{url}close/", {"reason": ""}).status_code == 400
    assert client_for("leader").post(f"{url}close/", {"reason": "x"}).status_code == 403
    assert client_for("officer_b").post(f"{url}close/", {"reason": "x"}).status_code == 404
    # The township above the village does not close the county committee's reports.
    assert client_for("officer_a").post(f"{url}close/", {"reason": "x"}).status_code == 403
    assert committee.post(f"{url}close/", {"reason": "情况已平息"}).status_code == 302
    page = committee.get(url).content.decode()
    assert "已办结" in page and "情况已平息" in page and "answer/" not in page
