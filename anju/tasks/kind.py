"""Supervised tasks as a kind of case: what they declare to the shared workflow machinery. The
unit that assigned a task decides its extensions and hears of it when its deadline passes."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.workflow import alerts
from anju.workflow.kinds import Kind
from anju.workflow.limits import LimitPolicy
from anju.worktime.calendar import WorkingCalendar

from .choices import EVENTS, OPEN_STATUSES, TRANSITIONS, TaskStatus
from .models import Alert, Attachment, ExtensionRequest, Task, TimelineEntry


class AssignedDeadline(LimitPolicy):
    """The deadline is the assigner's, a day: the task is due at the end of it. Extensions add
    working days on the county's calendar."""

    warn_working_days = 2

    def due_for(self, case, start: dt.datetime, *, calendar: WorkingCalendar | None = None) -> dt.datetime:
        return end_of_day(case.deadline)

    def extend(
        self, due: dt.datetime, amount: int, *, calendar: WorkingCalendar | None = None
    ) -> dt.datetime:
        return (calendar or WorkingCalendar.from_database()).add_working_days(due, amount)


def end_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.max))


def unit_above(code: str) -> str:
    return code[:9] if len(code) > 9 else code[:6]


def on_overdue(task: Task, reason: str) -> bool:
    """A red card reaches the unit that assigned the task, which supervises it."""
    alerts.raise_alert(TASK, task, task.assigner_unit_id, reason, topic=alerts.Topic.RED_CARD)
    return False


TASK = Kind(
    name="task",
    label=_("Supervised task"),
    model=Task,
    statuses=TaskStatus,
    open_statuses=OPEN_STATUSES,
    transitions=TRANSITIONS,
    events=EVENTS,
    timeline_model=TimelineEntry,
    alert_model=Alert,
    extension_model=ExtensionRequest,
    attachment_model=Attachment,
    case_field="task",
    audited=("status", "handling_unit_id", "due_at", "version"),
    limits=AssignedDeadline(),
    unit_above=unit_above,
    extension_decider=lambda task: task.assigner_unit_id,
    on_overdue=on_overdue,
    region_attr="region_id",
    files_folder="tasks",
)
