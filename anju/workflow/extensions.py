"""More time for a case: its handlers ask with a reason, the unit one level up decides (or the unit
the kind names instead, such as a task's assigner), and an approval moves the limit on (with fresh
cards) on the working calendar."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anju.audit.actions import record, refusals_recorded
from anju.core.scoping import covers

from . import alerts, limits
from .engine import note_row
from .kinds import Kind

MAX_WORKING_DAYS = 30
# As much as 30 working days of 8 hours, for a stage that counts hours.
MAX_WORKING_HOURS = 240


def may_ask(kind: Kind, user, case) -> bool:
    """The case's handlers, while it is open and has a time limit."""
    return (
        case.status in kind.open_statuses
        and case.due_at is not None
        and covers(user, kind.handle_perm, case.handling_unit_id)
    )


def may_decide(kind: Kind, user, request) -> bool:
    """The deciding unit the request names (one level above the handlers unless the kind says)."""
    return covers(user, kind.decide_perm, request.approver_unit_id)


def unit_for(kind: Kind, case) -> str:
    """What more time on this case is asked in: working days, or working hours where its stage's
    limit counts hours (the kind's policy says)."""
    return kind.limits.extension_unit(case) if kind.limits is not None else limits.DAYS


def request(kind: Kind, actor, case, *, working_days: int = 0, working_hours: int = 0, reason: str):
    """Ask the deciding unit for more time; only the case's handlers may ask, while it has a limit.
    The request is in the stage's own unit (unit_for): working hours go in `working_hours`, on the
    kinds whose extension rows keep them."""
    action = f"{kind.name}.extension.request"
    Decision = kind.extension_model.Decision
    with refusals_recorded(actor, action, case, region_code=kind.region_code(case)):
        if not covers(actor, kind.handle_perm, case.handling_unit_id):
            raise PermissionDenied(_("This case is handled by %(unit)s.") % {"unit": case.handling_unit})
        in_hours = unit_for(kind, case) == limits.HOURS
        if in_hours and not 1 <= working_hours <= MAX_WORKING_HOURS:
            raise ValidationError(
                {"working_hours": _("This time limit counts working hours: ask for 1 to 240 working hours.")}
            )
        if not in_hours and not 1 <= working_days <= MAX_WORKING_DAYS:
            raise ValidationError({"working_days": _("Ask for 1 to 30 working days.")})
        if not reason.strip():
            raise ValidationError({"reason": _("Say why more time is needed.")})
        if case.due_at is None or case.status not in kind.open_statuses:
            raise ValidationError(_("Only an accepted, open case has a time limit to extend."))
        if kind.rows_of(kind.extension_model, case).filter(decision=Decision.PENDING).exists():
            raise ValidationError(_("A request for more time is already waiting for a decision."))
        approver = kind.decides_extensions(case)
        asked = (
            {"working_days": 0, "working_hours": working_hours}
            if in_hours
            else {"working_days": working_days}
        )
        with transaction.atomic():
            ask = kind.extension_model.objects.create(
                **{kind.case_field: case},
                **asked,
                reason=reason.strip(),
                requested_by=actor,
                approver_unit_id=approver,
            )
            with alerts.county_language():
                asks = (
                    _("Asks for %(hours)d more working hours: %(reason)s")
                    % {"hours": working_hours, "reason": reason[:150]}
                    if in_hours
                    else _("Asks for %(days)d more working days: %(reason)s")
                    % {"days": working_days, "reason": reason[:150]}
                )
            alerts.raise_alert(kind, case, approver, asks, topic=alerts.Topic.EXTENSION, extension=ask)
            note_row(kind, case, actor, "extension_request", reason)
            record(actor, action, case, region_code=kind.region_code(case), after=asked)
    return ask


def decide(kind: Kind, actor, ask, *, approve: bool, note: str = ""):
    """The level above approves or rejects; an approval moves the time limit on and clears its
    cards, and deciding clears the alert that asked for the decision."""
    case = getattr(ask, kind.case_field)
    action = f"{kind.name}.extension.decide"
    Decision = kind.extension_model.Decision
    with refusals_recorded(actor, action, case, region_code=kind.region_code(case)):
        if not may_decide(kind, actor, ask):
            raise PermissionDenied(_("Extensions are approved by %(unit)s.") % {"unit": ask.approver_unit})
        with transaction.atomic():
            locked = kind.extension_model.objects.select_for_update().get(pk=ask.pk)
            if locked.decision != Decision.PENDING:
                raise ValidationError(_("This request has been decided already."))
            locked.decision = Decision.APPROVED if approve else Decision.REJECTED
            locked.decided_by = actor
            locked.decided_at = timezone.now()
            locked.decision_note = note[:500]
            locked.save()
            alerts.clear(kind.alert_model.objects.filter(extension=locked), actor, locked.decided_at)
            current = kind.model.objects.select_for_update().get(pk=case.pk)
            if approve and current.due_at is not None:
                hours = getattr(locked, "working_hours", 0)
                if hours:
                    limits.extend_limit(kind, current, hours, unit=limits.HOURS)
                else:
                    limits.extend_limit(kind, current, locked.working_days)
                current.version += 1
                current.save()
            note_row(kind, current, actor, "extension_approved" if approve else "extension_rejected", note)
            # The handlers hear of the decision: it moves their limit, or leaves it where it was.
            with alerts.county_language():
                said = (
                    (
                        _("%(days)d more working days approved.") % {"days": locked.working_days}
                        if not getattr(locked, "working_hours", 0)
                        else _("%(hours)d more working hours approved.") % {"hours": locked.working_hours}
                    )
                    if approve
                    else _("The request for more time was rejected.")
                )
            alerts.raise_alert(kind, current, current.handling_unit_id, said, topic=alerts.Topic.EXTENSION)
            record(
                actor,
                action,
                current,
                region_code=kind.region_code(current),
                after={"approved": approve, "due_at": str(current.due_at)},
            )
    return locked
