"""The figures against a hand count of the disputes in factories.build_quarter (January-March 2024).

Each expected number is counted by hand from the comments there; the dispute names say which."""

from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from anju.demo import testing
from anju.demo.testing import local
from anju.disputes import actions
from anju.disputes.choices import Category
from anju.disputes.models import Dispute
from anju.reports import metrics

from .factories import END, START, make_dispute

pytestmark = pytest.mark.django_db


def figures(cast, member, **kwargs):
    kwargs.setdefault("start", START)
    kwargs.setdefault("end", END)
    return metrics.dispute_figures(cast.user(member), **kwargs)


def rows(breakdown) -> dict[str, tuple[int, int, str]]:
    return {r.key: (r.found, r.resolved, r.resolution_rate_display) for r in breakdown}


def test_headline_figures_for_the_county(cast, quarter):
    f = figures(cast, "leader")
    # found: d1 d2 d3 d4 d5 d6 d9 d10 d12 d13 (not d7 at the end, d8 merged, d11 before, d14 in 2022)
    assert f.found == 10
    # resolved: d1 d2 d3 d4 d9 (d6 was resolved exactly at the end)
    assert f.resolved == 5
    assert f.resolution_rate == 0.5
    assert f.resolution_rate_display == "50.0%"
    assert [(lv.level, lv.resolved, lv.share_display) for lv in f.resolved_by_level] == [
        ("village", 2, "40.0%"),  # d1 d3
        ("township", 2, "40.0%"),  # d2 d4
        ("county", 1, "20.0%"),  # d9
    ]
    # resolved where they arose: d1 (village), d3 (village), d4 (township); not d2, d9
    assert (f.not_passed_upward, f.not_passed_upward_share, f.not_passed_upward_display) == (3, 0.6, "60.0%")
    # escalated before the end: d2, d9 (twice, counted once); d12 only after; d7 not found
    assert f.escalated == 2
    # open and past the limit: d5, d10, d14 (2022!); d13 is closed, d7 not yet due
    assert f.overdue_now == 3
    # (10 + 5.5 + 3 + 4 + 20) / 5
    assert f.average_days_to_resolve == 8.5
    assert (f.region_code, f.region_name) == (testing.COUNTY, "测试县")
    assert (f.start, f.end, f.last_day) == (START, END, dt.date(2024, 3, 31))


def test_breakdowns_for_the_county(cast, quarter):
    f = figures(cast, "leader")
    assert [r.key for r in f.by_category] == list(Category.values)  # all 15, in the official order
    by_category = rows(f.by_category)
    assert by_category["neighbour"] == (4, 2, "50.0%")  # d1 d2 d5 d12; d1 d2
    assert by_category["marriage_family"] == (1, 1, "100.0%")  # d3
    assert by_category["contract"] == (1, 1, "100.0%")  # d4
    assert by_category["housing_homestead"] == (1, 0, "0.0%")  # d6
    assert by_category["labour"] == (2, 1, "50.0%")  # d9 d10
    assert by_category["consumer"] == (1, 0, "0.0%")  # d13
    assert by_category["medical"] == (0, 0, "—")
    assert sum(r.found for r in f.by_category) == f.found

    assert rows(f.by_region) == {
        testing.TOWNSHIP_A: (7, 4, "57.1%"),  # d1 d2 d3 d4 d5 d6 d12; d1 d2 d3 d4
        testing.TOWNSHIP_B: (3, 1, "33.3%"),  # d9 d10 d13; d9
    }
    assert [r.label for r in f.by_region] == ["甲镇", "乙镇"]

    assert rows(f.by_month) == {
        "2024-01": (3, 3, "100.0%"),  # d1 (local midnight, still 2023 in UTC) d2 d9
        "2024-02": (2, 1, "50.0%"),  # d3 (31 January in UTC) d10
        "2024-03": (5, 1, "20.0%"),  # d4 d5 d6 d12 d13; d4
    }


def test_a_township_and_its_villages(cast, quarter):
    f = figures(cast, "leader", region=testing.TOWNSHIP_A)
    assert (f.found, f.resolved, f.resolution_rate_display) == (7, 4, "57.1%")
    assert [lv.resolved for lv in f.resolved_by_level] == [2, 2, 0]
    assert (f.not_passed_upward, f.not_passed_upward_display) == (3, "75.0%")  # d1 d3 d4
    assert f.escalated == 1  # d2
    assert f.overdue_now == 2  # d5 d14
    assert f.average_days_to_resolve == 5.6  # (10 + 5.5 + 3 + 4) / 4 = 5.625
    assert [(r.key, r.found, r.resolved) for r in f.by_region] == [
        (testing.VILLAGE_A1, 4, 2),  # d1 d2 (in A1's grid) d5 d6
        (testing.VILLAGE_A2, 2, 1),  # d3 d12
        (testing.TOWNSHIP_A, 1, 1),  # d4, registered at the township itself
    ]
    with translation.override("en"):
        label = figures(cast, "leader", region=testing.TOWNSHIP_A).by_region[-1].label
    assert label == "甲镇, registered at this level"


def test_a_village_breaks_down_into_its_grids(cast, quarter):
    f = figures(cast, "leader", region=testing.VILLAGE_A1)
    assert [(r.key, r.found, r.resolved) for r in f.by_region] == [
        (testing.GRID_A1, 1, 1),  # d2
        (testing.VILLAGE_A1, 3, 1),  # d1 d5 d6
    ]


def test_the_jurisdiction_is_the_default_region(cast, quarter):
    mediator = figures(cast, "mediator_a1")
    assert mediator.region_code == testing.VILLAGE_A1
    assert (mediator.found, mediator.resolved) == (4, 2)
    officer_b = figures(cast, "officer_b")
    assert (officer_b.region_code, officer_b.region_name) == (testing.TOWNSHIP_B, "乙镇")
    assert (officer_b.found, officer_b.resolved, officer_b.resolution_rate_display) == (3, 1, "33.3%")
    assert [lv.resolved for lv in officer_b.resolved_by_level] == [0, 0, 1]
    assert (officer_b.not_passed_upward, officer_b.not_passed_upward_display) == (0, "0.0%")
    assert (officer_b.escalated, officer_b.overdue_now, officer_b.average_days_to_resolve) == (1, 1, 20.0)
    assert rows(officer_b.by_region) == {testing.VILLAGE_B1: (3, 1, "33.3%")}


def test_a_region_outside_the_jurisdiction_counts_nothing(cast, quarter):
    f = figures(cast, "officer_b", region=testing.TOWNSHIP_A)
    assert (f.found, f.resolved, f.overdue_now) == (0, 0, 0)
    assert f.by_region == ()
    assert figures(cast, "norole").found == 0
    assert figures(cast, "admin").found == 0  # administrators see no case content


def test_a_category(cast, quarter):
    f = figures(cast, "leader", category="neighbour")
    assert (f.found, f.resolved) == (4, 2)  # d1 d2 d5 d12
    assert f.escalated == 1  # d2
    assert f.overdue_now == 2  # d5 d14
    assert f.average_days_to_resolve == 7.8  # (10 + 5.5) / 2 = 7.75, rounded half up
    assert len(f.by_category) == 15
    assert [r.key for r in f.by_category if r.found] == ["neighbour"]
    assert rows(f.by_region) == {testing.TOWNSHIP_A: (4, 2, "50.0%"), testing.TOWNSHIP_B: (0, 0, "—")}


def test_the_edges_of_the_period(cast, quarter):
    # One day longer: d7 (registered at the old end) is found and d6 (resolved then) is resolved.
    f = figures(cast, "leader", end=dt.date(2024, 4, 2))
    assert (f.found, f.resolved) == (11, 6)
    assert f.escalated == 3  # d2 d9 and now d7 (1 April 05:00); d12 (2 April 10:00) still not
    assert rows(f.by_month)["2024-04"] == (1, 0, "0.0%")
    assert rows(f.by_month)["2024-03"] == (5, 2, "40.0%")
    # One day later at the start: d1, registered at the old start instant, drops out.
    later = figures(cast, "leader", start=dt.date(2024, 1, 2))
    assert (later.found, later.resolved) == (9, 4)
    # A day in the middle: 1 February local, which holds d3 only (d8 is merged).
    day = figures(cast, "leader", start=dt.date(2024, 2, 1), end=dt.date(2024, 2, 2))
    assert (day.found, [r.key for r in day.by_month]) == (1, ["2024-02"])


def test_nothing_found_means_no_rate(cast, quarter):
    f = figures(cast, "leader", start=dt.date(2020, 1, 1), end=dt.date(2020, 2, 1))
    assert (f.found, f.resolution_rate, f.resolution_rate_display) == (0, None, "—")
    assert f.average_days_to_resolve is None
    assert f.not_passed_upward_share is None
    assert f.overdue_now == 3  # independent of the period


def test_the_figures_for_a_past_period_do_not_change(cast, quarter):
    before = figures(cast, "leader")
    # Later work: a new case today, escalated; the 2022 case finally handled; time passes.
    actions.escalate(cast.user("mediator_a1"), cast.dispute(), reason="需要镇里协调")
    make_dispute(
        testing.VILLAGE_A1,
        category="neighbour",
        origin="village",
        status="resolved",
        registered=timezone.now(),
        resolved=timezone.now(),
        resolved_level="village",
    )
    Dispute.objects.filter(pk=quarter["d14"].pk).update(status="ended")
    after = figures(cast, "leader", now=timezone.now() + dt.timedelta(days=400))
    assert dataclasses.replace(after, overdue_now=0) == dataclasses.replace(before, overdue_now=0)
    # d14 closed, d7 overdue by then, and the escalated case has waited past the township's
    # acceptance limit.
    assert (before.overdue_now, after.overdue_now) == (3, 4)


def test_an_escalation_through_the_workflow_counts(cast):
    today = timezone.localdate()
    start, end = metrics.default_period(today)
    before = metrics.dispute_figures(cast.leader, start=start, end=end)
    actions.escalate(cast.user("mediator_a1"), cast.dispute(), reason="需要镇里协调")
    after = metrics.dispute_figures(cast.leader, start=start, end=end)
    assert (after.found, after.escalated) == (before.found, before.escalated + 1)


def test_a_reopened_case_counts_as_resolved_again_only_from_its_new_resolution(cast):
    """First resolved in an earlier period, reopened and resolved again now: the earlier period loses
    it for good, and the case counts once, with the days to its second resolution."""
    from anju.disputes.tests.factories import agreed, resolved

    mediator = cast.user("mediator_a1")
    case = resolved(mediator, cast.dispute())
    now = timezone.now()
    Dispute.objects.filter(pk=case.pk).update(
        registered_at=now - dt.timedelta(days=40), resolved_at=now - dt.timedelta(days=30)
    )
    case.refresh_from_db()
    registered_on = timezone.localtime(case.registered_at).date()
    first_resolved_on = timezone.localtime(case.resolved_at).date()

    def counted(last_day: dt.date) -> tuple[int, int, float | None]:
        f = metrics.dispute_figures(cast.leader, start=registered_on, end=last_day + dt.timedelta(days=1))
        return f.found, f.resolved, f.average_days_to_resolve

    assert counted(first_resolved_on) == (1, 1, 10.0)
    actions.reopen(mediator, case, reason="对方未按期付款")
    assert counted(first_resolved_on) == (1, 0, None)
    agreed(mediator, case)
    actions.record_visit(mediator, case, visited_on=timezone.localdate(), performance="performed")
    actions.resolve(mediator, case)
    case.refresh_from_db()
    second_resolved_on = timezone.localtime(case.resolved_at).date()
    assert second_resolved_on > first_resolved_on
    assert counted(first_resolved_on) == (1, 0, None)
    assert counted(second_resolved_on) == (1, 1, 40.0)


def test_the_number_of_queries_does_not_grow_with_the_rows(cast, quarter):
    with CaptureQueriesContext(connection) as few:
        figures(cast, "leader")
    for day in range(1, 29):
        make_dispute(
            testing.VILLAGE_B1,
            category="other",
            origin="village",
            status="resolved",
            registered=local(2024, 2, day),
            resolved=local(2024, 2, day, 12),
            resolved_level="village",
        )
    with CaptureQueriesContext(connection) as many:
        f = figures(cast, "leader")
    assert f.found == 10 + 28
    # A bound, not a target: one query per family of figures (the urgings of the period are one).
    assert len(many) == len(few) <= 11


@pytest.mark.parametrize(
    ("part", "whole", "shown"),
    [(1, 16, "6.3%"), (1, 3, "33.3%"), (2, 3, "66.7%"), (193, 200, "96.5%"), (5, 5, "100.0%"), (0, 0, "—")],
)
def test_percentages_round_half_up(part, whole, shown):
    assert metrics.percent(part, whole) == shown


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (dt.date(2024, 2, 1), dt.date(2024, 2, 1)),
        (dt.date(2024, 2, 1), dt.date(2024, 1, 1)),
        (dt.date(2000, 1, 1), dt.date(2024, 1, 1)),
    ],
)
def test_unusable_periods_are_refused(start, end):
    with pytest.raises(ValueError):
        metrics.check_period(start, end)


def test_the_period_starts_at_local_midnight():
    start, end = metrics.period_bounds(START, END)
    assert start == local(2024, 1, 1) and end == local(2024, 4, 1)
    assert start.astimezone(dt.UTC) == dt.datetime(2023, 12, 31, 16, tzinfo=dt.UTC)
    assert metrics.default_period(dt.date(2026, 3, 5)) == (dt.date(2026, 1, 1), dt.date(2026, 3, 6))


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "Europe/Berlin"])
def test_months_follow_the_local_calendar(cast, settings, zone):
    """Berlin changes its offset on 31 March 2024: 00:30 on 1 April there is 22:30 UTC on
    31 March, and still 23:30 at the winter offset. Only the real local time puts it in April."""
    settings.TIME_ZONE = zone
    local_april = dt.datetime(2024, 4, 1, 0, 30, tzinfo=ZoneInfo(zone))
    make_dispute(
        testing.VILLAGE_B1, category="other", origin="village", status="registered", registered=local_april
    )
    f = figures(cast, "leader", start=dt.date(2024, 3, 1), end=dt.date(2024, 5, 1))
    assert rows(f.by_month) == {"2024-03": (0, 0, "—"), "2024-04": (1, 0, "0.0%")}
