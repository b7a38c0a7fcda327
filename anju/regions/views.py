"""Pages of the jurisdiction tree: browse, a region's staff and neighbours, edit, import, export."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models.functions import Length
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from anju.core import tabular
from anju.core.forms import ImportForm
from anju.core.scoping import covers, get_scoped_or_404
from anju.core.views import post_only, role_required, show_errors

from . import actions, queries
from .boundaries import BoundaryFileError, feature_collection, parse_boundaries
from .choices import Level
from .forms import BorderForm, BoundaryImportForm, RegionCreateForm, RegionEditForm
from .importing import EXPORT_HEADERS, REGIONS, parse_regions, template_examples
from .models import Region


@role_required("region.view")
def region_index(request):
    text = request.GET.get("q", "").strip()
    results = queries.search(request.user, text) if text else None
    return render(
        request,
        "regions/index.html",
        {"roots": queries.roots_for(request.user), "results": results, "q": text},
    )


@role_required("region.view")
def region_detail(request, code: str):
    region = get_scoped_or_404(Region, request.user, "view", code=code)
    visible_ancestors = set(
        Region.objects.visible_to(request.user, "view")
        .filter(code__in=region.ancestor_codes)
        .values_list("code", flat=True)
    )
    ancestors = [
        (a, a.code in visible_ancestors) for a in Region.objects.filter(code__in=region.ancestor_codes)
    ]
    return render(
        request,
        "regions/detail.html",
        {
            "region": region,
            "ancestors": ancestors,
            "children": queries.children_of(region, request.user),
            "staff": queries.staff_of(region, request.user),
            "borders": queries.borders_of(region, request.user),
            "can_change": covers(request.user, "region.change", region.code),
            "border_form": BorderForm(),
            # The grids' map, for every level that has grids at or below it.
            "shows_map": region.level != Level.GROUP,
            "boundary_count": queries.boundaries_under(region, request.user).count(),
        },
    )


@role_required("region.change")
def region_edit(request, code: str):
    region = get_scoped_or_404(Region, request.user, "change", code=code)
    initial = {"name": region.name, "grid_type": region.grid_type, "households": region.households}
    form = RegionEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_region(request.user, region, **form.cleaned_data)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("regions:detail", code=region.code)
    return render(request, "regions/edit.html", {"region": region, "form": form})


@role_required("region.change")
def region_create(request, code: str):
    parent = get_scoped_or_404(Region, request.user, "change", code=code)
    form = RegionCreateForm(request.POST or None, initial={"code": parent.code})
    if request.method == "POST" and form.is_valid():
        try:
            region = actions.create_region(request.user, **form.cleaned_data)
        except ValidationError as error:
            show_errors(form, error)
        else:
            if region.parent_id != parent.code:
                messages.info(request, _("The new region sits under %(parent)s.") % {"parent": region.parent})
            return redirect("regions:detail", code=region.code)
    return render(request, "regions/edit.html", {"region": parent, "form": form, "creating": True})


@post_only
@role_required("region.change")
def border_add(request, code: str):
    region = get_scoped_or_404(Region, request.user, "change", code=code)
    form = BorderForm(request.POST)
    if form.is_valid():
        try:
            actions.add_border(request.user, region, **form.cleaned_data)
            messages.success(request, _("Border added."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, _("The border was not added: %(errors)s") % {"errors": form.errors.as_text()})
    return redirect("regions:detail", code=region.code)


@post_only
@role_required("region.change")
def border_remove(request, code: str, neighbour: str):
    region = get_scoped_or_404(Region, request.user, "change", code=code)
    border = region.borders.filter(neighbour_code=neighbour).first()
    if border is None:
        raise Http404
    actions.remove_border(request.user, border)
    messages.success(request, _("Border removed."))
    return redirect("regions:detail", code=region.code)


@post_only
@role_required("region.change")
def region_retire(request, code: str):
    region = get_scoped_or_404(Region, request.user, "change", code=code)
    if region.is_retired:
        messages.info(request, _("%(region)s was already retired.") % {"region": region})
    else:
        actions.retire_region(request.user, region)
        messages.success(request, _("%(region)s and the regions below it are retired.") % {"region": region})
    return redirect("regions:detail", code=region.code)


@role_required("region.change")
def region_import(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            table = tabular.read_table(upload.read(), upload.name, REGIONS)
        except tabular.TableError as error:
            form.add_error("file", str(error))
        else:
            report = actions.import_regions(request.user, parse_regions(table), filename=upload.name)
            if report.ok:
                messages.success(
                    request,
                    _("Imported: %(created)d new, %(updated)d changed, %(unchanged)d unchanged.")
                    % {"created": report.created, "updated": report.updated, "unchanged": report.unchanged},
                )
                return redirect("regions:index")
    status = 400 if request.method == "POST" else 200  # a successful import has redirected
    context = {
        "form": form,
        "report": report,
        "sheet": REGIONS,
        "template_url": reverse("regions:import_template"),
    }
    return render(request, "regions/import.html", context, status=status)


@role_required("region.change")
def region_import_template(request):
    """The region list's template; its example row is the person's own highest region, as it is."""
    region = (
        Region.objects.visible_to(request.user, "change")
        .filter(retired_on__isnull=True)
        .order_by(Length("code"), "code")
        .first()
    )
    return REGIONS.template_response("regions-template.xlsx", template_examples(region))


@role_required("region.view")
def region_export(request, fmt: str):
    root = None
    if request.GET.get("root"):
        root = get_scoped_or_404(Region, request.user, "view", code=request.GET["root"])
    regions = queries.subtree_for_export(request.user, root)
    rows = queries.export_rows(regions)
    name = f"regions-{root.code if root else 'all'}"
    if fmt == "xlsx":
        body = tabular.write_xlsx(EXPORT_HEADERS, rows, title="regions")
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    elif fmt == "csv":
        body = tabular.write_csv(EXPORT_HEADERS, rows)
        content_type = "text/csv; charset=utf-8"
    else:
        raise Http404
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@role_required("region.change")
def boundary_import(request, code: str):
    """Upload grid boundaries (GeoJSON) for the grids under a region the person may change."""
    region = get_scoped_or_404(Region, request.user, "change", code=code)
    form = BoundaryImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            parsed = parse_boundaries(upload.read())
        except BoundaryFileError as error:
            form.add_error("file", str(error))
        else:
            report = actions.import_boundaries(request.user, parsed, within=region, filename=upload.name)
            if report.ok:
                messages.success(
                    request,
                    _("Grid boundaries: %(created)d new, %(updated)d changed, %(unchanged)d unchanged.")
                    % {"created": report.created, "updated": report.updated, "unchanged": report.unchanged},
                )
                return redirect("regions:detail", code=region.code)
    status = 400 if request.method == "POST" else 200  # a successful import has redirected
    return render(
        request,
        "regions/boundary_import.html",
        {"region": region, "form": form, "report": report},
        status=status,
    )


@role_required("region.view")
def region_boundaries(request, code: str):
    """The grid boundaries under a region, as a GeoJSON FeatureCollection (what the map draws)."""
    region = get_scoped_or_404(Region, request.user, "view", code=code)
    return JsonResponse(feature_collection(queries.boundaries_under(region, request.user)))
