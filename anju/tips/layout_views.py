"""The page where the county gives each source the layout of its reports: a sample sheet from the
source (its header row) sets the columns; everyone who reads tips sees the layouts."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anju.core.scoping import holds_top_level
from anju.core.views import role_required, show_errors

from . import actions, report_layout
from .choices import DISPATCH

VIEW = "tip.view"
# A sample is a header row and perhaps a few rows: a bigger file is not a sample.
SAMPLE_MAX_BYTES = 2 * 1024 * 1024


class LayoutForm(forms.Form):
    kind = forms.CharField(widget=forms.HiddenInput, max_length=20)
    file = forms.FileField(
        label=gettext_lazy("sample sheet from the source"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
        help_text=gettext_lazy(
            "An .xlsx or .csv sheet headed as the source wants its report; its rows are not read."
        ),
    )
    reset = forms.BooleanField(required=False, widget=forms.HiddenInput)


def _render(request, form=None, status: int = 200):
    sources = actions.sources()
    for source in sources:
        source.layout = report_layout.layout_of(source)
        source.own_layout = bool(source.report_layout)
    labels = {c.key: c.label for c in report_layout.REPORT_SHEET.columns}
    return render(
        request,
        "tips/source_layouts.html",
        {
            "sources": sources,
            "labels": labels,
            "can_change": holds_top_level(request.user, DISPATCH),
            "form": form,
        },
        status=status,
    )


@role_required(VIEW)
def source_layouts(request):
    if request.method != "POST":
        return _render(request)
    if not holds_top_level(request.user, DISPATCH):
        raise PermissionDenied(_("Only the county sets how reports to a source are laid out."))
    form = LayoutForm(request.POST, request.FILES)
    source = None
    if form.is_valid():
        source = next((s for s in actions.sources() if s.kind == form.cleaned_data["kind"]), None)
        if source is None:
            form.add_error(None, _("Choose a source."))
    if source is not None:
        upload = form.cleaned_data["file"]
        try:
            if form.cleaned_data["reset"]:
                layout = []
            elif upload is None:
                raise ValidationError({"file": _("Choose the sample sheet.")})
            elif upload.size > SAMPLE_MAX_BYTES:
                raise ValidationError(
                    {"file": _("A sample sheet is small: its header row is all that is read.")}
                )
            else:
                layout = report_layout.layout_from_sample(upload.read(), upload.name)
            report_layout.set_layout(request.user, source, layout)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("tips:source_layouts")
    return _render(request, form, status=400)
