"""Searching the audit trail; auditors see the rows of their jurisdiction only."""

from __future__ import annotations

from django.db.models import QuerySet

from anju.core.dates import after_day, local_midnight

from .models import AccessRecord, AuditEvent


def search_events(
    user, *, user_name="", action="", object_type="", object_id="", result="", date_from=None, date_to=None
) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.visible_to(user, "audit.view")
    if user_name:
        events = events.filter(actor_username=user_name)
    if action:
        events = events.filter(action__startswith=action)
    if object_type:
        events = events.filter(object_type=object_type)
    if object_id:
        events = events.filter(object_id=object_id)
    if result:
        events = events.filter(result=result)
    if date_from:
        events = events.filter(at__gte=local_midnight(date_from))
    if date_to:
        events = events.filter(at__lt=after_day(date_to))
    return events.order_by("-at", "-id")


def search_access(user, *, user_name="", object_type="", object_id="") -> QuerySet[AccessRecord]:
    records = AccessRecord.objects.visible_to(user, "audit.view").select_related("actor")
    if user_name:
        records = records.filter(actor__username=user_name)
    if object_type:
        records = records.filter(object_type=object_type)
    if object_id:
        records = records.filter(object_id=object_id)
    return records.order_by("-at", "-id")
