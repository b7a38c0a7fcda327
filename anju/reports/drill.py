"""Drill-through: the list of the cases a figure counted, with the same period, region and scope.
The dispute list's `figure` filter applies the very conditions anju.reports.metrics counts with
(anju.disputes.queries.counted_in), so the list's row count is the figure."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.urls import reverse

from anju.core.scoping import has_perm_anywhere

from .catalogue import Figure
from .periods import Period


def dispute_list_url(
    start: dt.date | None, end: dt.date | None, region: str | None = None, **filters: str
) -> str:
    """The dispute list narrowed to the cases registered in [start, end), in `region`, by `filters`."""
    query = {}
    if start and end:
        query["date_from"] = start.isoformat()
        query["date_to"] = (end - dt.timedelta(days=1)).isoformat()
    if region:
        query["region"] = region
    query.update({name: value for name, value in filters.items() if value})
    return f"{reverse('disputes:list')}?{urlencode(query)}"


def traceable(figure: Figure) -> bool:
    """Whether a list shows the cases the figure counts (not counts of reminders, nor kinds not built yet)."""
    return figure.drill_list is not None or (figure.source == "disputes" and bool(figure.drill))


def cases_url(figure: Figure, period: Period, region: str | None, **filters: str) -> str | None:
    """Where the figure opens as its cases; None where no list shows them."""
    if not traceable(figure):
        return None
    query = {}
    if not figure.moment:
        query["date_from"] = period.start.isoformat()
        query["date_to"] = period.last_day.isoformat()
    if region:
        query["region"] = region
    query.update({name: value for name, value in {**figure.drill, **filters}.items() if value})
    return f"{reverse(figure.drill_list or 'disputes:list')}?{urlencode(query)}"


# The permission each list asks beyond seeing cases: a figure links only to a list its reader may open.
LIST_PERMS = {"tips:list": "tip.view", "tips:batches": "tip.view"}


def may_open(user, figure: Figure) -> bool:
    return has_perm_anywhere(user, LIST_PERMS.get(figure.drill_list or "", "case.view"))
