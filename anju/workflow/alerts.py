"""Alerts addressed to units: raised by actions and the sweep, read in the work queue of the
people who work at the unit, acknowledged (with an audit row) or cleared when what they ask is
decided."""

from __future__ import annotations

from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from anju import notify
from anju.audit.actions import county_language, record, refusals_recorded
from anju.core.scoping import get_scoped_or_404, units_for

from .kinds import Kind


class Topic(models.TextChoices):
    """What an alert is about: the work queue groups alerts by it, its label opens the alert's text
    (【红牌】…), and notifications name it. In the order the work queue shows the groups."""

    RED_CARD = "red_card", pgettext_lazy("alert topic", "Red card")
    YELLOW_CARD = "yellow_card", pgettext_lazy("alert topic", "Yellow card")
    ESCALATION = "escalation", pgettext_lazy("alert topic", "Escalated")
    EXTENSION = "extension", pgettext_lazy("alert topic", "Extension")
    URGING = "urging", pgettext_lazy("alert topic", "Urging")
    ASSIGNMENT = "assignment", pgettext_lazy("alert topic", "Assigned down")
    REMINDER = "reminder", pgettext_lazy("alert topic", "Reminder")
    RISK = "risk", pgettext_lazy("alert topic", "Risk")
    NOTICE = "notice", pgettext_lazy("alert topic", "Notice")


def worded(topic: str, reason: str) -> str:
    """The stored text of an alert: its topic's label, then what the caller said, in one style
    for every kind and topic. Called in the county's language, like the reason."""
    return (_("[%(topic)s] %(reason)s") % {"topic": Topic(topic).label, "reason": reason})[:200]


def raise_alert(kind: Kind, case, unit_code: str, reason: str, *, topic: str = Topic.NOTICE, **extra):
    """An alert about `case` for the unit with this code. The reason is stored text that people of
    that unit read later: the caller writes it in the county's language (`county_language`). The
    people who work at the unit are also told through the channels the county set up (anju.notify),
    by the worker once this transaction commits: the case number and the topic only, never the
    reason, which may name a party."""
    with county_language():
        text = worded(topic, reason)
        topic_label = str(Topic(topic).label)
        kind_label = str(kind.label)
    alert = kind.alert_model.objects.create(
        **{kind.case_field: case}, unit_id=unit_code, reason=text, **extra
    )
    notify.announce(
        unit_code=unit_code,
        topic=topic,
        topic_label=topic_label,
        case_number=getattr(case, "number", "") or f"{kind.name}-{case.pk}",
        kind_label=kind_label,
        path=kind.detail_path(case) if kind.detail_path else "",
    )
    return alert


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


def topic_of(reason: str) -> str:
    """The topic an alert's stored text opens with; NOTICE for text written before topics."""
    with county_language():
        for topic in Topic:
            if reason.startswith(_("[%(topic)s] %(reason)s") % {"topic": topic.label, "reason": ""}):
                return topic.value
    return Topic.NOTICE.value


def _on_topic(topic: str) -> Q:
    """Alerts whose text opens with this topic's label (NOTICE also takes text without one)."""
    with county_language():
        prefixes = {t: _("[%(topic)s] %(reason)s") % {"topic": t.label, "reason": ""} for t in Topic}
    if topic != Topic.NOTICE:
        return Q(reason__startswith=prefixes[Topic(topic)])
    others = Q()
    for t, prefix in prefixes.items():
        if t != Topic.NOTICE:
            others |= Q(reason__startswith=prefix)
    return ~others


def grouped(kind: Kind, user, *, size: int) -> list[tuple[Topic, int, list]]:
    """The work queue's alerts by topic, in Topic's order: (topic, how many, the first `size`),
    leaving out topics with none. One count query for all topics, one read per topic shown."""
    alerts = open_for(kind, user)
    counts = alerts.aggregate(**{t.value: models.Count("pk", filter=_on_topic(t)) for t in Topic})
    groups = []
    for topic in Topic:
        if counts[topic.value]:
            rows = list(alerts.filter(_on_topic(topic)).select_related(kind.case_field)[:size])
            groups.append((topic, counts[topic.value], rows))
    return groups


def acknowledge_topic(kind: Kind, actor, topic: str) -> int:
    """Mark every alert of one topic seen that this person's queue shows (twins on their other
    units included), with one audit row saying how many. Only alerts addressed to the units the
    person works at are touched: nothing outside what their queue shows."""
    if topic not in Topic.values:
        raise ValueError(topic)
    action = f"{kind.name}.alert.acknowledge_all"
    with transaction.atomic():
        mine = addressed(kind, actor).filter(_on_topic(topic))
        seen = kind.alert_model.objects.filter(pk__in=list(mine.values_list("pk", flat=True))).update(
            acknowledged_by=actor, acknowledged_at=timezone.now()
        )
        if seen:
            record(actor, action, after={"topic": topic, "acknowledged": seen})
    return seen


def clear(alerts: QuerySet, actor, at) -> None:
    """The matter an alert asked about is decided (an extension request, say): it is done."""
    alerts.filter(acknowledged_at__isnull=True).update(
        acknowledged_by=actor if getattr(actor, "pk", None) else None, acknowledged_at=at
    )
