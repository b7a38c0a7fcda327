"""Time limits of mediation, counted on the county's working calendar.

Defaults: village 7, township 15, county 30 working days, shorter for serious and major risks,
and never past the general one-month rule (2002 rules) counted from acceptance. A county changes
them with ANJU_DISPUTE_LIMITS (JSON: {"village": {"general": 7, ...}, ...})."""

from __future__ import annotations

import datetime as dt
import json
import os

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q
from django.utils import timezone

from anju.worktime.calendar import add_working_days

from .choices import OPEN_STATUSES, HandlingLevel, Risk

DEFAULT_LIMITS: dict[str, dict[str, int]] = {
    HandlingLevel.VILLAGE: {Risk.GENERAL: 7, Risk.SERIOUS: 5, Risk.MAJOR: 3},
    HandlingLevel.TOWNSHIP: {Risk.GENERAL: 15, Risk.SERIOUS: 10, Risk.MAJOR: 7},
    HandlingLevel.COUNTY: {Risk.GENERAL: 30, Risk.SERIOUS: 20, Risk.MAJOR: 15},
}
OUTER_LIMIT = dt.timedelta(days=30)
# Yellow card: this many working days before the limit.
WARN_WORKING_DAYS = 2


def limits() -> dict[str, dict[str, int]]:
    raw = os.environ.get("ANJU_DISPUTE_LIMITS", "").strip()
    if not raw:
        return DEFAULT_LIMITS
    try:
        custom = json.loads(raw)
        merged = {level: {**DEFAULT_LIMITS[level], **custom.get(level, {})} for level in DEFAULT_LIMITS}
        if any(not isinstance(v, int) or v < 1 for days in merged.values() for v in days.values()):
            raise ValueError
    except (ValueError, AttributeError, TypeError):
        raise ImproperlyConfigured(
            'ANJU_DISPUTE_LIMITS must be JSON like {"village": {"general": 7}}'
        ) from None
    return merged


def due_for(dispute, accepted_at: dt.datetime) -> dt.datetime:
    days = limits()[dispute.handling_level][dispute.risk]
    return min(add_working_days(accepted_at, days), accepted_at + OUTER_LIMIT)


def colour(dispute, now: dt.datetime | None = None, *, warn_from: dt.datetime | None = None) -> str:
    """'red' when overdue, 'yellow' in the last working days before the limit, else 'green'.
    A list passes `warn_from` (from `warning_threshold`) so the calendar is read once, not per row."""
    if dispute.due_at is None or not dispute.is_open:
        return ""
    now = now or timezone.now()
    if now > dispute.due_at:
        return "red"
    if (warn_from or warning_threshold(now)) >= dispute.due_at:
        return "yellow"
    return "green"


def warning_threshold(now: dt.datetime | None = None) -> dt.datetime:
    """Limits ending before this instant are in their yellow-card days."""
    return add_working_days(now or timezone.now(), WARN_WORKING_DAYS)


def overdue(now: dt.datetime | None = None) -> Q:
    """Open cases past their limit (red card): for lists, the sweep and the figures alike."""
    return Q(status__in=OPEN_STATUSES, due_at__lt=now or timezone.now())


def due_soon(now: dt.datetime | None = None) -> Q:
    """Open cases in their yellow-card days: the limit not passed, but ending within the warning."""
    now = now or timezone.now()
    return Q(status__in=OPEN_STATUSES, due_at__gte=now, due_at__lte=warning_threshold(now))


def colour_rows(rows) -> None:
    now = timezone.now()
    warn_from = warning_threshold(now)
    for row in rows:
        row.colour = colour(row, now, warn_from=warn_from)
