"""Alerts addressed to units: raised by actions and the sweep, read in the work queue of the
people who work at the unit, acknowledged (with an audit row) or cleared when what they ask is
decided."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone, translation

from anju.audit.actions import record, refusals_recorded
from anju.core.scoping import get_scoped_or_404, units_for

from .kinds import Kind


def raise_alert(kind: Kind, case, unit_code: str, reason: str, **extra):
    """An alert about `case` for the unit with this code. The reason is stored text that people of
    that unit read later: the caller writes it in the county's language (`county_language`)."""
    return kind.alert_model.objects.create(
        **{kind.case_field: case}, unit_id=unit_code, reason=reason[:200], **extra
    )


def county_language():
    """Stored text everyone in the county reads (alerts, cards, timeline notes) is written in the
    county's language, whatever language the caller or the worker thread last served."""
    return translation.override(settings.LANGUAGE_CODE)


def addressed(kind: Kind, user) -> QuerySet:
    """The unacknowledged alerts addressed to the units this person works at (every unit for a
    superuser), twins included."""
    alerts = kind.alert_model.objects.visible_to(user, "view").filter(acknowledged_at__isnull=True)
    units = units_for(user, "case.view")
    if units is not None:
        alerts = alerts.filter(unit_id__in=units)
    return alerts


def open_for(kind: Kind, user) -> QuerySet:
    """What this person's work queue shows: the alerts addressed to the units they work at, not
    those of the units below (a registration alerts the township and the county each with its own
    row; the county seeing the township's too showed every such alert twice). Someone who works at
    both sees one of a pair: the same case and reason on two of their units is one thing to do."""
    alerts = addressed(kind, user)
    case_id = f"{kind.case_field}_id"
    twin = alerts.filter(**{case_id: OuterRef(case_id)}, reason=OuterRef("reason"), pk__lt=OuterRef("pk"))
    return alerts.exclude(Exists(twin))


def acknowledge(kind: Kind, actor, alert_id) -> tuple[object, int]:
    """Mark an alert seen, with its twin on another of this person's units (shown as the same line),
    and write the audit row. An alert outside the person's units is a 404, like any object outside
    their jurisdiction. Returns the alert and how many rows it marked (0 when someone else was
    first)."""
    alert = get_scoped_or_404(kind.alert_model, actor, "view", pk=alert_id)
    case_id = f"{kind.case_field}_id"
    case_ref = getattr(alert, case_id)
    action = f"{kind.name}.alert.acknowledge"
    with refusals_recorded(actor, action, alert, region_code=alert.unit_id), transaction.atomic():
        now = timezone.now()
        mine = addressed(kind, actor).filter(**{case_id: case_ref}, reason=alert.reason)
        seen = kind.alert_model.objects.filter(pk=alert.pk, acknowledged_at__isnull=True).update(
            acknowledged_by=actor, acknowledged_at=now
        )
        seen += mine.exclude(pk=alert.pk).update(acknowledged_by=actor, acknowledged_at=now)
        if seen:
            record(actor, action, alert, region_code=alert.unit_id, after={"acknowledged": seen})
    return alert, seen


def clear(alerts: QuerySet, actor, at) -> None:
    """The matter an alert asked about is decided (an extension request, say): it is done."""
    alerts.filter(acknowledged_at__isnull=True).update(
        acknowledged_by=actor if getattr(actor, "pk", None) else None, acknowledged_at=at
    )
