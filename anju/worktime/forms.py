from django import forms
from django.utils.translation import gettext_lazy as _

from anju.core.forms import DateInput

from .choices import NAME_MAX, DayKind

# The years the pages offer; a calendar day outside them is a typing mistake.
YEAR_MIN, YEAR_MAX = 1949, 2199


class DayForm(forms.Form):
    day = forms.DateField(label=_("date"), widget=DateInput)
    kind = forms.ChoiceField(label=_("kind"), choices=DayKind.choices)
    name = forms.CharField(
        label=_("name"), max_length=NAME_MAX, required=False, help_text=_("For example: Spring Festival.")
    )

    def clean_day(self):
        day = self.cleaned_data["day"]
        if not YEAR_MIN <= day.year <= YEAR_MAX:
            message = _("Choose a date between %(min)d and %(max)d.")
            raise forms.ValidationError(message % {"min": YEAR_MIN, "max": YEAR_MAX})
        return day
