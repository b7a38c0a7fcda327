from django.core.paginator import Paginator
from django.shortcuts import render

from anju.core.views import role_required

from . import queries, words
from .forms import AuditSearchForm


def _in_words(rows, *, with_changes: bool) -> None:
    """Give each row of a page its words (looked up once per page, not per row)."""
    known = words.actions()
    for row in rows:
        row.object_words = words.object_label(row.object_type) if row.object_type else ""
        if with_changes:
            row.action_words = words.action_label(row.action, known)
            row.changes = words.changes(row.object_type, row.before, row.after)
        else:
            row.field_words = words.field_label(row.object_type, row.field)


@role_required("audit.view")
def event_list(request):
    form = AuditSearchForm(request.GET or None, auditor=request.user)
    events = queries.search_events(request.user).none()
    status = 200
    if not request.GET:
        events = queries.search_events(request.user)
    elif form.is_valid():
        d = form.cleaned_data
        events = queries.search_events(
            request.user,
            user_name=d["user"],
            action=d["action"],
            object_type=d["object_type"],
            object_id=d["object_id"],
            result=d["result"],
            date_from=d["date_from"],
            date_to=d["date_to"],
        )
    else:
        status = 400
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    _in_words(page.object_list, with_changes=True)
    return render(request, "audit/event_list.html", {"form": form, "page": page}, status=status)


@role_required("audit.view")
def access_list(request):
    records = queries.search_access(
        request.user,
        user_name=request.GET.get("user", "").strip(),
        object_type=request.GET.get("object_type", "").strip(),
        object_id=request.GET.get("object_id", "").strip(),
    )
    page = Paginator(records, 50).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    _in_words(page.object_list, with_changes=False)
    return render(request, "audit/access_list.html", {"page": page})
