"""The vocabulary of grid events (网格事件) and the one table of their closed loop.

Reported > filed (or voided) > dispatched (the handling clock starts) > handled > verified on site
(pass: closed; fail: back to handling) > closed > evaluated; beside it: send back to the dispatcher,
mark urgent, convert to a dispute. anju.events.actions applies them through the shared workflow
machinery (anju.workflow); nothing else sets a status."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anju.workflow.transitions import Transition, table, transition


class EventStatus(models.TextChoices):
    # Named apart from the disputes' Status: the OpenAPI document names enums by their class.
    REPORTED = "reported", _("Reported")
    FILED = "filed", _("Filed")
    DISPATCHED = "dispatched", _("Dispatched")
    HANDLED = "handled", _("Handled, to verify")
    CLOSED = "closed", _("Closed")
    EVALUATED = "evaluated", _("Evaluated")
    VOIDED = "voided", _("Voided")
    CONVERTED = "converted", _("Converted to a dispute")


Status = EventStatus


# The stages with a time limit: the status a case waits in names the stage it is in.
OPEN_STATUSES = frozenset({Status.REPORTED, Status.FILED, Status.DISPATCHED, Status.HANDLED})


class Stage(models.TextChoices):
    """The four stages with a time limit, each named by what ends it."""

    FILE = "file", _("Filing")
    DISPATCH = "dispatch", _("Dispatch")
    HANDLE = "handle", _("Handling")
    VERIFY = "verify", _("Verification")


# The stage a case is in while it waits in a status.
STAGE_OF_STATUS = {
    Status.REPORTED: Stage.FILE,
    Status.FILED: Stage.DISPATCH,
    Status.DISPATCHED: Stage.HANDLE,
    Status.HANDLED: Stage.VERIFY,
}


class LimitUnit(models.TextChoices):
    HOURS = "hours", _("Working hours")
    DAYS = "days", _("Working days")


class Level(models.TextChoices):
    """The level of the unit that handles an event: its village, its township or the county."""

    VILLAGE = "village", _("Village")
    TOWNSHIP = "township", _("Township")
    COUNTY = "county", _("County")


LEVEL_CODE_LENGTH = {Level.VILLAGE: 12, Level.TOWNSHIP: 9, Level.COUNTY: 6}


class FieldKind(models.TextChoices):
    TEXT = "text", _("Text")
    NUMBER = "number", _("Number")
    DATE = "date", _("Date")
    CHOICE = "choice", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")


class EventChannel(models.TextChoices):
    GRID_WORKER = "grid_worker", _("Grid worker's patrol")
    RESIDENT = "resident", _("Resident")
    HOTLINE = "hotline", _("Hotline")
    DEPARTMENT = "department", _("A department")


Channel = EventChannel


class PhotoPurpose(models.TextChoices):
    REPORT = "report", _("On report")
    HANDLING = "handling", _("Handling")
    VERIFICATION = "verification", _("Verification")


HANDLE = "case.handle"
DISPATCH = "case.dispatch"
ALL_OPEN = OPEN_STATUSES


def _t(name, sources, target, perm, label, done) -> Transition:
    return transition(name, sources, target, perm, label, done)


# The closed loop. Each label is its button ("File"); `done` what its timeline row says ("Filed").
# Permissions are checked on the handling unit: the dispatching centre until dispatch, the unit
# the event was routed to after it (the centre above it covers it, and so verifies).
TRANSITIONS: dict[str, Transition] = table(
    _t(
        "file",
        {Status.REPORTED},
        Status.FILED,
        DISPATCH,
        _("File the event"),
        pgettext_lazy("timeline", "Filed"),
    ),
    _t(
        "void",
        {Status.REPORTED},
        Status.VOIDED,
        DISPATCH,
        _("Void: not a case"),
        pgettext_lazy("timeline", "Voided: not a case"),
    ),
    _t(
        "dispatch",
        {Status.FILED},
        Status.DISPATCHED,
        DISPATCH,
        _("Dispatch"),
        pgettext_lazy("timeline", "Dispatched"),
    ),
    _t(
        "send_back",
        {Status.DISPATCHED},
        Status.FILED,
        HANDLE,
        _("Send back to the dispatcher"),
        pgettext_lazy("timeline", "Sent back to the dispatcher"),
    ),
    _t(
        "handle",
        {Status.DISPATCHED},
        Status.HANDLED,
        HANDLE,
        _("Report it handled"),
        pgettext_lazy("timeline", "Handled"),
    ),
    _t(
        "verify_pass",
        {Status.HANDLED},
        Status.CLOSED,
        DISPATCH,
        _("Verified on site: close"),
        pgettext_lazy("timeline", "Verified on site and closed"),
    ),
    _t(
        "verify_fail",
        {Status.HANDLED},
        Status.DISPATCHED,
        DISPATCH,
        _("Verification failed: back to handling"),
        pgettext_lazy("timeline", "Verification failed, back to handling"),
    ),
    _t(
        "evaluate",
        {Status.CLOSED},
        Status.EVALUATED,
        DISPATCH,
        _("Record the evaluation"),
        pgettext_lazy("timeline", "Evaluated"),
    ),
    _t(
        "mark_urgent",
        ALL_OPEN,
        None,
        DISPATCH,
        _("Mark urgent"),
        pgettext_lazy("timeline", "Marked urgent"),
    ),
    _t(
        "convert",
        {Status.REPORTED, Status.FILED, Status.DISPATCHED},
        Status.CONVERTED,
        DISPATCH,
        _("Convert to a dispute"),
        pgettext_lazy("timeline", "Converted to a dispute"),
    ),
)

# Timeline rows of an event that are neither transitions nor the shared machinery's own.
EVENTS: dict[str, object] = {
    "report": pgettext_lazy("timeline", "Reported"),
    "joined": pgettext_lazy("timeline", "Reported again by someone else"),
}

SATISFACTION = [
    (5, _("Very satisfied")),
    (4, _("Satisfied")),
    (3, _("Fair")),
    (2, _("Dissatisfied")),
    (1, _("Very dissatisfied")),
]

DESCRIPTION_MAX = 5_000
REASON_MAX = 2_000
REPORT_FILES_MAX = 9
