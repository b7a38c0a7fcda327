"""Tips as a kind of case: what they declare to the shared workflow machinery (anju.workflow), and
the one rule of who is inside a tip's handling chain. Registered when the app is ready."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core.scoping import covers
from anju.workflow.kinds import Kind
from anju.workflow.limits import LimitPolicy
from anju.worktime.calendar import WorkingCalendar

from .choices import DISPATCH, EVENTS, HANDLE, OPEN_STATUSES, TRANSITIONS, Status
from .models import Alert, Attachment, ExtensionRequest, TimelineEntry, Tip


def unit_above(code: str) -> str:
    """The unit one level up from a handling unit (township > county; the county itself)."""
    return code[:6] if len(code) > 6 else code


def in_chain(user, tip: Tip) -> bool:
    """The handling chain: the assigned handler, and their superiors, who supervise tips at the
    handling unit or above it. Only they see whom a tip names and (on a logged reveal) who gave it;
    leaders, auditors, administrators and other townships see its progress at most."""
    if getattr(user, "pk", None) is not None and user.pk == tip.handler_id:
        return True
    return covers(user, DISPATCH, tip.handling_unit_id)


def end_of(day: dt.date) -> dt.datetime:
    """The last moment of a day in the county: a deadline given as a date."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))


class VerificationDeadline(LimitPolicy):
    """The deadline the source sets: its batch's own, else the source's days (calendar days, as
    sources write them) from the day the tip was received. Extensions add working days."""

    warn_working_days = 3

    def due_for(self, case, start, *, calendar=None):
        if case.batch_id is not None:
            return end_of(case.batch.deadline)
        return end_of(case.received_on + dt.timedelta(days=case.source.verification_days))

    def extend(self, due, amount, *, calendar=None):
        return (calendar or WorkingCalendar.from_database()).add_working_days(due, amount)


def may_attach(user, tip: Tip) -> bool:
    return (
        tip.status in {Status.ASSIGNED, Status.VERIFYING}
        and covers(user, HANDLE, tip.handling_unit_id)
        and in_chain(user, tip)
    )


TIP = Kind(
    name="tip",
    label=_("Tip"),
    model=Tip,
    statuses=Status,
    open_statuses=OPEN_STATUSES,
    transitions=TRANSITIONS,
    events=EVENTS,
    timeline_model=TimelineEntry,
    alert_model=Alert,
    extension_model=ExtensionRequest,
    attachment_model=Attachment,
    case_field="tip",
    # Never the informant or the subject: audit rows picture the workflow, not the people.
    audited=("status", "handling_unit_id", "handler_id", "due_at", "result", "outcome", "version"),
    limits=VerificationDeadline(),
    unit_above=unit_above,
    may_attach=may_attach,
    personal_fields=frozenset({"informant"}),
    handle_perm=HANDLE,
    decide_perm=DISPATCH,
    region_attr="handling_unit_id",
    files_folder="tips",
)
