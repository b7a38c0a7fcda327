from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import Field, model_validator

from anju.core.dates import Day, Instant, check_day_order

from .choices import DayKind
from .importing import NAME_MAX

# The widest span one list request may ask for.
MAX_LIST_DAYS = 3660
# Limits far beyond any deadline a locality sets, so a typo cannot make the server count for minutes.
MAX_WORKING_DAYS = 2000
MAX_WORKING_HOURS = 20000


class DayOut(Schema):
    day: dt.date
    kind: DayKind
    name: str


class DayIn(Schema):
    kind: DayKind
    name: str = Field("", max_length=NAME_MAX)


class DayRange(Schema):
    start: Day | None = Field(None, description="first day (default: 1 January of this year)")
    end: Day | None = Field(None, description="last day (default: 31 December of the start's year)")

    @model_validator(mode="after")
    def check_span(self):
        check_day_order(self.start, self.end)
        if self.start and self.end and (self.end - self.start).days > MAX_LIST_DAYS:
            raise ValueError(_("Ask for at most %(n)d days at a time.") % {"n": MAX_LIST_DAYS})
        return self


class DeadlineQuery(Schema):
    start: Instant = Field(..., description="ISO 8601; without an offset it is county time")
    working_days: int | None = Field(None, ge=0, le=MAX_WORKING_DAYS)
    working_hours: float | None = Field(None, ge=0, le=MAX_WORKING_HOURS, allow_inf_nan=False)

    @model_validator(mode="after")
    def one_limit(self):
        if (self.working_days is None) == (self.working_hours is None):
            raise ValueError(_("Give exactly one of working_days and working_hours."))
        return self


class DeadlineOut(Schema):
    start: dt.datetime
    due: dt.datetime
