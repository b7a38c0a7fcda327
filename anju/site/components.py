"""The components page: every piece the site's pages are assembled from, drawn with the site's own
templates and stylesheet, so a new page is put together from these rather than designed."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anju.core.views import role_required
from anju.regions import queries as regions

from .navigation import GROUPS, entries


class SampleForm(forms.Form):
    """A form with one field of each kind the site uses, to show how they are drawn."""

    title = forms.CharField(
        label=gettext_lazy("summary"),
        max_length=50,
        help_text=gettext_lazy("One line, as the list shows it."),
    )
    category = forms.ChoiceField(
        label=gettext_lazy("category"),
        choices=[
            ("", "---------"),
            ("neighbour", gettext_lazy("Neighbours")),
            ("marriage_family", gettext_lazy("Marriage and family")),
        ],
    )
    registered_on = forms.DateField(
        label=gettext_lazy("registered at"), widget=forms.DateInput(attrs={"type": "date"})
    )
    phone = forms.CharField(label=gettext_lazy("phone"), required=False)
    overdue = forms.BooleanField(label=gettext_lazy("overdue only"), required=False)
    description = forms.CharField(label=gettext_lazy("description"), widget=forms.Textarea(attrs={"rows": 3}))


@role_required("user.manage")
def components_page(request):
    form = SampleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        messages.success(request, _("Saved."))
    shown = (
        SampleForm({"title": "", "category": "", "registered_on": "2026-13-01"})
        if not form.is_bound
        else form
    )
    shown.is_valid()
    rows = [
        {
            "number": "(2026)安调字第0001号",
            "title": "田间地界（示例）",
            "status": _("Mediating"),
            "colour": "yellow",
        },
        {
            "number": "(2026)安调字第0002号",
            "title": "邻里噪音（示例）",
            "status": _("To accept"),
            "colour": "red",
        },
        {
            "number": "(2026)安调字第0003号",
            "title": "赡养老人（示例）",
            "status": _("Resolved"),
            "colour": "",
        },
    ]
    icons = sorted(
        {e.icon for e in entries()} | {"search", "printer", "download", "plus", "circle-alert", "info"}
    )
    # The map: the grid boundaries of the person's jurisdiction where imported, and sample points.
    root = regions.roots_for(request.user).first()
    has_grids = root is not None and regions.boundaries_under(root, request.user).exists()
    points = [
        {"lat": 35.452, "lon": 103.664, "label": _("Blocked irrigation channel (sample)")},
        {"lat": 35.468, "lon": 103.705, "label": _("Damaged road (sample)")},
        {"lat": 35.431, "lon": 103.731, "label": _("Illegal dumping (sample)")},
    ]
    return render(
        request,
        "site/components.html",
        {
            "form": SampleForm(),
            "shown": shown,
            "rows": rows,
            "icons": icons,
            "groups": list(GROUPS.values()),
            "map_boundaries": reverse("regions:boundaries", args=[root.code]) if has_grids else "",
            "map_points": points,
        },
    )
