"""The county departments' page: each department with its unfinished and overdue tasks and a link
to its task list; those who keep the jurisdiction tree add departments there."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anju.core.scoping import get_scoped_or_404
from anju.core.views import role_required, show_errors
from anju.regions.models import Region

from . import departments


class DepartmentForm(forms.Form):
    county = forms.ChoiceField(label=gettext_lazy("county"))
    name = forms.CharField(label=gettext_lazy("name of the department"), max_length=100)

    def __init__(self, *args, counties=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].choices = [(c.code, f"{c.name} {c.code}") for c in counties]


def _counties(user) -> list[Region]:
    """The counties whose tree this person keeps."""
    found = Region.objects.visible_to(user, "region.change").filter(level="county", retired_on__isnull=True)
    return list(found.order_by("code")[:20])


@role_required("case.view")
def department_list(request):
    return render(
        request,
        "tasks/departments.html",
        {"rows": departments.departments(request.user), "can_add": bool(_counties(request.user))},
    )


@role_required("region.change")
def department_add(request):
    """Those who keep the jurisdiction tree (administrators) add a department to their county."""
    form = DepartmentForm(request.POST or None, counties=_counties(request.user))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            code = form.cleaned_data["county"]
            county = get_scoped_or_404(Region, request.user, "region.change", code=code)
            try:
                department = departments.add_department(
                    request.user, county=county, name=form.cleaned_data["name"]
                )
            except ValidationError as error:
                show_errors(form, error)
            else:
                messages.success(
                    request,
                    _("%(name)s added as unit %(code)s: give its staff roles on it.")
                    % {"name": department.unit.name, "code": department.pk},
                )
                return redirect("regions:detail", code=department.pk)
    return render(request, "tasks/department_add.html", {"form": form}, status=status)
