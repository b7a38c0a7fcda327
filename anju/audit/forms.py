from django import forms
from django.utils.translation import gettext_lazy as _

from anju.core.forms import DateInput

from .models import Result


class AuditSearchForm(forms.Form):
    user = forms.CharField(label=_("account"), required=False, max_length=150)
    action = forms.CharField(label=_("action"), required=False, max_length=60)
    object_type = forms.CharField(label=_("object type"), required=False, max_length=60)
    object_id = forms.CharField(label=_("object id"), required=False, max_length=64)
    result = forms.ChoiceField(label=_("result"), required=False, choices=[("", "—"), *Result.choices])
    date_from = forms.DateField(label=_("from"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("to"), required=False, widget=DateInput)

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data
