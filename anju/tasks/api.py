"""The supervision API: tasks (lists with keyset pages, the task's file, assignment, one endpoint per
transition, extensions) and meetings with their decisions."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.responses import Status as HttpStatus
from pydantic import Field

from anju.core.api import perm_auth
from anju.core.scoping import get_scoped_or_404
from anju.regions.models import Region
from anju.workflow import api as workflow_api
from anju.workflow import limits
from anju.workflow.api import fields as _fields

from . import actions, queries
from .choices import DISPATCH, MeetingKind, Origin, Supervision, TaskStatus
from .kind import TASK
from .models import Decision, Meeting, Task
from .schemas import (
    MeetingDecisionIn,
    MeetingIn,
    MeetingOut,
    MeetingPage,
    TaskExtensionDecisionIn,
    TaskExtensionIn,
    TaskExtensionOut,
    TaskIn,
    TaskNoteIn,
    TaskOut,
    TaskPage,
    TaskProgressIn,
    TaskReasonIn,
)

router = Router(tags=["tasks"])
meetings_router = Router(tags=["meetings"])
VIEW = perm_auth("case.view")
HANDLE = perm_auth("case.handle")
ASSIGN = perm_auth(DISPATCH)
CURSOR_REFUSED = "This page cursor is not one the server gave out; start again from the first page."


def task_file(task: Task, user) -> dict:
    task = Task.objects.prefetch_related("timeline__actor").get(pk=task.pk)
    colour = limits.colour(TASK, task)
    task.supervision = {"green": Supervision.NORMAL}.get(colour, colour)
    task.allowed_actions = actions.allowed_transitions(task, user)
    return TaskOut.from_orm(task)


def _cursors(cursor: str | None, before: str | None, kind: type):
    try:
        after, earlier = queries.decode(cursor, kind), queries.decode(before, kind)
        if after and earlier:
            raise ValueError
    except ValueError:
        raise ValidationError({"query": [_(CURSOR_REFUSED)]}) from None
    return after, earlier


class TaskFilter(Schema):
    status: TaskStatus | None = None
    origin: Origin | None = None
    supervision: Supervision | None = None
    region: str | None = Field(None, pattern=r"^\d{6,17}$")
    unit: str | None = Field(None, pattern=r"^\d{6,17}$", description="exactly this handling unit")
    q: str | None = Field(None, max_length=50)
    cursor: str | None = Field(None, max_length=60)
    before: str | None = Field(None, max_length=60)
    limit: int = Field(50, ge=1, le=500)


@router.get("", response=TaskPage, auth=VIEW)
def list_tasks(request, f: Query[TaskFilter]):
    after, before = _cursors(f.cursor, f.before, dt.datetime)
    filters = queries.TaskFilters(
        status=f.status or "",
        origin=f.origin or "",
        supervision=f.supervision or "",
        region=f.region or "",
        unit=f.unit or "",
        q=f.q or "",
    )
    page = queries.page(
        queries.filtered_tasks(request.auth, filters), "assigned_at", after=after, before=before, size=f.limit
    )
    return {"items": page.rows, "next_cursor": page.next, "prev_cursor": page.prev}


@router.post("", response={201: TaskOut}, auth=ASSIGN)
def assign_task(request, payload: TaskIn):
    assigner = get_scoped_or_404(Region, request.auth, DISPATCH, code=payload.assigner_unit)
    unit = get_scoped_or_404(Region, request.auth, "case.view", code=payload.unit)
    decision = None
    if payload.decision is not None:
        decision = get_object_or_404(
            Decision, pk=payload.decision, meeting__in=Meeting.objects.visible_to(request.auth, "view")
        )
    fields = payload.model_dump(exclude={"assigner_unit", "unit", "decision"})
    task = actions.assign_task(request.auth, assigner_unit=assigner, unit=unit, decision=decision, **fields)
    return HttpStatus(201, task_file(task, request.auth))


@router.get("/{task_id}", response=TaskOut, auth=VIEW)
def get_task(request, task_id: int):
    return task_file(get_scoped_or_404(Task, request.auth, "view", pk=task_id), request.auth)


# One endpoint per transition of the table: (action, path, input, kwargs). The permission is the
# transition's.
TRANSITION_ENDPOINTS = [
    ("start", "start", TaskNoteIn, _fields),
    ("report_progress", "progress", TaskProgressIn, _fields),
    ("report_done", "done", TaskProgressIn, _fields),
    ("accept", "accept", TaskNoteIn, _fields),
    ("send_back", "send-back", TaskReasonIn, _fields),
    ("supervise", "supervise", TaskReasonIn, _fields),
]

workflow_api.add_transitions(
    router,
    TASK,
    TRANSITION_ENDPOINTS,
    actions=actions,
    id_kwarg="task_id",
    response=TaskOut,
    answer=task_file,
    module=__name__,
    prefix="task_",
)
workflow_api.add_extensions(
    router,
    TASK,
    actions=actions,
    id_kwarg="task_id",
    decide_id_kwarg="task_extension_id",
    schemas=(TaskExtensionIn, TaskExtensionDecisionIn, TaskExtensionOut),
    names=("request_extension", "decide_extension"),
    auth=(HANDLE, ASSIGN),
    module=__name__,
)


# --- meetings -----------------------------------------------------------------------------------


class MeetingFilter(Schema):
    kind: MeetingKind | None = None
    region: str | None = Field(None, pattern=r"^\d{6,17}$")
    cursor: str | None = Field(None, max_length=60)
    before: str | None = Field(None, max_length=60)
    limit: int = Field(50, ge=1, le=500)


def meeting_file(meeting: Meeting) -> dict:
    meeting = Meeting.objects.prefetch_related("decisions__tasks").get(pk=meeting.pk)
    return {
        **{
            name: getattr(meeting, name) for name in ("id", "kind", "held_on", "title", "topics", "attendees")
        },
        "region": meeting.region_id,
        "decisions": [
            {"id": d.pk, "text": d.text, "tasks": [t.pk for t in d.tasks.all()]}
            for d in meeting.decisions.all()
        ],
    }


@meetings_router.get("", response=MeetingPage, auth=VIEW)
def list_meetings(request, f: Query[MeetingFilter]):
    after, before = _cursors(f.cursor, f.before, dt.date)
    found = queries.meetings(request.auth, kind=f.kind or "", region=f.region or "")
    page = queries.page(found, "held_on", after=after, before=before, size=f.limit)
    return {"items": page.rows, "next_cursor": page.next, "prev_cursor": page.prev}


@meetings_router.post("", response={201: MeetingOut}, auth=ASSIGN)
def record_meeting(request, payload: MeetingIn):
    region = get_scoped_or_404(Region, request.auth, DISPATCH, code=payload.region)
    meeting = actions.record_meeting(request.auth, region=region, **payload.model_dump(exclude={"region"}))
    return HttpStatus(201, meeting_file(meeting))


@meetings_router.get("/{meeting_id}", response=MeetingOut, auth=VIEW)
def get_meeting(request, meeting_id: int):
    return meeting_file(get_scoped_or_404(Meeting, request.auth, "view", pk=meeting_id))


@meetings_router.post("/{meeting_id}/decisions", response={201: MeetingOut}, auth=ASSIGN)
def add_decision(request, meeting_id: int, payload: MeetingDecisionIn):
    meeting = get_scoped_or_404(Meeting, request.auth, "view", pk=meeting_id)
    actions.add_decision(request.auth, meeting, text=payload.text)
    return HttpStatus(201, meeting_file(meeting))
