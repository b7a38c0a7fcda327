"""The work report from the browser: choose period, region and format; a background job writes the
file while the page shows its progress; the file goes to the person who asked, audited."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from anju.audit.actions import record
from anju.core import importjobs
from anju.core.models import ImportJob
from anju.core.scoping import covers, get_scoped_or_404, prefixes_for
from anju.core.views import role_required
from anju.regions import codes
from anju.regions.models import Region

from . import officialdoc, periods, reportjobs
from .models import TemplateVersion
from .queries import issued_reports, templates_for


class ReportForm(forms.Form):
    period = forms.CharField(
        label=_("period"),
        max_length=40,
        required=False,
        help_text=_("2026, 2026-H1, 2026-Q3, 2026-03 or 2026-01-01..2026-03-31; empty: this year."),
    )
    region = forms.CharField(
        label=_("region code"),
        max_length=17,
        widget=forms.TextInput(attrs={"list": "report-regions", "inputmode": "numeric"}),
    )
    format = forms.ChoiceField(
        label=_("format"),
        choices=[
            ("docx", _("Word (official document layout)")),
            ("pdf", "PDF"),
            ("xlsx", _("Excel (the statistical tables)")),
        ],
        initial="docx",
        widget=forms.RadioSelect,
    )
    # From the work report page: the template version the person read; from an issued report's
    # page: that report, downloaded as it was issued.
    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    issued = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, regions: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.regions = regions
        if regions and not self.initial.get("region"):
            self.initial["region"] = regions[0][0]

    def clean_region(self) -> str:
        return self.cleaned_data["region"].strip()


# The job page reloads itself this often while the job runs (seconds).
RELOAD_SECONDS = 2


@role_required("case.view")
def report(request):
    """GET: the form (and, with ?job=, that job's progress or its file); POST: queue the job."""
    token = request.GET.get("job", "")
    if request.method == "POST":
        return _queue(request)
    if token:
        job = _job_or_404(request.user, token)
        if request.GET.get("download"):
            return _download(request, job)
        return _progress(request, job)
    form = ReportForm(
        initial={"period": request.GET.get("period", ""), "region": request.GET.get("region", "")},
        regions=_region_choices(request.user),
    )
    return _form_page(request, form)


def _queue(request):
    form = ReportForm(request.POST, regions=_region_choices(request.user))
    if not form.is_valid():
        return _form_page(request, form, status=400)
    data = form.cleaned_data
    try:
        period = periods.parse(data["period"])
    except ValueError as error:
        form.add_error("period", str(error))
        return _form_page(request, form, status=400)
    code = data["region"]
    try:
        codes.level_of(code)
    except ValidationError as error:
        form.add_error("region", error)
        return _form_page(request, form, status=400)
    # Outside the jurisdiction (or unknown) is a 404, so nobody learns which codes exist.
    region = get_scoped_or_404(Region, request.user, "case.view", code=code)
    issued = version = None
    if data["issued"]:
        # An issued report keeps its own region and period, whatever the form says.
        issued = get_scoped_or_404(issued_reports(request.user), request.user, "case.view", pk=data["issued"])
        region, period = issued.region, issued.period_object
    elif data["version"]:
        version = get_object_or_404(
            TemplateVersion, pk=data["version"], template__in=templates_for(request.user)
        )
    if data["format"] == "pdf" and officialdoc.soffice() is None:
        form.add_error("format", officialdoc.pdf_missing_message())
        return _form_page(request, form, status=400)
    job = reportjobs.start(
        request.user,
        period,
        region,
        data["format"],
        translation.get_language(),
        version=version,
        issued=issued,
    )
    return redirect(f"{reverse('reports:report')}?job={job.token}")


def _job_or_404(user, token: str) -> ImportJob:
    """The person's own job, while its region is still in their jurisdiction."""
    job = importjobs.job_of(token, user, reportjobs.KIND)
    if job is None or not covers(user, "case.view", job.mapping.get("region", "")):
        raise Http404
    return job


def _progress(request, job: ImportJob):
    return render(
        request,
        "reports/report_job.html",
        {
            "job": job,
            "request_made": job.mapping,
            "period": periods.parse(job.mapping["period"]),
            "region": Region.objects.filter(code=job.mapping["region"]).first(),
            "running": job.running,
            "reload_seconds": RELOAD_SECONDS,
            "error": (job.report or {}).get("error", ""),
            "summary": job.report if job.state == ImportJob.State.DONE else None,
        },
    )


def _download(request, job: ImportJob):
    if job.state != ImportJob.State.DONE or not job.data:
        raise Http404
    fmt = job.mapping["format"]
    data = bytes(job.data)
    record(
        request.user,
        "report.download",
        region_code=job.mapping["region"],
        after={
            "format": fmt,
            "period": job.mapping["period"],
            "file": job.filename,
            "bytes": len(data),
            **{key: job.mapping[key] for key in ("issued", "number", "version") if key in job.mapping},
        },
    )
    response = HttpResponse(data, content_type=officialdoc.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{job.filename}"'
    return response


def _form_page(request, form, *, status: int = 200):
    return render(
        request,
        "reports/report_form.html",
        {
            "form": form,
            "pdf_missing": officialdoc.pdf_missing_message() if officialdoc.soffice() is None else "",
            "jobs": importjobs.recent(request.user, reportjobs.KIND, limit=5),
        },
        status=status,
    )


def _region_choices(user) -> list[tuple[str, str]]:
    """The tops of the user's jurisdiction and the regions one level below them."""
    tops = prefixes_for(user, "case.view")
    regions = Region.objects.visible_to(user, "case.view").filter(retired_on__isnull=True)
    if tops is None:
        regions = regions.filter(parent__isnull=True) | regions.filter(parent__parent__isnull=True)
    else:
        regions = regions.filter(Q(code__in=tops) | Q(parent_id__in=tops))
    return [(r.code, f"{r.name}（{r.code}）") for r in regions.order_by("code")[:500]]
