"""Pages for dispute ledgers (台账): upload, choose the columns, import (large files in the
background, with a progress page), and export the dispute list in the ledger's layout."""

from __future__ import annotations

from django import forms
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anju.audit.actions import record
from anju.core import export, importjobs, tabular
from anju.core.forms import ImportForm
from anju.core.models import ImportJob
from anju.core.views import post_only, role_required
from anju.regions.names import RegionNames

from . import ledger, queries
from .forms import FilterForm


class MappingForm(forms.Form):
    """Which row holds the headers, and which column of the file holds each field; the guess is
    preselected."""

    token = forms.CharField(widget=forms.HiddenInput, max_length=64)
    header_row = forms.IntegerField(
        label=gettext_lazy("Headers on row"), min_value=1, max_value=10_000, required=False
    )

    def __init__(self, *args, headers: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.headers = headers
        choices = [("", gettext_lazy("— not in the file —"))]
        choices += [
            (str(i), header or _("column %(number)d") % {"number": i + 1}) for i, header in enumerate(headers)
        ]
        for f in ledger.FIELDS:
            self.fields[f.key] = forms.ChoiceField(label=f.label, choices=choices, required=False)

    def clean(self):
        data = super().clean()
        chosen: dict[str, str] = {}
        for f in ledger.FIELDS:
            value = data.get(f.key)
            if not value:
                continue
            if value in chosen:
                message = _("This column is already chosen for %(field)s.")
                self.add_error(f.key, message % {"field": ledger.FIELD_BY_KEY[chosen[value]].label})
            chosen[value] = f.key
        for f in ledger.missing_fields(self.mapping(data)):
            self.add_error(f.key, _("Choose the column that holds this."))
        return data

    def mapping(self, data=None) -> dict[str, int]:
        data = self.cleaned_data if data is None else data
        return {
            f.key: int(data[f.key])
            for f in ledger.FIELDS
            if data.get(f.key) and data[f.key].isdigit() and int(data[f.key]) < len(self.headers)
        }

    def rows(self):
        """(field, its select) pairs for the template, required fields marked."""
        required = {f.key for f in ledger.FIELDS if f.required}
        return [(self[f.key], f.key in required) for f in ledger.FIELDS]


def _mapping_form(job: ImportJob, data=None, mapping: dict | None = None) -> MappingForm:
    chosen = ledger.guess_mapping(job.headers) if mapping is None else mapping
    initial = {"token": job.token, "header_row": job.header_row, **{k: str(i) for k, i in chosen.items()}}
    return MappingForm(data, headers=job.headers, initial=initial)


def _render_mapping(request, job: ImportJob, form: MappingForm, *, report=None, status=200, table=None):
    mapping = (
        form.mapping()
        if form.is_bound and hasattr(form, "cleaned_data")
        else ledger.guess_mapping(job.headers)
    )
    return render(
        request,
        "disputes/ledger_map.html",
        {
            "form": form,
            "state": job,
            "report": report,
            "background_above": ledger.BACKGROUND_ABOVE,
            "unused": ledger.LEDGER.unused(job.headers, mapping),
            "skipped": table.skipped if table is not None else [],
            "above": table.above[:5] if table is not None else [],
        },
        status=status,
    )


def _render_upload(request, form, status=200):
    return render(
        request,
        "disputes/ledger_upload.html",
        {
            "form": form,
            "jobs": importjobs.recent(request.user, ledger.KIND),
            "sheet": ledger.LEDGER,
            "template_url": reverse("ledger:template"),
        },
        status=status,
    )


@role_required("case.handle")
def ledger_template(request):
    """The ledger's template: its columns, an example row in the person's own jurisdiction, and
    the accepted values of its choice columns."""
    return ledger.LEDGER.template_response("ledger-template.xlsx", ledger.template_examples(request.user))


@role_required("case.handle")
def ledger_upload(request):
    """Step 1: the file. A readable file is kept and its columns offered for mapping (step 2)."""
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            table = tabular.read_table(data, upload.name, ledger.LEDGER)
        except tabular.TableError as error:
            form.add_error("file", str(error))
        else:
            if not table.rows:
                form.add_error("file", _("The file has no rows below its header."))
            else:
                job = importjobs.save_upload(
                    request.user,
                    ledger.KIND,
                    data,
                    upload.name,
                    table.headers,
                    table.header_row,
                    len(table.rows),
                )
                return _render_mapping(request, job, _mapping_form(job), table=table)
    return _render_upload(request, form, status=400 if request.method == "POST" else 200)


@post_only
@role_required("case.handle")
def ledger_run(request):
    """Step 3: import with the chosen columns. Large files go to the background worker. A header
    row other than the one found reads the headers again and shows the columns anew."""
    job = importjobs.job_of(request.POST.get("token", ""), request.user, ledger.KIND)
    if job is None or not job.data:
        raise Http404
    if job.running:  # submitted twice: show the import that is running
        return redirect(f"{reverse('ledger:job')}?job={job.token}")
    header_row = request.POST.get("header_row", "")
    if request.POST.get("reread") or (header_row.isdigit() and int(header_row) != job.header_row):
        try:
            table = tabular.read_table(
                bytes(job.data), job.filename, ledger.LEDGER, header_row=int(header_row)
            )
        except (ValueError, tabular.TableError) as error:
            form = _mapping_form(job)
            return _render_mapping(request, job, form, report=_file_problem(job, str(error)), status=400)
        importjobs.set_state(
            job,
            ImportJob.State.UPLOADED,
            headers=table.headers,
            header_row=table.header_row,
            rows=len(table.rows),
        )
        return _render_mapping(request, job, _mapping_form(job), table=table)
    form = _mapping_form(job, request.POST)
    if not form.is_valid():
        return _render_mapping(request, job, form, status=400)
    mapping = form.mapping()
    if job.rows > ledger.BACKGROUND_ABOVE:
        ledger.start_job(job, mapping, translation.get_language())
        return redirect(f"{reverse('ledger:job')}?job={job.token}")
    table = ledger.read_upload(job)
    parsed = ledger.parse_ledger(table, mapping, names=RegionNames.for_actor(request.user, "case.handle"))
    report = ledger.import_ledger(request.user, parsed, filename=job.filename)
    if not report.ok:
        # The file stays, so a wrong column can be chosen again without uploading it again.
        return _render_mapping(request, job, form, report=report, status=400, table=table)
    importjobs.set_state(job, ImportJob.State.DONE, mapping=mapping, report=report.as_dict(), data=b"")
    return render(
        request,
        "disputes/ledger_report.html",
        {"job": job, "report": report, "unused": parsed.unused, "skipped": parsed.skipped},
    )


def _file_problem(job: ImportJob, message: str) -> ledger.LedgerReport:
    return ledger.LedgerReport(errors=[tabular.RowError(job.header_row or 1, "", message)])


@role_required("case.handle")
def ledger_job(request):
    """A background import: its progress while it runs (the page reloads itself), then its report.
    Without a job, the person's recent imports."""
    token = request.GET.get("job", "")
    if not token:
        return _render_upload(request, ImportForm())
    job = importjobs.job_of(token, request.user, ledger.KIND)
    if job is None:
        raise Http404
    if job.state == ImportJob.State.UPLOADED and job.data:
        return _render_mapping(request, job, _mapping_form(job))
    report = ledger.LedgerReport.from_dict(job.report) if job.report else None
    form = None
    if report is not None and not report.ok and job.data:
        form = _mapping_form(job, None, job.mapping)
    return render(
        request,
        "disputes/ledger_report.html",
        {
            "job": job,
            "state": job,
            "report": report,
            "form": form,
            "running": job.running,
            "percent": job.percent,
            "background_above": ledger.BACKGROUND_ABOVE,
            "unused": ledger.LEDGER.unused(job.headers, job.mapping) if report and report.ok else [],
        },
        status=400 if report is not None and not report.ok else 200,
    )


@role_required("case.view")
def ledger_export(request):
    """The dispute list, with the list page's filters, as a ledger (.xlsx, or .csv with
    ?format=csv), only what the person may see, and parties by name only. Streamed: the first rows
    leave while the last are still read."""
    params = request.GET.copy()
    fmt = params.pop("format", ["xlsx"])[-1]
    if fmt not in export.CONTENT_TYPES:
        raise Http404
    form = FilterForm(params or None)
    filters = queries.Filters()
    if params:
        if not form.is_valid():
            return HttpResponse(form.errors.as_text(), status=400, content_type="text/plain; charset=utf-8")
        filters = queries.Filters.from_form(form)
    disputes = queries.filtered(request.user, filters)
    record(
        request.user,
        "dispute.export",
        region_code=filters.region,
        after={
            "format": fmt,
            "rows": ledger.export_queryset(disputes).count(),
            "filters": {k: str(v) for k, v in params.items()},
        },
    )
    name = f"disputes-{timezone.localdate():%Y%m%d}.{fmt}"
    response = StreamingHttpResponse(
        ledger.export_chunks(disputes, fmt), content_type=export.CONTENT_TYPES[fmt]
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
