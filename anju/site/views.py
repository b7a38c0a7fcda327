"""The home page: who the user is here, their roles, and what waits for them."""

from __future__ import annotations

from django.shortcuts import render

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
    # jurisdiction's open, overdue and red-carded cases instead.
    watch = None
    if work is not None and not has_perm_anywhere(request.user, "case.handle"):
        watch = metrics.watch(request.user)
    return render(
        request,
        "core/home.html",
        {"assignments": assignments, "perms": perms, "work": work, "watch": watch},
    )
