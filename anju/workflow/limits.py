"""Time limits on the county's working calendar: when a case is due, its yellow and red cards, and
the conditions lists, the sweep and the figures share.

A kind declares a policy; the machinery starts a limit (`start_limit`), extends it, colours it and
sweeps it. The policy says only how long: working days here (disputes), working hours or calendar
days for the kinds that count that way, by subclassing LimitPolicy."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils import timezone

from anju.worktime.calendar import WorkingCalendar

if TYPE_CHECKING:
    from .kinds import Kind


# What a request for more time counts: working days, or working hours where a stage's limit is
# hours long (grid events).
DAYS, HOURS = "days", "hours"


class LimitPolicy:
    """How long a case has, and how early its yellow card comes."""

    # The yellow card comes this many working days before the limit.
    warn_working_days = 2

    def due_for(self, case, start: dt.datetime, *, calendar: WorkingCalendar | None = None) -> dt.datetime:
        raise NotImplementedError

    def extend(
        self, due: dt.datetime, amount: int, *, calendar: WorkingCalendar | None = None
    ) -> dt.datetime:
        """The limit after an approved extension of `amount` (the policy's unit)."""
        raise NotImplementedError

    def extension_unit(self, case) -> str:
        """What a request for more time on this case is asked in: DAYS, or HOURS where the stage it
        is in counts working hours."""
        return DAYS

    def extend_hours(
        self, due: dt.datetime, hours: int, *, calendar: WorkingCalendar | None = None
    ) -> dt.datetime:
        """The limit after an approved extension of `hours` working hours."""
        return (calendar or WorkingCalendar.from_database()).add_working_hours(due, hours)

    def warning_threshold(self, now: dt.datetime, *, calendar: WorkingCalendar | None = None) -> dt.datetime:
        """Limits ending before this instant are in their yellow-card days."""
        return (calendar or WorkingCalendar.from_database()).add_working_days(now, self.warn_working_days)


class WorkingDays(LimitPolicy):
    """A number of working days that depends on the case (its level and risk, say), counted from the
    day after the start, and optionally never past an outer limit in calendar time."""

    def __init__(
        self,
        days: Callable[[object], int],
        *,
        outer: dt.timedelta | None = None,
        warn_working_days: int = 2,
    ):
        self.days = days
        self.outer = outer
        self.warn_working_days = warn_working_days

    def due_for(self, case, start: dt.datetime, *, calendar: WorkingCalendar | None = None) -> dt.datetime:
        due = (calendar or WorkingCalendar.from_database()).add_working_days(start, self.days(case))
        return min(due, start + self.outer) if self.outer is not None else due

    def extend(
        self, due: dt.datetime, amount: int, *, calendar: WorkingCalendar | None = None
    ) -> dt.datetime:
        return (calendar or WorkingCalendar.from_database()).add_working_days(due, amount)

    def limit_days(self, case, start: dt.datetime, *, calendar: WorkingCalendar | None = None) -> int:
        """The working days a limit started at `start` gives, the outer limit included: what a page
        says a case waiting to be accepted will have ("30 working days" would be wrong for a county
        case whose 30 calendar days end first)."""
        calendar = calendar or WorkingCalendar.from_database()
        return calendar.working_days_between(start, self.due_for(case, start, calendar=calendar))


def start_limit(kind: Kind, case, at: dt.datetime, *, calendar=None) -> None:
    """Give the case a new time limit from `at` (acceptance, reopening): due by the kind's policy,
    with its own yellow and red card still to come. The caller saves the case; it may hand over the
    working calendar it already holds."""
    case.due_at = kind.limits.due_for(case, at, calendar=calendar)
    case.warned_at = case.overdue_at = None


def extend_limit(kind: Kind, case, amount: int, *, unit: str = DAYS) -> None:
    """Move an approved extension (`amount` working days, or hours) onto the limit; the cards of the
    old limit no longer stand."""
    if unit == HOURS:
        case.due_at = kind.limits.extend_hours(case.due_at, amount)
    else:
        case.due_at = kind.limits.extend(case.due_at, amount)
    case.warned_at = case.overdue_at = None


def clear_limit(case) -> None:
    """The case leaves the stage its limit was for (escalated, assigned down)."""
    case.due_at = None
    case.warned_at = case.overdue_at = None


def still_open(kind: Kind) -> Q:
    """Cases not yet finished: for lists and the figures alike."""
    return Q(status__in=kind.open_statuses)


def overdue(kind: Kind, now: dt.datetime | None = None) -> Q:
    """Open cases past their limit (red card): for lists, the sweep and the figures alike."""
    return still_open(kind) & Q(due_at__lt=now or timezone.now())


def due_soon(kind: Kind, now: dt.datetime | None = None, *, threshold: dt.datetime | None = None) -> Q:
    """Open cases in their yellow-card days: the limit not passed, but ending within the warning."""
    now = now or timezone.now()
    threshold = threshold or kind.limits.warning_threshold(now)
    return Q(status__in=kind.open_statuses, due_at__gte=now, due_at__lte=threshold)


def colour(kind: Kind, case, now: dt.datetime | None = None, *, warn_from: dt.datetime | None = None) -> str:
    """'red' when overdue, 'yellow' in the last working days before the limit, 'green' before, ''
    for a case with no running limit. A list passes `warn_from` (warning_threshold) so the calendar
    is read once, not per row."""
    if case.due_at is None or case.status not in kind.open_statuses:
        return ""
    now = now or timezone.now()
    if now > case.due_at:
        return "red"
    if (warn_from or kind.limits.warning_threshold(now)) >= case.due_at:
        return "yellow"
    return "green"


def colour_rows(kind: Kind, rows) -> None:
    """Set `colour` on every row of a page, reading the calendar once."""
    now = timezone.now()
    warn_from = kind.limits.warning_threshold(now)
    for row in rows:
        row.colour = colour(kind, row, now, warn_from=warn_from)
