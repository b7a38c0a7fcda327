"""The filter of the statistics page: region, period (both days included) and category."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core.forms import DateInput
from anju.disputes.choices import Category
from anju.regions import codes

from . import metrics


class FiguresForm(forms.Form):
    region = forms.CharField(
        label=_("region code"),
        max_length=17,
        required=False,
        help_text=_("Empty: your whole jurisdiction."),
    )
    date_from = forms.DateField(label=_("from"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("to (inclusive)"), required=False, widget=DateInput)
    category = forms.ChoiceField(label=_("category"), choices=[("", "—"), *Category.choices], required=False)

    def __init__(self, *args, today: dt.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        start, end = metrics.default_period(self.today)
        self.fields["date_from"].initial = start
        self.fields["date_to"].initial = end - dt.timedelta(days=1)

    def clean_region(self) -> str:
        value = self.cleaned_data["region"].strip()
        if value:
            try:
                codes.level_of(value)
            except forms.ValidationError:
                raise forms.ValidationError(_("A region code has 6, 9, 12, 15 or 17 digits.")) from None
        return value

    def clean(self):
        data = super().clean()
        if "date_from" in self.errors or "date_to" in self.errors:
            return data
        try:
            data["start"], data["end"] = metrics.period_from_days(
                data.get("date_from"), data.get("date_to"), today=self.today
            )
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None
        return data


# --- work reports ------------------------------------------------------------------------------


def region_choices(user, perm: str) -> list[tuple[str, str]]:
    """The county, townships and villages of the user's jurisdiction for `perm`, as a select offers
    them (grids are too fine for a work report)."""
    from anju.regions.models import Region

    regions = Region.objects.visible_to(user, perm).filter(retired_on__isnull=True).order_by("code")
    return [(r.code, f"{r.name} ({r.code})") for r in regions.only("code", "name") if len(r.code) <= 12]


class PeriodRegionForm(forms.Form):
    """The period and region a report (or a template's preview) is written for."""

    period = forms.CharField(
        label=_("period"),
        max_length=40,
        required=False,
        help_text=_("2026, 2026-H1, 2026-Q3, 2026-03 or 2026-01-01..2026-03-31"),
    )
    region = forms.ChoiceField(label=_("region"), choices=())

    def __init__(self, *args, user, perm: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = region_choices(user, perm)

    def clean_period(self):
        from . import periods

        try:
            return periods.parse(self.cleaned_data["period"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None


class TemplateForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=100)
    body = forms.CharField(
        label=_("text"),
        widget=forms.Textarea(attrs={"rows": 24, "class": "template-text", "spellcheck": "false"}),
        help_text=_(
            "One item a line: = title; # to #### headings (numbered 一、（一）1.（1） for you); "
            "{{ table:name }} a table; ? a paragraph people write; // a note left out; any other line "
            "a paragraph. Figures: {{ disputes.found }}, {{ disputes.resolution_rate|percent }}."
        ),
    )

    def clean_body(self):
        from . import generator

        body = self.cleaned_data["body"]
        generator.check(body)  # a ValidationError names each faulty line
        return body


class ReportForm(PeriodRegionForm):
    template = forms.ModelChoiceField(label=_("template"), queryset=None, required=False, empty_label=None)

    def __init__(self, *args, user, **kwargs):
        from .queries import templates_for

        super().__init__(*args, user=user, perm="case.view", **kwargs)
        self.fields["template"].queryset = templates_for(user)


class IssueForm(forms.Form):
    issuer = forms.CharField(label=_("issuing body"), max_length=100)
    issued_on = forms.DateField(label=_("date of issue"), widget=DateInput)

    def __init__(self, *args, writes: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        for write in writes:
            self.fields[write["key"]] = forms.CharField(
                label=write["prompt"],
                label_suffix="",  # the prompt ends with its own full stop
                widget=forms.Textarea(attrs={"rows": 4}),
                max_length=5000,
            )
