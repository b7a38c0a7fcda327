"""Named reads of report templates and issued reports, each starting from the user's jurisdiction."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from anju.core.scoping import ALL, prefixes_for

from .models import IssuedReport, ReportTemplate
from .shipped import annual_template

KEEP = "report.template"
TEMPLATE_CODE_LENGTHS = (6, 9)  # county and township
READ = "case.view"


def templates_kept_by(user) -> QuerySet[ReportTemplate]:
    """The templates the user may edit: those of regions they keep templates for (the shipped,
    county-wide ones only with a county-wide grant)."""
    annual_template()
    return ReportTemplate.objects.visible_to(user, KEEP)


def templates_for(user, perm: str = READ) -> QuerySet[ReportTemplate]:
    """The templates the user may write reports from: the shipped ones, those of the regions above
    their jurisdiction (a township uses its county's) and those kept inside it."""
    annual_template()
    prefixes = prefixes_for(user, perm)
    if prefixes is ALL:
        return ReportTemplate.objects.all()
    if not prefixes:
        return ReportTemplate.objects.none()
    q = Q(region__isnull=True)
    # Templates are kept by counties and townships (where administrators are assigned): a village's
    # staff write from their township's and county's.
    above = {prefix[:n] for prefix in prefixes for n in TEMPLATE_CODE_LENGTHS if n < len(prefix)}
    q |= Q(region_id__in=above | set(prefixes))
    for prefix in prefixes:
        q |= Q(region__code__startswith=prefix)
    return ReportTemplate.objects.filter(q)


def issued_reports(user) -> QuerySet[IssuedReport]:
    return IssuedReport.objects.visible_to(user, READ).select_related("region", "template_version__template")


def template_for_or_404(user, pk: int) -> ReportTemplate:
    """One of the templates the user may write reports from (templates_for), else 404. Not
    get_scoped_or_404: its visible_to would leave out the county's and the shipped templates, which
    a township uses."""
    template = templates_for(user).filter(pk=pk).first()
    if template is None:
        raise Http404
    return template
