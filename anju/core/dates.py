"""Days as the county lives them: a date filter means local (Asia/Shanghai) days, not UTC ones."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic import AfterValidator


def local_midnight(day: dt.date) -> dt.datetime:
    """The aware instant at which `day` begins in the platform's time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min), timezone.get_default_timezone())


def after_day(day: dt.date) -> dt.datetime:
    """The instant `day` ends: the exclusive upper bound of a filter "up to and including day"."""
    return local_midnight(day + dt.timedelta(days=1))


def check_day_order(first_day: dt.date | None, last_day: dt.date | None) -> None:
    """Raise ValueError (with a message for people) if a range of days, both included, ends before
    it starts: every date filter and period says so in the same words rather than finding nothing."""
    if first_day is not None and last_day is not None and last_day < first_day:
        raise ValueError(_("The period must end on or after the day it starts."))


# The years a date may fall in. Anything else is a typo (0202 for 2026) or a probe, and the county's
# time zone has no fixed offset far in the past: an instant in 1900 reads as +08:05:43 (Shanghai's
# local mean time, in use until 1901), so instants start with 1901.
FIRST_YEAR, FIRST_INSTANT_YEAR, LAST_YEAR = 1900, 1901, 2100


def check_year(day: dt.date) -> dt.date:
    """`day` if it falls in FIRST_YEAR..LAST_YEAR, else ValueError with a message for people."""
    return _within(day, FIRST_YEAR)


def check_instant_year(instant: dt.datetime) -> dt.datetime:
    return _within(instant, FIRST_INSTANT_YEAR)


def _within(value, first_year: int):
    if not first_year <= value.year <= LAST_YEAR:
        message = _("Give a date between the years %(first)d and %(last)d.")
        raise ValueError(message % {"first": first_year, "last": LAST_YEAR})
    return value


# The types every API input of a day or an instant uses (query, path and body), so each refuses a year
# out of range with a 422 in the caller's language.
Day = Annotated[dt.date, AfterValidator(check_year)]
Instant = Annotated[dt.datetime, AfterValidator(check_instant_year)]
