"""The disputes API: intake (idempotent), lists with keyset pages, the case file, and one endpoint
per workflow transition."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.responses import Status, codes_4xx
from pydantic import Field

from anju.accounts.idempotency import idempotent
from anju.accounts.models import User
from anju.core.api import perm_auth
from anju.core.dates import check_day_order, check_year
from anju.core.openapi import honours_idempotency_key
from anju.core.scoping import get_scoped_or_404
from anju.regions.models import Region
from anju.workflow import api as workflow_api
from anju.workflow import personal
from anju.workflow.api import fields as _fields

from . import actions, deadlines, queries
from .choices import DISPATCH as DISPATCH_PERM
from .choices import EXTENSION_REASON_MAX, Category, Channel, HandlingLevel, Risk
from .choices import Status as DisputeStatus
from .kind import DISPUTE
from .models import Dispute, Party, Subtype
from .schemas import (
    AcceptIn,
    AgreementIn,
    AssignDownIn,
    DisputeIn,
    DisputeOut,
    DisputePage,
    FailureIn,
    MergeIn,
    NoteIn,
    ReasonIn,
    RevealIn,
    RevealOut,
    SessionIn,
    TransferIn,
    VisitIn,
)

router = Router(tags=["disputes"])
VIEW = perm_auth("case.view")
HANDLE = perm_auth("case.handle")
DISPATCH = perm_auth(DISPATCH_PERM)


def case_file(dispute: Dispute, user, *, fresh: bool = False) -> DisputeOut:
    """The case as the API shows it; `fresh` for a case just registered, whose file is in memory.
    Returned as the schema object, which the response accepts as it is, so it is built only once."""
    if not fresh:
        dispute = (
            Dispute.objects.select_related("region", "handling_unit")
            .prefetch_related("parties", "timeline__actor")
            .get(pk=dispute.pk)
        )
    dispute.deadline_colour = deadlines.colour(dispute)
    dispute.allowed_actions = actions.allowed_transitions(dispute, user)
    return DisputeOut.from_orm(dispute)


class DisputeFilter(Schema):
    region: str | None = Field(None, max_length=17)
    status: DisputeStatus | None = None
    category: Category | None = None
    handling_level: HandlingLevel | None = None
    risk: Risk | None = None
    channel: Channel | None = None
    overdue: bool = False
    date_from: str | None = Field(None, pattern=r"^\d{4}-\d{2}-\d{2}$")
    date_to: str | None = Field(None, pattern=r"^\d{4}-\d{2}-\d{2}$")
    q: str | None = Field(None, max_length=50)
    cursor: str | None = Field(
        None, max_length=40, description="a next_cursor from a page: read the page after it"
    )
    before: str | None = Field(
        None,
        max_length=40,
        description="a prev_cursor from a page: read the page before it (not with `cursor`)",
    )
    limit: int = Field(50, ge=1, le=500)


@router.get("", response=DisputePage, auth=VIEW)
def list_disputes(request, f: Query[DisputeFilter]):
    import datetime as dt

    # The pattern has checked the form of the dates; a day that does not exist (2024-02-30) is
    # refused here, in words a person reads, as is a cursor this server did not give out.
    days = {}
    for name in ("date_from", "date_to"):
        value = getattr(f, name)
        try:
            days[name] = dt.date.fromisoformat(value) if value else None
        except ValueError:
            raise ValidationError(
                {"query": [_("%(value)s is not a date (YYYY-MM-DD).") % {"value": value}]}
            ) from None
        if days[name] is not None:
            try:
                check_year(days[name])
            except ValueError as error:
                raise ValidationError({name: [str(error)]}) from None
    try:
        check_day_order(days["date_from"], days["date_to"])
    except ValueError as error:
        raise ValidationError({"date_to": [str(error)]}) from None
    try:
        after, before = queries.decode_cursors(f.cursor, f.before)
    except ValueError:
        message = _("This page cursor is not one the server gave out; start again from the first page.")
        raise ValidationError({"query": [message]}) from None
    filters = queries.Filters(
        region=f.region or "",
        status=f.status or "",
        category=f.category or "",
        handling_level=f.handling_level or "",
        risk=f.risk or "",
        channel=f.channel or "",
        overdue=f.overdue,
        q=f.q or "",
        **days,
    )
    page = queries.page(queries.filtered(request.auth, filters), after=after, before=before, size=f.limit)
    return {
        "items": page.rows,
        "next_cursor": queries.encode_cursor(page.next),
        "prev_cursor": queries.encode_cursor(page.prev),
    }


def _party_values(payload: DisputeIn) -> list[dict]:
    return [p.model_dump() for p in payload.parties]


@router.post("", response={201: DisputeOut, frozenset({*codes_4xx, 422}): dict}, auth=HANDLE)
@honours_idempotency_key
def create_dispute(request, payload: DisputeIn):
    region = get_scoped_or_404(Region, request.auth, "case.handle", code=payload.region)
    subtype = None
    if payload.subtype:
        subtype = Subtype.objects.filter(code=payload.subtype).first()
        if subtype is None:
            raise ValidationError(
                {"subtype": [_("Unknown local subtype %(code)s.") % {"code": payload.subtype}]}
            )
    # Said before the duplicates, or the device confirms a case that then cannot be saved.
    actions.check_subtype(subtype, payload.category)

    def create():
        fields = payload.model_dump(exclude={"region", "parties", "check_duplicates", "subtype"})
        try:
            dispute = actions.register_dispute(
                request.auth,
                region=region,
                parties=_party_values(payload),
                subtype=subtype,
                check_duplicates=payload.check_duplicates,
                **fields,
            )
        except actions.PossibleDuplicates as duplicates:
            return 409, {
                "code": 409,
                "description": _("Possible duplicates: send check_duplicates=false to register anyway."),
                "duplicates": [{"id": d.pk, "number": d.number, "title": d.title} for d in duplicates.cases],
            }
        return 201, case_file(dispute, request.auth, fresh=True)

    def answer_for(dispute_id):
        return 201, case_file(get_scoped_or_404(Dispute, request.auth, "view", pk=dispute_id), request.auth)

    status, body = idempotent(request, payload.model_dump(mode="json"), create, answer_for=answer_for)
    return Status(status, body)


class SubtypeOut(Schema):
    code: str
    name: str
    category: str


@router.get("/subtypes", response=list[SubtypeOut], auth=VIEW)
def list_subtypes(request):
    """The county's local subtypes in use, for the intake forms of devices."""
    return list(Subtype.objects.filter(active=True))


@router.get("/{dispute_id}", response=DisputeOut, auth=VIEW)
def get_dispute(request, dispute_id: int):
    return case_file(get_scoped_or_404(Dispute, request.auth, "view", pk=dispute_id), request.auth)


@router.post("/{dispute_id}/parties/{party_id}/reveal", response=RevealOut, auth=HANDLE)
def reveal(request, dispute_id: int, party_id: int, payload: RevealIn):
    """The full phone or ID number, for handlers who need to reach the party; every reveal is logged."""
    dispute = get_scoped_or_404(Dispute, request.auth, "handle", pk=dispute_id)
    party = get_object_or_404(Party, pk=party_id, dispute=dispute)
    return {
        "value": personal.reveal(
            DISPUTE, request.auth, dispute, party, payload.field, purpose=payload.purpose
        )
    }


def _accept_kwargs(request, payload: AcceptIn) -> dict:
    # Only the names are resolved here; who may mediate the case is accept's rule (eligible_mediators).
    users = list(User.objects.filter(username__in=payload.mediators))
    missing = set(payload.mediators) - {u.username for u in users}
    if missing:
        message = _("No account is named %(name)s.")
        raise ValidationError({"mediators": [message % {"name": name} for name in sorted(missing)]})
    return {"mediators": users, "note": payload.note}


def _session_kwargs(request, payload: SessionIn) -> dict:
    return {**payload.model_dump(exclude={"version", "record"}), "record_text": payload.record}


def _merge_kwargs(request, payload: MergeIn) -> dict:
    return {"into": get_scoped_or_404(Dispute, request.auth, "view", number=payload.into)}


# One endpoint per transition of the workflow table: (action, path, input, kwargs). The permission
# each needs is the transition's own, from TRANSITIONS.
TRANSITION_ENDPOINTS = [
    ("accept", "accept", AcceptIn, _accept_kwargs),
    ("record_session", "sessions", SessionIn, _session_kwargs),
    ("record_agreement", "agreement", AgreementIn, _fields),
    ("record_failure", "failure", FailureIn, _fields),
    ("record_refusal", "refusal", ReasonIn, _fields),
    ("end_at_request", "end", ReasonIn, _fields),
    ("record_visit", "visits", VisitIn, _fields),
    ("resolve", "resolve", NoteIn, _fields),
    ("escalate", "escalate", ReasonIn, _fields),
    ("assign_down", "assign-down", AssignDownIn, _fields),
    ("transfer_out", "transfer", TransferIn, _fields),
    ("reopen", "reopen", ReasonIn, _fields),
    ("urge", "urge", ReasonIn, _fields),
    ("merge", "merge", MergeIn, _merge_kwargs),
]


workflow_api.add_transitions(
    router,
    DISPUTE,
    TRANSITION_ENDPOINTS,
    actions=actions,
    id_kwarg="dispute_id",
    response=DisputeOut,
    answer=case_file,
    module=__name__,
)


class ExtensionIn(Schema):
    working_days: int = Field(..., ge=1, le=30)
    reason: str = Field(..., min_length=1, max_length=EXTENSION_REASON_MAX)


class DecisionIn(Schema):
    approve: bool
    note: str = Field("", max_length=500)


class ExtensionOut(Schema):
    id: int
    dispute: int = Field(..., alias="dispute_id")
    working_days: int
    reason: str
    approver_unit: str = Field(..., alias="approver_unit_id")
    decision: str


workflow_api.add_extensions(
    router,
    DISPUTE,
    actions=actions,
    id_kwarg="dispute_id",
    decide_id_kwarg="extension_id",
    schemas=(ExtensionIn, DecisionIn, ExtensionOut),
    names=("request_extension", "decide_extension"),
    auth=(HANDLE, DISPATCH),
    module=__name__,
)
