"""Pages for tips: the list, registration, the tip's page with its actions, the batches with their
progress and report, the sources' verification periods. Whom a tip names and who gave it appear
only to the handling chain (kind.in_chain), the informant only after a logged reveal."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from anju.accounts.models import User
from anju.core import keyset, tabular
from anju.core.scoping import get_scoped_or_404, holds_top_level
from anju.core.views import post_only, role_required, show_errors
from anju.regions.models import Region
from anju.workflow import alerts, extensions, limits, pages, personal

from . import actions, forms, queries, sheets
from .choices import DISPATCH, HANDLE, MEASURES, TRANSITIONS, Status
from .kind import TIP, in_chain
from .models import Attachment, Batch, Tip

PAGE_SIZE = 50
VIEW = "tip.view"


def _label_rows(rows) -> None:
    statuses = dict(Status.choices)
    from .choices import SourceKind

    sources = dict(SourceKind.choices)
    detail = reverse("tips:detail", args=[0]).removesuffix("0/")
    for row in rows:
        row.status_label = statuses.get(row.status, row.status)
        row.source_label = sources.get(row.source.kind, "")
        row.url = f"{detail}{row.pk}/"


@role_required(VIEW)
def tip_list(request):
    form = forms.FilterForm(request.GET or None)
    filters = queries.Filters()
    status = 200
    if request.GET and form.is_valid():
        data = form.cleaned_data
        filters = queries.Filters(
            status=data["status"],
            source=data["source"],
            open=data["open"],
            overdue=data["overdue"],
            date_from=data["date_from"],
            date_to=data["date_to"],
            q=data["q"],
            region=data["region"],
            figure=data["figure"],
            result=data["result"],
            outcome=data["outcome"],
        )
    after, before = keyset.cursors_from(request, form)
    page = queries.Page(rows=[], next=None, prev=None)
    if form.errors:
        status = 400
    else:
        page = queries.page(
            queries.filtered(request.user, filters), after=after, before=before, size=PAGE_SIZE
        )
    rows = page.rows
    limits.colour_rows(TIP, rows)
    _label_rows(rows)
    return render(
        request,
        "tips/list.html",
        {
            "form": form,
            "rows": rows,
            "next_cursor": queries.encode_cursor(page.next),
            "prev_cursor": queries.encode_cursor(page.prev),
            "query": keyset.pager_query(request),
            "alerts": list(alerts.open_for(TIP, request.user).select_related("tip")[:50]),
        },
        status=status,
    )


def _handle_regions(user):
    return Region.objects.visible_to(user, HANDLE).filter(retired_on__isnull=True).order_by("code")[:2000]


@role_required(HANDLE)
def tip_create(request):
    form = forms.TipForm(request.POST or None, regions=_handle_regions(request.user))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = dict(form.cleaned_data)
            region = get_scoped_or_404(Region, request.user, HANDLE, code=data.pop("region"))
            try:
                tip = actions.register_tip(request.user, region=region, **data)
            except ValidationError as error:
                show_errors(form, error)
            else:
                messages.success(request, _("Registered as %(number)s.") % {"number": tip.number})
                return redirect("tips:detail", tip_id=tip.pk)
    return render(request, "tips/create.html", {"form": form}, status=status)


def _units_for_assign(user, tip: Tip):
    units = Region.objects.visible_to(user, DISPATCH).filter(
        retired_on__isnull=True, level__in=["county", "township"]
    )
    return list(units.order_by("code")[:200])


def _action_form(name: str, tip: Tip, user, data=None):
    initial = {"version": tip.version}
    if name == "assign":
        units = _units_for_assign(user, tip)
        handlers = actions.eligible_handlers(*[u.code for u in units]) if units else []
        return forms.AssignForm(data, initial=initial, units=units, handlers=handlers, prefix=name)
    if name == "verify":
        return forms.VerifyForm(data, initial=initial, prefix=name)
    if name == "add_note":
        return forms.RequiredNoteForm(data, initial=initial, prefix=name)
    return forms.NoteForm(data, initial=initial, prefix=name)


def _detail(request, tip: Tip, *, bound: dict | None = None, extension_form=None, status: int = 200):
    tip = (
        Tip.objects.select_related("region", "handling_unit", "handler", "source", "batch", "registered_by")
        .prefetch_related("timeline__actor", "attachments", "extensions")
        .get(pk=tip.pk)
    )
    chain = in_chain(request.user, tip)
    revealed = chain and (tip.pk, "informant") in {
        (holder, field) for holder, field in personal.remembered(request.session, TIP, tip)
    }
    return render(
        request,
        "tips/detail.html",
        {
            "tip": tip,
            "chain": chain,
            "informant": tip.informant if revealed else "",
            "colour": limits.colour(TIP, tip),
            "action_forms": PAGES.action_forms(
                request, tip, bound, lambda name: _action_form(name, tip, request.user)
            ),
            "measures": [(label, getattr(tip, name)) for name, label in MEASURES.items()],
            "reveal_form": forms.RevealForm(),
            **PAGES.context(
                request,
                tip,
                attachment_form=forms.AttachmentForm(),
                extension_form=extension_form or forms_extension(),
            ),
            # Only the handling chain asks for more time on a tip.
            "can_ask_extension": chain and extensions.may_ask(TIP, request.user, tip),
        },
        status=status,
    )


def forms_extension(data=None, _case=None):
    return forms.ExtensionForm(data, prefix="extension")


@role_required(VIEW)
def tip_detail(request, tip_id: int):
    return _detail(request, get_scoped_or_404(Tip, request.user, "view", pk=tip_id))


def _perform(request, tip: Tip, action: str, data: dict) -> None:
    if action == "assign":
        data["handler"] = get_object_or_404(User, pk=data["handler"])
    getattr(actions, action)(request.user, tip, **data)


PAGES = pages.CasePages(TIP, "tips", "tip_id", _detail, actions)

tip_act = pages.act_view(
    PAGES,
    perm=VIEW,
    forms=TRANSITIONS,
    make_form=lambda request, tip, action: _action_form(action, tip, request.user, request.POST),
    perform=_perform,
)


@post_only
@role_required(HANDLE)
def informant_reveal(request, tip_id: int):
    """Show the informant to someone in the handling chain who says why; the view is logged."""
    tip = get_scoped_or_404(Tip, request.user, "view", pk=tip_id)
    form = forms.RevealForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why you need to see the informant."))
        return _detail(request, tip, status=400)
    actions.reveal_informant(request.user, tip, purpose=form.cleaned_data["purpose"])
    personal.remember(request.session, TIP, tip, tip, "informant")
    return redirect("tips:detail", tip_id=tip.pk)


extension_request = pages.extension_request_view(PAGES, perm=HANDLE, make_form=forms_extension)
extension_decide = pages.extension_decide_view(PAGES, perm=DISPATCH, id_kwarg="tip_extension_id")
attachment_add = pages.attachment_add_view(
    PAGES, perm=HANDLE, form_class=forms.AttachmentForm, add=actions.add_attachment
)


@role_required(HANDLE)
def attachment_download(request, tip_id: int, tip_attachment_id: int):
    """Verification material goes to the handling chain only; every download is logged."""
    tip = get_scoped_or_404(Tip, request.user, "view", pk=tip_id)
    if not in_chain(request.user, tip):
        raise PermissionDenied(_("Only the assigned handler and their superiors may open the tip's files."))
    attachment = get_object_or_404(Attachment, pk=tip_attachment_id, tip=tip)
    return pages.serve_file(request, attachment, region_code=tip.handling_unit_id)


alert_acknowledge = pages.alert_acknowledge_view(
    TIP,
    perm=VIEW,
    id_kwarg="tip_alert_id",
    said=lambda alert: _("Alert on %(number)s marked as seen.") % {"number": alert.tip.number},
    to="tips:list",
)


# --- batches ------------------------------------------------------------------------------------


@role_required(VIEW)
def batch_list(request):
    form = forms.BatchFilterForm(request.GET or None)
    if request.GET and not form.is_valid():
        return render(request, "tips/batches.html", {"form": form, "rows": []}, status=400)
    filters = {k: v for k, v in (form.cleaned_data if request.GET else {}).items() if v not in (None, "")}
    batches = queries.filtered_batches(request.user, **filters).select_related("source", "region")[:200]
    rows = [(b, queries.batch_progress(b)) for b in batches]
    return render(request, "tips/batches.html", {"form": form, "rows": rows})


def _receiving_units(user):
    return list(
        Region.objects.visible_to(user, HANDLE)
        .filter(retired_on__isnull=True, level__in=["county", "township"])
        .order_by("code")[:200]
    )


@role_required(HANDLE)
def batch_import(request):
    form = forms.BatchForm(
        request.POST or None, request.FILES or None, regions=_receiving_units(request.user)
    )
    report = None
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            region = get_scoped_or_404(Region, request.user, HANDLE, code=data["region"])
            upload = data["file"]
            try:
                if upload.size > _max_bytes():
                    raise tabular.TableError(_("The file is larger than the import limit."))
                table = tabular.read_table(upload.read(), upload.name, sheets.BATCH_SHEET)
                with transaction.atomic():
                    batch = actions.create_batch(
                        request.user,
                        source_kind=data["source_kind"],
                        reference=data["reference"],
                        received_on=data["received_on"],
                        deadline=data["deadline"],
                        region=region,
                    )
                    report, _job = sheets.import_batch(request.user, batch, table, filename=upload.name)
                    if not report.ok:
                        transaction.set_rollback(True)
            except tabular.TableError as error:
                form.add_error("file", str(error))
            except ValidationError as error:
                show_errors(form, error)
            else:
                if report.ok:
                    messages.success(request, _("%(count)d tips imported.") % {"count": report.created})
                    return redirect("tips:batch", batch_id=batch.pk)
    return render(request, "tips/batch_import.html", {"form": form, "report": report}, status=status)


def _max_bytes() -> int:
    from django.conf import settings

    return settings.ANJU_IMPORT_MAX_BYTES


@role_required(VIEW)
def batch_detail(request, batch_id: int):
    batch = get_scoped_or_404(Batch, request.user, "view", pk=batch_id)
    tips = list(
        queries.visible(request.user)
        .filter(batch=batch)
        .select_related("source", "region", "handling_unit")
        .order_by("source_ref", "id")
    )
    limits.colour_rows(TIP, tips)
    _label_rows(tips)
    return render(
        request,
        "tips/batch.html",
        {"batch": batch, "tips": tips, "progress": queries.batch_progress(batch)},
    )


@role_required(VIEW)
def batch_report(request, batch_id: int):
    """The report to the source, one click: XLSX in the source's order, without informants."""
    batch = get_scoped_or_404(Batch, request.user, "view", pk=batch_id)
    return sheets.report_file(batch)


@role_required(VIEW)
def source_list(request):
    can_change = holds_top_level(request.user, DISPATCH)
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied(_("Only the county sets the verification periods."))
        src = next((s for s in actions.sources() if s.kind == request.POST.get("kind")), None)
        form = forms.SourceDaysForm(request.POST)
        if src is None or not form.is_valid():
            messages.error(request, _("Give 1 to 365 days."))
            return render(
                request,
                "tips/sources.html",
                {"sources": actions.sources(), "can_change": can_change},
                status=400,
            )
        actions.set_verification_days(request.user, src, form.cleaned_data["verification_days"])
        messages.success(request, _("Saved."))
        return redirect("tips:sources")
    return render(request, "tips/sources.html", {"sources": actions.sources(), "can_change": can_change})
