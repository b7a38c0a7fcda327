"""Issue 14, "For all of it": the supervision figures in the one statistics module, with the
dispute figures' region and period arguments, through the function and the API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from anju.demo import testing
from anju.reports import metrics
from anju.tasks import actions
from anju.tasks.models import Task

pytestmark = pytest.mark.django_db


def _task(cast, title: str, days: int = 5) -> Task:
    return actions.assign_task(
        cast.officer_a,
        assigner_unit=cast.region(testing.TOWNSHIP_A),
        unit=cast.region(testing.VILLAGE_A2),
        title=title,
        description="x",
        deadline=timezone.localdate() + dt.timedelta(days=days),
        origin="instruction",
    )


def _done(cast, task: Task) -> Task:
    task = actions.start(cast.officer_a, task)
    task = actions.report_done(cast.officer_a, task, progress="完成")
    return actions.accept(cast.officer_a, task)


def test_meetings_decisions_and_tasks_on_time_and_overdue(cast):
    today = timezone.localdate()
    start, end = today.replace(month=1, day=1), today + dt.timedelta(days=1)
    on_time = _done(cast, _task(cast, "按时"))
    late = _task(cast, "逾期")
    # Reported done after its limit: accepted, but late.
    Task.objects.filter(pk=late.pk).update(due_at=timezone.now() - dt.timedelta(hours=1))
    _done(cast, Task.objects.get(pk=late.pk))
    overdue = _task(cast, "未办")
    Task.objects.filter(pk=overdue.pk).update(due_at=timezone.now() - dt.timedelta(hours=1))

    figures = metrics.supervision_figures(cast.officer_a, start=start, end=end)
    assert figures.meetings == 1 and figures.decisions == 1  # the cast's meeting
    assert {k.key: k.count for k in figures.meetings_by_kind}["special"] == 1
    assert figures.tasks_assigned == 4 and figures.tasks_from_decisions == 1
    assert (figures.tasks_accepted, figures.tasks_on_time, figures.tasks_late) == (2, 1, 1)
    assert figures.on_time_rate_display == "50.0%" and figures.overdue_now == 1
    assert on_time.on_time is True
    # Township B sees none of A's; a region narrows as the dispute figures do.
    outside = metrics.supervision_figures(cast.officer_b, start=start, end=end)
    assert (outside.meetings, outside.tasks_assigned, outside.overdue_now) == (0, 0, 0)
    village = metrics.supervision_figures(cast.officer_a, start=start, end=end, region=testing.VILLAGE_A1)
    assert (village.meetings, village.tasks_assigned) == (1, 1)


def test_the_figures_through_the_api(client_for, cast):
    answer = client_for("leader").get("/api/reports/supervision")
    assert answer.status_code == 200
    body = answer.json()
    assert (
        body["meetings"] == 1 and body["tasks_assigned"] == 1 and body["date_to"] == str(timezone.localdate())
    )
    assert (
        client_for("officer_b").get(f"/api/reports/supervision?region={testing.TOWNSHIP_A}").status_code
        == 404
    )
    assert client_for("auditor").get("/api/reports/supervision").status_code == 403
    assert client_for("leader").get("/api/reports/supervision?date_from=2026-02-30").status_code == 422


def test_the_demo_county_has_meetings_and_tasks_in_every_stage(cast):
    from anju.demo.seeding import seed_county, seed_supervision

    seed_county(county_code="629904", townships=4)
    made = seed_supervision(county_code="629904")
    # Twelve from the meetings, one for the police, one from a report, two rectification measures.
    assert made == 16
    stages = set(Task.objects.filter(region__code__startswith="629904").values_list("status", flat=True))
    assert stages == {"assigned", "in_progress", "reported", "accepted"}
    from anju.tasks.models import Department, MatterReport

    assert set(Department.objects.filter(unit__parent_id="629904").values_list("unit__name", flat=True)) == {
        "县公安局",
        "县司法局",
        "县信访局",
    }
    assert Task.objects.filter(region_id="629904501").count() == 1
    reports = MatterReport.objects.filter(region__code__startswith="629904")
    assert sorted(reports.values_list("status", flat=True)) == ["acknowledged", "submitted", "tasked"]
    assert seed_supervision(county_code="629904") == 0  # once only
    from anju.tasks.models import Activity, Rectification

    assert Activity.objects.filter(region_id="629904").count() == 5
    assert Rectification.objects.get(region__code__startswith="629904").measures.count() == 2
