"""The work report pages: templates kept by administrators with a live preview, the report for a
period and region with every figure linked to its cases, issuing it, and the issued reports."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anju.audit.actions import county_language
from anju.core.scoping import covers, get_scoped_or_404
from anju.core.views import post_only, role_required, show_errors
from anju.regions.models import Region

from . import actions, catalogue, generator, officialdoc
from .document import chinese_date
from .forms import IssueForm, PeriodRegionForm, ReportForm, TemplateForm
from .models import TemplateVersion
from .queries import issued_reports, templates_kept_by
from .shipped import ANNUAL_BODY, annual_template

KEEP, READ, ISSUE = "report.template", "case.view", "report.issue"
FILTER_WORDS = {
    "previous": gettext_lazy("previous period"),
    "last_year": gettext_lazy("same period last year"),
    "change": gettext_lazy("change on the previous period"),
    "change_on_last_year": gettext_lazy("change on the same period last year"),
}


# --- templates ---------------------------------------------------------------------------------


@role_required(KEEP)
def template_list(request):
    templates = templates_kept_by(request.user).select_related("region")
    return render(request, "reports/template_list.html", {"templates": templates})


@role_required(KEEP)
def template_new(request):
    return _template_page(request, None)


@role_required(KEEP)
def template_edit(request, template_id: int):
    template = get_scoped_or_404(templates_kept_by(request.user), request.user, "template", pk=template_id)
    return _template_page(request, template)


def _template_page(request, template):
    """GET: the form; POST with `preview`: the form as sent beside its preview, nothing saved (the
    page without JavaScript); POST: save a new version."""
    user = request.user
    current = template.current if template else None
    initial = {"name": template.name, "body": current.body} if template else {"body": ANNUAL_BODY}
    form = TemplateForm(request.POST or None, initial=initial)
    where = PeriodRegionForm(request.POST or None, user=user, perm=_preview_perm(user), prefix="preview")
    if not request.POST:
        where = PeriodRegionForm(
            initial={"region": _default_region(user, template), "period": str(timezone.localdate().year)},
            user=user,
            perm=_preview_perm(user),
            prefix="preview",
        )
    status, preview = 200, None
    if request.method == "POST":
        if not form.is_valid():
            status = 400
        elif "preview" in request.POST:
            preview, status = _preview(request, form.cleaned_data["body"], where)
        else:
            region = None
            if template is None and request.POST.get("region"):
                region = get_scoped_or_404(Region, user, KEEP, code=request.POST["region"])
            try:
                version = actions.save_template(
                    user,
                    name=form.cleaned_data["name"],
                    body=form.cleaned_data["body"],
                    template=template,
                    region=region,
                )
            except ValidationError as error:
                show_errors(form, error, default_field="body")
                status = 400
            else:
                messages.success(request, _("Saved as version %(number)d.") % {"number": version.number})
                return redirect("reports:template_edit", template_id=version.template_id)
    context = {
        "template": template,
        "current": current,
        "versions": template.versions.order_by("-number")[:20] if template else [],
        "form": form,
        "where": where,
        "preview": preview,
        "regions": [] if template else _own_regions(user),
    }
    return render(request, "reports/template_edit.html", context, status=status)


def _preview_perm(user) -> str:
    # People who see cases preview with their figures; those who keep templates but see no cases
    # (administrators) preview with each figure's name.
    return READ if covers_any(user, READ) else "region.view"


def covers_any(user, perm: str) -> bool:
    from anju.core.scoping import has_perm_anywhere

    return has_perm_anywhere(user, perm)


def _default_region(user, template) -> str:
    from anju.regions.queries import roots_for

    if template and template.region_id:
        return template.region_id
    root = roots_for(user, _preview_perm(user)).order_by("code").first()
    return root.code if root else ""


def _own_regions(user) -> list[tuple[str, str]]:
    from anju.core.scoping import holds_top_level

    from .forms import region_choices

    county_wide = [("", _("County-wide"))] if holds_top_level(user, KEEP) else []
    return county_wide + [(code, name) for code, name in region_choices(user, KEEP) if len(code) <= 9]


def _preview(request, body: str, where: PeriodRegionForm):
    """The rendered template for the period and region chosen, or why it cannot be rendered."""
    if not where.is_valid():
        return {"errors": [e for errs in where.errors.values() for e in errs]}, 400
    region = get_scoped_or_404(Region, request.user, "region.view", code=where.cleaned_data["region"])
    period = where.cleaned_data["period"]
    names_only = not covers(request.user, READ, region.code)
    draft = generator.render(
        request.user, period, body, region=region.code, region_name=region.name, names_only=names_only
    )
    return {
        "draft": draft,
        "blocks": generator.linked(draft.blocks, period, region.code, user=request.user),
        "names_only": names_only,
        "period": period,
        "region": region,
    }, 200


@post_only
@role_required(KEEP)
def template_preview(request):
    """The preview alone, for the edit page's script to put beside the text as it is typed."""
    form = TemplateForm(request.POST)
    where = PeriodRegionForm(
        request.POST, user=request.user, perm=_preview_perm(request.user), prefix="preview"
    )
    form.fields["name"].required = False
    if not form.is_valid():
        preview, status = {"errors": [e for errs in form.errors.values() for e in errs]}, 400
    else:
        preview, status = _preview(request, form.cleaned_data["body"], where)
    return render(request, "reports/_preview.html", {"preview": preview}, status=status)


# --- making and issuing a report ---------------------------------------------------------------


@role_required(READ)
def report_make(request):
    """The report for a period and region, every figure a link to its cases; with the issuing form
    for those who may issue it."""
    return _report_page(request, request.GET if request.GET else None)


def _report_page(request, data, issue_form=None, status=200):
    user = request.user
    annual_template()
    form = ReportForm(data, user=user, initial={"template": annual_template().pk})
    context = {"form": form}
    if data is None:
        return render(request, "reports/report_make.html", context)
    if not form.is_valid():
        return render(request, "reports/report_make.html", context, status=400)
    region = get_scoped_or_404(Region, user, READ, code=form.cleaned_data["region"])
    period = form.cleaned_data["period"]
    template = form.cleaned_data["template"] or annual_template()
    version = _version(request, template)
    draft = generator.render(user, period, version.body, region=region.code, region_name=region.name)
    may_issue = covers(user, ISSUE, region.code)
    if may_issue and issue_form is None:
        issue_form = IssueForm(
            initial={"issuer": region.name, "issued_on": timezone.localdate()}, writes=draft.writes
        )
    context.update(
        {
            "draft": draft,
            "blocks": generator.linked(draft.blocks, period, region.code, user=request.user),
            "version": version,
            "period": period,
            "region": region,
            "issue_form": issue_form if may_issue else None,
            "pdf_missing": officialdoc.pdf_missing_message() if officialdoc.soffice() is None else "",
        }
    )
    return render(request, "reports/report_make.html", context, status=status)


def _version(request, template) -> TemplateVersion:
    """The version asked for (the issuing form names the one the person read), else the current."""
    number = request.POST.get("version") if request.method == "POST" else None
    if number:
        try:
            return template.versions.get(number=int(number))
        except (ValueError, TemplateVersion.DoesNotExist):
            raise Http404 from None
    return template.current


@post_only
@role_required(ISSUE)
def report_issue(request):
    user = request.user
    form = ReportForm(request.POST, user=user)
    if not form.is_valid():
        return _report_page(request, request.POST, status=400)
    region = get_scoped_or_404(Region, user, READ, code=form.cleaned_data["region"])
    if not covers(user, ISSUE, region.code):
        raise Http404
    template = form.cleaned_data["template"] or annual_template()
    version = _version(request, template)
    writes = generator.render(
        user,
        form.cleaned_data["period"],
        version.body,
        region=region.code,
        region_name=region.name,
        names_only=True,
    ).writes
    issue = IssueForm(request.POST, writes=writes)
    if not issue.is_valid():
        return _report_page(request, request.POST, issue_form=issue, status=400)
    try:
        report = actions.issue_report(
            user,
            version=version,
            period=form.cleaned_data["period"],
            region=region,
            issuer=issue.cleaned_data["issuer"],
            issued_on=issue.cleaned_data["issued_on"],
            written={w["key"]: issue.cleaned_data[w["key"]] for w in writes},
        )
    except ValidationError as error:
        show_errors(issue, error)
        return _report_page(request, request.POST, issue_form=issue, status=400)
    messages.success(request, _("Issued as %(number)s.") % {"number": report.number})
    return redirect("reports:issued_detail", issued_id=report.pk)


# --- issued reports ----------------------------------------------------------------------------


@role_required(READ)
def issued_list(request):
    return render(request, "reports/issued_list.html", {"reports": issued_reports(request.user)[:200]})


@role_required(READ)
def issued_detail(request, issued_id: int):
    report = get_scoped_or_404(issued_reports(request.user), request.user, READ, pk=issued_id)
    period = report.period_object
    return render(
        request,
        "reports/issued_detail.html",
        {
            "report": report,
            "period": period,
            "blocks": generator.linked(report.blocks, period, report.region_id, user=request.user),
            "appendix": report.appendix,
            "date_text": chinese_date(report.issued_on),
            "differences": differences(request.user, report),
            "pdf_missing": officialdoc.pdf_missing_message() if officialdoc.soffice() is None else "",
        },
    )


def differences(user, report) -> list[dict]:
    """The figures of an issued report whose value today is not the one it was issued with."""
    period = report.period_object
    out = []
    # Stored in the county's language: compared in it, so a "—" or a "points" matches its own.
    with county_language():
        sheet = catalogue.values(user, period, region=report.region_id)
        for key, used in report.figures.items():
            if used["name"] not in catalogue.BY_NAME:
                continue
            value = sheet.value(used["name"])
            chosen = used.get("filter") or ""
            today = getattr(value, generator.VALUE_FILTERS[chosen]) if chosen else value.display
            if today != used["display"]:
                out.append(
                    {
                        "key": key,
                        "label": used["label"],
                        "filter": str(FILTER_WORDS.get(chosen, "")),
                        "issued": used["display"],
                        "today": today,
                    }
                )
    return out
