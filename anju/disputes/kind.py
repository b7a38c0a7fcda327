"""Disputes as a kind of case: what they declare to the shared workflow machinery (anju.workflow).
Registered when the app is ready."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from anju.core.scoping import SYSTEM, covers
from anju.workflow import alerts
from anju.workflow.kinds import Kind

from . import deadlines
from .choices import EVENTS, LEVEL_RANK, OPEN_STATUSES, TRANSITIONS, HandlingLevel, Status
from .models import Alert, Attachment, Dispute, ExtensionRequest, TimelineEntry


def unit_above(code: str) -> str:
    """The unit one level up from a handling unit (village > township > county; the county itself)."""
    return code[:9] if len(code) == 12 else code[:6]


def may_attach(user, dispute: Dispute) -> bool:
    """Those who handle cases where it arose (the grid worker on site) or where it is handled."""
    return covers(user, "case.handle", dispute.region_id) or covers(
        user, "case.handle", dispute.handling_unit_id
    )


def on_overdue(dispute: Dispute, reason: str) -> bool:
    """An overdue dispute goes up a level (ANJU_OVERDUE_ACTION=escalate, the default), or only the
    level above is alerted (flag). At the county, the county itself is alerted."""
    from . import actions, tasks

    at_top = LEVEL_RANK[dispute.handling_level] == LEVEL_RANK[HandlingLevel.COUNTY]
    if tasks.overdue_action() == "escalate" and not at_top:
        try:
            actions.escalate(SYSTEM, dispute, reason=reason)
        except ValidationError:  # the case moved on meanwhile; the red card stands
            return False
        return True
    alerts.raise_alert(
        DISPUTE,
        dispute,
        dispute.handling_unit_id if at_top else unit_above(dispute.handling_unit_id),
        reason,
        topic=alerts.Topic.RED_CARD,
    )
    return False


def detail_path(dispute: Dispute) -> str:
    return reverse("disputes:detail", args=[dispute.pk])


def sweep(now):
    from . import tasks

    return tasks.sweep(now)


DISPUTE = Kind(
    name="dispute",
    label=_("Dispute"),
    model=Dispute,
    statuses=Status,
    open_statuses=OPEN_STATUSES,
    transitions=TRANSITIONS,
    events=EVENTS,
    timeline_model=TimelineEntry,
    alert_model=Alert,
    extension_model=ExtensionRequest,
    attachment_model=Attachment,
    case_field="dispute",
    audited=("status", "handling_level", "handling_unit_id", "risk", "due_at", "version"),
    limits=deadlines.POLICY,
    unit_above=unit_above,
    on_overdue=on_overdue,
    may_attach=may_attach,
    sweep=sweep,
    personal_fields=frozenset({"phone", "id_number"}),
    region_attr="region_id",
    detail_path=detail_path,
)
