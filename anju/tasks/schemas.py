from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field

from anju.core.dates import Day

from .choices import REASON_MAX, TEXT_MAX, TITLE_MAX, MeetingKind, Origin, TaskStatus


class TaskOutBase(Schema):
    model_config = {**Schema.model_config, "populate_by_name": True}


class TaskRow(TaskOutBase):
    id: int
    title: str
    status: TaskStatus
    origin: Origin
    unit: str = Field(..., alias="handling_unit_id")
    assigner_unit: str = Field(..., alias="assigner_unit_id")
    assigned_at: dt.datetime
    deadline: dt.date
    due_at: dt.datetime | None
    version: int


class TaskTimelineOut(TaskOutBase):
    at: dt.datetime
    actor: str | None = Field(None, alias="actor.username")
    transition: str
    from_status: str
    to_status: str
    transition_label: str
    to_status_label: str
    note: str


class TaskOut(TaskRow):
    description: str
    source_note: str
    decision: int | None = Field(None, alias="decision_id")
    reported_done_at: dt.datetime | None
    accepted_at: dt.datetime | None
    supervision: str = Field(..., description="normal, yellow or red while open; empty once reported done")
    allowed_actions: list[str]
    timeline: list[TaskTimelineOut]


class TaskPage(Schema):
    """Newest first, by the time of assignment; pass next_cursor back as `cursor`, prev_cursor as `before`."""

    items: list[TaskRow]
    next_cursor: str | None
    prev_cursor: str | None


class TaskIn(Schema):
    assigner_unit: str = Field(..., max_length=17, description="code of the assigning unit")
    unit: str = Field(..., max_length=17, description="code of the unit assigned: the assigner's or below")
    title: str = Field(..., min_length=1, max_length=TITLE_MAX)
    description: str = Field(..., min_length=1, max_length=TEXT_MAX)
    deadline: Day
    origin: Origin
    decision: int | None = None
    source_note: str = Field("", max_length=200)


class TaskVersioned(Schema):
    version: int | None = Field(None, description="the version you read; a stale one is refused with 409")


class TaskNoteIn(TaskVersioned):
    note: str = Field("", max_length=REASON_MAX)


class TaskReasonIn(TaskVersioned):
    reason: str = Field(..., min_length=1, max_length=REASON_MAX)


class TaskProgressIn(TaskVersioned):
    progress: str = Field(..., min_length=1, max_length=REASON_MAX)


class TaskExtensionIn(Schema):
    working_days: int = Field(..., ge=1, le=30)
    reason: str = Field(..., min_length=1, max_length=REASON_MAX)


class TaskExtensionDecisionIn(Schema):
    approve: bool
    note: str = Field("", max_length=500)


class TaskExtensionOut(Schema):
    id: int
    task: int = Field(..., alias="task_id")
    working_days: int
    reason: str
    approver_unit: str = Field(..., alias="approver_unit_id")
    decision: str


class MeetingDecisionOut(Schema):
    id: int
    text: str
    tasks: list[int]


class MeetingRow(TaskOutBase):
    id: int
    region: str = Field(..., alias="region_id")
    kind: MeetingKind
    held_on: dt.date
    title: str


class MeetingOut(MeetingRow):
    topics: str
    attendees: str
    decisions: list[MeetingDecisionOut]


class MeetingPage(Schema):
    items: list[MeetingRow]
    next_cursor: str | None
    prev_cursor: str | None


class MeetingIn(Schema):
    region: str = Field(..., max_length=17, description="code of the unit that held it")
    kind: MeetingKind
    held_on: Day
    title: str = Field(..., min_length=1, max_length=TITLE_MAX)
    topics: str = Field(..., min_length=1, max_length=TEXT_MAX)
    attendees: str = Field("", max_length=TEXT_MAX)


class MeetingDecisionIn(Schema):
    text: str = Field(..., min_length=1, max_length=TEXT_MAX)
