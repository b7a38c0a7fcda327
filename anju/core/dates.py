"""Days as the county lives them: a date filter means local (Asia/Shanghai) days, not UTC ones."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _


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
