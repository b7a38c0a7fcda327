from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import GridType


class RegionEditForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=100)
    grid_type = forms.ChoiceField(
        label=_("grid type"), choices=[("", "—"), *GridType.choices], required=False
    )
    households = forms.IntegerField(label=_("households"), min_value=0, required=False)


class RegionCreateForm(RegionEditForm):
    code = forms.CharField(label=_("code"), max_length=17)


class BorderForm(forms.Form):
    neighbour_code = forms.CharField(label=_("neighbour's code"), max_length=17)
    neighbour_name = forms.CharField(label=_("neighbour's name"), max_length=100, required=False)
    other_county = forms.CharField(
        label=_("other county"),
        max_length=100,
        required=False,
        help_text=_("Only for a region of another county."),
    )
