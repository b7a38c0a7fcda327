"""Deadline arithmetic on the working calendar: the many cases a mediator's or grid worker's
deadline can fall into, and the promise of one query per span."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.core.exceptions import ImproperlyConfigured

from anju.demo.testing import COUNTY_TZ, local
from anju.worktime import calendar as wc
from anju.worktime.calendar import WorkingCalendar
from anju.worktime.checks import check_working_hours

from .factories import UTC, end_of, overrides, store


@pytest.fixture(autouse=True)
def county_time(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    settings.ANJU_WORKING_HOURS = wc.DEFAULT_WORKING_HOURS


@pytest.fixture
def cal():
    return WorkingCalendar(overrides())


PLAIN = WorkingCalendar({})


# Which days are working days ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "works"),
    [
        (dt.date(2030, 3, 4), True),  # Monday
        (dt.date(2030, 3, 8), True),  # Friday
        (dt.date(2030, 3, 9), False),  # Saturday
        (dt.date(2030, 3, 10), False),  # Sunday
        (dt.date(2030, 1, 1), False),  # New Year's Day, a Tuesday
        (dt.date(2030, 2, 4), False),  # Monday inside the Spring Festival block
        (dt.date(2030, 2, 2), False),  # Saturday marked as part of the block
        (dt.date(2030, 1, 27), True),  # make-up Sunday
        (dt.date(2030, 2, 16), True),  # make-up Saturday
        (dt.date(2030, 2, 11), True),  # first Monday after the block
    ],
)
def test_is_workday(cal, day, works):
    assert cal.is_workday(day) is works


def test_a_late_evening_in_utc_is_the_next_day_in_the_county():
    # Sunday 2030-03-10 17:00 UTC is Monday 01:00 in Shanghai.
    assert PLAIN.is_workday(dt.datetime(2030, 3, 10, 17, 0, tzinfo=UTC)) is True
    assert PLAIN.is_workday(dt.datetime(2030, 3, 10, 15, 0, tzinfo=UTC)) is False


def test_overrides_accept_booleans_and_refuse_nonsense():
    assert WorkingCalendar({dt.date(2030, 3, 9): True}).is_workday(dt.date(2030, 3, 9)) is True
    with pytest.raises(ValueError, match="neither"):
        WorkingCalendar({dt.date(2030, 3, 9): "休"})


# Working days -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        # Seven working days from a Monday morning skip one weekend.
        (local(2030, 3, 4, 10, 0), 7, end_of(2030, 3, 13)),
        # The start day never counts, even when the case arrives first thing in the morning.
        (local(2030, 3, 4, 0, 0), 1, end_of(2030, 3, 5)),
        # Friday night, Saturday and Sunday starts all land on Monday.
        (local(2030, 3, 8, 23, 30), 1, end_of(2030, 3, 11)),
        (local(2030, 3, 9, 10, 0), 1, end_of(2030, 3, 11)),
        (local(2030, 3, 10, 22, 0), 1, end_of(2030, 3, 11)),
        # Across the Spring Festival block: Friday 1 Feb, then Monday 11 and Tuesday 12 Feb.
        (local(2030, 1, 31, 15, 0), 3, end_of(2030, 2, 12)),
        # Make-up days count: Sunday 27 Jan and Saturday 16 Feb are working days.
        (local(2030, 1, 25, 9, 0), 1, end_of(2030, 1, 27)),
        (local(2030, 2, 15, 9, 0), 1, end_of(2030, 2, 16)),
        # A village's seven days from two days before the block: 31 Jan, 1 Feb, then 11-15 Feb.
        (local(2030, 1, 30, 16, 0), 7, end_of(2030, 2, 15)),
        # Over the year end, skipping New Year's Day 2031 (a Wednesday).
        (local(2030, 12, 30, 9, 0), 3, end_of(2031, 1, 3)),
        # Zero days: today if today is a working day, else the next working day.
        (local(2030, 3, 6, 16, 0), 0, end_of(2030, 3, 6)),
        (local(2030, 3, 9, 16, 0), 0, end_of(2030, 3, 11)),
        (local(2030, 2, 4, 8, 0), 0, end_of(2030, 2, 11)),
        (local(2030, 1, 27, 8, 0), 0, end_of(2030, 1, 27)),
    ],
)
def test_add_working_days(cal, start, days, due):
    assert cal.add_working_days(start, days) == due


def test_working_days_are_counted_on_the_county_date_of_an_aware_start():
    # Sunday 17:00 UTC is Monday 01:00 in the county: Monday does not count, Tuesday is day one.
    due = PLAIN.add_working_days(dt.datetime(2030, 3, 10, 17, 0, tzinfo=UTC), 1)
    assert due == end_of(2030, 3, 12)
    # The same moment expressed in UTC is 15:59:59.999999 on the due day.
    assert due.astimezone(UTC) == dt.datetime(2030, 3, 12, 15, 59, 59, 999999, tzinfo=UTC)
    assert due.utcoffset() == dt.timedelta(hours=8)


def test_a_naive_start_is_read_as_county_time():
    assert PLAIN.add_working_days(dt.datetime(2030, 3, 8, 23, 30), 1) == end_of(2030, 3, 11)


def test_a_date_start_works_too():
    assert PLAIN.add_working_days(dt.date(2030, 3, 8), 1) == end_of(2030, 3, 11)


def test_a_working_year_without_holidays_is_fifty_weeks():
    assert PLAIN.add_working_days(local(2030, 1, 7, 9, 0), 250) == end_of(2030, 12, 23)


@pytest.mark.parametrize("days", [-1, 1.5, True, "3"])
def test_bad_day_counts_are_refused(days):
    with pytest.raises(ValueError, match="whole number"):
        PLAIN.add_working_days(local(2030, 3, 4, 9, 0), days)


def test_a_deadline_beyond_the_calendar_is_a_clear_error():
    with pytest.raises(wc.OutOfRange):
        PLAIN.add_working_days(dt.date(9999, 12, 30), 5)


# Working hours ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "hours", "due"),
    [
        (local(2030, 3, 4, 9, 0), 2, local(2030, 3, 4, 11, 0)),
        # The lunch break does not count.
        (local(2030, 3, 4, 11, 0), 2, local(2030, 3, 4, 15, 0)),
        # Filling the morning exactly is due at noon, not when the afternoon opens.
        (local(2030, 3, 4, 8, 30), 3.5, local(2030, 3, 4, 12, 0)),
        # A start in the lunch break, before office hours or after them counts from the next period.
        (local(2030, 3, 4, 12, 30), 1, local(2030, 3, 4, 15, 0)),
        (local(2030, 3, 4, 6, 0), 0.5, local(2030, 3, 4, 9, 0)),
        (local(2030, 3, 4, 18, 0), 1, local(2030, 3, 5, 9, 30)),
        # A full working day is seven hours.
        (local(2030, 3, 4, 8, 30), 7, local(2030, 3, 4, 17, 30)),
        (local(2030, 3, 4, 8, 30), 7.5, local(2030, 3, 5, 9, 0)),
        (local(2030, 3, 4, 8, 30), 14, local(2030, 3, 5, 17, 30)),
        # Friday afternoon into Monday; a weekend start waits for Monday.
        (local(2030, 3, 8, 17, 0), 1, local(2030, 3, 11, 9, 0)),
        (local(2030, 3, 9, 10, 0), 1, local(2030, 3, 11, 9, 30)),
        # Across the Spring Festival block, and on a make-up Sunday.
        (local(2030, 2, 1, 17, 0), 1, local(2030, 2, 11, 9, 0)),
        (local(2030, 1, 27, 9, 0), 1, local(2030, 1, 27, 10, 0)),
        # Quarter hours.
        (local(2030, 3, 4, 9, 0), 0.25, local(2030, 3, 4, 9, 15)),
        # Zero hours: now if the office is open, else when it opens.
        (local(2030, 3, 4, 10, 0), 0, local(2030, 3, 4, 10, 0)),
        (local(2030, 3, 4, 12, 30), 0, local(2030, 3, 4, 14, 0)),
        (local(2030, 3, 4, 12, 0), 0, local(2030, 3, 4, 12, 0)),  # the moment the office closes
        (local(2030, 2, 4, 10, 0), 0, local(2030, 2, 11, 8, 30)),
    ],
)
def test_add_working_hours(cal, start, hours, due):
    assert cal.add_working_hours(start, hours) == due


def test_working_hours_are_county_hours_whatever_the_zone_of_the_start():
    # 01:00 UTC is 09:00 in the county; one hour later is 10:00 there, 02:00 UTC.
    due = PLAIN.add_working_hours(dt.datetime(2030, 3, 4, 1, 0, tzinfo=UTC), 1)
    assert due == dt.datetime(2030, 3, 4, 2, 0, tzinfo=UTC)
    assert due.tzinfo == COUNTY_TZ


def test_working_hours_are_configurable(settings):
    settings.ANJU_WORKING_HOURS = "09:00-17:00"
    assert WorkingCalendar({}).add_working_hours(local(2030, 3, 4, 9, 0), 8) == local(2030, 3, 4, 17, 0)
    shifts = WorkingCalendar({}, periods=[(dt.time(8), dt.time(12)), (dt.time(13), dt.time(17))])
    assert shifts.add_working_hours(local(2030, 3, 4, 11, 0), 2) == local(2030, 3, 4, 14, 0)


@pytest.mark.parametrize("hours", [-0.5, float("nan"), float("inf"), "1"])
def test_bad_hour_counts_are_refused(hours):
    with pytest.raises(ValueError, match="hours"):
        PLAIN.add_working_hours(local(2030, 3, 4, 9, 0), hours)


@pytest.mark.parametrize(
    "text",
    ["", "8-12", "12:00-08:30", "08:30-12:00,11:00-17:00", "14:00-17:30,08:30-12:00", "08:30-08:30"],
)
def test_bad_office_hours_are_refused(text):
    with pytest.raises(ValueError):
        wc.parse_working_hours(text)


def test_a_misconfigured_setting_is_caught_by_the_system_check(settings):
    settings.ANJU_WORKING_HOURS = "8 till late"
    with pytest.raises(ImproperlyConfigured, match="ANJU_WORKING_HOURS"):
        wc.working_hours()
    assert [e.id for e in check_working_hours()] == ["worktime.E001"]
    settings.ANJU_WORKING_HOURS = "08:00-12:00, 13:30-17:30"
    assert check_working_hours() == []


# Counting and calendar days ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "count"),
    [
        (dt.date(2030, 3, 8), dt.date(2030, 3, 11), 1),  # (Friday, Monday]
        (dt.date(2030, 3, 4), dt.date(2030, 3, 4), 0),
        (dt.date(2030, 3, 11), dt.date(2030, 3, 8), -1),  # days left is the negative of days over
        (dt.date(2030, 1, 31), dt.date(2030, 2, 17), 7),  # Feb 1, 11-15 and the make-up 16th
        (dt.date(2029, 12, 31), dt.date(2030, 12, 31), 261 - 6 + 2),  # 2030: 6 weekday holidays, 2 make-up
    ],
)
def test_working_days_between(cal, start, end, count):
    assert cal.working_days_between(start, end) == count


def test_counting_agrees_with_walking_day_by_day():
    rng = random.Random(2030)
    days = [dt.date(2029, 6, 1) + dt.timedelta(days=n) for n in range(900)]
    fixed = {d: rng.choice([True, False]) for d in rng.sample(days, 120)}
    calendar = WorkingCalendar(fixed)
    for _ in range(200):
        start, end = sorted(rng.sample(days, 2))
        walked = sum(
            1 for n in range(1, (end - start).days + 1) if calendar.is_workday(start + dt.timedelta(n))
        )
        assert calendar.working_days_between(start, end) == walked
        due = calendar.add_working_days(start, walked)
        if walked:
            # The deadline is the last working day of the span, so counting to it gives the span's count.
            assert calendar.working_days_between(start, due.date()) == walked
            assert calendar.is_workday(due.date())


# One query per span -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_fresh_calendar_reads_the_stored_days_in_one_query(django_assert_num_queries):
    store()
    with django_assert_num_queries(1):
        assert wc.add_working_days(local(2030, 1, 31, 15, 0), 3) == end_of(2030, 2, 12)
    with django_assert_num_queries(1):
        due = WorkingCalendar.from_database().add_working_hours(local(2030, 2, 1, 17, 0), 1)
        assert due == local(2030, 2, 11, 9, 0)
    span = (dt.date(2027, 1, 1), dt.date(2031, 12, 31))
    with django_assert_num_queries(1):
        counted = WorkingCalendar.from_database().working_days_between(*span)
    assert counted == WorkingCalendar(overrides()).working_days_between(*span)
    with django_assert_num_queries(1):
        assert WorkingCalendar.from_database().is_workday(dt.date(2030, 2, 16)) is True


@pytest.mark.django_db
def test_long_spans_are_read_in_chunks_not_per_day(django_assert_max_num_queries):
    store()
    start = local(2029, 12, 3, 9, 0)
    with django_assert_max_num_queries(3):  # about 840 days, in 400-day chunks
        due = wc.add_working_days(start, 600)
    assert due == WorkingCalendar(overrides()).add_working_days(start, 600)
    with django_assert_max_num_queries(3):
        due = WorkingCalendar.from_database().add_working_hours(start, 600 * 7)
    assert due == WorkingCalendar(overrides()).add_working_hours(start, 600 * 7)


@pytest.mark.django_db
def test_one_calendar_serves_a_whole_batch_of_deadlines(django_assert_num_queries):
    store()
    with django_assert_num_queries(1):
        calendar = WorkingCalendar.from_database()
        dues = [wc.add_working_days(local(2030, 1, d, 10, 0), 5, calendar=calendar) for d in range(2, 31)]
    assert dues == [
        WorkingCalendar(overrides()).add_working_days(local(2030, 1, d, 10, 0), 5) for d in range(2, 31)
    ]


@pytest.mark.django_db
def test_the_stored_calendar_changes_deadlines():
    start = local(2030, 1, 31, 15, 0)
    assert wc.add_working_days(start, 3) == end_of(2030, 2, 5)  # nothing stored: a plain week
    store()
    assert wc.add_working_days(start, 3) == end_of(2030, 2, 12)
