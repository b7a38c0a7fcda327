"""Deadlines on the county's working calendar: Monday to Friday are working days unless a
CalendarDay says otherwise (a holiday off, or a weekend day worked in exchange).

Every function takes aware datetimes (naive ones are read as county time), works in the county's
time zone (settings.TIME_ZONE, Asia/Shanghai) and loads the overrides for the span it needs in one
query, or in chunks of CHUNK_DAYS days when the span is not known in advance; never a query per day.
Pass `calendar=` to reuse one loaded calendar for many deadlines, or a calendar built from a dict
in tests."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import formats, timezone
from django.utils.translation import gettext

from .choices import DayKind

# The county's default office hours; a county sets its own with ANJU_WORKING_HOURS.
DEFAULT_WORKING_HOURS = "08:30-12:00,14:00-17:30"
# Overrides are sparse (about 30 a year), so one chunk is a handful of rows.
CHUNK_DAYS = 400

Period = tuple[dt.time, dt.time]
DateLike = dt.date | dt.datetime


class OutOfRange(ValueError):
    """The deadline would fall outside the dates Python can represent (after 9999-12-31)."""


def parse_working_hours(value: str | Iterable) -> tuple[Period, ...]:
    """ "08:30-12:00,14:00-17:30" (or pairs of times) -> ((08:30, 12:00), (14:00, 17:30)).
    Periods must be in order within one day, not overlap, and each must be longer than nothing."""
    if isinstance(value, str):
        pairs = []
        for part in value.split(","):
            if not part.strip():
                continue
            try:
                start_text, end_text = part.split("-")
                pairs.append(
                    (dt.time.fromisoformat(start_text.strip()), dt.time.fromisoformat(end_text.strip()))
                )
            except ValueError:
                raise ValueError(f"{part.strip()!r} is not a period like 08:30-12:00") from None
    else:
        pairs = [(start, end) for start, end in value]
    if not pairs:
        raise ValueError("at least one working period is needed")
    previous_end = None
    for start, end in pairs:
        if not (isinstance(start, dt.time) and isinstance(end, dt.time)):
            raise ValueError("working periods are pairs of times")
        if start.tzinfo or end.tzinfo:
            raise ValueError("working periods are local times, without a time zone")
        if start >= end:
            raise ValueError(f"the period {start:%H:%M}-{end:%H:%M} ends before it starts")
        if previous_end is not None and start < previous_end:
            raise ValueError("working periods must be in order and must not overlap")
        previous_end = end
    return tuple(pairs)


def working_hours() -> tuple[Period, ...]:
    """The configured office hours (settings.ANJU_WORKING_HOURS, else the default)."""
    value = getattr(settings, "ANJU_WORKING_HOURS", DEFAULT_WORKING_HOURS)
    try:
        return parse_working_hours(value)
    except ValueError as error:
        raise ImproperlyConfigured(f"ANJU_WORKING_HOURS: {error}") from None


def county_tz() -> dt.tzinfo:
    # The default time zone, not the request's active one: a deadline is the county's.
    return timezone.get_default_timezone()


def to_local(value: DateLike) -> dt.datetime:
    """An aware datetime in county time; a naive datetime is county time, a date is its midnight."""
    tz = county_tz()
    if not isinstance(value, dt.datetime):
        return dt.datetime.combine(value, dt.time.min, tzinfo=tz)
    if timezone.is_naive(value):
        return value.replace(tzinfo=tz)
    return value.astimezone(tz)


def local_date(value: DateLike) -> dt.date:
    return to_local(value).date() if isinstance(value, dt.datetime) else value


def end_of_day(day: dt.date) -> dt.datetime:
    """The last moment of a day in county time: a deadline "on" a day is due by then."""
    return dt.datetime.combine(day, dt.time.max, tzinfo=county_tz())


def deadline_text(value: DateLike | None) -> str:
    """A deadline as every page, list and message shows it: the day it falls on and the end of that
    day's office hours ("2026年12月9日 17:30"), in the active language's format. A limit due by the
    end of its day is due, for the people working it, when the office closes; one counted in hours
    keeps its own time."""
    if value is None or value == "":
        return ""
    local = to_local(value)
    closes = working_hours()[-1][1]
    if local.time() >= closes:
        local = local.replace(hour=closes.hour, minute=closes.minute, second=0, microsecond=0)
    return formats.date_format(local, "DATETIME_FORMAT")


def _weekdays_through(ordinal: int) -> int:
    """Mondays to Fridays among the days with ordinals 1..ordinal (day 1, 0001-01-01, is a Monday)."""
    weeks, rest = divmod(ordinal, 7)
    return weeks * 5 + min(rest, 5)


def _as_workday(value) -> bool:
    if isinstance(value, bool):
        return value
    if value == DayKind.WORKDAY:
        return True
    if value == DayKind.HOLIDAY:
        return False
    raise ValueError(f"{value!r} is neither {DayKind.HOLIDAY.value!r} nor {DayKind.WORKDAY.value!r}")


def _shift(day: dt.date, days: int) -> dt.date:
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        # Deadlines only move forward, so the edge reached is the last day; the API shows this text.
        raise OutOfRange(gettext("The deadline would fall after 9999-12-31, beyond the calendar.")) from None


class WorkingCalendar:
    """Which days are working days, and the arithmetic of deadlines on them.

    `WorkingCalendar({date: "holiday" | "workday" | bool})` is a fixed calendar that never touches
    the database (for tests and what-if questions); `WorkingCalendar.from_database()` reads the
    county's CalendarDay rows, one query per range it is asked to cover."""

    def __init__(
        self, overrides: Mapping[dt.date, bool | str] | None = None, *, periods: str | Iterable | None = None
    ):
        self._overrides: dict[dt.date, bool] = {
            day: _as_workday(value) for day, value in (overrides or {}).items()
        }
        self.periods: tuple[Period, ...] = (
            working_hours() if periods is None else parse_working_hours(periods)
        )
        self._from_database = False
        self._loaded: tuple[dt.date, dt.date] | None = None  # inclusive; always one contiguous range

    @classmethod
    def from_database(
        cls, start: dt.date | None = None, end: dt.date | None = None, *, periods=None
    ) -> WorkingCalendar:
        calendar = cls(periods=periods)
        calendar._from_database = True
        if start is not None and end is not None:
            calendar.load(start, end)
        return calendar

    # Loading -----------------------------------------------------------------------------------

    def load(self, start: dt.date, end: dt.date) -> None:
        """Make sure the overrides of [start, end] are known, with at most one query."""
        if not self._from_database or end < start:
            return
        if self._loaded is not None:
            low, high = self._loaded
            if low <= start and end <= high:
                return
            # Widen to one contiguous range (the gap, if any, costs a few rows, not a query).
            start, end = min(start, low), max(end, high)
        for day, kind in _calendar_days(start, end):
            if self._loaded is None or not (self._loaded[0] <= day <= self._loaded[1]):
                self._overrides[day] = kind == DayKind.WORKDAY
        self._loaded = (start, end)

    def _ensure(self, day: dt.date) -> None:
        """Load the chunk around a day the calendar does not know yet (walking forward or back)."""
        if not self._from_database:
            return
        loaded = self._loaded
        if loaded is not None and loaded[0] <= day <= loaded[1]:
            return
        chunk = dt.timedelta(days=CHUNK_DAYS - 1)
        if loaded is not None and day < loaded[0]:
            self.load(day - chunk if day - dt.date.min >= chunk else dt.date.min, day)
        else:
            self.load(day, day + chunk if dt.date.max - day >= chunk else dt.date.max)

    # Days --------------------------------------------------------------------------------------

    def is_workday(self, day: DateLike) -> bool:
        day = local_date(day)
        self._ensure(day)
        override = self._overrides.get(day)
        return day.weekday() < 5 if override is None else override

    def next_workday(self, day: DateLike) -> dt.date:
        """The first working day after `day`."""
        day = local_date(day)
        while True:
            day = _shift(day, 1)
            if self.is_workday(day):
                return day

    def working_days_between(self, start: DateLike, end: DateLike) -> int:
        """Working days in (start, end]; negative when end is before start, so that "overdue by"
        and "days left" are the same question."""
        start, end = local_date(start), local_date(end)
        if end < start:
            return -self.working_days_between(end, start)
        if end == start:
            return 0
        first = start + dt.timedelta(days=1)
        self.load(first, end)
        count = _weekdays_through(end.toordinal()) - _weekdays_through(start.toordinal())
        for day, works in self._overrides.items():
            if first <= day <= end and works != (day.weekday() < 5):
                count += 1 if works else -1
        return count

    # Deadlines ---------------------------------------------------------------------------------

    def add_working_days(self, start: DateLike, days: int) -> dt.datetime:
        """Due at the end of the `days`-th working day after the day of `start` (that day never
        counts, whatever the hour). days=0: the end of the start day if it is a working day, else
        of the next working day."""
        if isinstance(days, bool) or not isinstance(days, int) or days < 0:
            raise ValueError("days must be a whole number, 0 or more")
        day = local_date(start)
        if days == 0:
            return end_of_day(day if self.is_workday(day) else self.next_workday(day))
        for _ in range(days):
            day = self.next_workday(day)
        return end_of_day(day)

    def add_working_hours(self, start: DateLike, hours: float) -> dt.datetime:
        """The moment `hours` of office time have passed since `start`. Time outside the working
        periods and on days off does not count; a start outside them counts from the next period.
        A deadline that fills a period exactly is due at that period's end (12:00, not 14:00)."""
        if isinstance(hours, bool) or not isinstance(hours, int | float) or not math.isfinite(hours):
            raise ValueError("hours must be a number")
        if hours < 0:
            raise ValueError("hours must be 0 or more")
        remaining = dt.timedelta(hours=hours)
        cursor = to_local(start)
        tz = cursor.tzinfo
        day = cursor.date()
        while True:
            if self.is_workday(day):
                for period_start, period_end in self.periods:
                    opens = dt.datetime.combine(day, period_start, tzinfo=tz)
                    closes = dt.datetime.combine(day, period_end, tzinfo=tz)
                    if cursor > closes:
                        continue
                    begin = max(cursor, opens)
                    available = closes - begin
                    if remaining <= available:
                        return begin + remaining
                    remaining -= available
            day = _shift(day, 1)
            cursor = dt.datetime.combine(day, dt.time.min, tzinfo=tz)


@cache
def _calendar_days_sql() -> str:
    from django.db import connection

    from .models import CalendarDay

    table = connection.ops.quote_name(CalendarDay._meta.db_table)
    return f"SELECT day, kind FROM {table} WHERE day >= %s AND day <= %s"  # noqa: S608


def _calendar_days(start: dt.date, end: dt.date) -> list[tuple[dt.date, str]]:
    """The county's holidays and make-up days in [start, end], with SQL built once: every
    registration and every page that colours a deadline reads them, and building the ORM query
    cost more than running it (bench/create_api.py)."""
    from django.db import connection

    from anju.core import rows

    adapt = connection.ops.adapt_datefield_value
    with rows.cursor() as cursor:
        cursor.execute(_calendar_days_sql(), [adapt(start), adapt(end)])
        found = cursor.fetchall()
    # SQLite answers dates as text.
    return [(dt.date.fromisoformat(day) if isinstance(day, str) else day, kind) for day, kind in found]


# The platform's entry point: one fresh database calendar per call unless one is passed in. --------


def add_working_days(start: DateLike, days: int, *, calendar: WorkingCalendar | None = None) -> dt.datetime:
    if calendar is None:
        calendar = WorkingCalendar.from_database()
    return calendar.add_working_days(start, days)


def fingerprint_sql() -> tuple[str, str]:
    """Two scalar subqueries whose answers change with every change to the county's calendar (a day
    set, changed or cleared: the count and the latest `updated_at`), for a caller to read in a query
    it runs anyway and hand to `shared`."""
    from django.db import connection

    from .models import CalendarDay

    table = connection.ops.quote_name(CalendarDay._meta.db_table)
    return f"SELECT count(*) FROM {table}", f"SELECT max(updated_at) FROM {table}"  # noqa: S608


_shared: dict[str, tuple[tuple, WorkingCalendar]] = {}


def shared(fingerprint) -> WorkingCalendar:
    """The calendar kept by this process for as long as the table's fingerprint (`fingerprint_sql`)
    and the office hours stay as they were: a registration then computes its limits without reading
    the holidays again. A change anywhere gives another fingerprint, so the next caller reads anew."""
    key = (tuple(str(part) for part in fingerprint), working_hours())
    kept = _shared.get("calendar")
    if kept is None or kept[0] != key:
        kept = (key, WorkingCalendar.from_database())
        _shared["calendar"] = kept
    return kept[1]
