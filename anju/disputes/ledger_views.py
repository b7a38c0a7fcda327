"""Pages for dispute ledgers (台账): upload, choose the columns, import (large files in the
background, with a progress page), and export the dispute list in the ledger's layout."""

from __future__ import annotations

from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anju.audit.actions import record
from anju.core import tabular
from anju.core.forms import ImportForm
from anju.core.views import post_only, role_required

from . import ledger, queries
from .forms import FilterForm

RUNNING = ("queued", "checking", "importing")
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


class MappingForm(forms.Form):
    """Which column of the file holds each field; the guess is preselected."""

    token = forms.CharField(widget=forms.HiddenInput, max_length=64)

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
        return {f.key: int(data[f.key]) for f in ledger.FIELDS if data.get(f.key)}

    def rows(self):
        """(field, its select) pairs for the template, required fields marked."""
        required = {f.key for f in ledger.FIELDS if f.required}
        return [(self[f.key], f.key in required) for f in ledger.FIELDS]


def _mapping_form(token: str, state: dict, data=None) -> MappingForm:
    guessed = ledger.guess_mapping(state["headers"])
    initial = {"token": token, **{key: str(index) for key, index in guessed.items()}}
    return MappingForm(data, headers=state["headers"], initial=initial)


def _render_mapping(request, token: str, state: dict, form: MappingForm, *, report=None, status=200):
    return render(
        request,
        "disputes/ledger_map.html",
        {"form": form, "state": state, "report": report, "background_above": ledger.BACKGROUND_ABOVE},
        status=status,
    )


def _render_upload(request, form, status=200):
    return render(
        request,
        "disputes/ledger_upload.html",
        {"form": form, "jobs": ledger.jobs_of(request.user)},
        status=status,
    )


@role_required("case.handle")
def ledger_upload(request):
    """Step 1: the file. A readable file is kept and its columns offered for mapping (step 2)."""
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            headers, rows = ledger.read_headers(data, upload.name)
        except tabular.TableError as error:
            form.add_error("file", str(error))
        else:
            if not rows:
                form.add_error("file", _("The file has no rows below its header."))
            else:
                token = ledger.save_upload(request.user, data, upload.name, headers, rows)
                state = ledger.read_state(token, request.user)
                return _render_mapping(request, token, state, _mapping_form(token, state))
    return _render_upload(request, form, status=400 if request.method == "POST" else 200)


@post_only
@role_required("case.handle")
def ledger_run(request):
    """Step 3: import with the chosen columns. Large files go to the background worker."""
    token = request.POST.get("token", "")
    state = ledger.read_state(token, request.user)
    if state is None:
        raise Http404
    if state.get("state") in RUNNING:  # submitted twice: show the import that is running
        return redirect(f"{reverse('ledger:job')}?job={token}")
    form = _mapping_form(token, state, request.POST)
    if not form.is_valid():
        return _render_mapping(request, token, state, form, status=400)
    mapping = form.mapping()
    if state["rows"] > ledger.BACKGROUND_ABOVE:
        ledger.start_job(token, state, mapping, translation.get_language())
        return redirect(f"{reverse('ledger:job')}?job={token}")
    path = ledger.upload_path(token, state)
    try:
        table = tabular.read_table(path.read_bytes(), state["filename"])
    except (OSError, tabular.TableError):
        raise Http404 from None
    parsed = ledger.parse_ledger(table, mapping)
    report = ledger.import_ledger(request.user, parsed, filename=state["filename"])
    if not report.ok:
        # The file stays, so a wrong column can be chosen again without uploading it again.
        return _render_mapping(request, token, state, form, report=report, status=400)
    ledger.discard_upload(token, state)
    ledger.write_state(token, {**state, "state": "done", "report": report.as_dict()})
    return render(request, "disputes/ledger_report.html", {"state": state, "report": report, "token": token})


@role_required("case.handle")
def ledger_job(request):
    """A background import: its progress while it runs (the page reloads itself), then its report.
    Without a job, the person's recent imports."""
    token = request.GET.get("job", "")
    if not token:
        return _render_upload(request, ImportForm())
    state = ledger.read_state(token, request.user)
    if state is None:
        raise Http404
    if state.get("state") == "uploaded" and ledger.upload_path(token, state).exists():
        return _render_mapping(request, token, state, _mapping_form(token, state))
    report = ledger.LedgerReport.from_dict(state["report"]) if "report" in state else None
    form = None
    if report is not None and not report.ok and ledger.upload_path(token, state).exists():
        form = _mapping_form(token, state, None)
        form.initial.update({key: str(index) for key, index in state.get("mapping", {}).items()})
    total = state.get("total") or state.get("rows") or 0
    percent = int(100 * state.get("done", 0) / total) if total else 0
    return render(
        request,
        "disputes/ledger_report.html",
        {
            "state": state,
            "report": report,
            "token": token,
            "form": form,
            "running": state.get("state") in RUNNING,
            "percent": percent,
            "background_above": ledger.BACKGROUND_ABOVE,
        },
        status=400 if report is not None and not report.ok else 200,
    )


@role_required("case.view")
def ledger_export(request):
    """The dispute list, with the list page's filters, as a ledger (.xlsx, or .csv with
    ?format=csv), only what the person may see, and parties by name only."""
    params = request.GET.copy()
    fmt = params.pop("format", ["xlsx"])[-1]
    if fmt not in CONTENT_TYPES:
        raise Http404
    form = FilterForm(params or None)
    filters = queries.Filters()
    if params:
        if not form.is_valid():
            return HttpResponse(form.errors.as_text(), status=400, content_type="text/plain; charset=utf-8")
        filters = queries.Filters.from_form(form)
    body, count = ledger.export_file(queries.filtered(request.user, filters), fmt)
    record(
        request.user,
        "dispute.export",
        region_code=filters.region,
        after={"format": fmt, "rows": count, "filters": {k: str(v) for k, v in params.items()}},
    )
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    name = f"disputes-{timezone.localdate():%Y%m%d}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
