"""Days as the county lives them: a date filter means local (Asia/Shanghai) days, not UTC ones."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def local_midnight(day: dt.date) -> dt.datetime:
    """The aware instant at which `day` begins in the platform's time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min), timezone.get_default_timezone())


def after_day(day: dt.date) -> dt.datetime:
    """The instant `day` ends: the exclusive upper bound of a filter "up to and including day"."""
    return local_midnight(day + dt.timedelta(days=1))
