"""Grid events as a kind of case: what they declare to the shared workflow machinery
(anju.workflow). Registered when the app is ready."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from anju.core.scoping import covers
from anju.disputes.kind import unit_above
from anju.workflow.kinds import Kind

from . import deadlines
from .choices import EVENTS, OPEN_STATUSES, TRANSITIONS, Status
from .models import Alert, Event, ExtensionRequest, Photo, TimelineEntry


def may_attach(user, event: Event) -> bool:
    """Those who handle cases where it was reported (the grid worker on site) or where it is handled."""
    return covers(user, "case.handle", event.region_id) or covers(user, "case.handle", event.handling_unit_id)


def detail_path(event: Event) -> str:
    """Where a notification about the event leads."""
    return reverse("events:detail", args=[event.pk])


EVENT = Kind(
    name="event",
    label=_("Grid event"),
    model=Event,
    statuses=Status,
    open_statuses=OPEN_STATUSES,
    transitions=TRANSITIONS,
    events=EVENTS,
    timeline_model=TimelineEntry,
    alert_model=Alert,
    extension_model=ExtensionRequest,
    attachment_model=Photo,
    case_field="event",
    audited=("status", "handling_unit_id", "urgent", "due_at", "version"),
    limits=deadlines.POLICY,
    # Extensions are decided, and overdue events heard of, one level above the handlers.
    unit_above=unit_above,
    may_attach=may_attach,
    personal_fields=frozenset({"reporter_name", "reporter_phone"}),
    region_attr="region_id",
    files_folder="events",
    detail_path=detail_path,
)
