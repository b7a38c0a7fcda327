"""The home page: who the user is here, their roles, and what waits for them."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy

from anju.accounts.choices import ROLE_PERMS
from anju.core.scoping import has_perm_anywhere
from anju.core.views import signed_in
from anju.disputes.queries import work_queue
from anju.reports import metrics


@signed_in
def home(request):
    assignments = request.user.role_assignments.select_related("region").order_by("region_id", "role")
    perms = sorted({p for a in assignments for p in ROLE_PERMS.get(a.role, ())})
    work = None
    if has_perm_anywhere(request.user, "case.view"):
        work = {name: queryset.count() for name, queryset in work_queue(request.user).items()}
    # Those who read cases but handle none (leaders) have no work lists: they watch their
    # jurisdiction's open, overdue and red-carded cases instead; those who dispatch and supervise
    # (township officers, the centre) watch it beside their own work.
    handles = has_perm_anywhere(request.user, "case.handle")
    watch = kinds = None
    if work is not None and (not handles or has_perm_anywhere(request.user, "case.dispatch")):
        watch = metrics.watch(request.user)
        kinds = [
            {**WATCHED[row.key], "key": row.key, "open": row.open, "overdue": row.overdue}
            for row in watch.kinds
        ]
    return render(
        request,
        "core/home.html",
        {
            "assignments": assignments,
            "perms": perms,
            "work": work,
            "handles": handles,
            "watch": watch,
            "watched_kinds": kinds,
        },
    )


# Each kind's list with the filters that list exactly what the home page counts.
WATCHED = {
    "events": {
        "title": gettext_lazy("Grid events"),
        "url": reverse_lazy("events:list"),
        "open_query": "open=on",
        "overdue_query": "overdue=on",
    },
    "tips": {
        "title": gettext_lazy("Tips"),
        "url": reverse_lazy("tips:list"),
        "open_query": "open=on",
        "overdue_query": "overdue=on",
    },
    "tasks": {
        "title": gettext_lazy("Supervised tasks"),
        "url": reverse_lazy("tasks:list"),
        "open_query": "open=on",
        "overdue_query": "supervision=red",
    },
}
