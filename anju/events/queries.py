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
from anju.regions.models import Region
from anju.workflow import limits

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
    open: bool = False
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
    if f.open:
        events = events.filter(limits.still_open(EVENT))
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


# Each list shows its most pressing rows; the events list, filtered, has the rest. Four lists of 100
# rows took the page 200 ms to render on a loaded 2-core machine (bench/events_board.py).
BOARD_SIZE = 25
# What a row of the board shows: the names of its place and handling unit are read afterwards for
# the rows shown, not joined for every event that matches (bench/events_board.py).
BOARD_COLUMNS = ("id", "number", "title", "urgent", "status", "due_at", "region_id", "handling_unit_id")


def board(user) -> dict[str, list[Event]]:
    """The centre's dispatch board: what waits for filing or dispatch at the centres this person
    dispatches for, the overdue open events, and the dispatched ones by unit; urgent first. Each
    list reads only the columns its rows show, in the order of an index (migration 0004)."""
    events = visible(user).select_related("event_type").only(*BOARD_COLUMNS, "event_type__name")
    units = units_for(user, "case.dispatch")
    urgent_first = ("-urgent", "due_at", "id")
    # What waits at the person's centres, first picked in the order of event_waiting_urgent_due and
    # then kept only where visible: with the scoping prefix in the same query, PostgreSQL misjudged
    # how many rows a centre has and read all its waiting events to sort them (bench/events_board.py).
    waiting = Event.objects.filter(status__in=[Status.REPORTED, Status.FILED])
    if units is not None:
        waiting = waiting.filter(handling_unit_id__in=units)
    first = waiting.order_by(*urgent_first).values("pk")[:BOARD_SIZE]
    now = timezone.now()
    lists = {
        "new": list(events.filter(pk__in=first).order_by(*urgent_first)),
        "overdue": list(events.filter(deadlines.overdue(now)).order_by(*urgent_first)[:BOARD_SIZE]),
        "to_verify": list(events.filter(status=Status.HANDLED).order_by(*urgent_first)[:BOARD_SIZE]),
        "dispatched": list(
            events.filter(status=Status.DISPATCHED).order_by("handling_unit_id", *urgent_first)[:BOARD_SIZE]
        ),
    }
    with_place_names([e for rows in lists.values() for e in rows])
    return lists


def with_place_names(events: list[Event]) -> None:
    """Give the rows their place and handling unit (code and name only), with one query for all."""
    codes = {e.region_id for e in events} | {e.handling_unit_id for e in events}
    regions = {r.code: r for r in Region.objects.filter(code__in=codes).only("code", "name", "level")}
    for event in events:
        event.region = regions[event.region_id]
        event.handling_unit = regions[event.handling_unit_id]


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
    dispatch at their centres, each counted up to `cap`. Like the board's "new" list, the events
    are first picked by unit and status (an index each) and then scoped: with the scoping prefix in
    the same query PostgreSQL read a township's 125,000 events to count 100 (bench/events_board.py)."""

    def capped(rows) -> int:
        return visible(user).filter(pk__in=rows.order_by().values("pk")[:cap]).count()

    handle_units = units_for(user, "case.handle")
    dispatched = Event.objects.filter(status=Status.DISPATCHED)
    if handle_units is not None:
        dispatched = dispatched.filter(handling_unit_id__in=handle_units)
    count = capped(dispatched)
    units = units_for(user, "case.dispatch")
    if units is None or units:
        waiting = Event.objects.filter(status__in=[Status.REPORTED, Status.FILED])
        if units is not None:
            waiting = waiting.filter(handling_unit_id__in=units)
        count += capped(waiting)
    return count


def open_alerts(user):
    from anju.workflow import alerts

    return alerts.open_for(EVENT, user)


MAP_SIZE = 500
MAP_SIZE_MAX = 1000
# A map page's place in the order (urgent first, then nearest the limit): urgent, due_at, id.
MapCursor = tuple[bool, dt.datetime, int]


@dataclass(frozen=True)
class Box:
    """The part of the map in view: west, south, east, north in decimal degrees."""

    west: float
    south: float
    east: float
    north: float

    @classmethod
    def parse(cls, text: str) -> Box:
        """`west,south,east,north` as Leaflet's toBBoxString gives it; ValueError otherwise."""
        parts = text.split(",")
        if len(parts) != 4:
            raise ValueError("bbox")
        west, south, east, north = (float(p) for p in parts)
        if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
            raise ValueError("bbox")
        return cls(west, south, east, north)


def encode_map_cursor(cursor: MapCursor | None) -> str | None:
    if cursor is None:
        return None
    return f"{int(cursor[0])}_{cursor[1].timestamp():.6f}_{cursor[2]}"


def decode_map_cursor(raw: str | None) -> MapCursor | None:
    if not raw:
        return None
    try:
        urgent, stamp, pk = raw.split("_")
        if urgent not in ("0", "1"):
            raise ValueError("bad cursor")
        return urgent == "1", dt.datetime.fromtimestamp(float(stamp), tz=dt.UTC), int(pk)
    except (ValueError, OverflowError, OSError):
        raise ValueError("bad cursor") from None


def _after_on_map(cursor: MapCursor) -> Q:
    urgent, due, pk = cursor
    later = Q(due_at__gt=due) | Q(due_at=due, id__gt=pk)
    return (
        Q(urgent=False, due_at__isnull=False) & later
        if not urgent
        else Q(urgent=False) | Q(urgent=True) & later
    )


def map_points(
    user, *, box: Box | None = None, after: MapCursor | None = None, size: int = MAP_SIZE, now=None
) -> tuple[list[dict], MapCursor | None]:
    """The open events this person may see that have coordinates (inside `box` when given), as the
    map component's points: where, what (number and summary), the stage, the deadline colour and
    whether urgent, urgent and nearest the limit first, `size` at a time from `after`; and the
    cursor of the next page. Nothing personal: no reporter, no one who entered it. Read as plain
    rows in the order of an index (event_open_urgent_due)."""
    from django.urls import reverse

    events = visible(user).filter(
        status__in=sorted(OPEN_STATUSES),
        latitude__isnull=False,
        longitude__isnull=False,
        due_at__isnull=False,
    )
    if box is not None:
        events = events.filter(
            latitude__gte=box.south, latitude__lte=box.north, longitude__gte=box.west, longitude__lte=box.east
        )
    if after is not None:
        events = events.filter(_after_on_map(after))
    rows = list(
        events.order_by("-urgent", "due_at", "id").values_list(
            "id", "number", "title", "status", "urgent", "due_at", "latitude", "longitude", "event_type__name"
        )[: size + 1]
    )
    more = len(rows) > size
    rows = rows[:size]
    now = now or timezone.now()
    labels = dict(Status.choices)
    path = reverse("events:detail", args=[0]).rsplit("0/", 1)[0]
    points = [
        {
            "lat": float(lat),
            "lon": float(lon),
            "label": f"{number} {title} · {category} · {labels[status]}",
            "state": "overdue" if due < now else STATE_ON_MAP.get(status, "closed"),
            "urgent": urgent,
            "url": f"{path}{pk}/",
        }
        for pk, number, title, status, urgent, due, lat, lon, category in rows
    ]
    last = rows[-1] if rows else None
    return points, ((last[4], last[5], last[0]) if more and last else None)


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
