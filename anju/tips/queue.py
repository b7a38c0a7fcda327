"""A handler's tip work queue: the tips assigned to them by deadline with their yellow and red
cards, the tips waiting to be assigned at the units where they assign, the requests for more time
they decide, and the alerts on tips addressed to their units. Like the disputes' "My work", it shows
numbers, sources and deadlines, never whom a tip names or who gave it."""

from __future__ import annotations

from django.db.models import F, QuerySet
from django.shortcuts import render
from django.utils import timezone

from anju.core.scoping import units_for
from anju.core.views import role_required
from anju.workflow import alerts, limits

from .choices import DISPATCH, OPEN_STATUSES, Status
from .kind import TIP
from .models import ExtensionRequest, Tip
from .queries import LIST_COLUMNS

LIST_SIZE = 50


def assigned_to(user) -> QuerySet[Tip]:
    """Open tips whose handler is this person, the nearest deadline first."""
    return (
        Tip.objects.visible_to(user, "view")
        .filter(handler_id=user.pk, status__in=OPEN_STATUSES - {Status.REGISTERED})
        .select_related("source", "batch", "region", "handling_unit")
        .only(*LIST_COLUMNS, "handler_id", "batch__deadline")
        .order_by(F("due_at").asc(nulls_last=True), "id")
    )


def to_assign(user) -> QuerySet[Tip]:
    """Registered tips at the units where this person assigns tips, waiting for a handler."""
    tips = Tip.objects.visible_to(user, "view").filter(status=Status.REGISTERED)
    units = units_for(user, DISPATCH)
    if units is not None:
        tips = tips.filter(handling_unit_id__in=units)
    return (
        tips.select_related("source", "batch", "region", "handling_unit")
        .only(*LIST_COLUMNS, "batch__deadline")
        .order_by(F("due_at").asc(nulls_last=True), "id")
    )


def to_decide(user) -> QuerySet[ExtensionRequest]:
    asks = ExtensionRequest.objects.visible_to(user, "view").filter(
        decision=ExtensionRequest.Decision.PENDING
    )
    units = units_for(user, DISPATCH)
    if units is not None:
        asks = asks.filter(approver_unit_id__in=units)
    return asks.select_related("tip").order_by("requested_at", "id")


def _first(queryset, size: int = LIST_SIZE) -> tuple[list, int]:
    rows = list(queryset[: size + 1])
    total = len(rows) if len(rows) <= size else queryset.count()
    return rows[:size], total


@role_required("tip.view")
def tip_queue(request):
    from .views import _label_rows

    mine, mine_total = _first(assigned_to(request.user))
    waiting, waiting_total = _first(to_assign(request.user))
    for rows in (mine, waiting):
        limits.colour_rows(TIP, rows)
        _label_rows(rows)
    asks, asks_total = _first(to_decide(request.user))
    now = timezone.now()
    cards = {
        "red": assigned_to(request.user).filter(limits.overdue(TIP, now)).count(),
        "yellow": assigned_to(request.user).filter(limits.due_soon(TIP, now)).count(),
    }
    return render(
        request,
        "tips/queue.html",
        {
            "mine": mine,
            "mine_total": mine_total,
            "waiting": waiting,
            "waiting_total": waiting_total,
            "asks": asks,
            "asks_total": asks_total,
            "cards": cards,
            "alert_groups": alerts.grouped(TIP, request.user, size=LIST_SIZE),
        },
    )
