"""Pages of supervision: meetings and their decisions, tasks (lists, a unit's list, my list, the
task's file with its actions as buttons), and what hangs off them (files, extensions, alerts)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from anju.audit.actions import record_access
from anju.core.scoping import get_scoped_or_404
from anju.core.views import post_only, role_required, show_errors
from anju.regions.models import Region
from anju.workflow import alerts, attachments, extensions, limits

from . import actions, forms, queries
from .choices import DISPATCH, TRANSITIONS
from .kind import TASK
from .models import Attachment, Decision, ExtensionRequest, Meeting, MeetingFile, Task

PAGE_SIZE = 50
CURSOR_REFUSED = "This page cursor is not one the server gave out; start again from the first page."


def _cursors(request, kind: type):
    return queries.decode(request.GET.get("cursor"), kind), queries.decode(request.GET.get("before"), kind)


def _pager_query(request) -> str:
    query = request.GET.copy()
    query.pop("cursor", None)
    query.pop("before", None)
    return query.urlencode()


def _task_rows(rows) -> list:
    limits.colour_rows(TASK, rows)
    return rows


# --- tasks ------------------------------------------------------------------------------------------


def _task_list(request, *, unit: Region | None = None, template: str = "tasks/list.html"):
    form = forms.TaskFilterForm(request.GET or None)
    filters = queries.TaskFilters()
    if request.GET and form.is_valid():
        filters = queries.TaskFilters.from_form(form)
    if unit is not None:
        filters.unit = unit.code
    try:
        after, before = _cursors(request, dt.datetime)
        if after and before:
            raise ValueError
    except ValueError:
        after = before = None
        form.add_error(None, _(CURSOR_REFUSED))
    page = queries.Page([], None, None)
    status = 400
    if not form.errors:
        tasks = queries.filtered_tasks(request.user, filters).select_related("handling_unit", "assigner_unit")
        page = queries.page(tasks, "assigned_at", after=after, before=before, size=PAGE_SIZE)
        status = 200
    return render(
        request,
        template,
        {
            "form": form,
            "unit": unit,
            "rows": _task_rows(page.rows),
            "next_cursor": page.next,
            "prev_cursor": page.prev,
            "query": _pager_query(request),
            "can_assign": bool(actions.assigner_units(request.user)),
        },
        status=status,
    )


@role_required("case.view")
def task_list(request):
    return _task_list(request)


@role_required("case.view")
def unit_tasks(request, code: str):
    """One unit's task list: what it has been assigned, open and done."""
    unit = get_scoped_or_404(Region, request.user, "case.view", code=code)
    return _task_list(request, unit=unit)


@role_required("case.view")
def my_tasks(request):
    lists = queries.my_tasks(request.user)
    return render(
        request,
        "tasks/mine.html",
        {
            "to_do": _task_rows(list(lists["to_do"][:100])),
            "to_accept": _task_rows(list(lists["to_accept"][:100])),
            "alerts": list(queries.open_alerts(request.user)[:100]),
        },
    )


@role_required(DISPATCH)
def task_create(request):
    """Assign a task; from a meeting's decision (?decision=) the form comes filled in."""
    units = actions.assigner_units(request.user)
    decision = None
    raw = request.GET.get("decision") or request.POST.get("decision")
    if raw:
        decision = _decision_or_404(request.user, raw)
    initial = {}
    if decision is not None:
        meeting = decision.meeting
        initial = {
            "origin": "joint_meeting" if meeting.kind == "joint" else "decision",
            "title": decision.text[:100],
            "description": decision.text,
            "source_note": f"{meeting.held_on:%Y-%m-%d} {meeting.title}"[:200],
            "decision": decision.pk,
            "assigner_unit": meeting.region_id,
        }
    form = forms.TaskForm(request.POST or None, initial=initial, units=units)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = dict(form.cleaned_data)
            data.pop("decision")
            assigner = get_scoped_or_404(Region, request.user, DISPATCH, code=data.pop("assigner_unit"))
            unit = Region.objects.filter(code=data.pop("unit").strip()).first()
            if unit is None:
                form.add_error("unit", _("No unit has this code."))
            else:
                try:
                    task = actions.assign_task(
                        request.user, assigner_unit=assigner, unit=unit, decision=decision, **data
                    )
                except ValidationError as error:
                    show_errors(form, error)
                else:
                    messages.success(request, _("Task assigned to %(unit)s.") % {"unit": unit.name})
                    if decision is not None:
                        return redirect("tasks:meeting", meeting_id=decision.meeting_id)
                    return redirect("tasks:detail", task_id=task.pk)
    return render(
        request,
        "tasks/create.html",
        {"form": form, "decision": decision, "has_units": bool(units)},
        status=status,
    )


def _decision_or_404(user, raw) -> Decision:
    try:
        pk = int(raw)
    except (TypeError, ValueError):
        raise Http404 from None
    return get_object_or_404(
        Decision.objects.select_related("meeting"),
        pk=pk,
        meeting__in=Meeting.objects.visible_to(user, "view"),
    )


ACTION_FORMS = {
    "start": forms.NoteForm,
    "report_progress": forms.ProgressForm,
    "report_done": forms.ProgressForm,
    "accept": forms.NoteForm,
    "send_back": forms.ReasonForm,
    "supervise": forms.ReasonForm,
}


def _detail(request, task: Task, *, bound: dict | None = None, extension_form=None, status: int = 200):
    task = (
        Task.objects.select_related(
            "region", "handling_unit", "assigner_unit", "assigned_by", "decision__meeting"
        )
        .prefetch_related("timeline__actor", "extensions", "attachments")
        .get(pk=task.pk)
    )
    bound = bound or {}
    action_forms = [
        (
            name,
            TRANSITIONS[name].label,
            bound.get(name) or ACTION_FORMS[name](initial={"version": task.version}, prefix=name),
        )
        for name in actions.allowed_transitions(task, request.user)
    ]
    return render(
        request,
        "tasks/detail.html",
        {
            "task": task,
            "colour": limits.colour(TASK, task),
            "action_forms": action_forms,
            "can_attach": attachments.may_attach(TASK, request.user, task),
            "attachment_form": forms.FileForm(),
            "can_ask_extension": extensions.may_ask(TASK, request.user, task),
            "extension_form": extension_form or forms.ExtensionForm(prefix="extension"),
            "extensions": [(e, extensions.may_decide(TASK, request.user, e)) for e in task.extensions.all()],
            "replace_url": reverse("tasks:detail", args=[task.pk]) if request.method == "POST" else "",
        },
        status=status,
    )


@role_required("case.view")
def task_detail(request, task_id: int):
    return _detail(request, get_scoped_or_404(Task, request.user, "view", pk=task_id))


@post_only
@role_required("case.view")
def task_act(request, task_id: int, action: str):
    task = get_scoped_or_404(Task, request.user, "view", pk=task_id)
    if action not in ACTION_FORMS:
        raise Http404
    form = ACTION_FORMS[action](request.POST, request.FILES, prefix=action)
    label = TRANSITIONS[action].label
    if not form.is_valid():
        messages.error(
            request, _("Not done: %(action)s. The reasons are in its form below.") % {"action": label}
        )
        return _detail(request, task, bound={action: form}, status=400)
    data = dict(form.cleaned_data)
    upload = data.pop("file", None)
    try:
        with transaction.atomic():
            changed = getattr(actions, action)(request.user, task, **data)
            if upload:
                actions.add_attachment(request.user, changed, upload)
    except ValidationError as error:
        show_errors(form, error, default_field="file" if "file" in form.fields else None)
        messages.error(
            request, _("Not done: %(action)s. The reasons are in its form below.") % {"action": label}
        )
        return _detail(
            request,
            task,
            bound={action: form},
            status=409 if isinstance(error, actions.StaleVersion) else 400,
        )
    messages.success(request, _("Done: %(action)s.") % {"action": label})
    return redirect("tasks:detail", task_id=task.pk)


@post_only
@role_required("case.handle")
def task_extension_request(request, task_id: int):
    task = get_scoped_or_404(Task, request.user, "view", pk=task_id)
    form = forms.ExtensionForm(request.POST, prefix="extension")
    if form.is_valid():
        try:
            ask = actions.request_extension(request.user, task, **form.cleaned_data)
        except ValidationError as error:
            show_errors(form, error)
    if form.errors:
        return _detail(request, task, extension_form=form, status=400)
    messages.success(
        request, _("The request for more time has gone to %(unit)s.") % {"unit": ask.approver_unit}
    )
    return redirect("tasks:detail", task_id=task.pk)


@post_only
@role_required(DISPATCH)
def task_extension_decide(request, task_extension_id: int):
    ask = get_scoped_or_404(ExtensionRequest, request.user, "view", pk=task_extension_id)
    approve = request.POST.get("approve") == "1"
    try:
        actions.decide_extension(request.user, ask, approve=approve, note=request.POST.get("note", "")[:500])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _detail(request, ask.task, status=400)
    messages.success(request, _("Approved.") if approve else _("Rejected."))
    return redirect("tasks:detail", task_id=ask.task_id)


@post_only
@role_required("case.handle")
def task_attachment_add(request, task_id: int):
    task = get_scoped_or_404(Task, request.user, "view", pk=task_id)
    form = forms.FileForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            actions.add_attachment(
                request.user, task, form.cleaned_data["file"], description=form.cleaned_data["description"]
            )
        except ValidationError as error:
            show_errors(form, error)
    if form.errors:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return _detail(request, task, status=400)
    messages.success(request, _("File added."))
    return redirect("tasks:detail", task_id=task.pk)


@role_required("case.view")
def task_attachment(request, task_id: int, task_file_id: int):
    task = get_scoped_or_404(Task, request.user, "view", pk=task_id)
    attachment = get_object_or_404(Attachment, pk=task_file_id, task=task)
    with transaction.atomic():
        record_access(request.user, attachment, "file", region_code=task.region_id, purpose="download")
    return attachments.download(attachment, attachment.original_name)


@post_only
@role_required("case.view")
def task_alert_acknowledge(request, task_alert_id: int):
    alert, _seen = alerts.acknowledge(TASK, request.user, task_alert_id)
    messages.success(request, _("Alert on “%(task)s” marked as seen.") % {"task": alert.task.title})
    return redirect("tasks:mine")


# --- meetings ---------------------------------------------------------------------------------------


@role_required("case.view")
def meeting_list(request):
    form = forms.MeetingFilterForm(request.GET or None)
    kind = region = ""
    if request.GET and form.is_valid():
        kind, region = form.cleaned_data["kind"], form.cleaned_data["region"]
    try:
        after, before = _cursors(request, dt.date)
        if after and before:
            raise ValueError
    except ValueError:
        after = before = None
        form.add_error(None, _(CURSOR_REFUSED))
    page = queries.Page([], None, None)
    status = 400
    if not form.errors:
        found = queries.meetings(request.user, kind=kind, region=region).select_related("region")
        page = queries.page(found, "held_on", after=after, before=before, size=PAGE_SIZE)
        status = 200
    return render(
        request,
        "tasks/meetings.html",
        {
            "form": form,
            "rows": page.rows,
            "next_cursor": page.next,
            "prev_cursor": page.prev,
            "query": _pager_query(request),
            "can_record": bool(actions.assigner_units(request.user)),
        },
        status=status,
    )


@role_required(DISPATCH)
def meeting_create(request):
    units = actions.assigner_units(request.user)
    form = forms.MeetingForm(request.POST or None, units=units)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = dict(form.cleaned_data)
            region = get_scoped_or_404(Region, request.user, DISPATCH, code=data.pop("region"))
            try:
                meeting = actions.record_meeting(request.user, region=region, **data)
            except ValidationError as error:
                show_errors(form, error)
            else:
                messages.success(request, _("Meeting recorded."))
                return redirect("tasks:meeting", meeting_id=meeting.pk)
    return render(request, "tasks/meeting_create.html", {"form": form}, status=status)


def _meeting_page(request, meeting: Meeting, *, decision_form=None, file_form=None, status: int = 200):
    meeting = (
        Meeting.objects.select_related("region", "created_by")
        .prefetch_related("files", "decisions__tasks__handling_unit")
        .get(pk=meeting.pk)
    )
    from anju.core.scoping import covers

    return render(
        request,
        "tasks/meeting.html",
        {
            "meeting": meeting,
            "can_record": covers(request.user, DISPATCH, meeting.region_id),
            "can_assign": bool(actions.assigner_units(request.user)),
            "decision_form": decision_form or forms.DecisionForm(),
            "file_form": file_form or forms.FileForm(),
        },
        status=status,
    )


@role_required("case.view")
def meeting_detail(request, meeting_id: int):
    return _meeting_page(request, get_scoped_or_404(Meeting, request.user, "view", pk=meeting_id))


@post_only
@role_required(DISPATCH)
def meeting_decision_add(request, meeting_id: int):
    meeting = get_scoped_or_404(Meeting, request.user, "view", pk=meeting_id)
    form = forms.DecisionForm(request.POST)
    if form.is_valid():
        try:
            actions.add_decision(request.user, meeting, **form.cleaned_data)
        except ValidationError as error:
            show_errors(form, error)
    if form.errors:
        return _meeting_page(request, meeting, decision_form=form, status=400)
    messages.success(request, _("Decision recorded."))
    return redirect("tasks:meeting", meeting_id=meeting.pk)


@post_only
@role_required(DISPATCH)
def meeting_file_add(request, meeting_id: int):
    meeting = get_scoped_or_404(Meeting, request.user, "view", pk=meeting_id)
    form = forms.FileForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            actions.add_minutes(
                request.user, meeting, form.cleaned_data["file"], description=form.cleaned_data["description"]
            )
        except ValidationError as error:
            show_errors(form, error)
    if form.errors:
        return _meeting_page(request, meeting, file_form=form, status=400)
    messages.success(request, _("File added."))
    return redirect("tasks:meeting", meeting_id=meeting.pk)


@role_required("case.view")
def meeting_file(request, meeting_id: int, meeting_file_id: int):
    meeting = get_scoped_or_404(Meeting, request.user, "view", pk=meeting_id)
    stored = get_object_or_404(MeetingFile, pk=meeting_file_id, meeting=meeting)
    with transaction.atomic():
        record_access(request.user, stored, "file", region_code=meeting.region_id, purpose="download")
    return attachments.download(stored, stored.original_name)
