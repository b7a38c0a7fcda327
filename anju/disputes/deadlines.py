"""Time limits of a dispute, counted on the county's working calendar: the dispute's policy for the
shared machinery (anju.workflow.limits), and the names the pages, API and figures call.

Two stages have a limit. Waiting to be accepted: village 3, township 3, county 5 working days from
registration, and again from each escalation or assignment (ANJU_ACCEPTANCE_DAYS, JSON:
{"village": 3, ...}), so no case waits unnoticed. Mediation: village 7, township 15, county 30
working days from acceptance, shorter for serious and major risks, and never past the general
one-month rule (2002 rules) (ANJU_DISPUTE_LIMITS, JSON: {"village": {"general": 7, ...}, ...})."""

from __future__ import annotations

import datetime as dt
import json
import os

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q
from django.utils import timezone

from anju.workflow import limits as shared
from anju.workflow.limits import LimitPolicy, WorkingDays
from anju.worktime.calendar import WorkingCalendar

from .choices import OPEN_STATUSES, HandlingLevel, Risk, Status

DEFAULT_LIMITS: dict[str, dict[str, int]] = {
    HandlingLevel.VILLAGE: {Risk.GENERAL: 7, Risk.SERIOUS: 5, Risk.MAJOR: 3},
    HandlingLevel.TOWNSHIP: {Risk.GENERAL: 15, Risk.SERIOUS: 10, Risk.MAJOR: 7},
    HandlingLevel.COUNTY: {Risk.GENERAL: 30, Risk.SERIOUS: 20, Risk.MAJOR: 15},
}
OUTER_LIMIT = dt.timedelta(days=30)
# Yellow card: this many working days before the limit.
WARN_WORKING_DAYS = 2


def limits() -> dict[str, dict[str, int]]:
    raw = os.environ.get("ANJU_DISPUTE_LIMITS", "").strip()
    if not raw:
        return DEFAULT_LIMITS
    try:
        custom = json.loads(raw)
        merged = {level: {**DEFAULT_LIMITS[level], **custom.get(level, {})} for level in DEFAULT_LIMITS}
        if any(not isinstance(v, int) or v < 1 for days in merged.values() for v in days.values()):
            raise ValueError
    except (ValueError, AttributeError, TypeError):
        raise ImproperlyConfigured(
            'ANJU_DISPUTE_LIMITS must be JSON like {"village": {"general": 7}}'
        ) from None
    return merged


DEFAULT_ACCEPTANCE: dict[str, int] = {
    HandlingLevel.VILLAGE: 3,
    HandlingLevel.TOWNSHIP: 3,
    HandlingLevel.COUNTY: 5,
}


def acceptance_limits() -> dict[str, int]:
    raw = os.environ.get("ANJU_ACCEPTANCE_DAYS", "").strip()
    if not raw:
        return DEFAULT_ACCEPTANCE
    try:
        merged = {**DEFAULT_ACCEPTANCE, **json.loads(raw)}
        if set(merged) != set(DEFAULT_ACCEPTANCE) or any(
            not isinstance(v, int) or isinstance(v, bool) or v < 1 for v in merged.values()
        ):
            raise ValueError
    except (ValueError, TypeError):
        raise ImproperlyConfigured('ANJU_ACCEPTANCE_DAYS must be JSON like {"village": 3}') from None
    return merged


def _days(dispute) -> int:
    return limits()[dispute.handling_level][dispute.risk]


class DisputeLimits(LimitPolicy):
    """Acceptance while the case waits at a level, mediation once accepted: the stage is the case's
    status, so `start_limit` at registration, escalation, assignment, acceptance and reopening
    gives the limit of the stage the case enters."""

    warn_working_days = WARN_WORKING_DAYS

    def __init__(self):
        self.mediation = WorkingDays(_days, outer=OUTER_LIMIT, warn_working_days=WARN_WORKING_DAYS)

    def due_for(self, case, start: dt.datetime, *, calendar=None) -> dt.datetime:
        if case.status == Status.REGISTERED:
            days = acceptance_limits()[case.handling_level]
            return (calendar or WorkingCalendar.from_database()).add_working_days(start, days)
        return self.mediation.due_for(case, start, calendar=calendar)

    def extend(self, due: dt.datetime, amount: int, *, calendar=None) -> dt.datetime:
        return self.mediation.extend(due, amount, calendar=calendar)


POLICY = DisputeLimits()


def _kind():
    from .kind import DISPUTE

    return DISPUTE


def due_for(dispute, accepted_at: dt.datetime) -> dt.datetime:
    """The mediation limit of a case accepted at `accepted_at`."""
    return POLICY.mediation.due_for(dispute, accepted_at)


def limit_days(dispute, start: dt.datetime | None = None, *, calendar=None) -> int:
    """The working days of mediation a case accepted now (or at `start`) gets, the one-month outer
    limit included: what a case waiting to be accepted is told it will have. A list passes one
    `calendar` for all its rows."""
    return POLICY.mediation.limit_days(dispute, start or timezone.now(), calendar=calendar)


def colour(dispute, now: dt.datetime | None = None, *, warn_from: dt.datetime | None = None) -> str:
    """'red' when overdue, 'yellow' in the last working days before the limit, else 'green'."""
    return shared.colour(_kind(), dispute, now, warn_from=warn_from)


def warning_threshold(now: dt.datetime | None = None) -> dt.datetime:
    return POLICY.warning_threshold(now or timezone.now())


def overdue(now: dt.datetime | None = None) -> Q:
    """Open cases past their limit (red card): for lists, the sweep and the figures alike."""
    return shared.overdue(_kind(), now)


def still_open() -> Q:
    """Cases not yet concluded: the leader's "open" figure and the list's filter alike."""
    return Q(status__in=OPEN_STATUSES)


def red_carded() -> Q:
    """Open cases the sweep gave a red card (their limit passed and was not extended since)."""
    return still_open() & Q(overdue_at__isnull=False)


def due_soon(now: dt.datetime | None = None) -> Q:
    return shared.due_soon(_kind(), now)


def colour_rows(rows) -> None:
    shared.colour_rows(_kind(), rows)
