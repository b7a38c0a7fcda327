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

from anju.core import keyset
from anju.core.scoping import get_scoped_or_404
from anju.core.views import acted, post_only, role_required, show_errors
from anju.regions.models import Region
from anju.workflow import limits, pages

from . import actions, forms, queries
from .choices import DISPATCH
from .kind import TASK
from .models import (
    Activity,
    ActivityFile,
    Attachment,
    Decision,
    DocumentReview,
    MatterReport,
    MatterReportFile,
    Meeting,
    MeetingFile,
    Rectification,
    Task,
)
from .report_kind import REPORT

PAGE_SIZE = 50
CURSOR_REFUSED = "This page cursor is not one the server gave out; start again from the first page."


def _cursors(request, kind: type):
    """The list's two cursors; ValueError for one the server did not give out, or for both at once."""
    after, before = (
        queries.decode(request.GET.get("cursor"), kind),
        queries.decode(request.GET.get("before"), kind),
    )
    if after and before:
        raise ValueError("two cursors")
    return after, before


def _list_page(request, template: str, form, find, field: str, kind: type, *, decorate=None, **context):
    """A list in keyset pages on (field, id): a cursor the server did not give out, or a filter
    that cannot be applied, shows its error and no rows (400); `find()` is only read when both hold."""
    try:
        after, before = _cursors(request, kind)
    except ValueError:
        after = before = None
        form.add_error(None, _(CURSOR_REFUSED))
    page = queries.Page([], None, None)
    status = 400
    if not form.errors:
        page = queries.page(find(), field, after=after, before=before, size=PAGE_SIZE)
        status = 200
    return render(
        request,
        template,
        {
            "form": form,
            "rows": decorate(page.rows) if decorate else page.rows,
            "next_cursor": page.next,
            "prev_cursor": page.prev,
            "query": keyset.pager_query(request),
            **context,
        },
        status=status,
    )


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
    return _list_page(
        request,
        template,
        form,
        lambda: queries.filtered_tasks(request.user, filters).select_related(
            "handling_unit", "assigner_unit"
        ),
        "assigned_at",
        dt.datetime,
        decorate=_task_rows,
        unit=unit,
        can_assign=bool(actions.assigner_units(request.user)),
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
    """Assign a task; from a meeting's decision, a major-matter report or a rectification plan
    (?decision=, ?report=, ?rectification=) the form comes filled in."""
    from .departments import departments

    units = actions.assigner_units(request.user)
    source = _task_source(request)
    initial = source["initial"]
    if request.GET.get("unit"):  # from a unit's or a department's task list
        initial = {**initial, "unit": request.GET["unit"][:17]}
    form = forms.TaskForm(request.POST or None, initial=initial, units=units)
    # The county's departments offered for the unit's code, beside typing any unit's.
    form.fields["unit"].widget.attrs["list"] = "task-departments"
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = dict(form.cleaned_data)
            for name in ("decision", "report", "rectification"):
                data.pop(name)
            assigner = get_scoped_or_404(Region, request.user, DISPATCH, code=data.pop("assigner_unit"))
            unit = Region.objects.filter(code=data.pop("unit").strip()).first()
            if unit is None:
                form.add_error("unit", _("No unit has this code."))
            else:
                try:
                    task = actions.assign_task(
                        request.user, assigner_unit=assigner, unit=unit, **source["links"], **data
                    )
                except ValidationError as error:
                    show_errors(form, error)
                else:
                    messages.success(request, _("Task assigned to %(unit)s.") % {"unit": unit.name})
                    return redirect(source["back"] or reverse("tasks:detail", args=[task.pk]))
    return render(
        request,
        "tasks/create.html",
        {
            "form": form,
            "source": source["links"],
            "has_units": bool(units),
            "departments": departments(request.user),
        },
        status=status,
    )


def _number(raw) -> int:
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise Http404 from None


def _task_source(request) -> dict:
    """What a new task carries out, read from the address (or the form sent back): its links,
    the form's first values and the page to return to."""

    def given(name):
        return request.GET.get(name) or request.POST.get(name)

    user = request.user
    if given("decision"):
        decision = _decision_or_404(user, given("decision"))
        meeting = decision.meeting
        return {
            "links": {"decision": decision},
            "back": reverse("tasks:meeting", args=[meeting.pk]),
            "initial": {
                "origin": "joint_meeting" if meeting.kind == "joint" else "decision",
                "title": decision.text[:100],
                "description": decision.text,
                "source_note": f"{meeting.held_on:%Y-%m-%d} {meeting.title}"[:200],
                "decision": decision.pk,
                "assigner_unit": meeting.region_id,
            },
        }
    if given("report"):
        report = get_scoped_or_404(MatterReport, user, "view", pk=_number(given("report")))
        return {
            "links": {"report": report},
            "back": reverse("tasks:report", args=[report.pk]),
            "initial": {
                "origin": "major_report",
                "title": report.title,
                "description": report.instruction or report.content,
                "source_note": report.title[:200],
                "report": report.pk,
                "unit": report.region_id,
                "assigner_unit": report.region_id[:6],
            },
        }
    if given("rectification"):
        rectification = get_scoped_or_404(Rectification, user, "view", pk=_number(given("rectification")))
        return {
            "links": {"rectification": rectification},
            "back": reverse("tasks:rectification", args=[rectification.pk]),
            "initial": {
                "origin": "rectification",
                "unit": rectification.region_id,
                "source_note": rectification.region.name,
                "rectification": rectification.pk,
                "assigner_unit": rectification.region_id[:9],
            },
        }
    return {"links": {}, "back": "", "initial": {}}


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
    return render(
        request,
        "tasks/detail.html",
        {
            "task": task,
            "colour": limits.colour(TASK, task),
            "action_forms": PAGES.action_forms(
                request,
                task,
                bound,
                lambda name: ACTION_FORMS[name](initial={"version": task.version}, prefix=name),
            ),
            **PAGES.context(
                request,
                task,
                attachment_form=forms.FileForm(),
                extension_form=extension_form or forms.ExtensionForm(prefix="extension"),
            ),
        },
        status=status,
    )


@role_required("case.view")
def task_detail(request, task_id: int):
    return _detail(request, get_scoped_or_404(Task, request.user, "view", pk=task_id))


def _perform(request, task: Task, action: str, data: dict) -> None:
    """The transition, and the file its form may carry, in one transaction: both or neither."""
    upload = data.pop("file", None)
    with transaction.atomic():
        changed = getattr(actions, action)(request.user, task, **data)
        if upload:
            actions.add_attachment(request.user, changed, upload)


PAGES = pages.CasePages(TASK, "tasks", "task_id", _detail, actions)

task_act = pages.act_view(
    PAGES,
    perm="case.view",
    forms=ACTION_FORMS,
    make_form=lambda request, task, action: ACTION_FORMS[action](request.POST, request.FILES, prefix=action),
    perform=_perform,
    default_field="file",
)
task_extension_request = pages.extension_request_view(
    PAGES, perm="case.handle", make_form=lambda data, _case: forms.ExtensionForm(data, prefix="extension")
)
task_extension_decide = pages.extension_decide_view(PAGES, perm=DISPATCH, id_kwarg="task_extension_id")
task_attachment_add = pages.attachment_add_view(
    PAGES, perm="case.handle", form_class=forms.FileForm, add=actions.add_attachment
)


@role_required("case.view")
def task_attachment(request, task_id: int, task_file_id: int):
    task = get_scoped_or_404(Task, request.user, "view", pk=task_id)
    attachment = get_object_or_404(Attachment, pk=task_file_id, task=task)
    return pages.serve_file(request, attachment, region_code=task.region_id)


task_alert_acknowledge = pages.alert_acknowledge_view(
    TASK,
    perm="case.view",
    id_kwarg="task_alert_id",
    said=lambda alert: _("Alert on “%(task)s” marked as seen.") % {"task": alert.task.title},
    to="tasks:mine",
)


# --- meetings ---------------------------------------------------------------------------------------


@role_required("case.view")
def meeting_list(request):
    form = forms.MeetingFilterForm(request.GET or None)
    kind = region = ""
    start = end = None
    if request.GET and form.is_valid():
        kind, region = form.cleaned_data["kind"], form.cleaned_data["region"]
        start = form.cleaned_data["date_from"]
        last = form.cleaned_data["date_to"]
        end = last + dt.timedelta(days=1) if last else None
    return _list_page(
        request,
        "tasks/meetings.html",
        form,
        lambda: queries.meetings(request.user, kind=kind, region=region, start=start, end=end).select_related(
            "region"
        ),
        "held_on",
        dt.date,
        can_record=bool(actions.assigner_units(request.user)),
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
    if not acted(form, lambda data: actions.add_decision(request.user, meeting, **data)):
        return _meeting_page(request, meeting, decision_form=form, status=400)
    messages.success(request, _("Decision recorded."))
    return redirect("tasks:meeting", meeting_id=meeting.pk)


@post_only
@role_required(DISPATCH)
def meeting_file_add(request, meeting_id: int):
    meeting = get_scoped_or_404(Meeting, request.user, "view", pk=meeting_id)
    form = forms.FileForm(request.POST, request.FILES)
    if not acted(
        form,
        lambda data: actions.add_minutes(
            request.user, meeting, data["file"], description=data["description"]
        ),
    ):
        return _meeting_page(request, meeting, file_form=form, status=400)
    messages.success(request, _("File added."))
    return redirect("tasks:meeting", meeting_id=meeting.pk)


@role_required("case.view")
def meeting_file(request, meeting_id: int, meeting_file_id: int):
    meeting = get_scoped_or_404(Meeting, request.user, "view", pk=meeting_id)
    stored = get_object_or_404(MeetingFile, pk=meeting_file_id, meeting=meeting)
    return _download(request, stored, meeting.region_id)


# --- files kept beside reports, activities and meetings ------------------------------------------------


def _download(request, stored, region_code: str):
    return pages.serve_file(request, stored, region_code=region_code)


def _add_file(request, owner, add, back: str):
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a file."))
        return redirect(back), 400
    try:
        add(request.user, owner, upload)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back), 400
    messages.success(request, _("File added."))
    return redirect(back), 302


# --- major-matter reports and document reviews ------------------------------------------------------


def _handled_units(user, perm: str = "case.handle") -> list[Region]:
    from anju.core.scoping import units_for

    codes = units_for(user, perm)
    regions = Region.objects.filter(retired_on__isnull=True)
    if codes is not None:
        regions = regions.filter(code__in=codes)
    return list(regions.order_by("code")[:200])


@role_required("case.view")
def report_list(request):
    try:
        after, before = _cursors(request, dt.datetime)
    except ValueError:
        messages.error(request, _(CURSOR_REFUSED))
        return render(request, "tasks/reports.html", {"rows": [], "reviews": []}, status=400)
    form = forms.ReportFilterForm(request.GET or None)
    if request.GET and not form.is_valid():
        return render(request, "tasks/reports.html", {"form": form, "rows": [], "reviews": []}, status=400)
    filters = {k: v for k, v in (form.cleaned_data if request.GET else {}).items() if v not in (None, "")}
    reports = queries.filtered_reports(request.user, **filters).select_related("region")
    page = queries.page(reports, "submitted_at", after=after, before=before, size=PAGE_SIZE)
    limits.colour_rows(REPORT, page.rows)  # the card of the acknowledgement while it waits
    reviews = DocumentReview.objects.visible_to(request.user, "view").select_related("region")[:20]
    return render(
        request,
        "tasks/reports.html",
        {
            "form": form,
            "rows": page.rows,
            "next_cursor": page.next,
            "prev_cursor": page.prev,
            "query": keyset.pager_query(request),
            "reviews": reviews,
            "can_report": bool(_handled_units(request.user)),
            "can_log": bool(actions.assigner_units(request.user)),
        },
    )


@role_required("case.handle")
def report_create(request):
    units = _handled_units(request.user)
    form = forms.ReportForm(request.POST or None, units=units)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = dict(form.cleaned_data)
            region = get_scoped_or_404(Region, request.user, "case.handle", code=data.pop("region"))
            try:
                report = actions.submit_report(request.user, region=region, **data)
            except ValidationError as error:
                show_errors(form, error)
            else:
                messages.success(request, _("Report sent to the county committee."))
                return redirect("tasks:report", matter_report_id=report.pk)
    return render(request, "tasks/report_create.html", {"form": form}, status=status)


def _report_page(request, report: MatterReport, *, answer_form=None, close_form=None, status: int = 200):
    from anju.core.scoping import covers

    from .report_kind import report_colour
    from .report_views import CloseForm

    report = (
        MatterReport.objects.select_related("region", "submitted_by", "acknowledged_by")
        .prefetch_related("files", "tasks__handling_unit", "timeline__actor")
        .get(pk=report.pk)
    )
    return render(
        request,
        "tasks/report.html",
        {
            "report": report,
            "colour": report_colour(report),
            "can_answer": actions.may_answer_report(request.user, report),
            "allowed": actions.report_transitions(report, request.user),
            "close_form": close_form or CloseForm(),
            "can_attach": covers(request.user, "case.handle", report.region_id),
            "answer_form": answer_form or forms.AnswerForm(),
            "file_form": forms.FileForm(),
        },
        status=status,
    )


@role_required("case.view")
def report_detail(request, matter_report_id: int):
    return _report_page(request, get_scoped_or_404(MatterReport, request.user, "view", pk=matter_report_id))


@post_only
@role_required(DISPATCH)
def report_answer(request, matter_report_id: int):
    report = get_scoped_or_404(MatterReport, request.user, "view", pk=matter_report_id)
    form = forms.AnswerForm(request.POST)
    if not acted(form, lambda data: actions.answer_report(request.user, report, **data)):
        return _report_page(request, report, answer_form=form, status=400)
    messages.success(request, _("Answer recorded."))
    return redirect("tasks:report", matter_report_id=report.pk)


@post_only
@role_required("case.handle")
def report_file_add(request, matter_report_id: int):
    report = get_scoped_or_404(MatterReport, request.user, "view", pk=matter_report_id)
    response, status = _add_file(
        request, report, actions.add_report_file, reverse("tasks:report", args=[report.pk])
    )
    if status == 400:
        return _report_page(request, report, status=400)
    return response


@role_required("case.view")
def report_file(request, matter_report_id: int, report_file_id: int):
    report = get_scoped_or_404(MatterReport, request.user, "view", pk=matter_report_id)
    return _download(
        request, get_object_or_404(MatterReportFile, pk=report_file_id, report=report), report.region_id
    )


@role_required(DISPATCH)
def review_create(request):
    units = actions.assigner_units(request.user)
    form = forms.ReviewForm(request.POST or None, units=units)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = dict(form.cleaned_data)
            region = get_scoped_or_404(Region, request.user, DISPATCH, code=data.pop("region"))
            try:
                actions.log_review(request.user, region=region, **data)
            except ValidationError as error:
                show_errors(form, error)
            else:
                messages.success(request, _("Review logged."))
                return redirect("tasks:reports")
    return render(request, "tasks/review_create.html", {"form": form}, status=status)


# --- activities ----------------------------------------------------------------------------------------


def _activities(request, form):
    filters = form.cleaned_data if request.GET and form.is_valid() else {}
    return queries.filtered_activities(
        request.user, **{k: v for k, v in filters.items() if v not in (None, "")}
    ).select_related("region")


@role_required("case.view")
def activity_list(request):
    form = forms.ActivityFilterForm(request.GET or None)
    return _list_page(
        request,
        "tasks/activities.html",
        form,
        lambda: _activities(request, form),
        "held_on",
        dt.date,
        can_record=bool(actions.assigner_units(request.user)),
    )


@role_required("case.view")
def activity_export(request, fmt: str):
    from anju.core.export import streaming_response

    from . import sheets

    if fmt not in ("csv", "xlsx"):
        raise Http404
    form = forms.ActivityFilterForm(request.GET or None)
    if request.GET and not form.is_valid():
        return render(request, "tasks/activities.html", {"form": form, "rows": []}, status=400)
    rows = sheets.export_rows(_activities(request, form).order_by("held_on", "id"))
    return streaming_response(fmt, sheets.HEADERS, rows, title="活动", filename=f"activities.{fmt}")


@role_required(DISPATCH)
def activity_create(request):
    units = actions.assigner_units(request.user)
    form = forms.ActivityForm(request.POST or None, units=units)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = dict(form.cleaned_data)
            region = get_scoped_or_404(Region, request.user, DISPATCH, code=data.pop("region"))
            try:
                activity = actions.record_activity(request.user, region=region, **data)
            except ValidationError as error:
                show_errors(form, error)
            else:
                messages.success(request, _("Activity recorded."))
                return redirect("tasks:activity", activity_id=activity.pk)
    return render(request, "tasks/activity_create.html", {"form": form}, status=status)


@role_required(DISPATCH)
def activity_import(request):
    from . import sheets

    form = forms.SheetForm(request.POST or None, request.FILES or None)
    report = None
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            report = sheets.import_activities(request.user, upload.read(), upload.name)
            if report.ok:
                messages.success(request, _("%(count)d activities imported.") % {"count": report.created})
                return redirect("tasks:activities")
    context = {
        "form": form,
        "report": report,
        "sheet": sheets.ACTIVITIES,
        "template_url": reverse("tasks:activity_template"),
    }
    return render(request, "tasks/activity_import.html", context, status=status)


def _activity_page(request, activity: Activity, status: int = 200):
    from anju.core.scoping import covers

    activity = Activity.objects.select_related("region").prefetch_related("files").get(pk=activity.pk)
    return render(
        request,
        "tasks/activity.html",
        {
            "activity": activity,
            "can_attach": covers(request.user, DISPATCH, activity.region_id),
            "file_form": forms.FileForm(),
        },
        status=status,
    )


@role_required("case.view")
def activity_detail(request, activity_id: int):
    return _activity_page(request, get_scoped_or_404(Activity, request.user, "view", pk=activity_id))


@post_only
@role_required(DISPATCH)
def activity_file_add(request, activity_id: int):
    activity = get_scoped_or_404(Activity, request.user, "view", pk=activity_id)
    response, status = _add_file(
        request, activity, actions.add_activity_file, reverse("tasks:activity", args=[activity.pk])
    )
    return _activity_page(request, activity, status=400) if status == 400 else response


@role_required("case.view")
def activity_file(request, activity_id: int, activity_file_id: int):
    activity = get_scoped_or_404(Activity, request.user, "view", pk=activity_id)
    stored = get_object_or_404(ActivityFile, pk=activity_file_id, activity=activity)
    return _download(request, stored, activity.region_id)


# --- village rectification ------------------------------------------------------------------------------


@role_required("case.view")
def rectification_list(request):
    rows = Rectification.objects.visible_to(request.user, "view").select_related("region")[:500]
    return render(
        request,
        "tasks/rectifications.html",
        {"rows": rows, "can_list": bool(actions.assigner_units(request.user))},
    )


@role_required(DISPATCH)
def rectification_create(request):
    form = forms.RectificationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = dict(form.cleaned_data)
            region = (
                Region.objects.visible_to(request.user, DISPATCH)
                .filter(code=data.pop("region").strip())
                .first()
            )
            if region is None:
                form.add_error("region", _("No unit has this code."))
            else:
                try:
                    rectification = actions.list_village(request.user, region=region, **data)
                except ValidationError as error:
                    show_errors(form, error)
                else:
                    messages.success(request, _("Village listed for rectification."))
                    return redirect("tasks:rectification", rectification_id=rectification.pk)
    return render(request, "tasks/rectification_create.html", {"form": form}, status=status)


def _rectification_page(
    request, rectification: Rectification, *, plan_form=None, accept_form=None, status=200
):
    from anju.core.scoping import covers

    rectification = (
        Rectification.objects.select_related("region")
        .prefetch_related("measures__handling_unit")
        .get(pk=rectification.pk)
    )
    measures = _task_rows(list(rectification.measures.all()))
    open_plan = rectification.accepted_at is None
    return render(
        request,
        "tasks/rectification.html",
        {
            "rectification": rectification,
            "measures": measures,
            "can_plan": open_plan and covers(request.user, DISPATCH, rectification.region_id),
            "can_accept": open_plan and covers(request.user, DISPATCH, rectification.region_id[:9]),
            "can_assign": open_plan and bool(actions.assigner_units(request.user)),
            "plan_form": plan_form
            or forms.PlanForm(
                initial={
                    "plan": rectification.plan,
                    "cadre_name": rectification.cadre_name,
                    "cadre_unit": rectification.cadre_unit,
                }
            ),
            "accept_form": accept_form or forms.AcceptanceForm(),
        },
        status=status,
    )


@role_required("case.view")
def rectification_detail(request, rectification_id: int):
    return _rectification_page(
        request, get_scoped_or_404(Rectification, request.user, "view", pk=rectification_id)
    )


@post_only
@role_required(DISPATCH)
def rectification_plan(request, rectification_id: int):
    rectification = get_scoped_or_404(Rectification, request.user, "view", pk=rectification_id)
    form = forms.PlanForm(request.POST)
    if not acted(form, lambda data: actions.set_plan(request.user, rectification, **data)):
        return _rectification_page(request, rectification, plan_form=form, status=400)
    messages.success(request, _("Plan saved."))
    return redirect("tasks:rectification", rectification_id=rectification.pk)


@post_only
@role_required(DISPATCH)
def rectification_accept(request, rectification_id: int):
    rectification = get_scoped_or_404(Rectification, request.user, "view", pk=rectification_id)
    form = forms.AcceptanceForm(request.POST)
    if not acted(form, lambda data: actions.accept_rectification(request.user, rectification, **data)):
        return _rectification_page(request, rectification, accept_form=form, status=400)
    messages.success(request, _("Rectification accepted."))
    return redirect("tasks:rectification", rectification_id=rectification.pk)
