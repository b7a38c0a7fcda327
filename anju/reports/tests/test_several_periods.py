"""The dashboard reads the figures of grid events, tips and supervision for its period, the one
before and last year's together (tips and supervision in one pass per table, grouped by period):
each period's figures must be the ones it has alone, in the user's jurisdiction only. The rows
are copies of the cast's, placed in and out of each period (at their very edges, in the gap
between them) and in township B, outside township A's."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from anju.demo import testing
from anju.demo.testing import local
from anju.regions.models import Region
from anju.reports import catalogue, metrics
from anju.reports.periods import QUARTER, Period

pytestmark = pytest.mark.django_db

QUARTER_3 = (dt.date(2025, 7, 1), dt.date(2025, 10, 1))
BEFORE = (dt.date(2025, 4, 1), dt.date(2025, 7, 1))
LAST_YEAR = (dt.date(2024, 7, 1), dt.date(2024, 10, 1))
# Across the quarter's start: it shares days with the quarter and the one before.
ACROSS = (dt.date(2025, 5, 15), dt.date(2025, 8, 15))
PERIODS = [QUARTER_3, BEFORE, LAST_YEAR, ACROSS]

# When township A's rows happened: in each period, at the edges, in the gap (October 2024 to March
# 2025) and after the quarter. Their next step comes ten days later, after the end of some periods.
IN_A = [
    local(2024, 8, 10, 9),
    local(2025, 1, 10, 9),  # in the gap: in no period
    local(2025, 4, 20, 9),
    local(2025, 6, 30, 23, 30),  # the last minutes of June: before the quarter, across
    local(2025, 7, 1, 0, 0),  # the quarter's first instant
    local(2025, 8, 20, 9),
    local(2025, 9, 30, 23, 59),
    local(2025, 10, 1, 0, 0),  # the instant after the quarter: in no period
]
# Township B's: the leader counts them, township A's officer never.
IN_B = [local(2025, 5, 1, 9), local(2025, 8, 20, 9)]
# Rows of each period, by the moment that places them in it.
OFFICER_A_COUNTS = [3, 2, 1, 2]
LEADER_COUNTS = [4, 3, 1, 2]
LATER = dt.timedelta(days=10)
NOW = local(2026, 1, 5, 12)


def copy(obj, **changes):
    """A copy of a cast row with `changes`, written as a row: the figures read only the rows."""
    fields = {
        f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields if not f.primary_key
    }
    return type(obj).objects.create(**(fields | changes))


def places():
    """(index, moment, the row's region, its township) for every row to make."""
    rows = [(moment, testing.VILLAGE_A1, testing.TOWNSHIP_A) for moment in IN_A]
    rows += [(moment, testing.VILLAGE_B1, testing.TOWNSHIP_B) for moment in IN_B]
    return list(enumerate(rows))


def together_and_alone(function, user, **narrowed):
    together = function(user, PERIODS, **narrowed)
    return together, [function(user, [period], **narrowed)[0] for period in PERIODS]


def readers(cast):
    return [
        (cast.officer_a, {}, OFFICER_A_COUNTS),
        (cast.leader, {}, LEADER_COUNTS),
        (cast.leader, {"region": testing.TOWNSHIP_A}, OFFICER_A_COUNTS),
    ]


def test_grid_events_of_several_periods_are_each_period_alone(cast):
    template = cast.event()
    for i, (moment, region, township) in places():
        copy(
            template,
            number=f"T{i}",
            region_id=region,
            handling_unit_id=township,
            status="voided" if i == 2 else "closed",
            reported_at=moment,
            file_due_at=moment + dt.timedelta(days=5 + i),  # some filed late, some on time
            filed_at=moment + LATER,
            dispatched_at=moment + LATER,
            dispatch_due_at=moment + LATER,
            handled_at=moment + LATER,
            handle_due_at=moment + dt.timedelta(days=12),
            verified_at=moment + LATER,
            verify_due_at=moment + LATER,
            closed_at=moment + LATER,
            returned=i % 3,
            satisfaction=3 + i % 3,
            evaluated_at=moment + LATER,
        )
    for user, narrowed, counts in readers(cast):
        together, alone = together_and_alone(metrics.event_figures_for, user, **narrowed)
        assert together == alone
        assert [f.reported for f in together] == counts
    officer = metrics.event_figures_for(cast.officer_a, PERIODS)
    # Filed ten days after the report: 30 June's in the period across, not in the one before;
    # 30 September's after the quarter. 20 April's was voided.
    assert [f.filed for f in officer] == [2, 0, 1, 2]
    # The one-period function is the one-element case.
    assert metrics.event_figures(cast.officer_a, start=ACROSS[0], end=ACROSS[1]) == officer[3]


def test_tips_of_several_periods_are_each_period_alone(cast):
    template = cast.tip()
    batch = template.batch
    for i, (moment, region, township) in places():
        copy(
            template,
            number=f"T{i}",
            region_id=region,
            handling_unit_id=township,
            status="closed",
            registered_at=moment,
            due_at=moment + dt.timedelta(days=5 + i),
            verified_at=moment + LATER,
            closed_at=moment + LATER,
            result=("substantiated", "partly", "unsubstantiated")[i % 3],
            outcome=("police", "discipline", "closed")[i % 3],
            criminal_cases=i,
            warnings=1,
        )
        copy(
            batch,
            reference=f"T{i}",
            region_id=township,
            received_on=moment.date(),
            deadline=moment.date() + dt.timedelta(days=5 + i),
            cleared_on=(moment + LATER).date(),
        )
    for user, narrowed, counts in readers(cast):
        together, alone = together_and_alone(metrics.tip_figures_for, user, now=NOW, **narrowed)
        assert together == alone
        assert [f.received for f in together] == counts
        assert [f.batches_received for f in together] == counts
    officer = metrics.tip_figures_for(cast.officer_a, PERIODS, now=NOW)
    # Verified ten days after registration, whenever registered: 30 June's in the quarter (and
    # across), 30 September's after it.
    assert [f.verified for f in officer] == [3, 1, 1, 2]
    # Batches are cleared ten days after they came, by their deadline from the sixth row on.
    assert [f.batches_cleared for f in officer] == [3, 1, 1, 2]
    assert [f.batches_cleared_on_time for f in officer] == [1, 0, 0, 0]
    assert metrics.tip_figures(cast.officer_a, start=BEFORE[0], end=BEFORE[1], now=NOW) == officer[1]


def test_supervision_of_several_periods_is_each_period_alone(cast):
    meeting, task, report = cast.meeting(), cast.task(), cast.report()
    decision, activity, listed = meeting.decisions.get(), cast.activity(), cast.rectification()
    for i, (moment, _place, township) in places():
        day = moment.date()
        # A village of its own for each row: a village is listed for rectification once.
        village = Region.objects.create(
            code=f"{township}{300 + i}", name=f"村{i}", level="village", parent_id=township
        )
        held = copy(meeting, region_id=village.code, held_on=day, kind=("special", "executive")[i % 2])
        copy(decision, meeting_id=held.pk)
        copy(decision, meeting_id=held.pk)
        made = copy(
            report,
            region_id=village.code,
            submitted_at=moment,
            acknowledged_at=moment + LATER,
            instructed_at=moment + LATER if i % 2 else None,
        )
        copy(
            task,
            region_id=village.code,
            handling_unit_id=village.code,
            assigner_unit_id=township,
            origin=("decision", "instruction")[i % 2],
            report_id=made.pk if i % 3 == 0 else None,
            status="accepted",
            assigned_at=moment - LATER,
            due_at=moment + dt.timedelta(days=i - 3),
            reported_done_at=moment,
            accepted_at=moment,
        )
        copy(
            activity,
            region_id=village.code,
            held_on=day,
            participants=10 + i,
            kind=("training", "publicity")[i % 2],
        )
        copy(listed, region_id=village.code, listed_on=day, accepted_at=moment + LATER)
    # A task overdue at NOW in township B: the leader's overdue figure, never township A's officer's.
    copy(task, region_id=testing.VILLAGE_B1, handling_unit_id=testing.VILLAGE_B1, due_at=NOW - LATER)
    for user, narrowed, counts in readers(cast):
        together, alone = together_and_alone(metrics.supervision_figures_for, user, now=NOW, **narrowed)
        assert together == alone
        assert [f.meetings for f in together] == counts
        assert [f.decisions for f in together] == [2 * n for n in counts]
        assert [f.tasks_accepted for f in together] == counts
        assert [f.activities for f in together] == counts
        assert [f.villages_listed for f in together] == counts
    officer = metrics.supervision_figures_for(cast.officer_a, PERIODS, now=NOW)
    assert {f.overdue_now for f in officer} == {0}
    assert {f.overdue_now for f in metrics.supervision_figures_for(cast.leader, PERIODS, now=NOW)} == {1}
    # Acknowledged ten days after: 30 June's report in the period across, not in the one before;
    # 30 September's after the quarter.
    assert [f.reports_acknowledged for f in officer] == [2, 1, 1, 2]
    assert (
        metrics.supervision_figures(cast.officer_a, start=QUARTER_3[0], end=QUARTER_3[1], now=NOW)
        == officer[0]
    )


def test_the_dashboard_sheet_compares_the_quarter_with_the_one_before_and_last_year(cast):
    """The catalogue's values of the quarter read together are those of each period alone."""
    template = cast.event()
    for i, (moment, region, township) in places():
        copy(template, number=f"T{i}", region_id=region, handling_unit_id=township, reported_at=moment)
    quarter = Period(QUARTER, *QUARTER_3)
    sheet = catalogue.values(cast.officer_a, quarter, now=NOW)
    reported = sheet.value("events.reported")
    assert (reported.value, reported.previous, reported.last_year) == (3, 2, 1)
    # The cast's own rows, made today, lie after every period.
    assert timezone.localdate() > QUARTER_3[1]
