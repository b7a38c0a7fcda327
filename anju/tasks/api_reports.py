"""The API of the committee's other records: major-matter reports on their workflow (with the
transition endpoints and the step that makes one a supervised task), leaders' reviews (阅批),
activities, village rectifications and the county departments tasks are addressed to. Lists are
keyset pages; everything starts from visible_to."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.responses import Status as HttpStatus
from pydantic import Field

from anju.core.api import perm_auth
from anju.core.scoping import get_scoped_or_404
from anju.regions.models import Region
from anju.workflow import limits

from . import actions, departments, queries
from .choices import DISPATCH, ActivityKind, Origin, ReportStatus, Urgency
from .models import Activity, DocumentReview, MatterReport, Rectification
from .report_kind import REPORT
from .schemas import TaskOut
from .schemas_reports import (
    ActivityIn,
    ActivityOut,
    ActivityPage,
    MatterReportIn,
    MatterReportOut,
    MatterReportPage,
    RectificationAcceptIn,
    RectificationIn,
    RectificationOut,
    RectificationPage,
    RectificationPlanIn,
    ReportCloseIn,
    ReportInstructionIn,
    ReportTaskIn,
    ReportVersioned,
    ReviewIn,
    ReviewOut,
    ReviewPage,
)

reports_router = Router(tags=["major-matter reports"])
reviews_router = Router(tags=["reviews"])
activities_router = Router(tags=["activities"])
rectifications_router = Router(tags=["rectifications"])
departments_router = Router(tags=["departments"])
VIEW = perm_auth("case.view")
HANDLE = perm_auth("case.handle")
ASSIGN = perm_auth(DISPATCH)
CURSOR_REFUSED = "This page cursor is not one the server gave out; start again from the first page."
CODE = r"^\d{6,17}$"


class Paging(Schema):
    cursor: str | None = Field(None, max_length=60)
    before: str | None = Field(None, max_length=60)
    limit: int = Field(50, ge=1, le=500)


def _page(found, field: str, f: Paging, kind: type) -> dict:
    try:
        after, before = queries.decode(f.cursor, kind), queries.decode(f.before, kind)
        if after and before:
            raise ValueError
    except ValueError:
        raise ValidationError({"query": [_(CURSOR_REFUSED)]}) from None
    page = queries.page(found, field, after=after, before=before, size=f.limit)
    return {"items": page.rows, "next_cursor": page.next, "prev_cursor": page.prev}


# --- major-matter reports -----------------------------------------------------------------------


class ReportFilter(Paging):
    status: ReportStatus | None = None
    urgency: Urgency | None = None
    region: str | None = Field(None, pattern=CODE)
    q: str | None = Field(None, max_length=50)


def report_file(report: MatterReport, user) -> dict:
    report = MatterReport.objects.prefetch_related("timeline__actor", "tasks", "files").get(pk=report.pk)
    fields = [
        "id",
        "title",
        "region_id",
        "urgency",
        "status",
        "submitted_at",
        "due_at",
        "version",
        "content",
        "handling_unit_id",
        "acknowledged_at",
        "instruction",
        "instructed_at",
    ]
    return {
        **{name: getattr(report, name) for name in fields},
        "supervision": limits.colour(REPORT, report),
        "allowed_actions": actions.report_transitions(report, user),
        "tasks": [t.pk for t in report.tasks.all()],
        "files": [f.original_name for f in report.files.all()],
        "timeline": list(report.timeline.all()),
    }


@reports_router.get("", response=MatterReportPage, auth=VIEW)
def list_reports(request, f: Query[ReportFilter]):
    found = MatterReport.objects.visible_to(request.auth, "view")
    if f.region:
        found = found.in_subtree(f.region)
    for name in ("status", "urgency"):
        if getattr(f, name):
            found = found.filter(**{name: getattr(f, name)})
    if f.q:
        found = found.filter(title__icontains=f.q)
    return _page(found, "submitted_at", f, dt.datetime)


@reports_router.post("", response={201: MatterReportOut}, auth=HANDLE)
def submit_report(request, payload: MatterReportIn):
    region = get_scoped_or_404(Region, request.auth, "case.handle", code=payload.region)
    report = actions.submit_report(request.auth, region=region, **payload.model_dump(exclude={"region"}))
    return HttpStatus(201, report_file(report, request.auth))


@reports_router.get("/{matter_report_id}", response=MatterReportOut, auth=VIEW)
def get_report(request, matter_report_id: int):
    report = get_scoped_or_404(MatterReport, request.auth, "view", pk=matter_report_id)
    return report_file(report, request.auth)


def _report(request, matter_report_id: int) -> MatterReport:
    return get_scoped_or_404(MatterReport, request.auth, "view", pk=matter_report_id)


@reports_router.post("/{matter_report_id}/acknowledge", response=MatterReportOut, auth=ASSIGN)
def acknowledge_report(request, matter_report_id: int, payload: ReportVersioned):
    """The county committee acknowledges the report: the limit of its acknowledgement stops."""
    changed = actions.acknowledge_report(request.auth, _report(request, matter_report_id), **payload.dict())
    return report_file(changed, request.auth)


@reports_router.post("/{matter_report_id}/instruct", response=MatterReportOut, auth=ASSIGN)
def instruct_report(request, matter_report_id: int, payload: ReportInstructionIn):
    """批示: the committee's instructions; the reporting unit is alerted."""
    changed = actions.instruct_report(request.auth, _report(request, matter_report_id), **payload.dict())
    return report_file(changed, request.auth)


@reports_router.post("/{matter_report_id}/close", response=MatterReportOut, auth=ASSIGN)
def close_report(request, matter_report_id: int, payload: ReportCloseIn):
    changed = actions.close_report(request.auth, _report(request, matter_report_id), **payload.dict())
    return report_file(changed, request.auth)


@reports_router.post("/{matter_report_id}/tasks", response={201: TaskOut}, auth=ASSIGN)
def make_task(request, matter_report_id: int, payload: ReportTaskIn):
    """Make the report a supervised task of the county committee, assigned to a unit or a county
    department; the report moves to "made a supervised task"."""
    from .api import task_file

    report = _report(request, matter_report_id)
    assigner = get_scoped_or_404(Region, request.auth, DISPATCH, code=report.handling_unit_id)
    unit = get_scoped_or_404(Region, request.auth, "case.view", code=payload.unit)
    task = actions.assign_task(
        request.auth,
        assigner_unit=assigner,
        unit=unit,
        title=payload.title or report.title,
        description=payload.description or report.instruction or report.content,
        deadline=payload.deadline,
        origin=Origin.MAJOR_REPORT,
        report=report,
        source_note=report.title[:200],
    )
    return HttpStatus(201, task_file(task, request.auth))


# --- leaders' reviews -------------------------------------------------------------------------------


class ReviewFilter(Paging):
    region: str | None = Field(None, pattern=CODE)
    q: str | None = Field(None, max_length=50)


@reviews_router.get("", response=ReviewPage, auth=VIEW)
def list_reviews(request, f: Query[ReviewFilter]):
    found = DocumentReview.objects.visible_to(request.auth, "view")
    if f.region:
        found = found.in_subtree(f.region)
    if f.q:
        found = found.filter(document__icontains=f.q)
    return _page(found, "reviewed_at", f, dt.datetime)


@reviews_router.post("", response={201: ReviewOut}, auth=ASSIGN)
def log_review(request, payload: ReviewIn):
    region = get_scoped_or_404(Region, request.auth, DISPATCH, code=payload.region)
    review = actions.log_review(request.auth, region=region, **payload.model_dump(exclude={"region"}))
    return HttpStatus(201, review)


@reviews_router.get("/{document_review_id}", response=ReviewOut, auth=VIEW)
def get_review(request, document_review_id: int):
    return get_scoped_or_404(DocumentReview, request.auth, "view", pk=document_review_id)


# --- activities ---------------------------------------------------------------------------------


class ActivityFilter(Paging):
    kind: ActivityKind | None = None
    region: str | None = Field(None, pattern=CODE)
    since: dt.date | None = None
    until: dt.date | None = None


@activities_router.get("", response=ActivityPage, auth=VIEW)
def list_activities(request, f: Query[ActivityFilter]):
    found = Activity.objects.visible_to(request.auth, "view")
    if f.kind:
        found = found.filter(kind=f.kind)
    if f.region:
        found = found.in_subtree(f.region)
    if f.since:
        found = found.filter(held_on__gte=f.since)
    if f.until:
        found = found.filter(held_on__lte=f.until)
    return _page(found, "held_on", f, dt.date)


@activities_router.post("", response={201: ActivityOut}, auth=ASSIGN)
def record_activity(request, payload: ActivityIn):
    region = get_scoped_or_404(Region, request.auth, DISPATCH, code=payload.region)
    activity = actions.record_activity(request.auth, region=region, **payload.model_dump(exclude={"region"}))
    return HttpStatus(201, activity)


@activities_router.get("/{activity_id}", response=ActivityOut, auth=VIEW)
def get_activity(request, activity_id: int):
    return get_scoped_or_404(Activity, request.auth, "view", pk=activity_id)


# --- village rectification -------------------------------------------------------------------------


class RectificationFilter(Paging):
    region: str | None = Field(None, pattern=CODE)
    accepted: bool | None = None


def rectification_file(rectification: Rectification) -> dict:
    rectification = Rectification.objects.prefetch_related("measures").get(pk=rectification.pk)
    return {
        **{
            name: getattr(rectification, name)
            for name in (
                "id",
                "listed_on",
                "accepted_at",
                "reason",
                "plan",
                "cadre_name",
                "cadre_unit",
                "acceptance_note",
            )
        },
        "region_id": rectification.region_id,
        "measures": [t.pk for t in rectification.measures.all()],
    }


@rectifications_router.get("", response=RectificationPage, auth=VIEW)
def list_rectifications(request, f: Query[RectificationFilter]):
    found = Rectification.objects.visible_to(request.auth, "view")
    if f.region:
        found = found.in_subtree(f.region)
    if f.accepted is not None:
        found = found.filter(accepted_at__isnull=not f.accepted)
    return _page(found, "listed_on", f, dt.date)


@rectifications_router.post("", response={201: RectificationOut}, auth=ASSIGN)
def list_village(request, payload: RectificationIn):
    region = get_scoped_or_404(Region, request.auth, DISPATCH, code=payload.village)
    rectification = actions.list_village(
        request.auth, region=region, listed_on=payload.listed_on, reason=payload.reason
    )
    return HttpStatus(201, rectification_file(rectification))


@rectifications_router.get("/{rectification_id}", response=RectificationOut, auth=VIEW)
def get_rectification(request, rectification_id: int):
    return rectification_file(get_scoped_or_404(Rectification, request.auth, "view", pk=rectification_id))


@rectifications_router.post("/{rectification_id}/plan", response=RectificationOut, auth=ASSIGN)
def set_plan(request, rectification_id: int, payload: RectificationPlanIn):
    rectification = get_scoped_or_404(Rectification, request.auth, "view", pk=rectification_id)
    return rectification_file(actions.set_plan(request.auth, rectification, **payload.model_dump()))


@rectifications_router.post("/{rectification_id}/accept", response=RectificationOut, auth=ASSIGN)
def accept_rectification(request, rectification_id: int, payload: RectificationAcceptIn):
    rectification = get_scoped_or_404(Rectification, request.auth, "view", pk=rectification_id)
    return rectification_file(actions.accept_rectification(request.auth, rectification, note=payload.note))


# --- county departments ------------------------------------------------------------------------------


class DepartmentOut(Schema):
    code: str = Field(..., description="its unit's code: assign tasks to it with this")
    name: str
    unfinished: int
    overdue: int


class DepartmentIn(Schema):
    county: str = Field(..., pattern=r"^\d{6}$")
    name: str = Field(..., min_length=1, max_length=100)


def _department(d) -> dict:
    return {"code": d.pk, "name": d.unit.name, "unfinished": d.unfinished, "overdue": d.overdue}


@departments_router.get("", response=list[DepartmentOut], auth=VIEW)
def list_departments(request):
    return [_department(d) for d in departments.departments(request.auth)]


@departments_router.post("", response={201: DepartmentOut}, auth=perm_auth("region.change"))
def add_department(request, payload: DepartmentIn):
    """An administrator adds a department to their county: a unit under it (code county + 501-599)."""
    county = get_scoped_or_404(Region, request.auth, "region.change", code=payload.county)
    department = departments.add_department(request.auth, county=county, name=payload.name)
    department.unfinished = department.overdue = 0
    return HttpStatus(201, _department(department))
