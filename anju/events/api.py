"""The grid events API for devices: the catalogue, reports (idempotent, with photos), lists with
keyset pages, the event with its timeline, and one endpoint per transition of the loop."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import enum
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja import Query as QueryParam
from ninja.responses import Status, codes_4xx
from pydantic import Field

from anju.accounts.idempotency import idempotent
from anju.audit.actions import record_access
from anju.core.api import perm_auth
from anju.core.openapi import honours_idempotency_key
from anju.core.scoping import get_scoped_or_404
from anju.disputes.choices import Category as DisputeCategory
from anju.regions.models import Region
from anju.workflow import api as workflow_api
from anju.workflow import attachments, personal
from anju.workflow.api import fields as _fields
from anju.workflow.extensions import MAX_WORKING_DAYS, MAX_WORKING_HOURS

from . import actions, deadlines, queries
from .choices import DESCRIPTION_MAX, REASON_MAX, Channel
from .choices import Status as EventStatus
from .kind import EVENT
from .models import Event, EventType, Photo

router = Router(tags=["events"])
VIEW = perm_auth("case.view")
HANDLE = perm_auth("case.handle")
DISPATCH = perm_auth("case.dispatch")


class Out(Schema):
    model_config = {**Schema.model_config, "populate_by_name": True}


class EventExtraFieldOut(Out):
    key: str
    label: str
    kind: str
    options: list[str]
    required: bool


class EventCategoryOut(Out):
    code: str
    name: str
    event_class: str = Field(..., alias="event_class.name")
    urgent: bool
    photo_required: bool
    limit_unit: str
    file_limit: Decimal
    dispatch_limit: Decimal
    handle_limit: Decimal
    verify_limit: Decimal
    extra_fields: list[EventExtraFieldOut]


class GridEventRow(Out):
    id: int
    number: str
    title: str
    status: EventStatus
    urgent: bool
    category: str = Field(..., alias="event_type.code")
    region: str = Field(..., alias="region_id")
    handling_unit: str = Field(..., alias="handling_unit_id")
    reported_at: dt.datetime
    due_at: dt.datetime | None
    version: int


class GridEventPage(Schema):
    """Newest first, by report time; next_cursor as `cursor`, prev_cursor as `before`."""

    items: list[GridEventRow]
    next_cursor: str | None
    prev_cursor: str | None


class EventTimelineOut(Out):
    at: dt.datetime
    actor: str | None = Field(None, alias="actor.username")
    transition: str
    transition_label: str
    from_status: str
    to_status: str
    handling_unit: str = Field(..., alias="handling_unit_id")
    note: str


class EventPhotoOut(Out):
    id: int
    original_name: str
    content_type: str
    purpose: str
    uploaded_at: dt.datetime
    url: str = Field(
        ..., description="the file as sent; for a photo whose original you may not see, its display copy"
    )
    display_url: str | None = Field(None, description="resized, upright, no EXIF; None for a scan")
    thumbnail_url: str | None = Field(None, description="small, no EXIF; None for a scan")


def photo_urls(event: Event) -> None:
    """Give each photo of the event its addresses on this API (scoped like the event, each view an
    access record)."""
    for photo in event.photos.all():
        base = reverse("api:get_event_photo", args=[event.pk, photo.pk])
        photo.url = base
        photo.display_url = f"{base}?copy=display" if photo.is_image else None
        photo.thumbnail_url = f"{base}?copy=thumbnail" if photo.is_image else None


class GridEventOut(GridEventRow):
    channel: str
    description: str
    location: str
    latitude: Decimal | None
    longitude: Decimal | None
    location_from_photo: bool  # the coordinates were read from a photo's EXIF
    grid_from_point: bool  # the grid is the one whose boundary holds the point, not the one sent
    extra: dict
    reporter_name: str = Field(..., alias="reporter_name_masked")
    reporter_phone: str = Field(..., alias="reporter_phone_masked")
    dispatcher_unit: str = Field(..., alias="dispatcher_unit_id")
    handling_report: str
    returned: int
    satisfaction: int | None
    centre_score: int | None
    dispute: int | None = Field(None, alias="dispute_id")
    also_reported: int
    photos: list[EventPhotoOut]
    timeline: list[EventTimelineOut]
    deadline_colour: str
    allowed_actions: list[str]


def event_file(event: Event, user) -> GridEventOut:
    event = (
        Event.objects.select_related("event_type", "region", "handling_unit")
        .prefetch_related("photos", "timeline__actor")
        .get(pk=event.pk)
    )
    event.deadline_colour = deadlines.colour(event)
    event.allowed_actions = actions.allowed_transitions(event, user)
    photo_urls(event)
    return GridEventOut.from_orm(event)


@router.get("/categories", response=list[EventCategoryOut], auth=VIEW)
def list_event_categories(request):
    """The catalogue's minor classes in use, with their extra fields, for the report forms of devices."""
    return list(
        EventType.objects.filter(active=True, event_class__active=True)
        .select_related("event_class")
        .prefetch_related("extra_fields")
    )


class GridEventFilter(Schema):
    region: str | None = Field(None, max_length=17)
    status: EventStatus | None = None
    category: str | None = Field(None, max_length=40)
    urgent: bool = False
    overdue: bool = False
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    q: str | None = Field(None, max_length=50)
    cursor: str | None = Field(None, max_length=40)
    before: str | None = Field(None, max_length=40)
    limit: int = Field(50, ge=1, le=500)


@router.get("", response=GridEventPage, auth=VIEW)
def list_grid_events(request, f: Query[GridEventFilter]):
    if f.date_from and f.date_to and f.date_to < f.date_from:
        raise ValidationError({"date_to": [_("The end date is before the start date.")]})
    try:
        after, before = queries.decode_cursors(f.cursor, f.before)
    except ValueError:
        message = _("This page cursor is not one the server gave out; start again from the first page.")
        raise ValidationError({"query": [message]}) from None
    filters = queries.Filters(
        region=f.region or "",
        status=f.status or "",
        event_type=f.category or "",
        urgent=f.urgent,
        overdue=f.overdue,
        date_from=f.date_from,
        date_to=f.date_to,
        q=f.q or "",
    )
    page = queries.page(queries.filtered(request.auth, filters), after=after, before=before, size=f.limit)
    return {
        "items": page.rows,
        "next_cursor": queries.encode_cursor(page.next),
        "prev_cursor": queries.encode_cursor(page.prev),
    }


class EventPhotoIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    content_base64: str = Field(..., min_length=4, description="the file's bytes, base64")


class GridEventIn(Schema):
    region: str = Field(..., max_length=17, description="code of the grid (or village) where it was seen")
    category: str = Field(..., max_length=40, description="a minor class code from /events/categories")
    channel: Channel = Channel.GRID_WORKER
    title: str = Field(..., min_length=1, max_length=100)
    description: str = Field(..., min_length=1, max_length=DESCRIPTION_MAX)
    location: str = Field("", max_length=200)
    latitude: Decimal | None = Field(None, ge=-90, le=90, max_digits=9, decimal_places=6)
    longitude: Decimal | None = Field(None, ge=-180, le=180, max_digits=9, decimal_places=6)
    extra: dict[str, str | list[str]] = Field(default_factory=dict)
    reporter_name: str = Field("", max_length=50)
    reporter_phone: str = Field("", max_length=20)
    photos: list[EventPhotoIn] = Field(default_factory=list, max_length=9)
    check_duplicates: bool = Field(True, description="answer 409 with possible duplicates instead of saving")


def _uploads(photos: list[EventPhotoIn]) -> list[SimpleUploadedFile]:
    files = []
    for index, photo in enumerate(photos):
        try:
            data = base64.b64decode(photo.content_base64, validate=True)
        except (binascii.Error, ValueError):
            raise ValidationError({f"photos.{index}": [_("This is not base64.")]}) from None
        files.append(SimpleUploadedFile(photo.name, data))
    return files


def _event_type(code: str) -> EventType:
    event_type = EventType.objects.select_related("event_class").filter(code=code).first()
    if event_type is None:
        raise ValidationError({"category": [_("Unknown category %(code)s.") % {"code": code}]})
    return event_type


@router.post("", response={201: GridEventOut, frozenset({*codes_4xx, 422}): dict}, auth=HANDLE)
@honours_idempotency_key
def create_grid_event(request, payload: GridEventIn):
    region = get_scoped_or_404(Region, request.auth, "case.handle", code=payload.region)
    event_type = _event_type(payload.category)

    def create():
        fields = payload.model_dump(exclude={"region", "category", "photos", "check_duplicates"})
        try:
            event = actions.report_event(
                request.auth,
                region=region,
                event_type=event_type,
                photos=_uploads(payload.photos),
                check_duplicates=payload.check_duplicates,
                **fields,
            )
        except actions.PossibleDuplicates as found:
            return 409, {
                "code": 409,
                "description": _("Possible duplicates: join one, or send check_duplicates=false."),
                "duplicates": [
                    {"id": e.pk, "number": e.number, "title": e.title, "metres": round(e.distance)}
                    for e in found.events
                ],
            }
        return 201, event_file(event, request.auth)

    def answer_for(event_id):
        return 201, event_file(get_scoped_or_404(Event, request.auth, "view", pk=event_id), request.auth)

    status, body = idempotent(request, payload.model_dump(mode="json"), create, answer_for=answer_for)
    return Status(status, body)


@router.get("/{event_id}", response=GridEventOut, auth=VIEW)
def get_grid_event(request, event_id: int):
    return event_file(get_scoped_or_404(Event, request.auth, "view", pk=event_id), request.auth)


class PhotoCopy(enum.StrEnum):
    ORIGINAL = "original"
    DISPLAY = "display"
    THUMBNAIL = "thumbnail"


# `?copy=`, as the pages have it (a parameter named `copy` would shadow pydantic's own).
COPY_PARAM = QueryParam(PhotoCopy.ORIGINAL, alias="copy")


@router.get("/{event_id}/photos/{photo_id}", auth=VIEW)
def get_event_photo(request, event_id: int, photo_id: int, asked: PhotoCopy = COPY_PARAM):
    """A photo of the event: `copy=display` or `thumbnail` (no EXIF) to anyone who may see the
    event; the original, EXIF and all, to those who may see originals (actions.may_see_original),
    else its display copy (403 for a scan). Every view is an access record."""
    event = get_scoped_or_404(Event, request.auth, "view", pk=event_id)
    photo = get_object_or_404(Photo, pk=photo_id, event=event)
    which = "" if asked == PhotoCopy.ORIGINAL else asked.value
    if not which and not actions.may_see_original(request.auth, event, photo):
        if not photo.is_image:
            raise PermissionDenied(_("Only the copy of this photo is shown to you; its original is kept."))
        which = "display"
    with transaction.atomic():
        record_access(
            request.auth, photo, "file", region_code=event.region_id, purpose="view" if which else "download"
        )
    if which:
        return attachments.serve_photo_copy(photo, which)
    return attachments.download(photo, photo.original_name)


class EventJoinIn(Schema):
    description: str = Field(..., min_length=1, max_length=DESCRIPTION_MAX)
    photos: list[EventPhotoIn] = Field(default_factory=list, max_length=9)


@router.post("/{event_id}/join", response=GridEventOut, auth=HANDLE)
def join_grid_event(request, event_id: int, payload: EventJoinIn):
    """Report again what is on file: the words and photos join the event."""
    event = get_scoped_or_404(Event, request.auth, "view", pk=event_id)
    actions.join_event(request.auth, event, description=payload.description, photos=_uploads(payload.photos))
    return event_file(event, request.auth)


class EventRevealIn(Schema):
    field: str = Field(..., pattern="^(reporter_name|reporter_phone)$")
    purpose: str = Field(..., min_length=2, max_length=200)


class EventRevealOut(Schema):
    value: str


@router.post("/{event_id}/reveal", response=EventRevealOut, auth=HANDLE)
def reveal_event_reporter(request, event_id: int, payload: EventRevealIn):
    """The reporter's full name or phone, for handlers who must reach them; every reveal is logged."""
    event = get_scoped_or_404(Event, request.auth, "view", pk=event_id)
    return {
        "value": personal.reveal(EVENT, request.auth, event, event, payload.field, purpose=payload.purpose)
    }


class EventVersioned(Schema):
    version: int | None = Field(None, description="the version you read; a stale one is refused with 409")


class EventNoteIn(EventVersioned):
    note: str = Field("", max_length=REASON_MAX)


class EventReasonIn(EventVersioned):
    reason: str = Field(..., min_length=1, max_length=REASON_MAX)


class EventDispatchIn(EventVersioned):
    unit: str = Field("", max_length=17, description="a unit code; empty: the one routing names")
    note: str = Field("", max_length=REASON_MAX)


class EventHandleIn(EventVersioned):
    report: str = Field(..., min_length=1, max_length=DESCRIPTION_MAX)
    photos: list[EventPhotoIn] = Field(default_factory=list, max_length=9)


class EventEvaluateIn(EventVersioned):
    satisfaction: int = Field(..., ge=1, le=5)
    centre_score: int = Field(..., ge=1, le=100)
    note: str = Field("", max_length=REASON_MAX)


class EventConvertIn(EventVersioned):
    category: DisputeCategory | None = None
    party_name: str = Field("", max_length=100)
    party_phone: str = Field("", max_length=20)
    note: str = Field("", max_length=REASON_MAX)


def _handle_kwargs(request, payload: EventHandleIn) -> dict:
    return {"report": payload.report, "photos": _uploads(payload.photos)}


def _convert_kwargs(request, payload: EventConvertIn) -> dict:
    return {**_fields(request, payload), "category": payload.category or ""}


# One endpoint per transition of the table: (action, path, input, kwargs).
TRANSITION_ENDPOINTS = [
    ("file", "file", EventNoteIn, _fields),
    ("void", "void", EventReasonIn, _fields),
    ("dispatch", "dispatch", EventDispatchIn, _fields),
    ("send_back", "send-back", EventReasonIn, _fields),
    ("handle", "handle", EventHandleIn, _handle_kwargs),
    ("verify_pass", "verify-pass", EventNoteIn, _fields),
    ("verify_fail", "verify-fail", EventReasonIn, _fields),
    ("evaluate", "evaluate", EventEvaluateIn, _fields),
    ("mark_urgent", "urgent", EventReasonIn, _fields),
    ("convert", "convert", EventConvertIn, _convert_kwargs),
]


workflow_api.add_transitions(
    router,
    EVENT,
    TRANSITION_ENDPOINTS,
    actions=actions,
    id_kwarg="event_id",
    response=GridEventOut,
    answer=event_file,
    module=__name__,
    prefix="event_",
)


class EventExtensionIn(Schema):
    """More time in the unit the category counts its limits in (its `limit_unit`): working_hours
    for a category counted in hours, working_days otherwise."""

    working_days: int = Field(0, ge=0, le=MAX_WORKING_DAYS)
    working_hours: int = Field(0, ge=0, le=MAX_WORKING_HOURS)
    reason: str = Field(..., min_length=1, max_length=REASON_MAX)


class EventDecisionIn(Schema):
    approve: bool
    note: str = Field("", max_length=500)


class EventExtensionOut(Schema):
    id: int
    event: int = Field(..., alias="event_id")
    working_days: int
    working_hours: int
    reason: str
    approver_unit: str = Field(..., alias="approver_unit_id")
    decision: str


workflow_api.add_extensions(
    router,
    EVENT,
    actions=actions,
    id_kwarg="event_id",
    decide_id_kwarg="event_extension_id",
    schemas=(EventExtensionIn, EventDecisionIn, EventExtensionOut),
    names=("request_event_extension", "decide_event_extension"),
    auth=(HANDLE, DISPATCH),
    module=__name__,
)
