"""Periods of the figures, parsed in one place: the API, the dashboard and (later) the report all
name a period the same way, and each knows its previous period and the same period last year.

    2026                    the year
    2026-H1, 2026-H2        a half-year
    2026-Q3                 a quarter
    2026-03                 a month
    2026-01-01..2026-03-31  any range of days, both included

A period is [start, end) in local dates, as anju.reports.metrics counts them."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from anju.core.dates import check_year

from . import metrics

YEAR, HALF, QUARTER, MONTH, RANGE = "year", "half", "quarter", "month", "range"
_FORMS = (
    (YEAR, re.compile(r"^(\d{4})$")),
    (HALF, re.compile(r"^(\d{4})-H([12])$")),
    (QUARTER, re.compile(r"^(\d{4})-Q([1-4])$")),
    (MONTH, re.compile(r"^(\d{4})-(\d{2})$")),
    (RANGE, re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")),
)
# How many months each kind spans; a range steps back by its own length in days.
MONTHS = {YEAR: 12, HALF: 6, QUARTER: 3, MONTH: 1}


@dataclass(frozen=True)
class Period:
    kind: str
    start: dt.date
    end: dt.date  # exclusive

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    @property
    def text(self) -> str:
        """The period in the form `parse` reads back."""
        if self.kind == YEAR:
            return f"{self.start.year}"
        if self.kind == HALF:
            return f"{self.start.year}-H{1 if self.start.month == 1 else 2}"
        if self.kind == QUARTER:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        if self.kind == MONTH:
            return f"{self.start.year}-{self.start.month:02d}"
        return f"{self.start.isoformat()}..{self.last_day.isoformat()}"

    @property
    def label(self) -> str:
        """How people write it: 2026年, 2026年上半年, 2026年第三季度, 2026年3月, or the two days."""
        year = self.start.year
        if self.kind == YEAR:
            return _("%(year)s") % {"year": year}
        if self.kind == HALF:
            first = self.start.month == 1
            return (_("first half of %(year)s") if first else _("second half of %(year)s")) % {"year": year}
        if self.kind == QUARTER:
            return _("Q%(quarter)s %(year)s") % {"quarter": (self.start.month - 1) // 3 + 1, "year": year}
        if self.kind == MONTH:
            return _("%(year)s-%(month)s") % {"year": year, "month": self.start.month}
        return f"{self.start.isoformat()} – {self.last_day.isoformat()}"

    def previous(self) -> Period:
        """The period just before, of the same kind and length."""
        if self.kind == RANGE:
            length = self.end - self.start
            return Period(RANGE, self.start - length, self.start)
        return _months(self.kind, _add_months(self.start, -MONTHS[self.kind]))

    def last_year(self) -> Period:
        """The same period one year earlier (29 February steps back to the 28th)."""
        if self.kind == RANGE:
            return Period(RANGE, _year_before(self.start), _year_before(self.last_day) + dt.timedelta(days=1))
        return _months(self.kind, self.start.replace(year=self.start.year - 1))


def parse(text: str | None, *, today: dt.date | None = None) -> Period:
    """The period a person or a URL names; empty: this year. ValueError, with a message for
    people, for anything else."""
    text = (text or "").strip()
    if not text:
        return Period(YEAR, *_year((today or timezone.localdate()).year))
    for kind, pattern in _FORMS:
        match = pattern.match(text)
        if match:
            period = _build(kind, match.groups())
            check_year(period.start)
            check_year(period.last_day)
            metrics.check_period(period.start, period.end)
            return period
    raise ValueError(
        _(
            "%(text)s is not a period. Write a year (2026), a half-year (2026-H1), a quarter (2026-Q3), "
            "a month (2026-03) or two days (2026-01-01..2026-03-31)."
        )
        % {"text": text[:40]}
    )


def _build(kind: str, groups: tuple[str, ...]) -> Period:
    if kind == RANGE:
        first, last = (_day(value) for value in groups)
        if last < first:
            raise ValueError(_("The period ends before it starts."))
        return Period(RANGE, first, last + dt.timedelta(days=1))
    year = int(groups[0])
    if year < 1:
        raise ValueError(_("%(text)s is not a year.") % {"text": groups[0]})
    if kind == YEAR:
        return Period(YEAR, *_year(year))
    if kind == HALF:
        return _months(HALF, dt.date(year, 1 if groups[1] == "1" else 7, 1))
    if kind == QUARTER:
        return _months(QUARTER, dt.date(year, (int(groups[1]) - 1) * 3 + 1, 1))
    month = int(groups[1])
    if not 1 <= month <= 12:
        raise ValueError(_("%(text)s is not a month.") % {"text": f"{groups[0]}-{groups[1]}"})
    return _months(MONTH, dt.date(year, month, 1))


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(_("%(value)s is not a date (YYYY-MM-DD).") % {"value": value}) from None


def _year(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year + 1, 1, 1)


def _months(kind: str, start: dt.date) -> Period:
    return Period(kind, start, _add_months(start, MONTHS[kind]))


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _year_before(day: dt.date) -> dt.date:
    if day.month == 2 and day.day == 29:
        return dt.date(day.year - 1, 2, 28)
    return day.replace(year=day.year - 1)
