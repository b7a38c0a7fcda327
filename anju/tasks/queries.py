"""Named reads of supervision; every one starts from visible_to."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from anju.core import keyset
from anju.core.dates import local_midnight
from anju.core.scoping import units_for
from anju.workflow import alerts, limits

from .choices import DISPATCH, OPEN_STATUSES, UNFINISHED, Supervision, TaskStatus
from .kind import TASK
from .models import Activity, MatterReport, Meeting, Task


@dataclass
class TaskFilters:
    status: str = ""
    origin: str = ""
    supervision: str = ""
    open: bool = False
    region: str = ""
    q: str = ""
    unit: str = ""  # exactly this handling unit: a unit's own task list
    # Days (both included) of assignment, or of acceptance for the figures that count acceptances.
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    figure: str = ""  # a figure of the statistics (see FIGURES)

    @classmethod
    def from_form(cls, form) -> TaskFilters:
        return cls(**{k: v for k, v in form.cleaned_data.items() if v not in (None, "")})


def supervision_q(level: str, now: dt.datetime | None = None) -> Q:
    """Open tasks by the supervision their deadline puts them under now: red past it, yellow in
    the warning days before it, normal before those (the colours of the lists)."""
    now = now or timezone.now()
    if level == Supervision.RED:
        return limits.overdue(TASK, now)
    if level == Supervision.YELLOW:
        return limits.due_soon(TASK, now)
    threshold = TASK.limits.warning_threshold(now)
    return Q(status__in=OPEN_STATUSES, due_at__gt=threshold)


def filtered_tasks(user, f: TaskFilters) -> QuerySet[Task]:
    tasks = Task.objects.visible_to(user, "view")
    if f.region:
        tasks = tasks.in_subtree(f.region)
    if f.unit:
        tasks = tasks.filter(handling_unit_id=f.unit)
    for name in ("status", "origin"):
        if getattr(f, name):
            tasks = tasks.filter(**{name: getattr(f, name)})
    if f.open:
        tasks = tasks.filter(limits.still_open(TASK))
    if f.supervision:
        tasks = tasks.filter(supervision_q(f.supervision))
    if f.q:
        tasks = tasks.filter(title__icontains=f.q)
    start_at = local_midnight(f.date_from) if f.date_from else None
    end_at = local_midnight(f.date_to + dt.timedelta(days=1)) if f.date_to else None
    if f.figure in (ACCEPTED, ACCEPTED_ON_TIME):
        tasks = tasks.filter(accepted_between(start_at, end_at))
        if f.figure == ACCEPTED_ON_TIME:
            tasks = tasks.filter(done_on_time())
    elif start_at or end_at:
        tasks = tasks.filter(assigned_between(start_at, end_at))
    return tasks


# The figures of anju.reports.metrics.supervision_figures a list can show: the statistics count
# with these very conditions, so a figure's link lists its tasks.
ASSIGNED, ACCEPTED, ACCEPTED_ON_TIME = "assigned", "accepted", "accepted_on_time"
FIGURES = (ASSIGNED, ACCEPTED, ACCEPTED_ON_TIME)


def _between(field: str, start_at: dt.datetime | None, end_at: dt.datetime | None) -> Q:
    q = Q()
    if start_at:
        q &= Q(**{f"{field}__gte": start_at})
    if end_at:
        q &= Q(**{f"{field}__lt": end_at})
    return q


def assigned_between(start_at: dt.datetime | None, end_at: dt.datetime | None) -> Q:
    return _between("assigned_at", start_at, end_at)


def accepted_between(start_at: dt.datetime | None, end_at: dt.datetime | None) -> Q:
    """Accepted as done in [start_at, end_at), whenever assigned."""
    return Q(status=TaskStatus.ACCEPTED, accepted_at__isnull=False) & _between(
        "accepted_at", start_at, end_at
    )


def done_on_time() -> Q:
    """Reported done (the report that was accepted) within the limit, extensions included."""
    return Q(reported_done_at__lte=F("due_at"))


# --- major-matter reports and activities, as the statistics count them ---------------------------

# The figures of supervision_figures the major-matter report list can show.
SUBMITTED, ACKNOWLEDGED = "submitted", "acknowledged"
REPORT_FIGURES = (SUBMITTED, ACKNOWLEDGED)


def submitted_between(start_at: dt.datetime | None, end_at: dt.datetime | None) -> Q:
    return _between("submitted_at", start_at, end_at)


def acknowledged_before(end_at: dt.datetime | None) -> Q:
    """Acknowledged, and before `end_at` when given: a report of the period answered after it ends
    was not acknowledged in that period's figures."""
    q = Q(acknowledged_at__isnull=False)
    return q & Q(acknowledged_at__lt=end_at) if end_at else q


def filtered_reports(
    user,
    *,
    region: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    figure: str = "",
    waiting: bool = False,
) -> QuerySet[MatterReport]:
    """The major-matter reports a user sees, made in the days [date_from, date_to] (both included);
    `figure` keeps those a figure counts (REPORT_FIGURES)."""
    reports = MatterReport.objects.visible_to(user, "view")
    if region:
        reports = reports.in_subtree(region)
    if waiting:
        reports = reports.filter(acknowledged_at__isnull=True)
    start_at = local_midnight(date_from) if date_from else None
    end_at = local_midnight(date_to + dt.timedelta(days=1)) if date_to else None
    reports = reports.filter(submitted_between(start_at, end_at))
    if figure == ACKNOWLEDGED:
        reports = reports.filter(acknowledged_before(end_at))
    return reports


def held_between(start: dt.date | None, end: dt.date | None) -> Q:
    """Held in the days [start, end)."""
    q = Q()
    if start:
        q &= Q(held_on__gte=start)
    if end:
        q &= Q(held_on__lt=end)
    return q


def filtered_activities(
    user,
    *,
    kind: str = "",
    region: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[Activity]:
    """Activities a user sees, held in the days [date_from, date_to] (both included), as the
    activities figures count them."""
    found = Activity.objects.visible_to(user, "view").filter(
        held_between(date_from, date_to + dt.timedelta(days=1) if date_to else None)
    )
    if kind:
        found = found.filter(kind=kind)
    if region:
        found = found.in_subtree(region)
    return found


def my_tasks(user) -> dict[str, QuerySet]:
    """A person's task list: what the units they work at must do, and what they assigned that waits
    for their acceptance."""
    tasks = Task.objects.visible_to(user, "view").select_related("handling_unit", "assigner_unit")
    handling = units_for(user, "case.handle")
    assigning = units_for(user, DISPATCH)
    to_do = tasks.filter(status__in=OPEN_STATUSES)
    to_accept = tasks.filter(status=TaskStatus.REPORTED_DONE)
    if handling is not None:
        to_do = to_do.filter(handling_unit_id__in=handling)
    if assigning is not None:
        to_accept = to_accept.filter(assigner_unit_id__in=assigning)
    return {
        "to_do": to_do.order_by("due_at", "id"),
        "to_accept": to_accept.order_by("reported_done_at", "id"),
    }


def open_alerts(user):
    return alerts.open_for(TASK, user).select_related("task")


def unfinished(tasks: QuerySet[Task]) -> QuerySet[Task]:
    return tasks.filter(status__in=UNFINISHED)


def meetings(
    user, *, kind: str = "", region: str = "", start: dt.date | None = None, end: dt.date | None = None
) -> QuerySet[Meeting]:
    """Meetings in the user's jurisdiction; `start` and `end` ([start, end)) narrow the days held,
    as the meetings figure counts them."""
    found = Meeting.objects.visible_to(user, "view")
    if start:
        found = found.filter(held_on__gte=start)
    if end:
        found = found.filter(held_on__lt=end)
    if kind:
        found = found.filter(kind=kind)
    if region:
        found = found.in_subtree(region)
    return found


# --- keyset pages ----------------------------------------------------------------------------------


@dataclass
class Page:
    rows: list
    next: str | None
    prev: str | None


def _encode(value, pk: int) -> str:
    # In UTC with a Z: a "+" in an address would come back as a space.
    if isinstance(value, dt.datetime):
        value = value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
        return f"{value}_{pk}"
    return f"{value.isoformat()}_{pk}"


def decode(raw: str | None, kind: type) -> tuple | None:
    """A cursor the server gave out, or ValueError."""
    if not raw:
        return None
    try:
        stamp, pk = raw.rsplit("_", 1)
        value = dt.datetime.fromisoformat(stamp) if kind is dt.datetime else dt.date.fromisoformat(stamp)
        if kind is dt.datetime and value.tzinfo is None:
            raise ValueError
        return value, int(pk)
    except (ValueError, OverflowError):
        raise ValueError("bad cursor") from None


def page(queryset: QuerySet, field: str, *, after=None, before=None, size: int) -> Page:
    """Keyset pages on (field, id), newest first (anju/core/keyset.py), with this app's cursors:
    the time or the day in ISO form, so a meeting's day pages as a day."""
    found = keyset.page(queryset, field, after=after, before=before, size=size)
    return Page(
        found.rows,
        _encode(*found.next) if found.next else None,
        _encode(*found.prev) if found.prev else None,
    )
