"""Calendars for the tests. The holiday dates below are invented for 2030 in the shape of a usual
State Council notice (a nine-day Spring Festival block with two make-up weekend days); they are
test data, not the real 2030 calendar."""

from __future__ import annotations

import datetime as dt

from anju.demo.testing import COUNTY_TZ
from anju.worktime.choices import DayKind

UTC = dt.UTC

# 2030: New Year's Day is a Tuesday; the block runs Saturday 2 Feb to Sunday 10 Feb; Sunday 27 Jan
# and Saturday 16 Feb are worked in exchange. 2031-01-01 is a Wednesday.
SPRING_FESTIVAL_2030 = {
    dt.date(2030, 1, 1): (DayKind.HOLIDAY, "元旦"),
    dt.date(2030, 1, 27): (DayKind.WORKDAY, "春节调休"),
    **{dt.date(2030, 2, d): (DayKind.HOLIDAY, "春节") for d in range(2, 11)},
    dt.date(2030, 2, 16): (DayKind.WORKDAY, "春节调休"),
    dt.date(2031, 1, 1): (DayKind.HOLIDAY, "元旦"),
}


def overrides(days=SPRING_FESTIVAL_2030) -> dict[dt.date, str]:
    return {day: kind for day, (kind, _name) in days.items()}


def end_of(year: int, month: int, day: int) -> dt.datetime:
    return dt.datetime(year, month, day, 23, 59, 59, 999999, tzinfo=COUNTY_TZ)


def store(days=SPRING_FESTIVAL_2030) -> None:
    from anju.worktime.models import CalendarDay

    CalendarDay.objects.bulk_create(
        CalendarDay(day=day, kind=kind, name=name) for day, (kind, name) in days.items()
    )
