"""The deadline sweep of every kind: the yellow card before a limit ends, the red card after it,
and what the kind does with an overdue case.

Each card is claimed with one conditional UPDATE that restates the whole condition (open, limit in
the warning days or passed, card not yet given) in its own short transaction. So the sweep can run
in several workers at once, be stopped and restarted anywhere, and still act once per limit; and
a limit extended between the sweep listing a case and claiming it is not carded for its old end
(the claim no longer matches)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anju.worktime.calendar import WorkingCalendar, deadline_text

from . import alerts, limits
from .engine import note_row
from .kinds import Kind, all_kinds


@dataclass
class CardReport:
    warned: int = 0
    overdue: int = 0
    escalated: int = 0


def _when(case) -> str:
    return deadline_text(case.due_at)


def yellow_candidates(kind: Kind, now: dt.datetime, threshold: dt.datetime) -> list:
    return list(
        kind.model.objects.filter(limits.due_soon(kind, now, threshold=threshold), warned_at__isnull=True)
        .order_by("due_at", "pk")
        .values_list("pk", flat=True)
    )


def red_candidates(kind: Kind, now: dt.datetime) -> list:
    return list(
        kind.model.objects.filter(limits.overdue(kind, now), overdue_at__isnull=True)
        .order_by("due_at", "pk")
        .values_list("pk", flat=True)
    )


def give_yellow(kind: Kind, pk, now: dt.datetime, threshold: dt.datetime):
    """The yellow card for one case, if it still needs one: the case, or None."""
    with transaction.atomic():
        claimed = (
            kind.model.objects.filter(pk=pk, warned_at__isnull=True)
            .filter(limits.due_soon(kind, now, threshold=threshold))
            .update(warned_at=now)
        )
        if claimed != 1:
            return None
        case = kind.model.objects.get(pk=pk)
        with alerts.county_language():
            reason = _("The time limit ends %(due)s.") % {"due": _when(case)}
        alerts.raise_alert(kind, case, case.handling_unit_id, reason, topic=alerts.Topic.YELLOW_CARD)
        note_row(kind, case, None, "warn", reason)
    return case


def give_red(kind: Kind, pk, now: dt.datetime) -> tuple[object, bool] | None:
    """The red card for one case, if it still needs one, then the kind's overdue rule: (the case,
    whether that rule escalated it), or None."""
    with transaction.atomic():
        claimed = (
            kind.model.objects.filter(pk=pk, overdue_at__isnull=True)
            .filter(limits.overdue(kind, now))
            .update(overdue_at=now)
        )
        if claimed != 1:
            return None  # another worker took it, or the limit moved meanwhile
        case = kind.model.objects.get(pk=pk)
        with alerts.county_language():
            reason = _("The time limit ended %(due)s.") % {"due": _when(case)}
            note_row(kind, case, None, "overdue", reason)
            if kind.on_overdue is not None:
                escalated = kind.on_overdue(case, reason)
            else:
                alerts.raise_alert(
                    kind, case, kind.unit_above(case.handling_unit_id), reason, topic=alerts.Topic.RED_CARD
                )
                escalated = False
    return case, escalated


def give_missing_limits(kind: Kind, start_of, *, chunk: int = 1000) -> int:
    """Open cases without a running limit (written before their stage had one, or imported from a
    ledger) get the limit of the stage they are in, counted from `start_of(case)`, the moment
    they entered it. Each case is set with a conditional update, so two sweeps give one limit."""
    calendar = WorkingCalendar.from_database()
    given = 0
    while True:
        waiting = list(
            kind.model.objects.filter(status__in=kind.open_statuses, due_at__isnull=True).order_by("pk")[
                :chunk
            ]
        )
        if not waiting:
            return given
        for case in waiting:
            due = kind.limits.due_for(case, start_of(case), calendar=calendar)
            given += kind.model.objects.filter(pk=case.pk, due_at__isnull=True, status=case.status).update(
                due_at=due, warned_at=None, overdue_at=None
            )


def cards(kind: Kind, now: dt.datetime | None = None) -> CardReport:
    """Give every card that is due now, for one kind."""
    now = now or timezone.now()
    report = CardReport()
    threshold = kind.limits.warning_threshold(now)
    for pk in yellow_candidates(kind, now, threshold):
        if give_yellow(kind, pk, now, threshold) is not None:
            report.warned += 1
    for pk in red_candidates(kind, now):
        given = give_red(kind, pk, now)
        if given is not None:
            report.overdue += 1
            report.escalated += given[1]
    return report


def run(now: dt.datetime | None = None) -> dict[str, object]:
    """One pass of the sweep over every kind with time limits: the kind's own sweep where it
    declares one (its cards and its own reminders), else its cards. Reports by kind name."""
    now = now or timezone.now()
    reports: dict[str, object] = {}
    for kind in sorted(all_kinds(), key=lambda k: k.name):
        if kind.limits is None:
            continue
        with alerts.county_language():
            reports[kind.name] = kind.sweep(now) if kind.sweep is not None else cards(kind, now)
    return reports
