"""Named reads of the working calendar (county-wide: every signed-in role that sees regions may
read it)."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from .models import CalendarDay


def days_between(start: dt.date, end: dt.date) -> QuerySet[CalendarDay]:
    return CalendarDay.objects.filter(day__gte=start, day__lte=end).order_by("day")


def days_of_year(year: int) -> QuerySet[CalendarDay]:
    return days_between(dt.date(year, 1, 1), dt.date(year, 12, 31))
