"""The statistics API: the same figures as the statistics page, from anju.reports.metrics."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field, model_validator

from anju.core.api import perm_auth
from anju.core.scoping import get_scoped_or_404
from anju.disputes.choices import Category
from anju.regions.models import Region
from anju.regions.queries import roots_for

from . import catalogue, drill, generator, metrics, periods
from .queries import issued_reports, template_for_or_404, templates_for
from .shipped import annual_template

router = Router(tags=["reports"])
VIEW = perm_auth("case.view")
ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"


class FiguresQuery(Schema):
    region: str | None = Field(None, pattern=r"^(\d{6}(\d{3}){0,3}|\d{17})$", description="a region code")
    date_from: str | None = Field(None, pattern=ISO_DATE, description="first day, default 1 January")
    date_to: str | None = Field(None, pattern=ISO_DATE, description="last day (included), default today")
    category: Category | None = None

    @model_validator(mode="after")
    def period_is_usable(self):
        period(self.date_from, self.date_to)  # a ValueError here is a 422 with its message
        return self


def period(date_from: str | None, date_to: str | None) -> tuple[dt.date, dt.date]:
    """[start, end) from the query's days (both included); see metrics.period_from_days."""
    first_day = _day(date_from) if date_from else None
    last_day = _day(date_to) if date_to else None
    return metrics.period_from_days(first_day, last_day)


def _day(value: str) -> dt.date:
    # The pattern has checked the form; Python's own words for a day that does not exist are English.
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(_("%(value)s is not a date (YYYY-MM-DD).") % {"value": value}) from None


class LevelOut(Schema):
    level: str
    label: str
    resolved: int
    share: float | None
    share_display: str


class RowOut(Schema):
    key: str
    label: str
    found: int
    resolved: int
    resolution_rate: float | None
    resolution_rate_display: str


class FiguresOut(Schema):
    region_code: str | None
    region_name: str
    category: str | None
    date_from: dt.date
    date_to: dt.date = Field(description="last day included")
    found: int
    resolved: int
    resolution_rate: float | None
    resolution_rate_display: str
    resolved_by_level: list[LevelOut]
    not_passed_upward: int
    not_passed_upward_share: float | None
    not_passed_upward_display: str
    escalated: int
    urged: int
    overdue_now: int
    average_days_to_resolve: float | None
    by_category: list[RowOut]
    by_region: list[RowOut]
    by_month: list[RowOut]
    by_channel: list[RowOut]


@router.get("/disputes", response=FiguresOut, auth=VIEW, url_name="reports_disputes")
def reports_disputes(request, q: Query[FiguresQuery]):
    """Disputes found, resolved, the resolution rate and the level of resolution, with breakdowns
    by category, child region and month, for the caller's jurisdiction."""
    if q.region:
        get_scoped_or_404(Region, request.auth, "case.view", code=q.region)
    start, end = period(q.date_from, q.date_to)
    category = q.category.value if q.category else None
    figures = metrics.dispute_figures(request.auth, start=start, end=end, region=q.region, category=category)
    return figures.as_dict()


class SupervisionQuery(Schema):
    region: str | None = Field(None, pattern=r"^(\d{6}(\d{3}){0,3}|\d{17})$", description="a region code")
    date_from: str | None = Field(None, pattern=ISO_DATE, description="first day, default 1 January")
    date_to: str | None = Field(None, pattern=ISO_DATE, description="last day (included), default today")

    @model_validator(mode="after")
    def period_is_usable(self):
        period(self.date_from, self.date_to)  # a ValueError here is a 422 with its message
        return self


class EventFiguresQuery(Schema):
    region: str | None = Field(None, pattern=r"^(\d{6}(\d{3}){0,3}|\d{17})$", description="a region code")
    date_from: str | None = Field(None, pattern=ISO_DATE, description="first day, default 1 January")
    date_to: str | None = Field(None, pattern=ISO_DATE, description="last day (included), default today")
    category: str | None = Field(None, max_length=40, description="a minor class code of the event catalogue")

    @model_validator(mode="after")
    def period_is_usable(self):
        period(self.date_from, self.date_to)
        return self


class KindCountOut(Schema):
    key: str
    label: str
    count: int


class SupervisionOut(Schema):
    region_code: str | None
    date_from: dt.date
    date_to: dt.date = Field(description="last day included")
    meetings: int
    meetings_by_kind: list[KindCountOut]
    decisions: int
    tasks_assigned: int
    tasks_from_decisions: int
    tasks_accepted: int
    tasks_on_time: int
    tasks_late: int
    on_time_rate: float | None
    on_time_rate_display: str
    overdue_now: int
    reports: int
    reports_acknowledged: int
    reports_instructed: int
    reports_made_tasks: int
    activities: int
    activities_by_kind: list[KindCountOut]
    activity_participants: int
    villages_listed: int
    villages_accepted: int


@router.get("/supervision", response=SupervisionOut, auth=VIEW, url_name="reports_supervision")
def reports_supervision(request, q: Query[SupervisionQuery]):
    """Meetings by kind, decisions, supervised tasks assigned, accepted on time and late, and
    overdue now; major-matter reports acknowledged; activities by kind; villages rectified; for
    the caller's jurisdiction."""
    if q.region:
        get_scoped_or_404(Region, request.auth, "case.view", code=q.region)
    start, end = period(q.date_from, q.date_to)
    return metrics.supervision_figures(request.auth, start=start, end=end, region=q.region).as_dict()


class StageRateOut(Schema):
    stage: str
    label: str
    done: int
    on_time: int
    rate: float | None
    rate_display: str


class EventFiguresOut(Schema):
    region_code: str | None
    category: str | None
    start: dt.date
    end: dt.date = Field(description="first day after the period")
    reported: int
    filed: int
    voided: int
    closed: int
    returned_by_verification: int
    on_time_by_stage: list[StageRateOut]
    evaluated: int
    average_satisfaction: float | None
    satisfied_share: float | None
    satisfied_share_display: str


@router.get("/events", response=EventFiguresOut, auth=VIEW, url_name="reports_events")
def reports_events(request, q: Query[EventFiguresQuery]):
    """Grid events reported, filed, closed, the on-time rate per stage, returned by verification and
    satisfaction, for the caller's jurisdiction, with the dispute figures' region and period."""
    if q.region:
        get_scoped_or_404(Region, request.auth, "case.view", code=q.region)
    start, end = period(q.date_from, q.date_to)
    figures = metrics.event_figures(request.auth, start=start, end=end, region=q.region, category=q.category)
    return figures.as_dict()


class CatalogueQuery(Schema):
    region: str | None = Field(None, pattern=r"^(\d{6}(\d{3}){0,3}|\d{17})$", description="a region code")
    period: str | None = Field(
        None,
        max_length=40,
        description="2026, 2026-H1, 2026-Q3, 2026-03 or 2026-01-01..2026-03-31; default this year",
    )


class PeriodOut(Schema):
    text: str
    label: str
    date_from: dt.date
    date_to: dt.date = Field(description="last day included")


class FigureOut(Schema):
    name: str
    label: str
    unit: str
    definition: str
    counted: bool = Field(description="false: its kind is not built yet, the value reads 'not counted yet'")
    moment: bool = Field(description="true: counted at this moment, so no earlier values")
    value: int | float | None
    previous: int | float | None
    last_year: int | float | None
    change: int | float | None
    value_display: str
    previous_display: str
    last_year_display: str
    change_display: str
    cases_url: str | None = Field(description="the list of the cases the figure counts, where one exists")


class CatalogueOut(Schema):
    region_code: str | None
    region_name: str
    period: PeriodOut
    previous: PeriodOut
    last_year: PeriodOut
    figures: list[FigureOut]


def _period_out(period: periods.Period) -> dict:
    return {
        "text": period.text,
        "label": period.label,
        "date_from": period.start,
        "date_to": period.last_day,
    }


@router.get("/figures", response=CatalogueOut, auth=VIEW, url_name="reports_figures")
def reports_figures(request, q: Query[CatalogueQuery]):
    """Every named figure of the catalogue (label, unit, definition) for the caller's jurisdiction,
    a region in it and a period, with the previous period and the same period last year."""
    if q.region:
        get_scoped_or_404(Region, request.auth, "case.view", code=q.region)
    try:
        period = periods.parse(q.period)
    except ValueError as error:
        raise ValidationError({"period": [str(error)]}) from None
    sheet = catalogue.values(request.auth, period, region=q.region)
    figures = []
    for row in sheet.values:
        data = row.as_dict()
        may_open = drill.may_open(request.auth, row.figure)
        data["cases_url"] = drill.cases_url(row.figure, period, q.region) if may_open else None
        figures.append(data)
    return {
        "region_code": sheet.disputes.region_code,
        "region_name": sheet.disputes.region_name,
        "period": _period_out(period),
        "previous": _period_out(sheet.previous),
        "last_year": _period_out(sheet.last_year),
        "figures": figures,
    }


# --- work reports ------------------------------------------------------------------------------


class TemplateOut(Schema):
    id: int
    name: str
    region_code: str | None = Field(description="the region that keeps it; null: shipped, county-wide")
    version: int
    saved_at: dt.datetime


class TemplateDetailOut(TemplateOut):
    body: str = Field(description="the text of the current version, in the template language")
    versions: list[int]


def _template_out(template) -> dict:
    current = template.current
    return {
        "id": template.pk,
        "name": template.name,
        "region_code": template.region_id,
        "version": current.number,
        "saved_at": current.saved_at,
    }


@router.get("/templates", response=list[TemplateOut], auth=VIEW, url_name="reports_templates")
def reports_templates(request):
    """The work report templates the caller may write reports from."""
    return [_template_out(t) for t in templates_for(request.auth).prefetch_related("versions")]


@router.get("/templates/{template_id}", response=TemplateDetailOut, auth=VIEW, url_name="reports_template")
def reports_template(request, template_id: int):
    """One template, with the text of its current version and the numbers of all its versions."""
    template = template_for_or_404(request.auth, template_id)
    versions = list(template.versions.order_by("number").values_list("number", flat=True))
    return {**_template_out(template), "body": template.current.body, "versions": versions}


class PreviewQuery(CatalogueQuery):
    template: int | None = Field(None, ge=1, description="a template's id; default the shipped annual one")


class PartOut(Schema):
    text: str
    figure: str | None = None
    filter: str | None = None
    cases_url: str | None = None


class RowCellsOut(Schema):
    cells: list[str]
    cases_url: str | None = None


class BlockOut(Schema):
    type: str = Field(description="heading, paragraph, write (a paragraph people write) or table")
    level: int | None = None
    text: str | None = None
    parts: list[PartOut] | None = None
    key: str | None = None
    prompt: str | None = None
    name: str | None = None
    caption: str | None = None
    headers: list[str] | None = None
    rows: list[RowCellsOut] | None = None


class UsedFigureOut(Schema):
    name: str
    filter: str
    label: str
    value: int | float | None
    display: str


class ReportOut(Schema):
    title: str
    region_code: str
    period: str
    template: int
    template_version: int
    computed_at: dt.datetime = Field(description="when the figures were computed")
    blocks: list[BlockOut]
    figures: dict[str, UsedFigureOut] = Field(description="each figure the text used, by name|filter")


def _blocks_out(blocks: list[dict]) -> list[dict]:
    out = []
    for block in blocks:
        block = dict(block)
        if block["type"] == "paragraph":
            block["parts"] = [{**part, "cases_url": part.get("url")} for part in block["parts"]]
        elif block["type"] == "table":
            block["rows"] = [{"cells": row["cells"], "cases_url": row.get("url")} for row in block["rows"]]
        out.append(block)
    return out


@router.get("/preview", response=ReportOut, auth=VIEW, url_name="reports_preview")
def reports_preview(request, q: Query[PreviewQuery]):
    """The work report a template gives for a period and a region of the caller's jurisdiction, not
    issued: every figure with the list of its cases where one exists."""
    user = request.auth
    try:
        period = periods.parse(q.period)
    except ValueError as error:
        raise ValidationError({"period": [str(error)]}) from None
    if q.region:
        region = get_scoped_or_404(Region, user, "case.view", code=q.region)
    else:
        region = roots_for(user, "case.view").order_by("code").first()
        if region is None:
            raise ValidationError({"region": [_("Choose a region.")]})
    template = template_for_or_404(user, q.template) if q.template else annual_template()
    version = template.current
    draft = generator.render(user, period, version.body, region=region.code, region_name=region.name)
    return {
        "title": draft.title,
        "region_code": region.code,
        "period": period.text,
        "template": template.pk,
        "template_version": version.number,
        "computed_at": draft.computed_at,
        "blocks": _blocks_out(generator.linked(draft.blocks, period, region.code, user=user)),
        "figures": draft.figures,
    }


class IssuedOut(Schema):
    id: int
    number: str
    title: str
    issuer: str
    issued_on: dt.date
    region_code: str
    period: str
    template: int
    template_version: int
    computed_at: dt.datetime
    issued_at: dt.datetime


class IssuedDetailOut(IssuedOut):
    blocks: list[BlockOut]
    figures: dict[str, UsedFigureOut]
    differences: list[dict] = Field(
        description="figures whose value today differs: key, label, issued, today"
    )


def _issued_out(report) -> dict:
    return {
        "id": report.pk,
        "number": report.number,
        "title": report.title,
        "issuer": report.issuer,
        "issued_on": report.issued_on,
        "region_code": report.region_id,
        "period": report.period,
        "template": report.template_version.template_id,
        "template_version": report.template_version.number,
        "computed_at": report.computed_at,
        "issued_at": report.issued_at,
    }


@router.get("/issued", response=list[IssuedOut], auth=VIEW, url_name="reports_issued")
def reports_issued(request):
    """The work reports issued in the caller's jurisdiction, newest first."""
    return [_issued_out(r) for r in issued_reports(request.auth)[:200]]


@router.get("/issued/{issued_id}", response=IssuedDetailOut, auth=VIEW, url_name="reports_issued_one")
def reports_issued_one(request, issued_id: int):
    """One issued report as it was issued, and the figures that would differ today."""
    from .work_views import differences

    report = get_scoped_or_404(issued_reports(request.auth), request.auth, "case.view", pk=issued_id)
    period = report.period_object
    return {
        **_issued_out(report),
        "blocks": _blocks_out(generator.linked(report.blocks, period, report.region_id, user=request.auth)),
        "figures": report.figures,
        "differences": differences(request.auth, report),
    }
