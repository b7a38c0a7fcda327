"""Time limits of a grid event: each stage (filing, dispatch, handling, verification) has the limit
its minor class sets, in working hours or working days on the county's working calendar. The stage
is the event's status, so `limits.start_limit` at each step gives the limit of the stage entered."""

from __future__ import annotations

import datetime as dt
import math

from django.db.models import Q

from anju.workflow import limits as shared
from anju.workflow.limits import LimitPolicy
from anju.worktime.calendar import WorkingCalendar

from .choices import STAGE_OF_STATUS, LimitUnit

# The yellow card comes this many working hours before a stage's limit: stages are hours long,
# so the disputes' two working days would card every event the moment it is reported.
WARN_WORKING_HOURS = 1

# An event marked urgent whose minor class is not urgent by default has this share of each stage's
# limit (a minor class urgent by default already has the short limits the catalogue gives it).
URGENT_SHARE = 0.5


def limit_of(event_type, stage: str, *, urgent: bool) -> float:
    """A stage's limit in the minor class's unit, halved for an event marked urgent."""
    amount = float(event_type.limit(stage))
    if urgent and not event_type.urgent:
        amount *= URGENT_SHARE
    return amount


class EventLimits(LimitPolicy):
    def due_for(self, case, start: dt.datetime, *, calendar: WorkingCalendar | None = None) -> dt.datetime:
        calendar = calendar or WorkingCalendar.from_database()
        event_type = case.event_type
        amount = limit_of(event_type, STAGE_OF_STATUS[case.status], urgent=case.urgent)
        if event_type.limit_unit == LimitUnit.DAYS:
            return calendar.add_working_days(start, max(1, math.ceil(amount)))
        return calendar.add_working_hours(start, amount)

    def extend(
        self, due: dt.datetime, amount: int, *, calendar: WorkingCalendar | None = None
    ) -> dt.datetime:
        """An approved extension of a minor class counted in days adds working days."""
        return (calendar or WorkingCalendar.from_database()).add_working_days(due, amount)

    def extension_unit(self, case) -> str:
        """More time is asked in the unit the minor class counts its limits in: working hours for a
        stage of hours (a day more would triple a four-hour limit), working days otherwise."""
        return shared.HOURS if case.event_type.limit_unit == LimitUnit.HOURS else shared.DAYS

    def warning_threshold(self, now: dt.datetime, *, calendar: WorkingCalendar | None = None) -> dt.datetime:
        return (calendar or WorkingCalendar.from_database()).add_working_hours(now, WARN_WORKING_HOURS)


POLICY = EventLimits()


def _kind():
    from .kind import EVENT

    return EVENT


def colour(event, now: dt.datetime | None = None) -> str:
    return shared.colour(_kind(), event, now)


def colour_rows(rows) -> None:
    shared.colour_rows(_kind(), rows)


def overdue(now: dt.datetime | None = None) -> Q:
    return shared.overdue(_kind(), now)
