"""Named reads of grid events; every one starts from visible_to. Lists page by keyset on
(reported_at, id), newest first, with the cursors the dispute lists give out (the same text, so a
device pages both lists alike)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from anju.core import keyset
from anju.core.dates import after_day, local_midnight
from anju.core.keyset import Cursor, Page, decode_cursors, encode_cursor  # noqa: F401 (the lists' cursors)
from anju.core.scoping import units_for

from . import deadlines
from .choices import OPEN_STATUSES, Status
from .kind import EVENT
from .models import Event


@dataclass
class Filters:
    region: str = ""
    status: str = ""
    event_class: str = ""
    event_type: str = ""
    urgent: bool = False
    overdue: bool = False
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    q: str = ""
    # A figure of the statistics (see FIGURES): the reported-from/to days are then its period.
    figure: str = ""

    @classmethod
    def from_form(cls, form) -> Filters:
        return cls(**{k: v for k, v in form.cleaned_data.items() if v not in (None, "", False)})


def visible(user) -> QuerySet[Event]:
    return Event.objects.visible_to(user, "view")


def filtered(user, f: Filters) -> QuerySet[Event]:
    events = visible(user)
    if f.region:
        events = events.in_subtree(f.region)
    if f.status:
        events = events.filter(status=f.status)
    if f.event_class:
        events = events.filter(event_type__event_class__code=f.event_class)
    if f.event_type:
        events = events.filter(event_type__code=f.event_type)
    if f.urgent:
        events = events.filter(urgent=True)
    if f.overdue:
        events = events.filter(deadlines.overdue())
    if f.date_from:
        events = events.filter(reported_at__gte=local_midnight(f.date_from))
    if f.date_to:
        events = events.filter(reported_at__lt=after_day(f.date_to))
    if f.q:
        events = events.filter(Q(number__startswith=f.q) | Q(title__icontains=f.q))
    if f.figure:
        events = counted_in(events, f.figure, after_day(f.date_to) if f.date_to else None)
    return events


# The figures of anju.reports.metrics.event_figures a list can show, of the events reported in a
# period: the statistics count with these very conditions, so a figure's link lists its events.
FIGURES = ("reported", "filed", "closed", "handled_on_time", "evaluated")


def _before(field: str, end_at: dt.datetime | None) -> Q:
    return Q(**{f"{field}__lt": end_at}) if end_at else Q(**{f"{field}__isnull": False})


def filed_before(end_at: dt.datetime | None) -> Q:
    """Filed (立案) before the end, whatever happened next, the voided left out."""
    return _before("filed_at", end_at) & ~Q(status=Status.VOIDED)


def closed_before(end_at: dt.datetime | None) -> Q:
    """Verified on site and closed before the end."""
    return _before("closed_at", end_at)


def stage_ended(done: str, due: str, end_at: dt.datetime | None) -> Q:
    """A stage with a limit that ended before the end (`done`: when it ended, `due`: its limit)."""
    return _before(done, end_at) & Q(**{f"{due}__isnull": False})


def stage_on_time(done: str, due: str, end_at: dt.datetime | None) -> Q:
    return stage_ended(done, due, end_at) & Q(**{f"{done}__lte": F(due)})


def evaluated_before(end_at: dt.datetime | None) -> Q:
    return _before("evaluated_at", end_at)


def counted_in(events: QuerySet[Event], figure: str, end_at: dt.datetime | None) -> QuerySet[Event]:
    """Of `events` reported in a period (the caller narrows the days), those `figure` counts."""
    conditions = {
        "filed": lambda: filed_before(end_at),
        "closed": lambda: closed_before(end_at),
        "handled_on_time": lambda: stage_on_time("handled_at", "handle_due_at", end_at),
        "evaluated": lambda: evaluated_before(end_at),
    }
    return events.filter(conditions[figure]()) if figure in conditions else events


def page(
    events: QuerySet[Event], *, after: Cursor | None = None, before: Cursor | None = None, size: int
) -> Page:
    """Keyset pages on (reported_at, id) descending (anju/core/keyset.py)."""
    events = events.select_related("region", "handling_unit", "event_type")
    return keyset.page(events, "reported_at", after=after, before=before, size=size)


BOARD_SIZE = 100


def board(user) -> dict[str, list[Event]]:
    """The centre's dispatch board: what waits for filing or dispatch at the centres this person
    dispatches for, the overdue open events, and the dispatched ones by unit; urgent first."""
    events = visible(user).select_related("region", "handling_unit", "event_type")
    units = units_for(user, "case.dispatch")
    waiting = events.filter(status__in=[Status.REPORTED, Status.FILED])
    if units is not None:
        waiting = waiting.filter(handling_unit_id__in=units)
    urgent_first = ("-urgent", "due_at", "id")
    now = timezone.now()
    return {
        "new": list(waiting.order_by(*urgent_first)[:BOARD_SIZE]),
        "overdue": list(events.filter(deadlines.overdue(now)).order_by(*urgent_first)[:BOARD_SIZE]),
        "to_verify": list(events.filter(status=Status.HANDLED).order_by(*urgent_first)[:BOARD_SIZE]),
        "dispatched": list(
            events.filter(status=Status.DISPATCHED).order_by("handling_unit_id", *urgent_first)[:BOARD_SIZE]
        ),
    }


def handler_queue(user) -> QuerySet[Event]:
    """What the units this person works at must handle now: dispatched to them, urgent and
    nearest the limit first."""
    units = units_for(user, "case.handle")
    events = visible(user).filter(status=Status.DISPATCHED)
    if units is not None:
        events = events.filter(handling_unit_id__in=units)
    return events.select_related("region", "handling_unit", "event_type").order_by("-urgent", "due_at", "id")


def waiting_count(user, cap: int) -> int:
    """For the navigation badge: events dispatched to the person's units plus those to file or
    dispatch at their centres."""
    count = handler_queue(user)[:cap].count()
    units = units_for(user, "case.dispatch")
    if units is None or units:
        waiting = visible(user).filter(status__in=[Status.REPORTED, Status.FILED])
        if units is not None:
            waiting = waiting.filter(handling_unit_id__in=units)
        count += waiting[:cap].count()
    return count


def open_alerts(user):
    from anju.workflow import alerts

    return alerts.open_for(EVENT, user)


MAP_SIZE = 1000


def map_points(user, *, now=None) -> list[dict]:
    """The open events this person may see that have coordinates, as the map component's points:
    where, what (number and summary), the stage, the deadline colour and whether urgent, urgent and
    nearest the limit first. Nothing personal: no reporter, no one who entered it."""
    from django.urls import reverse

    events = list(
        visible(user)
        .filter(status__in=sorted(OPEN_STATUSES), latitude__isnull=False, longitude__isnull=False)
        .select_related("event_type")
        .only(
            "id", "number", "title", "status", "urgent", "due_at", "latitude", "longitude", "event_type__name"
        )
        .order_by("-urgent", "due_at", "id")[:MAP_SIZE]
    )
    deadlines.colour_rows(events)
    return [point(e) | {"url": reverse("events:detail", args=[e.pk])} for e in events]


def point(event: Event) -> dict:
    """One event as a map point (its `colour` set by deadlines.colour_rows or colour)."""
    return {
        "lat": float(event.latitude),
        "lon": float(event.longitude),
        "label": f"{event.number} {event.title} · {event.event_type.name} · {event.get_status_display()}",
        "state": "overdue" if event.colour == "red" else STATE_ON_MAP.get(event.status, "closed"),
        "urgent": event.urgent,
    }


# The map's colour for each stage (static/anju/map.js holds the palette, docs/events.md the legend).
STATE_ON_MAP = {
    Status.REPORTED: "new",
    Status.FILED: "new",
    Status.DISPATCHED: "dispatched",
    Status.HANDLED: "handled",
}
