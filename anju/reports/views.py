"""The statistics page: the headline figures and their breakdowns for a region, period and
category in the user's jurisdiction. Every number comes from anju.reports.metrics."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anju.core import export
from anju.core.scoping import get_scoped_or_404
from anju.core.views import role_required
from anju.regions import codes
from anju.regions.models import Region

from . import assessment as assessment_tables
from . import catalogue, drill, metrics, periods
from . import dashboard as dashboard_tables
from .forms import FiguresForm
from .models import AssessmentScheme


@role_required("case.view")
def dispute_figures(request):
    form = FiguresForm(request.GET or None)
    if request.GET and not form.is_valid():
        return render(request, "reports/disputes.html", {"form": form, "figures": None}, status=400)
    if request.GET:
        data = form.cleaned_data
        region, category, start, end = data["region"], data["category"], data["start"], data["end"]
    else:
        region, category = "", ""
        start, end = metrics.default_period(form.today)
    if region:
        # Outside the jurisdiction (or unknown) is a 404, so nobody learns which codes exist.
        get_scoped_or_404(Region, request.user, "case.view", code=region)
    figures = metrics.dispute_figures(
        request.user, start=start, end=end, region=region or None, category=category or None
    )
    # Each region row links to the same figures one level down.
    query = {"date_from": start.isoformat(), "date_to": figures.last_day.isoformat()}
    if category:
        query["category"] = category
    return render(
        request,
        "reports/disputes.html",
        {"form": form, "figures": figures, "drill_query": urlencode(query)},
    )


# The large screen of a county centre reloads the page this often (milliseconds).
SCREEN_RELOAD_MS = 300_000


@role_required("case.view")
def dashboard(request):
    """The dashboard: every figure of the catalogue for a period and a region of the user's
    jurisdiction, with comparisons, breakdowns as charts and tables, and drill-down by region."""
    screen = request.GET.get("screen") == "1"
    region = request.GET.get("region", "").strip()
    context = {"screen": screen, "period_text": request.GET.get("period", ""), "region": region}
    try:
        period = periods.parse(request.GET.get("period"))
        if region:
            codes.level_of(region)
    except (ValueError, ValidationError) as error:
        message = error.messages[0] if isinstance(error, ValidationError) else str(error)
        return render(request, "reports/dashboard.html", {**context, "error": message}, status=400)
    if region:
        get_scoped_or_404(Region, request.user, "case.view", code=region)
    sheet = catalogue.values(request.user, period, region=region or None)
    tables = dashboard_tables.tables(sheet, region or None, screen=screen)
    minimum = AssessmentScheme.current().minimum_cases
    ranking = dashboard_tables.ranking_table(sheet, region or None, minimum, screen=screen)
    download = request.GET.get("download")
    if download:
        chosen = [dashboard_tables.figure_table(sheet), *tables, ranking]
        table = next((t for t in chosen if t.key == download), None)
        if table is None:
            raise Http404
        return export.streaming_response(
            "xlsx",
            list(table.headers),
            table.sheet_rows(),
            title=str(table.title)[:31],
            filename=f"figures-{table.key}-{sheet.disputes.region_code or 'all'}-{period.text}.xlsx",
        )
    headline = [
        {
            "value": value,
            "cases_url": drill.cases_url(value.figure, period, region or None)
            if drill.may_open(request.user, value.figure)
            else None,
        }
        for value in sheet.values
    ]
    groups = headline_groups(headline)
    base_query = {"period": period.text, **({"region": region} if region else {})}
    return render(
        request,
        "reports/dashboard.html",
        {
            **context,
            "period": period,
            "sheet": sheet,
            "figures": sheet.disputes,
            "headline": headline,
            "headline_groups": groups,
            "tables": tables,
            "ranking": ranking,
            "minimum_cases": minimum,
            "overdue": metrics.overdue_cases(request.user, region=region or None),
            "overdue_all": drill.cases_url(catalogue.BY_NAME["disputes.overdue"], period, region or None),
            "crumbs": _crumbs(request.user, sheet.disputes.region_code, period, screen),
            "quick_periods": _quick_periods(period),
            "query": urlencode(base_query),
            "screen_query": urlencode({**base_query, "screen": "1"}),
            "reload_ms": SCREEN_RELOAD_MS,
        },
    )


def _crumbs(user, code: str | None, period: periods.Period, screen: bool) -> list[dict]:
    """The regions from the top of the user's jurisdiction down to `code`, each a link."""
    if not code:
        return []
    prefixes = [code[:n] for n in (6, 9, 12, 15) if n < len(code)] + [code]
    regions = Region.objects.visible_to(user, "case.view").filter(code__in=prefixes)
    crumbs = []
    for region in sorted(regions, key=lambda r: len(r.code)):
        query = {"period": period.text, "region": region.code, **({"screen": "1"} if screen else {})}
        crumbs.append({"name": region.name, "code": region.code, "url": f"?{urlencode(query)}"})
    return crumbs


def _quick_periods(period: periods.Period) -> list[periods.Period]:
    today = timezone.localdate()
    this_year = periods.parse(str(today.year))
    quarter = periods.parse(f"{today.year}-Q{(today.month - 1) // 3 + 1}")
    month = periods.parse(f"{today.year}-{today.month:02d}")
    return [this_year, this_year.previous(), quarter, quarter.previous(), month]


@role_required("case.view")
def assessment(request):
    """The township assessment (平安建设领导责任制考评) for a period: scores, ranks, the counts
    behind them (each opening as its cases), the rule against ranking by chance, and the XLSX."""
    region = request.GET.get("region", "").strip()
    context = {
        "period_text": request.GET.get("period", ""),
        "region": region,
        "labels": assessment_tables.LABELS,
    }
    try:
        period = periods.parse(request.GET.get("period"))
        if region and len(region) > metrics.TOWNSHIP_CODE_LENGTH:
            raise ValueError(_("Townships are assessed: choose a county or a township."))
        if region:
            codes.level_of(region)
    except (ValueError, ValidationError) as error:
        message = error.messages[0] if isinstance(error, ValidationError) else str(error)
        return render(request, "reports/assessment.html", {**context, "error": message}, status=400)
    if region:
        get_scoped_or_404(Region, request.user, "case.view", code=region)
    result = metrics.township_assessment(
        request.user, start=period.start, end=period.end, region=region or None
    )
    if request.GET.get("download") == "xlsx":
        headers, rows = assessment_tables.sheet(result)
        return export.streaming_response(
            "xlsx",
            headers,
            rows,
            title=str(_("Township assessment"))[:31],
            filename=f"assessment-{region or 'all'}-{period.text}.xlsx",
        )
    query = {"period": period.text, **({"region": region} if region else {})}
    return render(
        request,
        "reports/assessment.html",
        {
            **context,
            "period": period,
            "result": result,
            "rows": assessment_tables.rows(result, period),
            "columns": assessment_tables.columns(result),
            "query": urlencode(query),
            "quick_periods": _quick_periods(period),
            "z": metrics.Z_95,
        },
    )


# The headline figures fold by kind, so a phone shows the disputes' figures and the titles of the
# others (26 cards made the page three screens long); the kinds not named here fold together.
HEADLINE_KINDS = {
    "disputes": gettext_lazy("Disputes"),
    "events": gettext_lazy("Grid events"),
    "tips": gettext_lazy("Tips"),
    "meetings": gettext_lazy("Meetings and decisions"),
    "tasks": gettext_lazy("Supervised tasks"),
}
OPEN_KINDS = {"disputes"}


def headline_groups(headline: list[dict]) -> list[dict]:
    """The headline figures by kind, in the catalogue's order, each kind's figures together."""
    groups: dict[str, dict] = {}
    for item in headline:
        kind = item["value"].figure.name.split(".", 1)[0]
        key = kind if kind in HEADLINE_KINDS else "other"
        title = HEADLINE_KINDS.get(key, gettext_lazy("Other figures"))
        groups.setdefault(key, {"key": key, "title": title, "open": key in OPEN_KINDS, "items": []})
        groups[key]["items"].append(item)
    other = groups.pop("other", None)
    return [*groups.values(), *([other] if other else [])]
