"""Background work on disputes: the deadline sweep (yellow card, red card, escalation of overdue
cases, by the shared machinery in anju.workflow.sweep) and the judicial-confirmation reminder
(Art. 33).

Each case is flagged in its own short transaction with a conditional update, so the sweep can run
in several workers, be stopped and restarted at any point, and still warn or escalate a case
exactly once per time limit."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anju.audit.actions import record
from anju.core.scoping import SYSTEM
from anju.workflow import alerts, engine
from anju.workflow import sweep as shared_sweep

from .choices import Status
from .kind import DISPUTE
from .models import Agreement

CONFIRMATION_WINDOW_DAYS = 30  # People's Mediation Law Art. 33
REMIND_DAYS_BEFORE = 7


def overdue_action() -> str:
    """What happens to an overdue case: "escalate" (default) or "flag" (alert the level above)."""
    value = os.environ.get("ANJU_OVERDUE_ACTION", "escalate").strip() or "escalate"
    if value not in {"escalate", "flag"}:
        raise ImproperlyConfigured("ANJU_OVERDUE_ACTION must be escalate or flag")
    return value


@dataclass
class SweepReport:
    warned: int = 0
    overdue: int = 0
    escalated: int = 0
    reminded: int = 0
    # Open cases that had no running limit and were given their stage's.
    limited: int = 0


def sweep(now: dt.datetime | None = None) -> SweepReport:
    # Cards and alerts are stored as text that everyone in the county reads later: they are written
    # in the county's language, not in whichever language the calling thread last served a page in.
    with alerts.county_language():
        return _sweep(now or timezone.now())


def _sweep(now: dt.datetime) -> SweepReport:
    overdue_action()  # a bad setting stops the sweep before it cards anything
    limited = shared_sweep.give_missing_limits(DISPUTE, _stage_start)
    cards = shared_sweep.cards(DISPUTE, now)
    report = SweepReport(
        warned=cards.warned, overdue=cards.overdue, escalated=cards.escalated, limited=limited
    )
    report.reminded = remind_confirmation(now)
    if report.warned or report.overdue or report.reminded or report.limited:
        record(SYSTEM, "dispute.sweep", after=report.__dict__)
    return report


def _stage_start(dispute) -> dt.datetime:
    """When a case without a limit entered the stage it is in: its acceptance, or its registration
    (for a case escalated before waiting had a limit, the last move up is on its timeline)."""
    if dispute.status != Status.REGISTERED and dispute.accepted_at is not None:
        return dispute.accepted_at
    moved = (
        dispute.timeline.filter(transition__in=["escalate", "assign_down"])
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    return moved or dispute.registered_at


def remind_confirmation(now: dt.datetime) -> int:
    """Parties with an agreement may jointly ask a court to confirm it within 30 days of it taking
    effect: the handling unit is reminded a week before the window closes, once."""
    today = timezone.localdate(now)
    earliest = today - dt.timedelta(days=CONFIRMATION_WINDOW_DAYS)
    latest = today - dt.timedelta(days=CONFIRMATION_WINDOW_DAYS - REMIND_DAYS_BEFORE)
    due = Agreement.objects.filter(
        confirmation_reminded_at__isnull=True,
        signed_on__gt=earliest,
        signed_on__lte=latest,
        dispute__status__in=[Status.AGREED, Status.RESOLVED],
    ).values_list("pk", flat=True)
    count = 0
    for pk in due:
        with transaction.atomic():
            if Agreement.objects.filter(pk=pk, confirmation_reminded_at__isnull=True).update(
                confirmation_reminded_at=now
            ):
                agreement = Agreement.objects.select_related("dispute").get(pk=pk)
                closes = agreement.signed_on + dt.timedelta(days=CONFIRMATION_WINDOW_DAYS)
                reason = _("Judicial confirmation can be asked for until %(day)s (Art. 33).") % {
                    "day": closes.isoformat()
                }
                alerts.raise_alert(
                    DISPUTE,
                    agreement.dispute,
                    agreement.dispute.handling_unit_id,
                    reason,
                    topic=alerts.Topic.REMINDER,
                )
                engine.note_row(DISPUTE, agreement.dispute, None, "confirmation_reminder", reason)
                count += 1
    return count
