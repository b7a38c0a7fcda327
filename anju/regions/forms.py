from django import forms
from django.utils.translation import gettext_lazy as _

from . import boundaries
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


class BoundaryImportForm(forms.Form):
    file = forms.FileField(
        label=_("file (.geojson)"),
        help_text=_(
            "A FeatureCollection of Polygons or MultiPolygons in WGS 84 longitude/latitude; each feature's "
            "properties give the grid's code (code, 代码, 网格编码) or its name (name, 名称)."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > boundaries.MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)d MB: grid boundaries are smaller than that.")
                % {"mb": boundaries.MAX_BYTES // 2**20}
            )
        if not upload.name.lower().endswith((".geojson", ".json")):
            raise forms.ValidationError(_("Only .geojson and .json files can be imported."))
        return upload
