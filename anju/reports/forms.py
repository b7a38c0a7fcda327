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
