from django import forms
from django.utils.translation import gettext_lazy as _

from anju.core.dates import check_day_order
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
        try:
            check_day_order(data.get("date_from"), data.get("date_to"))
        except ValueError as error:
            self.add_error("date_to", str(error))
        return data
