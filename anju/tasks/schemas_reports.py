"""The shapes of the API for major-matter reports, leaders' reviews, activities and village
rectifications (tasks.api_reports)."""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field

from anju.core.dates import Day, Instant

from .choices import REASON_MAX, TEXT_MAX, TITLE_MAX, ActivityKind, ReportStatus, Urgency
from .schemas import TaskOutBase, TaskTimelineOut


class Paged(Schema):
    next_cursor: str | None
    prev_cursor: str | None


# --- major-matter reports -----------------------------------------------------------------------


class MatterReportRow(TaskOutBase):
    id: int
    title: str
    region: str = Field(..., alias="region_id")
    urgency: Urgency
    status: ReportStatus
    submitted_at: dt.datetime
    due_at: dt.datetime | None = Field(None, description="acknowledge by; empty once acknowledged")
    version: int


class MatterReportOut(MatterReportRow):
    content: str
    answered_by: str = Field(..., alias="handling_unit_id", description="the county committee's code")
    acknowledged_at: dt.datetime | None
    instruction: str = Field(..., description="the latest instructions; each one is on the timeline")
    instructed_at: dt.datetime | None
    supervision: str = Field(..., description="green, yellow or red while waiting for acknowledgement")
    tasks: list[int]
    files: list[str]
    allowed_actions: list[str]
    timeline: list[TaskTimelineOut]


class MatterReportPage(Paged):
    """Newest first, by the time of reporting."""

    items: list[MatterReportRow]


class MatterReportIn(Schema):
    region: str = Field(..., max_length=17, description="code of the reporting unit")
    title: str = Field(..., min_length=1, max_length=TITLE_MAX)
    content: str = Field(..., min_length=1, max_length=TEXT_MAX)
    urgency: Urgency = Urgency.ORDINARY


class ReportVersioned(Schema):
    version: int | None = Field(None, description="the version you read; a stale one is refused with 409")


class ReportInstructionIn(ReportVersioned):
    instruction: str = Field(..., min_length=1, max_length=TEXT_MAX)


class ReportCloseIn(ReportVersioned):
    reason: str = Field(..., min_length=1, max_length=REASON_MAX)


class ReportTaskIn(Schema):
    unit: str = Field(..., max_length=17, description="code of the unit (or county department) to do it")
    deadline: Day
    title: str = Field("", max_length=TITLE_MAX, description="the report's matter when empty")
    description: str = Field("", max_length=TEXT_MAX, description="the instructions when empty")


# --- leaders' reviews (阅批) ----------------------------------------------------------------------


class ReviewOut(TaskOutBase):
    id: int
    region: str = Field(..., alias="region_id")
    document: str
    reference: str
    reviewer: str
    instruction: str
    reviewed_at: dt.datetime


class ReviewPage(Paged):
    """Newest first, by the time of the review."""

    items: list[ReviewOut]


class ReviewIn(Schema):
    region: str = Field(..., max_length=17)
    document: str = Field(..., min_length=1, max_length=200)
    reference: str = Field("", max_length=50)
    reviewer: str = Field(..., min_length=1, max_length=100)
    instruction: str = Field(..., min_length=1, max_length=TEXT_MAX)
    reviewed_at: Instant


# --- activities ---------------------------------------------------------------------------------


class ActivityOut(TaskOutBase):
    id: int
    region: str = Field(..., alias="region_id")
    kind: ActivityKind
    held_on: dt.date
    title: str
    organiser: str
    participants: int
    note: str


class ActivityPage(Paged):
    """Newest first, by the day it was held."""

    items: list[ActivityOut]


class ActivityIn(Schema):
    region: str = Field(..., max_length=17)
    kind: ActivityKind
    held_on: Day
    title: str = Field(..., min_length=1, max_length=TITLE_MAX)
    organiser: str = Field(..., min_length=1, max_length=100)
    participants: int = Field(0, ge=0, le=1_000_000)
    note: str = Field("", max_length=TEXT_MAX)


# --- village rectification -------------------------------------------------------------------------


class RectificationRow(TaskOutBase):
    id: int
    village: str = Field(..., alias="region_id")
    listed_on: dt.date
    accepted_at: dt.datetime | None


class RectificationOut(RectificationRow):
    reason: str
    plan: str
    cadre_name: str
    cadre_unit: str
    acceptance_note: str
    measures: list[int]


class RectificationPage(Paged):
    """Newest first, by the day the village was listed."""

    items: list[RectificationRow]


class RectificationIn(Schema):
    village: str = Field(..., max_length=17)
    listed_on: Day
    reason: str = Field(..., min_length=1, max_length=TEXT_MAX)


class RectificationPlanIn(Schema):
    plan: str = Field(..., min_length=1, max_length=TEXT_MAX)
    cadre_name: str = Field("", max_length=50)
    cadre_unit: str = Field("", max_length=100)


class RectificationAcceptIn(Schema):
    note: str = Field(..., min_length=1, max_length=TEXT_MAX)
