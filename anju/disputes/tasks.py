"""Background work on disputes: the deadline sweep (yellow card, red card, escalation of overdue
cases) and the judicial-confirmation reminder (Art. 33).

Each case is flagged in its own short transaction with a conditional update, so the sweep can run
in several workers, be stopped and restarted at any point, and still warn or escalate a case
exactly once per time limit."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from anju.audit.actions import record
from anju.core.scoping import SYSTEM

from . import actions, deadlines
from .choices import LEVEL_RANK, HandlingLevel, Status
from .models import Agreement, Alert, Dispute

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


def sweep(now: dt.datetime | None = None) -> SweepReport:
    # Cards and alerts are stored as text that everyone in the county reads later: they are written
    # in the county's language, not in whichever language the calling thread last served a page in.
    with translation.override(settings.LANGUAGE_CODE):
        return _sweep(now or timezone.now())


def _sweep(now: dt.datetime) -> SweepReport:
    report = SweepReport()
    yellow = Dispute.objects.filter(deadlines.due_soon(now), warned_at__isnull=True)
    for pk in yellow.values_list("pk", flat=True):
        with transaction.atomic():
            if Dispute.objects.filter(pk=pk, warned_at__isnull=True).update(warned_at=now) == 1:
                dispute = Dispute.objects.get(pk=pk)
                reason = _("Yellow card: the time limit ends %(due)s.") % {
                    "due": timezone.localtime(dispute.due_at).strftime("%Y-%m-%d %H:%M")
                }
                Alert.objects.create(dispute=dispute, unit_id=dispute.handling_unit_id, reason=reason)
                _timeline(dispute, "warn", reason)
                report.warned += 1

    action = overdue_action()
    red = Dispute.objects.filter(deadlines.overdue(now), overdue_at__isnull=True)
    for pk in red.values_list("pk", flat=True):
        with transaction.atomic():
            if Dispute.objects.filter(pk=pk, overdue_at__isnull=True).update(overdue_at=now) != 1:
                continue  # another worker took it
            dispute = Dispute.objects.get(pk=pk)
            report.overdue += 1
            reason = _("Red card: the time limit ended %(due)s.") % {
                "due": timezone.localtime(dispute.due_at).strftime("%Y-%m-%d %H:%M")
            }
            _timeline(dispute, "overdue", reason)
            at_top = LEVEL_RANK[dispute.handling_level] == LEVEL_RANK[HandlingLevel.COUNTY]
            if action == "escalate" and not at_top:
                try:
                    actions.escalate(SYSTEM, dispute, reason=reason)
                    report.escalated += 1
                except ValidationError:  # the case moved on meanwhile; the red card stands
                    pass
            else:
                unit = dispute.handling_unit_id if at_top else actions.unit_above(dispute.handling_unit_id)
                Alert.objects.create(dispute=dispute, unit_id=unit, reason=reason)

    report.reminded = remind_confirmation(now)
    if report.warned or report.overdue or report.reminded:
        record(SYSTEM, "dispute.sweep", after=report.__dict__)
    return report


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
                Alert.objects.create(
                    dispute=agreement.dispute, unit_id=agreement.dispute.handling_unit_id, reason=reason
                )
                _timeline(agreement.dispute, "confirmation_reminder", reason)
                count += 1
    return count


def _timeline(dispute: Dispute, name: str, note: str) -> None:
    """A row on the case's timeline that changes nothing: a card or a reminder from the worker."""
    actions.timeline(dispute, None, name, dispute.status, dispute.status, note)
