"""Named reads of tips: the list a person may page through, with its filters. There is no search
by person: the subject and informant are encrypted and never filtered on (no watch-lists)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from anju.core import keyset
from anju.core.dates import local_midnight
from anju.core.keyset import Cursor, Page, decode_cursors, encode_cursor
from anju.workflow import limits

from .choices import Status
from .kind import TIP
from .models import Batch, Tip

__all__ = [
    "Filters",
    "Page",
    "batch_progress",
    "decode_cursors",
    "encode_cursor",
    "filtered",
    "page",
    "visible",
]


def page(
    tips: QuerySet[Tip], *, after: Cursor | None = None, before: Cursor | None = None, size: int
) -> Page:
    """Keyset pages on (registered_at, id) descending (anju/core/keyset.py)."""
    tips = tips.select_related("region", "handling_unit")
    return keyset.page(tips, "registered_at", after=after, before=before, size=size)


LIST_COLUMNS = (
    "id",
    "number",
    "status",
    "source__kind",
    "batch__reference",
    "received_on",
    "due_at",
    "registered_at",
    "region",
    "region__name",
    "handling_unit",
    "handling_unit__name",
    "result",
)


@dataclass
class Filters:
    status: str = ""
    source: str = ""
    batch: int | None = None
    open: bool = False
    overdue: bool = False
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    q: str = ""
    region: str = ""
    # A figure of the statistics (see FIGURES); for the verified ones the days are when
    # verification ended, not when the tip was registered.
    figure: str = ""
    # The verification's result and outcome (Result, Outcome), as the figures by result count them.
    result: str = ""
    outcome: str = ""


def visible(user) -> QuerySet[Tip]:
    return Tip.objects.visible_to(user, "view")


def filtered(user, f: Filters) -> QuerySet[Tip]:
    tips = visible(user)
    if f.status:
        tips = tips.filter(status=f.status)
    if f.source:
        tips = tips.filter(source__kind=f.source)
    if f.batch:
        tips = tips.filter(batch_id=f.batch)
    if f.open:
        tips = tips.filter(limits.still_open(TIP))
    if f.overdue:
        tips = tips.filter(limits.overdue(TIP, timezone.now()))
    if f.region:
        tips = tips.filter(in_region(f.region))
    start_at = local_midnight(f.date_from) if f.date_from else None
    end_at = local_midnight(f.date_to + dt.timedelta(days=1)) if f.date_to else None
    if f.figure in (VERIFIED, VERIFIED_ON_TIME):
        tips = tips.filter(verified_between(start_at, end_at))
        if f.figure == VERIFIED_ON_TIME:
            tips = tips.filter(verified_on_time())
    else:
        if start_at:
            tips = tips.filter(registered_at__gte=start_at)
        if end_at:
            tips = tips.filter(registered_at__lt=end_at)
    if f.result:
        tips = tips.filter(result=f.result)
    if f.outcome:
        tips = tips.filter(outcome=f.outcome)
    if f.q:
        tips = tips.filter(number__startswith=f.q.strip())
    return tips.select_related("source", "batch").only(*LIST_COLUMNS)


# The figures of anju.reports.metrics.tip_figures a list can show: the statistics count with these
# very conditions, so a figure's link lists its tips.
RECEIVED, VERIFIED, VERIFIED_ON_TIME = "received", "verified", "verified_on_time"
FIGURES = (RECEIVED, VERIFIED, VERIFIED_ON_TIME)


def in_region(code: str) -> Q:
    """Tips about a region's subtree."""
    return Q(region__code__startswith=code)


def verified_between(start_at: dt.datetime | None, end_at: dt.datetime | None) -> Q:
    """Verification ended in [start_at, end_at), whenever the tip was received."""
    q = Q(verified_at__isnull=False)
    if start_at:
        q &= Q(verified_at__gte=start_at)
    if end_at:
        q &= Q(verified_at__lt=end_at)
    return q


def verified_on_time() -> Q:
    """Verified by the tip's deadline."""
    return Q(verified_at__lte=F("due_at"))


CLEARED, CLEARED_ON_TIME = "cleared", "cleared_on_time"
BATCH_FIGURES = (CLEARED, CLEARED_ON_TIME)


def cleared_between(start: dt.date | None, end: dt.date | None) -> Q:
    """Batches cleared (清零) in the days [start, end)."""
    q = Q(cleared_on__isnull=False)
    if start:
        q &= Q(cleared_on__gte=start)
    if end:
        q &= Q(cleared_on__lt=end)
    return q


def cleared_on_time() -> Q:
    """Cleared by the batch's own deadline."""
    return Q(cleared_on__lte=F("deadline"))


def filtered_batches(
    user,
    *,
    figure: str = "",
    region: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[Batch]:
    """The batches a user sees; with a figure, those it counts, cleared in [date_from, date_to]."""
    batches = Batch.objects.visible_to(user, "view")
    if region:
        batches = batches.filter(region__code__startswith=region)
    if figure in BATCH_FIGURES:
        batches = batches.filter(
            cleared_between(date_from, date_to + dt.timedelta(days=1) if date_to else None)
        )
        if figure == CLEARED_ON_TIME:
            batches = batches.filter(cleared_on_time())
    return batches


def batch_progress(batch: Batch) -> dict:
    """How far a batch is: its tips, how many are closed, and the share."""
    counts = batch.tips.aggregate(total=Count("pk"), closed=Count("pk", filter=Q(status=Status.CLOSED)))
    total, closed = counts["total"], counts["closed"]
    return {"total": total, "closed": closed, "percent": int(100 * closed / total) if total else 0}
