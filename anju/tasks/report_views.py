"""The major-matter report's own actions beyond the answer (acknowledge, instruct): closing it
without a task, from the report's page."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anju.core.scoping import get_scoped_or_404
from anju.core.views import post_only, role_required, show_errors

from . import actions
from .choices import DISPATCH, REASON_MAX
from .models import MatterReport


class CloseForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("why it is closed"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


@post_only
@role_required(DISPATCH)
def report_close(request, matter_report_id: int):
    from .views import _report_page

    report = get_scoped_or_404(MatterReport, request.user, "view", pk=matter_report_id)
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            actions.close_report(request.user, report, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            show_errors(form, error)
    if form.errors:
        return _report_page(request, report, close_form=form, status=400)
    messages.success(request, _("Report closed."))
    return redirect("tasks:report", matter_report_id=report.pk)
