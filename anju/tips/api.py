"""The tips API for devices: lists with keyset pages, a tip's file, registration and one endpoint
per workflow transition. No answer ever holds the informant; what the tip says and whom it names
come only to the handling chain (`content` and `subject` are null for anyone else)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.responses import Status
from pydantic import Field

from anju.accounts.models import User
from anju.core.api import perm_auth
from anju.core.dates import Day
from anju.core.scoping import get_scoped_or_404
from anju.regions.models import Region
from anju.workflow import api as workflow_api
from anju.workflow import limits
from anju.workflow.api import fields as _fields

from . import actions, queries
from .choices import (
    CONTENT_MAX,
    HANDLE,
    MEASURE_MAX,
    NOTE_MAX,
    Outcome,
    Result,
    SourceKind,
    SubjectKind,
)
from .choices import Status as TipStatus
from .kind import TIP, in_chain
from .models import Batch, Tip

router = Router(tags=["tips"])
VIEW = perm_auth("tip.view")


class TipTimelineOut(Schema):
    at: dt.datetime
    transition: str
    label: str
    from_status: str
    to_status: str
    note: str | None


class TipOut(Schema):
    id: int
    number: str
    status: str
    version: int = Field(..., description="send it back with a change; a stale one is refused (409)")
    source: str
    batch: str | None
    source_ref: str
    received_on: dt.date
    region: str
    handling_unit: str
    handler: str | None
    due_at: dt.datetime | None
    deadline_colour: str
    result: str
    outcome: str
    police_case_number: str
    measures: dict[str, int]
    content: str | None = Field(None, description="only for the handling chain")
    subject: str | None = Field(None, description="only for the handling chain")
    allowed_actions: list[str]
    timeline: list[TipTimelineOut]


class TipRow(Schema):
    id: int
    number: str
    status: str
    source: str
    received_on: dt.date
    region: str
    handling_unit: str
    due_at: dt.datetime | None


class TipPage(Schema):
    items: list[TipRow]
    next_cursor: str | None
    prev_cursor: str | None


def tip_file(tip: Tip, user) -> dict:
    from .choices import MEASURES

    tip = Tip.objects.select_related("source", "batch", "handler").prefetch_related("timeline").get(pk=tip.pk)
    chain = in_chain(user, tip)
    return {
        "id": tip.pk,
        "number": tip.number,
        "status": tip.status,
        "version": tip.version,
        "source": tip.source.kind,
        "batch": tip.batch.reference if tip.batch_id else None,
        "source_ref": tip.source_ref,
        "received_on": tip.received_on,
        "region": tip.region_id,
        "handling_unit": tip.handling_unit_id,
        "handler": tip.handler.username if tip.handler_id else None,
        "due_at": tip.due_at,
        "deadline_colour": limits.colour(TIP, tip),
        "result": tip.result,
        "outcome": tip.outcome,
        "police_case_number": tip.police_case_number,
        "measures": {name: getattr(tip, name) for name in MEASURES},
        "content": tip.content if chain else None,
        "subject": f"{tip.get_subject_kind_display()}: {tip.subject_name}" if chain else None,
        "allowed_actions": actions.allowed_transitions(tip, user),
        "timeline": [
            {
                "at": t.at,
                "transition": t.transition,
                "label": TIP.timeline_label(t.transition),
                "from_status": t.from_status,
                "to_status": t.to_status,
                "note": t.note if chain else None,
            }
            for t in tip.timeline.all()
        ],
    }


class TipFilter(Schema):
    status: TipStatus | None = None
    source: SourceKind | None = None
    batch: int | None = Field(None, ge=1, le=2**62)
    overdue: bool = False
    date_from: Day | None = None
    date_to: Day | None = None
    q: str | None = Field(None, max_length=24)
    cursor: str | None = Field(None, max_length=40)
    before: str | None = Field(None, max_length=40)
    limit: int = Field(50, ge=1, le=500)


@router.get("", response=TipPage, auth=VIEW)
def list_tips(request, f: Query[TipFilter]):
    if f.date_from and f.date_to and f.date_to < f.date_from:
        raise ValidationError({"date_to": [_("The end comes before the start.")]})
    try:
        after, before = queries.decode_cursors(f.cursor, f.before)
    except ValueError:
        raise ValidationError(
            {
                "query": [
                    _("This page cursor is not one the server gave out; start again from the first page.")
                ]
            }
        ) from None
    filters = queries.Filters(
        status=f.status or "",
        source=f.source or "",
        batch=f.batch,
        overdue=f.overdue,
        date_from=f.date_from,
        date_to=f.date_to,
        q=f.q or "",
    )
    page = queries.page(queries.filtered(request.auth, filters), after=after, before=before, size=f.limit)
    return {
        "items": [
            {
                "id": t.pk,
                "number": t.number,
                "status": t.status,
                "source": t.source.kind,
                "received_on": t.received_on,
                "region": t.region_id,
                "handling_unit": t.handling_unit_id,
                "due_at": t.due_at,
            }
            for t in page.rows
        ],
        "next_cursor": queries.encode_cursor(page.next),
        "prev_cursor": queries.encode_cursor(page.prev),
    }


class TipIn(Schema):
    region: str = Field(..., min_length=6, max_length=17, pattern=r"^\d+$")
    source_kind: SourceKind
    received_on: Day
    content: str = Field(..., min_length=1, max_length=CONTENT_MAX)
    subject_kind: SubjectKind = SubjectKind.PERSON
    subject_name: str = Field(..., min_length=1, max_length=200)
    subject_details: str = Field("", max_length=1000)
    anonymous: bool = False
    informant_name: str = Field("", max_length=100, description="stored encrypted; never returned")
    informant_contact: str = Field("", max_length=100, description="stored encrypted; never returned")


@router.post("", response={201: TipOut}, auth=perm_auth(HANDLE))
def create_tip(request, payload: TipIn):
    region = get_scoped_or_404(Region, request.auth, HANDLE, code=payload.region)
    tip = actions.register_tip(request.auth, region=region, **payload.model_dump(exclude={"region"}))
    return Status(201, tip_file(tip, request.auth))


class TipBatchOut(Schema):
    id: int
    reference: str
    source: str
    received_on: dt.date
    deadline: dt.date
    region: str
    cleared_on: dt.date | None
    tips: int
    closed: int


def _batch(batch: Batch) -> dict:
    progress = queries.batch_progress(batch)
    return {
        "id": batch.pk,
        "reference": batch.reference,
        "source": batch.source.kind,
        "received_on": batch.received_on,
        "deadline": batch.deadline,
        "region": batch.region_id,
        "cleared_on": batch.cleared_on,
        "tips": progress["total"],
        "closed": progress["closed"],
    }


@router.get("/batches", response=list[TipBatchOut], auth=VIEW)
def list_batches(request):
    return [_batch(b) for b in Batch.objects.visible_to(request.auth, "view").select_related("source")[:200]]


@router.get("/batches/{batch_id}", response=TipBatchOut, auth=VIEW)
def get_batch(request, batch_id: int):
    return _batch(get_scoped_or_404(Batch, request.auth, "view", pk=batch_id))


@router.get("/{tip_id}", response=TipOut, auth=VIEW)
def get_tip(request, tip_id: int):
    return tip_file(get_scoped_or_404(Tip, request.auth, "view", pk=tip_id), request.auth)


class TipVersionIn(Schema):
    version: int = Field(..., ge=1, le=2**31)
    note: str = Field("", max_length=NOTE_MAX)


class TipAssignIn(TipVersionIn):
    unit: str = Field(..., min_length=6, max_length=9, pattern=r"^\d+$")
    handler: str = Field(..., min_length=1, max_length=150, description="the handler's username")


class TipNoteIn(Schema):
    version: int = Field(..., ge=1, le=2**31)
    note: str = Field(..., min_length=1, max_length=NOTE_MAX)


class TipVerifyIn(TipVersionIn):
    result: Result
    outcome: Outcome
    police_case_number: str = Field("", max_length=50)
    criminal_cases: int = Field(0, ge=0, le=MEASURE_MAX)
    persons_dealt_with: int = Field(0, ge=0, le=MEASURE_MAX)
    sanctions: int = Field(0, ge=0, le=MEASURE_MAX)
    admonishment_talks: int = Field(0, ge=0, le=MEASURE_MAX)
    probation_extended: int = Field(0, ge=0, le=MEASURE_MAX)
    warnings: int = Field(0, ge=0, le=MEASURE_MAX)
    self_criticisms: int = Field(0, ge=0, le=MEASURE_MAX)


def _assign_kwargs(request, payload: TipAssignIn) -> dict:
    handler = User.objects.filter(username=payload.handler, is_active=True).first()
    if handler is None:
        raise ValidationError({"handler": [_("No account is named %(name)s.") % {"name": payload.handler}]})
    return {"unit": payload.unit, "handler": handler, "note": payload.note}


TRANSITION_ENDPOINTS = [
    ("assign", "assign", TipAssignIn, _assign_kwargs),
    ("start_verification", "start-verification", TipVersionIn, _fields),
    ("add_note", "notes", TipNoteIn, _fields),
    ("verify", "verify", TipVerifyIn, _fields),
    ("close", "close", TipVersionIn, _fields),
]


workflow_api.add_transitions(
    router,
    TIP,
    TRANSITION_ENDPOINTS,
    actions=actions,
    id_kwarg="tip_id",
    response=TipOut,
    answer=tip_file,
    module=__name__,
    prefix="tip_",
)
