from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Schema
from pydantic import Field

from anju.core.dates import Day

from .choices import (
    DESCRIPTION_MAX,
    PEOPLE_INVOLVED_MAX,
    REASON_MAX,
    RECORD_MAX,
    AgreementKind,
    Category,
    Channel,
    HandlingLevel,
    PartyKind,
    PartyRole,
    Performance,
    Remedy,
    Risk,
    TransferBody,
)
from .choices import Status as DisputeStatus


class PartyIn(Schema):
    kind: PartyKind = PartyKind.PERSON
    role: PartyRole
    name: str = Field(..., min_length=1, max_length=100)
    phone: str = Field("", max_length=20)
    id_number: str = Field("", max_length=20)
    address: str = Field("", max_length=200)


class Out(Schema):
    """Output read from models by alias, and also from its own JSON by field name: answers stored
    for an Idempotency-Key are served again through the same schema."""

    model_config = {**Schema.model_config, "populate_by_name": True}


class PartyOut(Out):
    id: int
    kind: str
    role: str
    name: str
    phone: str = Field(..., alias="phone_masked")
    id_number: str = Field(..., alias="id_number_masked")
    address: str


class DisputeIn(Schema):
    region: str = Field(..., max_length=17, description="code of the region where it arose, down to a grid")
    channel: Channel
    category: Category
    subtype: str | None = Field(None, max_length=40)
    title: str = Field(..., min_length=1, max_length=100)
    description: str = Field(..., min_length=1, max_length=DESCRIPTION_MAX)
    location: str = Field("", max_length=200)
    latitude: Decimal | None = Field(None, ge=-90, le=90)
    longitude: Decimal | None = Field(None, ge=-180, le=180)
    amount: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    people_involved: int = Field(2, ge=1, le=PEOPLE_INVOLVED_MAX)
    risk: Risk = Risk.GENERAL
    may_turn_criminal: bool = False
    parties: list[PartyIn] = Field(..., min_length=1, max_length=50)
    check_duplicates: bool = Field(
        True, description="answer 409 with the possible duplicates instead of saving"
    )


class DisputeRow(Out):
    id: int
    number: str
    title: str
    status: DisputeStatus
    category: Category
    risk: Risk
    region: str = Field(..., alias="region_id")
    handling_unit: str = Field(..., alias="handling_unit_id")
    handling_level: HandlingLevel
    registered_at: dt.datetime
    due_at: dt.datetime | None
    version: int


class DisputePage(Schema):
    """Newest first, by registration time. Pass next_cursor back as `cursor` for the page after,
    prev_cursor as `before` for the page before; each is null where the list ends."""

    items: list[DisputeRow]
    next_cursor: str | None = Field(..., description="`cursor` for the next page; null on the last page")
    prev_cursor: str | None = Field(..., description="`before` for the previous page; null on the first page")


class TimelineOut(Out):
    at: dt.datetime
    actor: str | None = Field(None, alias="actor.username")
    transition: str
    from_status: str
    to_status: str
    # The same words the case page shows, in the caller's language; the codes above are for programs.
    transition_label: str
    to_status_label: str
    handling_unit: str = Field(..., alias="handling_unit_id")
    note: str


class DisputeOut(DisputeRow):
    channel: Channel
    description: str
    location: str
    amount: Decimal | None
    people_involved: int
    may_turn_criminal: bool
    origin_level: HandlingLevel
    resolved_level: str
    parties: list[PartyOut]
    timeline: list[TimelineOut]
    deadline_colour: str
    allowed_actions: list[str]


class Versioned(Schema):
    version: int | None = Field(None, description="the version you read; a stale one is refused with 409")


class AcceptIn(Versioned):
    mediators: list[str] = Field(..., min_length=1, description="usernames")
    note: str = Field("", max_length=500)


class SessionIn(Versioned):
    held_on: Day
    place: str = Field(..., min_length=1, max_length=200)
    participants: str = Field(..., min_length=1, max_length=500)
    record: str = Field(..., min_length=1, max_length=RECORD_MAX)
    outcome: str = Field("", max_length=500)


class AgreementIn(Versioned):
    kind: AgreementKind
    facts: str = Field(..., min_length=1, max_length=RECORD_MAX)
    terms: str = Field(..., min_length=1, max_length=RECORD_MAX)
    performance: str = Field(..., min_length=1, max_length=REASON_MAX)
    signed_on: Day
    perform_by: Day | None = None


class FailureIn(Versioned):
    reason: str = Field(..., min_length=1, max_length=REASON_MAX)
    remedies: list[Remedy] = Field(..., min_length=1)
    notified_on: Day


class ReasonIn(Versioned):
    reason: str = Field(..., min_length=1, max_length=REASON_MAX)


class VisitIn(Versioned):
    visited_on: Day
    performance: Performance
    note: str = Field("", max_length=REASON_MAX)


class NoteIn(Versioned):
    note: str = Field("", max_length=REASON_MAX)


class AssignDownIn(Versioned):
    level: HandlingLevel
    note: str = Field("", max_length=REASON_MAX)


class TransferIn(Versioned):
    body: TransferBody
    body_name: str = Field(..., min_length=1, max_length=100)
    receipt_number: str = Field(..., min_length=1, max_length=50)
    received_on: Day


class MergeIn(Versioned):
    into: str = Field(..., description="case number of the case that goes on")


class RevealIn(Schema):
    field: str = Field(..., pattern="^(phone|id_number)$")
    purpose: str = Field(..., min_length=2, max_length=200)


class RevealOut(Schema):
    value: str
