"""The statistics page: the headline figures and their breakdowns for a region, period and
category in the user's jurisdiction. Every number comes from anju.reports.metrics."""

from __future__ import annotations

from urllib.parse import urlencode

from django.shortcuts import render

from anju.core.scoping import get_scoped_or_404
from anju.core.views import role_required
from anju.regions.models import Region

from . import metrics
from .forms import FiguresForm


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
