"""The words of supervision: kinds of meeting, where a task comes from, a task's statuses and the
transition table the pages, the API and the state diagram read."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from anju.core.scoping import covers
from anju.workflow.transitions import table, transition

HANDLE = "case.handle"
DISPATCH = "case.dispatch"

TITLE_MAX = 100
TEXT_MAX = 4000
REASON_MAX = 1000


class MeetingKind(models.TextChoices):
    STANDING_COMMITTEE = "standing_committee", gettext_lazy("County party committee standing committee")
    EXECUTIVE = "executive", gettext_lazy("County government executive meeting")
    PLC_PLENARY = "plc_plenary", gettext_lazy("Political-legal committee plenary")
    SPECIAL = "special", gettext_lazy("Special meeting")
    JOINT = "joint", gettext_lazy("Joint meeting with neighbouring counties")


class Origin(models.TextChoices):
    DECISION = "decision", gettext_lazy("A meeting decision")
    INSTRUCTION = "instruction", gettext_lazy("A leader's instruction")
    MAJOR_REPORT = "major_report", gettext_lazy("A major-matter report")
    JOINT_MEETING = "joint_meeting", gettext_lazy("A joint meeting")
    RECTIFICATION = "rectification", gettext_lazy("A rectification measure")


class Urgency(models.TextChoices):
    ORDINARY = "ordinary", gettext_lazy("Ordinary")
    URGENT = "urgent", gettext_lazy("Urgent")
    VERY_URGENT = "very_urgent", gettext_lazy("Very urgent")


class ActivityKind(models.TextChoices):
    TRAINING = "training", gettext_lazy("Training")
    COMPETITION = "competition", gettext_lazy("Competition")
    AWARD = "award", gettext_lazy("Award won")
    PUBLICITY = "publicity", gettext_lazy("Publicity event")
    INSPECTION = "inspection", gettext_lazy("Inspection")


class TaskStatus(models.TextChoices):
    ASSIGNED = "assigned", gettext_lazy("Assigned")
    IN_PROGRESS = "in_progress", gettext_lazy("In progress")
    REPORTED_DONE = "reported", gettext_lazy("Reported done")
    ACCEPTED = "accepted", gettext_lazy("Accepted as done")


# The statuses in which the handlers' clock runs: cards are given, more time may be asked. A task
# reported done waits for the assigner, not for its handlers, so it is carded no further.
OPEN_STATUSES = frozenset({TaskStatus.ASSIGNED, TaskStatus.IN_PROGRESS})
# Not yet accepted: what a unit's task list and the figures call unfinished.
UNFINISHED = frozenset({TaskStatus.ASSIGNED, TaskStatus.IN_PROGRESS, TaskStatus.REPORTED_DONE})


class Supervision(models.TextChoices):
    """督办 as the deadline nears and passes: the sweep's yellow and red cards."""

    NORMAL = "normal", gettext_lazy("Normal supervision")
    YELLOW = "yellow", gettext_lazy("Yellow-card supervision")
    RED = "red", gettext_lazy("Red-card supervision")


def assigner_only(user, task) -> None:
    """Accepting, sending back and supervising are the assigning unit's, not the handlers' superiors'."""
    if not covers(user, DISPATCH, task.assigner_unit_id):
        raise PermissionDenied(
            _("Only %(unit)s, which assigned the task, decides this.") % {"unit": task.assigner_unit}
        )


TRANSITIONS = table(
    transition(
        "start",
        {TaskStatus.ASSIGNED},
        TaskStatus.IN_PROGRESS,
        HANDLE,
        gettext_lazy("Start work"),
        pgettext_lazy("timeline", "Work started"),
    ),
    transition(
        "report_progress",
        {TaskStatus.IN_PROGRESS},
        None,
        HANDLE,
        gettext_lazy("Report progress"),
        pgettext_lazy("timeline", "Progress reported"),
    ),
    transition(
        "report_done",
        {TaskStatus.IN_PROGRESS},
        TaskStatus.REPORTED_DONE,
        HANDLE,
        gettext_lazy("Report it done"),
        pgettext_lazy("timeline", "Reported done"),
    ),
    transition(
        "accept",
        {TaskStatus.REPORTED_DONE},
        TaskStatus.ACCEPTED,
        DISPATCH,
        gettext_lazy("Accept as done"),
        pgettext_lazy("timeline", "Accepted as done"),
        guard=assigner_only,
    ),
    transition(
        "send_back",
        {TaskStatus.REPORTED_DONE},
        TaskStatus.IN_PROGRESS,
        DISPATCH,
        gettext_lazy("Send back"),
        pgettext_lazy("timeline", "Sent back"),
        guard=assigner_only,
    ),
    transition(
        "supervise",
        {TaskStatus.ASSIGNED, TaskStatus.IN_PROGRESS},
        None,
        DISPATCH,
        gettext_lazy("Supervise"),
        pgettext_lazy("timeline", "Supervised"),
        guard=assigner_only,
    ),
)

EVENTS = {"assign": pgettext_lazy("timeline", "Assigned")}


# --- major-matter reports (请示报告) ------------------------------------------------------------------


class ReportStatus(models.TextChoices):
    SUBMITTED = "submitted", gettext_lazy("Submitted")
    ACKNOWLEDGED = "acknowledged", gettext_lazy("Acknowledged")
    INSTRUCTED = "instructed", gettext_lazy("Instructed")
    TASKED = "tasked", gettext_lazy("Made a supervised task")
    CLOSED = "closed", pgettext_lazy("report status", "Closed")


# The committee's clock runs only until it acknowledges a report: that is the limit, by urgency.
REPORT_OPEN_STATUSES = frozenset({ReportStatus.SUBMITTED})
# Working days the county committee has to acknowledge a report, by its urgency (local practice:
# a very urgent matter is acknowledged the next working day at the latest).
ACKNOWLEDGE_WORKING_DAYS = {Urgency.ORDINARY: 3, Urgency.URGENT: 2, Urgency.VERY_URGENT: 1}

REPORT_TRANSITIONS = table(
    transition(
        "acknowledge",
        {ReportStatus.SUBMITTED},
        ReportStatus.ACKNOWLEDGED,
        DISPATCH,
        gettext_lazy("Acknowledge"),
        pgettext_lazy("timeline", "Acknowledged"),
    ),
    # A leader may write more than one instruction on a report: each is a row of its timeline.
    transition(
        "instruct",
        {ReportStatus.SUBMITTED, ReportStatus.ACKNOWLEDGED, ReportStatus.INSTRUCTED},
        ReportStatus.INSTRUCTED,
        DISPATCH,
        gettext_lazy("Give instructions"),
        pgettext_lazy("timeline", "Instructions given"),
    ),
    transition(
        "make_task",
        {ReportStatus.ACKNOWLEDGED, ReportStatus.INSTRUCTED, ReportStatus.TASKED},
        ReportStatus.TASKED,
        DISPATCH,
        gettext_lazy("Make it a supervised task"),
        pgettext_lazy("timeline", "Made a supervised task"),
    ),
    transition(
        "close",
        {ReportStatus.ACKNOWLEDGED, ReportStatus.INSTRUCTED, ReportStatus.TASKED},
        ReportStatus.CLOSED,
        DISPATCH,
        pgettext_lazy("action", "Close"),
        pgettext_lazy("timeline", "Closed"),
    ),
)

REPORT_EVENTS = {"submit": pgettext_lazy("timeline", "Reported")}
