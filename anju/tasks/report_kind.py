"""Major-matter reports (请示报告) as a kind of case on the shared workflow: submitted, acknowledged
by the county committee within a limit set by urgency, instructed (批示), made a supervised task or
closed. The committee of the reporting unit's county answers; the sweep cards it as the limit of
its acknowledgement nears and passes."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from anju.workflow import limits, sweep
from anju.workflow.kinds import Kind
from anju.workflow.limits import WorkingDays

from .choices import (
    ACKNOWLEDGE_WORKING_DAYS,
    REPORT_EVENTS,
    REPORT_OPEN_STATUSES,
    REPORT_TRANSITIONS,
    ReportStatus,
    Urgency,
)
from .models import MatterReport, MatterReportAlert, MatterReportTimelineEntry


def committee_of(code: str) -> str:
    """The county committee a unit reports to: its county."""
    return code[:6]


def acknowledge_days(report: MatterReport) -> int:
    return ACKNOWLEDGE_WORKING_DAYS.get(report.urgency, ACKNOWLEDGE_WORKING_DAYS[Urgency.ORDINARY])


def report_sweep(now):
    """Reports written before they had a limit get theirs from the time they were submitted; then
    the cards, as for every kind."""
    sweep.give_missing_limits(REPORT, lambda report: report.submitted_at)
    return sweep.cards(REPORT, now)


def detail_path(report: MatterReport) -> str:
    return reverse("tasks:report", args=[report.pk])


REPORT = Kind(
    name="report",
    label=_("Major-matter report"),
    model=MatterReport,
    statuses=ReportStatus,
    open_statuses=REPORT_OPEN_STATUSES,
    transitions=REPORT_TRANSITIONS,
    events=REPORT_EVENTS,
    timeline_model=MatterReportTimelineEntry,
    alert_model=MatterReportAlert,
    case_field="report",
    audited=("status", "urgency", "due_at", "instructed_at", "version"),
    limits=WorkingDays(acknowledge_days, warn_working_days=1),
    unit_above=committee_of,
    sweep=report_sweep,
    region_attr="region_id",
    detail_path=detail_path,
)


def report_colour(report: MatterReport) -> str:
    """The card its acknowledgement is under: green, yellow, red, or "" once acknowledged."""
    return limits.colour(REPORT, report)
