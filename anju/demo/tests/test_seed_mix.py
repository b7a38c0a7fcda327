"""The seed's counties and mix: what the figures' benchmarks measure must look like a county's
year, and several counties must share one database as a province's instance does."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db.models import Count

from anju.core.scoping import SYSTEM
from anju.disputes import deadlines
from anju.disputes.models import Dispute, TimelineEntry
from anju.reports import metrics, rollup
from anju.reports.models import RollupState

pytestmark = pytest.mark.django_db


def test_seed_spreads_the_cases_over_counties_each_with_its_own_tree():
    out = io.StringIO()
    call_command(
        "seed",
        *("--county", "629905", "--counties", "2", "--townships", "1", "--cases", "1200", "--seed", "3"),
        stdout=out,
        stderr=io.StringIO(),
    )
    counts = {
        code: Dispute.objects.filter(region__code__startswith=code).count() for code in ("629905", "629906")
    }
    assert counts == {"629905": 600, "629906": 600}
    assert "figures' rollup" in out.getvalue() and rollup.usable()
    cases = Dispute.objects.filter(region__code__regex=r"^62990[56]")
    # The mix: a few per cent overdue, escalated, reopened and merged cases, each with its rows.

    overdue = cases.filter(deadlines.overdue()).count()
    assert 0 < overdue <= 0.05 * cases.count()
    rows = dict(
        TimelineEntry.objects.filter(dispute__in=cases).values_list("transition").annotate(n=Count("pk"))
    )
    assert (
        rows["escalate"] > 0.1 * cases.count() and rows["reopen"] > 0 and rows["merge"] == rows["merged_in"]
    )
    assert cases.filter(status="merged", merged_into__isnull=False).count() == rows["merge"]
    assert cases.filter(origin_level="township").exists()
    assert set(cases.values_list("handling_level", flat=True)) == {"village", "township", "county"}
    # The province's figures (both counties and the cast's), read through the rollup, are what
    # the disputes count.
    today = dt.date.today()
    period = {"start": dt.date(today.year - 3, 1, 1), "end": dt.date(today.year + 1, 1, 1)}
    rolled = metrics.dispute_figures(SYSTEM, **period)
    assert {row.key for row in rolled.by_region if row.found} >= {"629905", "629906"}
    RollupState.objects.all().delete()
    assert metrics.dispute_figures(SYSTEM, **period) == rolled


@pytest.mark.django_db
def test_seeded_events_are_mostly_in_time_and_a_few_overdue():
    """A demo board looks like a working centre's: open events were reported recently and most are
    within their stage's limit, a few are overdue; most closed events went through every stage in
    time."""
    from django.utils import timezone

    from anju.events.models import Event

    call_command("seed", "--county", "629904", "--townships", "1", "--events", "400", stdout=io.StringIO())
    events = Event.objects.filter(region__code__startswith="629904")
    now = timezone.now()
    still_open = events.filter(status__in=["reported", "filed", "dispatched", "handled"])
    assert still_open.count() >= 40
    overdue = still_open.filter(due_at__lt=now).count()
    assert 0 < overdue <= still_open.count() * 0.15
    assert not still_open.filter(reported_at__lt=now - dt.timedelta(days=3)).exists()
    closed = events.filter(status__in=["closed", "evaluated"])
    filed_late = sum(1 for filed, due in closed.values_list("filed_at", "file_due_at") if filed > due)
    assert closed.count() >= 200 and filed_late <= closed.count() * 0.15
