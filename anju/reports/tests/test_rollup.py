"""The rollup of the dispute figures gives the answers the disputes give: on the hand-counted
quarter once it is rebuilt, and after random sequences of the workflow's transitions on a clock
that moves over months, kept in step transition by transition."""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib
import io

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anju.accounts.models import RoleAssignment, User
from anju.demo import testing
from anju.demo.testing import local
from anju.disputes import actions
from anju.disputes.choices import TRANSITIONS, Category
from anju.disputes.models import Dispute
from anju.regions.models import Region
from anju.reports import metrics, rollup
from anju.reports.models import (
    CountyCell,
    CountyResolutionTally,
    CountyTally,
    DisputeCell,
    DisputeTally,
    ResolutionTally,
    RollupState,
)
from anju.reports.tests.factories import make_dispute

pytestmark = pytest.mark.django_db


def both_ways(user, **period) -> tuple[metrics.DisputeFigures, metrics.DisputeFigures]:
    """The figures read through the rollup, then counted from the disputes alone."""
    assert rollup.usable()
    rolled = metrics.dispute_figures(user, **period)
    state = RollupState.objects.get()
    state.delete()
    try:
        raw = metrics.dispute_figures(user, **period)
    finally:
        state.save()
    return rolled, raw


def together_and_apart(user, periods, **narrowed) -> tuple[list, list]:
    """Several periods read together through the rollup (as a dashboard reads its period, the one
    before and last year's), then each counted alone from the disputes."""
    together = metrics.dispute_figures_for(user, periods, **narrowed)
    state = RollupState.objects.get()
    state.delete()
    try:
        apart = [metrics.dispute_figures(user, start=start, end=end, **narrowed) for start, end in periods]
    finally:
        state.save()
    return together, apart


def cells() -> dict[tuple, tuple[int, ...]]:
    """The rollup's rows that count something, each table's by its key."""
    held = {}
    for model, key, measures in (
        (DisputeCell, rollup.KEY, ("cases", "seconds_to_resolve")),
        (DisputeTally, rollup.TALLY_KEY, ("cases", "resolved", "escalated")),
        (ResolutionTally, rollup.RESOLUTION_KEY, ("cases", "seconds_to_resolve")),
        (CountyCell, rollup.KEY, ("cases", "seconds_to_resolve")),
        (CountyTally, rollup.TALLY_KEY, ("cases", "resolved", "escalated")),
        (CountyResolutionTally, rollup.RESOLUTION_KEY, ("cases", "seconds_to_resolve")),
    ):
        for row in model.objects.values_list(*key, *measures):
            if any(row[len(key) :]):
                held[(model.__name__, *row[: len(key)])] = tuple(row[len(key) :])
    return held


def test_the_quarter_reads_the_same_through_the_rollup(cast, quarter):
    out = io.StringIO()
    call_command("rebuild_rollups", stdout=out)
    assert "rollup rebuilt" in out.getvalue()
    periods = [
        (dt.date(2024, 1, 1), dt.date(2024, 4, 1)),  # whole months
        (dt.date(2024, 1, 10), dt.date(2024, 3, 20)),  # ends within a past month
        (dt.date(2023, 12, 15), dt.date(2024, 4, 2)),  # days on both sides of the months
        (dt.date(2024, 2, 1), dt.date(2024, 2, 21)),  # no whole month
        (dt.date(2022, 1, 1), timezone.localdate() + dt.timedelta(days=1)),  # up to today
    ]
    for member in ("leader", "grid_a1"):
        for start, end in periods:
            rolled, raw = both_ways(cast.user(member), start=start, end=end)
            assert rolled == raw, (member, start, end)
        # All at once: a quarter with the one before and last year's (three segments of months), and
        # every period above together (overlapping, with gaps between them).
        quarters = [
            (dt.date(2024, 1, 1), dt.date(2024, 4, 1)),
            (dt.date(2023, 10, 1), dt.date(2024, 1, 1)),
            (dt.date(2023, 1, 1), dt.date(2023, 4, 1)),
        ]
        for together in (quarters, periods):
            read, counted = together_and_apart(cast.user(member), together)
            assert read == counted, (member, together)
    rolled, raw = both_ways(
        cast.leader, start=dt.date(2024, 1, 1), end=dt.date(2024, 4, 1), category="neighbour"
    )
    assert rolled == raw
    # The hand count itself (test_metrics.test_a_category), now from the rollup.
    assert (rolled.found, rolled.resolved, rolled.escalated) == (4, 2, 1)


def test_a_rollup_built_before_the_tallies_is_summed_into_them_by_its_migration(cast, quarter):
    rollup.rebuild()
    built = cells()
    assert any(key[0] == "DisputeTally" for key in built)
    DisputeTally.objects.all().delete()
    ResolutionTally.objects.all().delete()
    importlib.import_module("anju.reports.migrations.0004_dispute_tallies").tally_the_cells(django_apps, None)
    assert cells() == built


def test_a_rollup_built_before_the_county_tables_is_summed_into_them_by_its_migration(cast, quarter):
    rollup.rebuild()
    built = cells()
    assert any(key[0] == "CountyTally" for key in built)
    for model in (CountyCell, CountyTally, CountyResolutionTally):
        model.objects.all().delete()
    importlib.import_module("anju.reports.migrations.0006_county_rollup").sum_by_county(django_apps, None)
    assert cells() == built


def _second_county() -> dict[str, Dispute]:
    """A neighbouring county in the same database, with three disputes in the hand-counted quarter."""
    county = Region.objects.create(code="629903", name="邻县", level="county")
    township = Region.objects.create(code="629903100", name="邻镇", level="township", parent=county)
    village = Region.objects.create(code="629903100201", name="邻村", level="village", parent=township)
    return {
        # resolved in the village within the quarter
        "n1": make_dispute(
            village.code,
            category="neighbour",
            origin="village",
            status="resolved",
            registered=local(2024, 1, 5),
            resolved=local(2024, 1, 9),
            resolved_level="village",
        ),
        # escalated in February, resolved by the township after the quarter's end
        "n2": make_dispute(
            village.code,
            category="land",
            origin="village",
            handling="township",
            status="resolved",
            registered=local(2024, 2, 10),
            resolved=local(2024, 4, 3),
            resolved_level="township",
            escalated_at=(local(2024, 2, 12),),
        ),
        # registered at the township, still open
        "n3": make_dispute(
            township.code,
            category="neighbour",
            origin="township",
            status="mediating",
            registered=local(2024, 3, 20),
        ),
    }


def test_two_counties_read_the_rollup_summed_by_county(cast, quarter, client):
    """A prefecture's or a province's figures, broken down by county, read the county tables: the
    same answers the disputes give, each county's own in its row."""
    _second_county()
    root = User.objects.create(username="province-root", is_superuser=True)
    rollup.rebuild()
    codes = [unit.code for unit in metrics._units(root, None)[1]]
    assert codes == [testing.COUNTY, "629903"]
    assert rollup.grain_for(root, None, codes) is rollup.COUNTY
    # A county's own leader still reads the townships' rows.
    leader_units = [unit.code for unit in metrics._units(cast.leader, None)[1]]
    assert rollup.grain_for(cast.leader, None, leader_units) is rollup.TOWNSHIP
    today = timezone.localdate()
    periods = [
        (dt.date(2024, 1, 1), dt.date(2024, 4, 1)),  # whole months, ended
        (dt.date(2024, 1, 10), dt.date(2024, 3, 20)),  # ends within a past month
        (dt.date(2023, 12, 15), dt.date(2024, 4, 2)),  # days on both sides of the months
        (dt.date(2022, 1, 1), today + dt.timedelta(days=1)),  # up to today
    ]
    for start, end in periods:
        rolled, raw = both_ways(root, start=start, end=end)
        assert rolled == raw, (start, end)
    read, counted = together_and_apart(root, periods)
    assert read == counted
    # One county and a township of the other: units of two lengths, each case under the unit
    # whose code begins its region's.
    both = User.objects.create(username="two-places")
    RoleAssignment.objects.create(user=both, role="leader", region_id=testing.COUNTY)
    RoleAssignment.objects.create(user=both, role="leader", region_id="629903100")
    assert [unit.code for unit in metrics._units(both, None)[1]] == [testing.COUNTY, "629903100"]
    read, counted = together_and_apart(both, periods)
    assert read == counted
    assert next(row for row in read[0].by_region if row.key == "629903100").found == 3
    # The hand count of the neighbouring county's row in the quarter: three found; one resolved
    # within it (the other after its end); one escalated.
    quarter_figures = metrics.dispute_figures(root, start=dt.date(2024, 1, 1), end=dt.date(2024, 4, 1))
    neighbour = next(row for row in quarter_figures.by_region if row.key == "629903")
    assert (neighbour.found, neighbour.resolved) == (3, 1)
    county = next(row for row in quarter_figures.by_region if row.key == testing.COUNTY)
    alone = metrics.dispute_figures(cast.leader, start=dt.date(2024, 1, 1), end=dt.date(2024, 4, 1))
    assert (county.found, county.resolved) == (alone.found, alone.resolved)
    assert quarter_figures.escalated == alone.escalated + 1
    # What the province's staff read through the API: a row per county, the same once the rollup is
    # set aside and every figure is counted from the disputes.
    client.force_login(root)
    quarter_days = {"date_from": "2024-01-01", "date_to": "2024-03-31"}
    answer = client.get("/api/reports/disputes", quarter_days)
    assert answer.status_code == 200, answer.content
    rows = {row["key"]: (row["found"], row["resolved"]) for row in answer.json()["by_region"]}
    assert rows == {testing.COUNTY: (alone.found, alone.resolved), "629903": (3, 1)}
    RollupState.objects.all().delete()
    assert client.get("/api/reports/disputes", quarter_days).json() == answer.json()


def test_the_rollup_is_read_once_built_and_in_its_own_time_zone(cast, settings):
    assert not rollup.usable()
    call_command("rebuild_rollups", stdout=io.StringIO())
    assert rollup.usable()
    # Counted in another time zone's months, it is not read until it is rebuilt.
    settings.TIME_ZONE = "Europe/Berlin"
    assert not rollup.usable()


# --- random sequences of transitions --------------------------------------------------------------

REGIONS = (testing.GRID_A1, testing.VILLAGE_A2, testing.VILLAGE_B1, testing.TOWNSHIP_A)
ACTIONS = ("register", *TRANSITIONS)
# Mid-morning in the county, late in 2025: a clock that the steps move on by days.
START = local(2025, 9, 20, 10)


def _apply(actor, case: Dispute, name: str, clock: dt.datetime, cases: list[Dispute]) -> None:
    day = timezone.localdate(clock)
    reason = "原因"
    if name == "accept":
        actions.accept(actor, case, mediators=list(actions.eligible_mediators(case)[:1]))
    elif name == "record_session":
        actions.record_session(
            actor, case, held_on=day, place="村委会", participants="双方", record_text="谈"
        )
    elif name == "record_agreement":
        actions.record_agreement(
            actor, case, kind="written", facts="f", terms="t", performance="p", signed_on=day
        )
    elif name == "record_failure":
        actions.record_failure(actor, case, reason=reason, remedies=["court"], notified_on=day)
    elif name in ("record_refusal", "end_at_request"):
        getattr(actions, name)(actor, case, reason=reason)
    elif name == "record_visit":
        actions.record_visit(actor, case, visited_on=day, performance="performed")
    elif name == "resolve":
        actions.resolve(actor, case)
    elif name in ("escalate", "reopen", "urge"):
        getattr(actions, name)(actor, case, reason=reason)
    elif name == "assign_down":
        actions.assign_down(actor, case, level="village")
    elif name == "transfer_out":
        actions.transfer_out(
            actor, case, body="court", body_name="县法院", receipt_number="1", received_on=day
        )
    elif name == "merge":
        others = [c for c in cases if c.pk != case.pk]
        if others:
            into = Dispute.objects.get(pk=others[0].pk)
            actions.merge(actor, case, into=into)
    else:  # a transition the kind declared after this test was written
        raise AssertionError(f"no step for the transition {name}")


steps = st.lists(
    st.tuples(
        st.sampled_from(ACTIONS),
        st.integers(0, 7),  # which case (or where a new one arises)
        st.sampled_from([0, 0, 1, 3, 12, 35]),  # days the clock moves on first
    ),
    min_size=3,
    max_size=25,
)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=steps, category=st.sampled_from(Category.values))
def test_random_transitions_keep_the_rollup_equal_to_the_disputes(cast, monkeypatch, steps, category):
    root = User.objects.get_or_create(username="rollup-root", defaults={"is_superuser": True})[0]
    with transaction.atomic():
        rollup.rebuild()
        clock = START
        monkeypatch.setattr(timezone, "now", lambda: clock)
        cases: list[Dispute] = []
        for name, which, days in steps:
            clock += dt.timedelta(days=days, minutes=7)
            if name == "register" or not cases:
                region = Region.objects.get(code=REGIONS[which % len(REGIONS)])
                cases.append(
                    actions.register_dispute(
                        root,
                        region=region,
                        channel="walk_in" if which % 2 else "hotline",
                        category=category if which % 3 else "other",
                        title="随机纠纷",
                        description="随机生成的纠纷。",
                        parties=[{"role": "applicant", "name": "甲"}, {"role": "respondent", "name": "乙"}],
                    )
                )
                continue
            case = Dispute.objects.get(pk=cases[which % len(cases)].pk)
            # A step not possible from where the case is changes nothing.
            with contextlib.suppress(ValidationError, PermissionDenied):
                _apply(root, case, name, clock, cases)
        kept = cells()
        today = timezone.localdate(clock)
        month = today.replace(day=1)
        # Whole months; ending within a past month; days around the months up to today.
        periods = [
            ("leader", dt.date(2025, 9, 1), month),
            ("leader", dt.date(2025, 9, 25), today),
            ("officer_a", dt.date(2025, 9, 20), today + dt.timedelta(days=1)),
        ]
        for member, start, end in periods:
            if start < end:
                rolled, raw = both_ways(cast.user(member), start=start, end=end)
                assert rolled == raw, (member, start, end)
        together = [(start, end) for _member, start, end in periods if start < end]
        read, counted = together_and_apart(cast.leader, together)
        assert read == counted, together
        # Kept in step transition by transition, the rollup holds what a rebuild counts.
        rollup.rebuild()
        assert cells() == kept
        transaction.set_rollback(True)
