"""Issue 14, items 6-8: major-matter reports and document reviews, activities with their
spreadsheets, and village rectification with its measures as supervised tasks."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from anju.accounts.choices import Role
from anju.audit.models import AuditEvent
from anju.core.export import csv_bytes
from anju.demo import testing
from anju.reports import metrics
from anju.tasks import actions
from anju.tasks.models import Activity, MatterReport, Rectification, Task
from anju.tasks.sheets import HEADERS

pytestmark = pytest.mark.django_db


@pytest.fixture
def centre(cast):
    """The county committee's office: a centre operator at the county."""
    return testing.add_staff("centre", "县中心", Role.CENTRE_OPERATOR, testing.COUNTY)


def test_a_township_reports_a_major_matter_and_the_county_instructs_and_makes_it_a_task(
    client_for, cast, centre
):
    officer = client_for("officer_a")
    answer = officer.post(
        "/tasks/reports/new/",
        {
            "region": testing.TOWNSHIP_A,
            "title": "甲镇重大事项",
            "urgency": "very_urgent",
            "content": "情况紧急",
        },
    )
    assert answer.status_code == 302
    report = MatterReport.objects.get(title="甲镇重大事项")
    # The township cannot answer its own report; the county committee does.
    assert officer.post(f"/tasks/reports/{report.pk}/answer/", {"instruction": ""}).status_code == 403
    county = client_for("leader")  # the leader reads the report, and is offered no answer
    page = county.get(f"/tasks/reports/{report.pk}/").content.decode()
    assert "情况紧急" in page and "answer/" not in page
    actions.answer_report(centre, report)
    actions.answer_report(centre, MatterReport.objects.get(pk=report.pk), instruction="请县公安局牵头处置")
    report.refresh_from_db()
    assert report.acknowledged_at is not None and report.instruction == "请县公安局牵头处置"
    assert {"report.submit", "report.acknowledge", "report.instruct"} <= set(
        AuditEvent.objects.filter(object_id=str(report.pk)).values_list("action", flat=True)
    )
    task = actions.assign_task(
        centre,
        assigner_unit=cast.region(testing.COUNTY),
        unit=cast.region(testing.TOWNSHIP_A),
        title=report.title,
        description=report.instruction,
        deadline=timezone.localdate() + dt.timedelta(days=7),
        origin="major_report",
        report=report,
    )
    assert list(report.tasks.all()) == [task]
    today = timezone.localdate()
    figures = metrics.supervision_figures(
        centre, start=today.replace(day=1), end=today + dt.timedelta(days=1)
    )
    assert (figures.reports, figures.reports_acknowledged, figures.reports_instructed) == (2, 1, 1)
    assert figures.reports_made_tasks == 1
    # The cast's village report is not the township B officer's to read.
    assert client_for("officer_b").get(f"/tasks/reports/{cast.report().pk}/").status_code == 404
    assert client_for("officer_b").get(f"/tasks/reports/{report.pk}/").status_code == 404


def test_the_task_form_is_filled_in_from_a_report(client_for, cast):
    page = client_for("officer_a").get(f"/tasks/new/?report={cast.report().pk}").content.decode()
    assert "甲一村重大事项" in page and 'value="major_report" selected' in page
    assert client_for("officer_b").get(f"/tasks/new/?report={cast.report().pk}").status_code == 404
    assert client_for("officer_a").get("/tasks/new/?report=abc").status_code == 404


def test_a_document_review_is_logged_with_its_text_and_time(client_for, cast):
    officer = client_for("officer_a")
    answer = officer.post(
        "/tasks/reports/reviews/new/",
        {
            "region": testing.TOWNSHIP_A,
            "document": "关于甲镇平安建设的报告",
            "reference": "甲镇〔2026〕2号",
            "reviewer": "县委副书记",
            "reviewed_at": "2026-03-05T10:30",
            "instruction": "同意，抓好落实。",
        },
    )
    assert answer.status_code == 302
    listed = officer.get("/tasks/reports/").content.decode()
    assert "县委副书记" in listed and "同意，抓好落实。" in listed
    assert AuditEvent.objects.filter(action="review.log").count() == 2  # the cast's and this one
    assert "县委副书记" not in client_for("officer_b").get("/tasks/reports/").content.decode()
    future = officer.post(
        "/tasks/reports/reviews/new/",
        {
            "region": testing.TOWNSHIP_A,
            "document": "x",
            "reviewer": "y",
            "reviewed_at": "2099-01-01T00:00",
            "instruction": "z",
        },
    )
    assert future.status_code == 400


def test_activities_are_recorded_imported_all_or_nothing_and_exported(client_for, cast):
    officer = client_for("officer_a")
    assert (
        officer.post(
            "/tasks/activities/new/",
            {
                "region": testing.TOWNSHIP_A,
                "kind": "publicity",
                "held_on": "2026-03-01",
                "title": "甲镇法治宣传",
                "organiser": "甲镇政法办",
                "participants": 300,
            },
        ).status_code
        == 302
    )
    good = csv_bytes(
        HEADERS,
        [
            ["2026-04-01", "培训", "调解员轮训", "甲镇司法所", "45", testing.VILLAGE_A2, ""],
            ["2026/4/2", "督导检查", "平安建设督导", "甲镇政法办", "", testing.TOWNSHIP_A, "季度督导"],
        ],
    )
    bad = csv_bytes(
        HEADERS,
        [
            ["2026-04-03", "培训", "乙镇培训", "乙镇", "10", testing.VILLAGE_B1, ""],
            ["2026-04-04", "跳舞", "不明活动", "甲镇", "x", testing.VILLAGE_A1, ""],
        ],
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    refused = officer.post("/tasks/activities/import/", {"file": SimpleUploadedFile("坏.csv", bad)})
    assert refused.status_code == 400
    said = refused.content.decode()
    assert "跳舞" in said and Activity.objects.count() == 2  # the cast's and the one recorded above
    answer = officer.post("/tasks/activities/import/", {"file": SimpleUploadedFile("好.csv", good)})
    assert answer.status_code == 302 and Activity.objects.count() == 4
    inspection = Activity.objects.get(title="平安建设督导")
    assert (inspection.kind, inspection.held_on, inspection.participants) == (
        "inspection",
        dt.date(2026, 4, 2),
        0,
    )
    exported = b"".join(officer.get("/tasks/activities/export/csv/?kind=training").streaming_content).decode()
    assert "调解员轮训" in exported and "平安建设督导" not in exported
    outsider = b"".join(
        client_for("officer_b").get("/tasks/activities/export/csv/").streaming_content
    ).decode()
    assert "调解员轮训" not in outsider
    assert client_for("mediator_a1").get("/tasks/activities/import/").status_code == 403
    assert officer.get("/tasks/activities/export/pdf/").status_code == 404
    today = timezone.localdate()
    figures = metrics.supervision_figures(
        cast.officer_a, start=dt.date(2026, 1, 1), end=today + dt.timedelta(days=1)
    )
    kinds = {k.key: k.count for k in figures.activities_by_kind}
    assert kinds["training"] == 2 and kinds["inspection"] == 1 and kinds["publicity"] == 1
    assert figures.activity_participants == 20 + 300 + 45


def test_a_village_is_rectified_by_its_plan_and_measures_then_accepted(client_for, cast):
    officer = client_for("officer_a")
    answer = officer.post(
        "/tasks/rectifications/new/",
        {
            "region": testing.VILLAGE_A2,
            "listed_on": timezone.localdate().isoformat(),
            "reason": "治安问题突出",
        },
    )
    assert answer.status_code == 302
    rectification = Rectification.objects.get(region_id=testing.VILLAGE_A2)
    again = officer.post(
        "/tasks/rectifications/new/",
        {"region": testing.VILLAGE_A2, "listed_on": timezone.localdate().isoformat(), "reason": "再列一次"},
    )
    assert again.status_code == 400  # one village, one plan
    plan = {"plan": "一、排查隐患；二、建强班子", "cadre_name": "王某", "cadre_unit": "县司法局"}
    assert officer.post(f"/tasks/rectifications/{rectification.pk}/plan/", plan).status_code == 302
    form = officer.get(f"/tasks/new/?rectification={rectification.pk}").content.decode()
    assert 'value="rectification" selected' in form and testing.VILLAGE_A2 in form
    measure = {
        "assigner_unit": testing.TOWNSHIP_A,
        "unit": testing.VILLAGE_A2,
        "title": "排查隐患",
        "description": "逐户排查",
        "deadline": (timezone.localdate() + dt.timedelta(days=15)).isoformat(),
        "origin": "rectification",
    }
    assert officer.post(f"/tasks/new/?rectification={rectification.pk}", measure).status_code == 302
    task = Task.objects.get(rectification=rectification)
    accept = {"note": "整治达标"}
    assert officer.post(f"/tasks/rectifications/{rectification.pk}/accept/", accept).status_code == 400
    task = actions.start(cast.officer_a, task)
    task = actions.report_done(cast.officer_a, task, progress="完成")
    actions.accept(cast.officer_a, task)
    assert officer.post(f"/tasks/rectifications/{rectification.pk}/accept/", accept).status_code == 302
    rectification.refresh_from_db()
    assert rectification.accepted_at is not None and rectification.cadre_name == "王某"
    page = officer.get(f"/tasks/rectifications/{rectification.pk}/").content.decode()
    assert "县司法局" in page and "排查隐患" in page
    assert client_for("officer_b").get(f"/tasks/rectifications/{rectification.pk}/").status_code == 404
    assert (
        client_for("mediator_a1").post(f"/tasks/rectifications/{rectification.pk}/plan/", plan).status_code
        == 403
    )
    audited = set(
        AuditEvent.objects.filter(action__startswith="rectification.").values_list("action", flat=True)
    )
    assert audited >= {"rectification.list", "rectification.plan", "rectification.accept"}
