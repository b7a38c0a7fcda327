"""Named reads of disputes; every one starts from visible_to."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from anju.core import keyset
from anju.core.dates import after_day, local_midnight
from anju.core.keyset import Cursor, Page, decode_cursors, encode_cursor  # noqa: F401 (the list's cursors)
from anju.core.scoping import units_for
from anju.workflow import alerts

from . import deadlines
from .choices import Status
from .kind import DISPUTE
from .models import Alert, Dispute, TimelineEntry

DUPLICATE_WINDOW = dt.timedelta(days=30)


@dataclass
class Filters:
    region: str = ""
    status: str = ""
    category: str = ""
    handling_level: str = ""
    risk: str = ""
    channel: str = ""
    overdue: bool = False
    open: bool = False
    red_card: bool = False
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    q: str = ""
    queue: str = ""
    # A figure of the statistics (see FIGURES): the registered-from/to days are then its period.
    figure: str = ""
    resolved_level: str = ""

    @classmethod
    def from_form(cls, form) -> Filters:
        """The filters a valid FilterForm names; blank fields filter nothing."""
        return cls(**{k: v for k, v in form.cleaned_data.items() if v not in (None, "")})


def visible(user) -> QuerySet[Dispute]:
    return Dispute.objects.visible_to(user, "view")


def filtered(user, f: Filters) -> QuerySet[Dispute]:
    disputes = visible(user)
    if f.region:
        disputes = disputes.in_subtree(f.region)
    for field in ("status", "category", "handling_level", "risk", "channel"):
        value = getattr(f, field)
        if value:
            disputes = disputes.filter(**{field: value})
    if f.overdue:
        disputes = disputes.filter(deadlines.overdue())
    if f.open:
        disputes = disputes.filter(deadlines.still_open())
    if f.red_card:
        disputes = disputes.filter(deadlines.red_carded())
    if f.date_from:
        disputes = disputes.filter(registered_at__gte=local_midnight(f.date_from))
    if f.date_to:
        disputes = disputes.filter(registered_at__lt=after_day(f.date_to))
    if f.figure:
        disputes = counted_in(disputes, f.figure, after_day(f.date_to) if f.date_to else None)
    if f.resolved_level:
        disputes = disputes.filter(resolved_level=f.resolved_level)
    if f.q:
        disputes = disputes.filter(Q(number__startswith=f.q) | Q(title__icontains=f.q))
    if f.queue:
        disputes = in_work_list(user, disputes, f.queue)
    return disputes


# The figures of anju.reports.metrics whose cases a list can show: the statistics count with these
# very conditions, so a figure's link lists exactly the cases it counted.
FOUND, RESOLVED, NOT_PASSED_UPWARD, ESCALATED = "found", "resolved", "not_passed_upward", "escalated"
# The township assessment's counts (anju.reports.metrics.township_assessment).
WITH_LIMIT, ON_TIME, WENT_OVERDUE, REOPENED = (
    "resolved_with_limit",
    "resolved_on_time",
    "went_overdue",
    "reopened",
)
FIGURES = (FOUND, RESOLVED, NOT_PASSED_UPWARD, ESCALATED, WITH_LIMIT, ON_TIME, WENT_OVERDUE, REOPENED)


def not_merged() -> Q:
    """Found (摸排): every registered case but those merged into another."""
    return ~Q(status=Status.MERGED)


def resolved_before(end_at: dt.datetime | None) -> Q:
    """Resolved (化解) by the end of the period; with no end, resolved at all."""
    q = Q(status=Status.RESOLVED)
    return q & Q(resolved_at__lt=end_at) if end_at else q


def where_they_arose() -> Q:
    """Resolved at the level where the case arose (矛盾不上交)."""
    return Q(resolved_level=F("origin_level"))


def escalated_before(end_at: dt.datetime | None) -> Exists:
    entries = TimelineEntry.objects.filter(dispute=OuterRef("pk"), transition="escalate")
    return Exists(entries.filter(at__lt=end_at) if end_at else entries)


def with_limit() -> Q:
    """Resolved cases that had a time limit when resolved (ledger imports may have none)."""
    return Q(due_at__isnull=False)


def on_time() -> Q:
    """Resolved by the time limit in force when it was resolved, extensions included."""
    return with_limit() & Q(resolved_at__lte=F("due_at"))


def noted_before(name: str, end_at: dt.datetime | None) -> Exists:
    """A timeline row `name` dated before the end of the period: the sweep's red card ("overdue"),
    a reopening ("reopen"). Dated history, so the count stays reproducible."""
    entries = TimelineEntry.objects.filter(dispute=OuterRef("pk"), transition=name)
    return Exists(entries.filter(at__lt=end_at) if end_at else entries)


def counted_in(disputes: QuerySet[Dispute], figure: str, end_at: dt.datetime | None) -> QuerySet[Dispute]:
    """Of `disputes` registered in a period (the caller narrows the days), those `figure` counts."""
    disputes = disputes.filter(not_merged())
    if figure == RESOLVED:
        return disputes.filter(resolved_before(end_at))
    if figure == NOT_PASSED_UPWARD:
        return disputes.filter(resolved_before(end_at) & where_they_arose())
    if figure == ESCALATED:
        return disputes.filter(escalated_before(end_at))
    if figure == WITH_LIMIT:
        return disputes.filter(resolved_before(end_at) & with_limit())
    if figure == ON_TIME:
        return disputes.filter(resolved_before(end_at) & on_time())
    if figure == WENT_OVERDUE:
        return disputes.filter(noted_before("overdue", end_at))
    if figure == REOPENED:
        return disputes.filter(noted_before("reopen", end_at))
    return disputes


def page(
    disputes: QuerySet[Dispute], *, after: Cursor | None = None, before: Cursor | None = None, size: int
) -> Page:
    """Keyset pages on (registered_at, id) descending (anju/core/keyset.py)."""
    disputes = disputes.select_related("region", "handling_unit")
    return keyset.page(disputes, "registered_at", after=after, before=before, size=size)


def page_query(
    disputes: QuerySet[Dispute], *, after: Cursor | None = None, before: Cursor | None = None, size: int
) -> QuerySet[Dispute]:
    """The one query `page` runs for a page. bench/disputes_list.py times this very SQL."""
    disputes = disputes.select_related("region", "handling_unit")
    return keyset.page_query(disputes, "registered_at", after=after, before=before, size=size)


def possible_duplicates(
    user,
    *,
    region_code: str,
    category: str,
    description: str,
    phones: list[str],
    id_numbers: list[str],
) -> list[Dispute]:
    """Same party (phone or ID) in the last 30 days, or same village and category with an
    overlapping description: shown before saving so nobody registers one quarrel twice."""
    since = timezone.now() - DUPLICATE_WINDOW
    recent = visible(user).filter(registered_at__gte=since).exclude(status=Status.MERGED)
    by_party = Q()
    phones = [p for p in phones if p]
    ids = [i for i in id_numbers if i]
    if phones:
        by_party |= Q(parties__phone__in=phones)
    if ids:
        by_party |= Q(parties__id_number__in=ids)
    found = list(recent.filter(by_party).distinct()[:10]) if by_party else []
    same_place = recent.filter(region__code__startswith=region_code[:12], category=category).exclude(
        pk__in=[d.pk for d in found]
    )[:50]
    words = _bigrams(description)
    for candidate in same_place:
        other = _bigrams(candidate.description)
        if words and other and len(words & other) / len(words | other) >= 0.3:
            found.append(candidate)
    return found[:10]


def _bigrams(text: str) -> set[str]:
    text = "".join(ch for ch in text if ch.isalnum())
    return {text[i : i + 2] for i in range(len(text) - 1)}


# The lists of "my work", in the order they are shown, with the order of each list.
WORK_LISTS = {"to_accept": "registered_at", "to_mediate": "due_at", "to_visit": "due_at"}


def in_work_list(user, disputes: QuerySet[Dispute], name: str) -> QuerySet[Dispute]:
    """The cases of one list of "my work" among `disputes`: what this person's units handle and
    must accept, or what they mediate and must take on or visit. The my-work page and the dispute
    list (filter `queue`) share it, so "see all" shows the same cases as the list it continues."""
    mine = disputes.within(user, "case.handle", "handling_unit__code")
    if name == "to_accept":
        # Accepted by the unit that handles the case: a county centre does not accept for every
        # village, nor a township for its villages (they follow them through the lists and urge).
        units = units_for(user, "case.handle")
        waiting = disputes.filter(status=Status.REGISTERED)
        return waiting if units is None else waiting.filter(handling_unit_id__in=units)
    if name == "to_mediate":
        return mine.filter(status__in=[Status.ACCEPTED, Status.MEDIATING], mediators=user)
    if name == "to_visit":
        return mine.filter(status=Status.AGREED, mediators=user)
    raise ValueError(name)


def work_queue(user) -> dict[str, QuerySet]:
    """ "My work": what this person must accept, mediate, visit or acknowledge, by deadline."""
    queue = {
        name: in_work_list(user, visible(user), name).order_by(order) for name, order in WORK_LISTS.items()
    }
    return {**queue, "alerts": open_alerts(user).select_related("dispute")}


def addressed_alerts(user) -> QuerySet[Alert]:
    """The unacknowledged alerts addressed to the units this person works at, twins included."""
    return alerts.addressed(DISPUTE, user)


def open_alerts(user) -> QuerySet[Alert]:
    """What the work queue shows: one line per thing to do (anju.workflow.alerts.open_for)."""
    return alerts.open_for(DISPUTE, user)
