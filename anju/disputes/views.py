"""Pages for disputes: the list, registration, the case file with its actions, printing, my work."""

from __future__ import annotations

import io

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms.utils import ErrorDict
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from anju.core import keyset
from anju.core.scoping import get_scoped_or_404
from anju.core.views import post_only, role_required, show_errors
from anju.regions.codes import department_q
from anju.regions.models import Region
from anju.workflow import alerts, pages, personal
from anju.workflow.personal import TooManySearches
from anju.worktime.calendar import WorkingCalendar

from . import actions, casefile, deadlines, forms, queries
from .choices import Status
from .kind import DISPUTE
from .models import Dispute, Party

PAGE_SIZE = 50
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
LABELLED = ("status", "category", "risk")


# What a list row shows (and the keyset needs): the case's long texts stay in the database.
LIST_COLUMNS = (
    "id",
    "number",
    "title",
    "status",
    "category",
    "risk",
    "due_at",
    "registered_at",
    "region",
    "region__name",
    "handling_unit",
    "handling_unit__name",
)


def label_rows(rows) -> None:
    """Give each row `status_label`, `category_label` and `risk_label`, translated once per page
    (get_FOO_display rebuilds the whole choice map on every call, which took a third of the list
    page's time), and its `url`, from one reverse() per page rather than one per row."""
    labels = {
        name: {value: str(label) for value, label in Dispute._meta.get_field(name).flatchoices}
        for name in LABELLED
    }
    detail = reverse("disputes:detail", args=[0]).removesuffix("0/")
    for row in rows:
        for name in LABELLED:
            value = getattr(row, name)
            setattr(row, f"{name}_label", labels[name].get(value, value))
        row.url = f"{detail}{row.pk}/"


def listed(user, filters: queries.Filters):
    """The cases the list pages through, with the columns its rows show (bench/disputes_list.py
    times the same query)."""
    return queries.filtered(user, filters).only(*LIST_COLUMNS)


@role_required("case.view")
def dispute_list(request):
    form = forms.FilterForm(request.GET or None)
    filters = queries.Filters()
    if request.GET and form.is_valid():
        filters = queries.Filters.from_form(form)
    try:
        after, before = queries.decode_cursors(request.GET.get("cursor"), request.GET.get("before"))
        cursor_refused = False
    except ValueError:
        after = before = None
        cursor_refused = True
        form.add_error(
            None, _("This page cursor is not one the server gave out; start again from the first page.")
        )
    page = queries.Page(rows=[], next=None, prev=None)
    status = 400
    # A filter that cannot be applied shows its error and no rows: a page of unfiltered cases
    # beneath it would read as the answer to the search.
    if not form.errors:
        page = queries.page(
            listed(request.user, filters),
            after=after,
            before=before,
            size=PAGE_SIZE,
        )
        status = 200
    rows = page.rows
    deadlines.colour_rows(rows)
    label_rows(rows)
    selects = [
        (name, form.fields[name].label, form.fields[name].choices)
        for name in ("status", "category", "handling_level", "risk", "channel", "queue")
    ]
    return render(
        request,
        "disputes/list.html",
        {
            "form": form,
            "selects": selects,
            "current": request.GET.dict(),
            "rows": rows,
            "next_cursor": queries.encode_cursor(page.next),
            "prev_cursor": queries.encode_cursor(page.prev),
            "cursor_refused": cursor_refused,
            "query": keyset.pager_query(request),
        },
        status=status,
    )


def _register_regions(user):
    # A dispute arises in a place: a county department is a unit tasks go to, not a place.
    return (
        Region.objects.visible_to(user, "case.handle")
        .filter(level__in=["village", "grid", "township"], retired_on__isnull=True)
        .exclude(department_q())[:2000]
    )


@role_required("case.handle")
def dispute_create(request):
    regions = _register_regions(request.user)
    if request.method == "POST" and ADD_PARTY in request.POST:
        return _with_another_party(request, regions)
    form = forms.DisputeForm(request.POST or None, request.FILES or None, regions=regions)
    parties = forms.PartyFormSet(request.POST or None, prefix="parties")
    duplicates = []
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and parties.is_valid():
            data = form.cleaned_data
            # The blocks left empty are no parties; `blocks` keeps where each party was on the page.
            blocks = [i for i, p in enumerate(parties.cleaned_data) if p]
            party_rows = [parties.cleaned_data[i] for i in blocks]
            region = get_scoped_or_404(Region, request.user, "case.handle", code=data["region"])
            fields = {k: v for k, v in data.items() if k not in {"region", "confirm_new"}}
            try:
                # The form's `attachments` are the action's: it adds them inside the registration.
                dispute = actions.register_dispute(
                    request.user,
                    region=region,
                    parties=party_rows,
                    check_duplicates=not data["confirm_new"],
                    **fields,
                )
                messages.success(request, _("Registered as %(number)s.") % {"number": dispute.number})
                return redirect("disputes:detail", dispute_id=dispute.pk)
            except actions.PossibleDuplicates as found:
                duplicates = found.cases
                form.data = form.data.copy()
                form.data["confirm_new"] = "on"
                status = 200
            except TooManySearches as refused:
                form.add_error("confirm_new", str(refused))
                status = 429
            except ValidationError as error:
                _show_registration_errors(form, parties, blocks, error)
        _say_files_were_dropped(form, len(request.FILES.getlist("attachments")))
    return render(
        request,
        "disputes/create.html",
        {"form": form, "parties": parties, "duplicates": duplicates},
        status=status,
    )


# The button that asks for one more party block: without JavaScript it sends the form, which comes
# back as typed with a block more; with it (behaviours.js, data-add-form) the block is added in place.
ADD_PARTY = "add_party"


def _with_another_party(request, regions):
    """The registration form sent back as typed, with one more party block and nothing checked
    yet: the person asked for a block, not for the form to be judged."""
    data = request.POST.copy()
    key = "parties-TOTAL_FORMS"
    try:
        blocks = int(data.get(key) or 0)
    except ValueError:
        blocks = 0
    data[key] = str(min(max(blocks, 0) + 1, forms.PartyFormSet.max_num))
    form = forms.DisputeForm(data, regions=regions)
    parties = forms.PartyFormSet(data, prefix="parties")
    for each in (form, *parties.forms):
        each._errors = ErrorDict(renderer=each.renderer)
    parties._errors = [each.errors for each in parties.forms]
    parties._non_form_errors = parties.error_class(renderer=parties.renderer)
    _say_files_were_dropped(form, len(request.FILES.getlist("attachments")))
    return render(request, "disputes/create.html", {"form": form, "parties": parties, "duplicates": []})


def _say_files_were_dropped(form, sent: int) -> None:
    """A browser never fills a file input in a page it is sent back: the photos chosen before the
    duplicate warning or an error are gone, and the worker must be told to choose them again, or
    the case is registered without them."""
    if sent:
        said = ngettext(
            "The file you chose was not kept: choose it again before you press Register.",
            "The %(count)d files you chose were not kept: choose them again before you press Register.",
            sent,
        )
        # The bound field, which took its help text when the form was cleaned, is what the page shows.
        form["attachments"].help_text = format_html("<strong>{}</strong>", said % {"count": sent})


def _show_registration_errors(form, parties, blocks: list[int], error: ValidationError) -> None:
    """The action's errors on the registration page. Those about a party ("parties.1.id_number")
    go beside the field of its block and say which party it is, counting the blocks as the page
    shows them (the empty ones were not sent to the action); the rest go on the dispute's form."""
    if not hasattr(error, "error_dict"):
        show_errors(form, error)
        return
    rest = {}
    for key, errors in error.error_dict.items():
        group, _dot, place = key.partition(".")
        index, _dot, field = place.partition(".")
        if group != "parties":
            rest[key] = errors
        elif index.isdigit() and int(index) < len(blocks) and field in forms.PartyForm.base_fields:
            block = blocks[int(index)]
            said = _("Party %(n)d: %(message)s")
            parties.forms[block].add_error(
                field, [said % {"n": block + 1, "message": m} for e in errors for m in e.messages]
            )
        else:
            parties.non_form_errors().extend(m for e in errors for m in e.messages)
    if rest:
        show_errors(form, ValidationError(rest))


ACTION_FORMS = {
    "accept": forms.AcceptForm,
    "record_session": forms.SessionForm,
    "record_agreement": forms.AgreementForm,
    "record_failure": forms.FailureForm,
    "record_refusal": forms.ReasonForm,
    "end_at_request": forms.ReasonForm,
    "record_visit": forms.VisitForm,
    "resolve": forms.NoteForm,
    "escalate": forms.ReasonForm,
    "urge": forms.ReasonForm,
    "assign_down": forms.AssignDownForm,
    "transfer_out": forms.TransferForm,
    "reopen": forms.ReasonForm,
    "merge": forms.MergeForm,
}


def _action_form(name: str, dispute: Dispute, data=None, *, actor=None):
    form_class = ACTION_FORMS[name]
    initial = {"version": dispute.version}
    if form_class is forms.AcceptForm:
        mediators = actions.eligible_mediators(dispute, with_roles=True)
        return form_class(data, initial=initial, mediators=mediators, actor=actor, prefix=name)
    return form_class(data, initial=initial, prefix=name)


def _revealed(request, dispute: Dispute) -> dict:
    """{(party id, field): full value} of the reveals this person made on the case, still shown."""
    if not personal.may_reveal(DISPUTE, request.user, dispute):
        return {}
    wanted = personal.remembered(request.session, DISPUTE, dispute)
    return {
        (party.pk, field): getattr(party, field)
        for party in dispute.parties.all()
        for field in DISPUTE.personal_fields
        if (party.pk, field) in wanted and getattr(party, field)
    }


def _detail(
    request,
    dispute: Dispute,
    *,
    bound: dict | None = None,
    extension_form=None,
    casefile_form=None,
    status: int = 200,
):
    dispute = (
        Dispute.objects.select_related("region", "handling_unit", "registered_by", "merged_into")
        .prefetch_related(
            "parties",
            "sessions",
            "agreements",
            "visits",
            "transfers",
            "timeline__actor",
            "mediators",
            "extensions",
            "attachments",
        )
        .get(pk=dispute.pk)
    )
    return render(
        request,
        "disputes/detail.html",
        {
            "dispute": dispute,
            "colour": deadlines.colour(dispute),
            "action_forms": PAGES.action_forms(
                request, dispute, bound, lambda name: _action_form(name, dispute, actor=request.user)
            ),
            "can_reveal": personal.may_reveal(DISPUTE, request.user, dispute),
            "reveal_form": forms.RevealForm(),
            "casefile_form": casefile_form or forms.CaseFileRevealForm(initial={"format": "html"}),
            "revealed": _revealed(request, dispute),
            **PAGES.context(
                request,
                dispute,
                attachment_form=forms.AttachmentForm(),
                extension_form=extension_form or forms.ExtensionForm(prefix="extension"),
            ),
        },
        status=status,
    )


@role_required("case.view")
def dispute_detail(request, dispute_id: int):
    return _detail(request, get_scoped_or_404(Dispute, request.user, "view", pk=dispute_id))


def _perform(request, dispute: Dispute, action: str, data: dict) -> None:
    if action == "accept":
        data["mediators"] = list(actions.eligible_mediators(dispute).filter(pk__in=data["mediators"]))
    if action == "merge":
        data["into"] = get_scoped_or_404(Dispute, request.user, "view", number=data["into"].strip())
    getattr(actions, action)(request.user, dispute, **data)


PAGES = pages.CasePages(DISPUTE, "disputes", "dispute_id", _detail, actions)

dispute_act = pages.act_view(
    PAGES,
    perm="case.view",
    forms=ACTION_FORMS,
    make_form=lambda request, dispute, action: _action_form(
        action, dispute, request.POST, actor=request.user
    ),
    perform=_perform,
)


@post_only
@role_required("case.handle")
def party_reveal(request, dispute_id: int, party_id: int):
    """Show one full phone or ID number to a handler who says why; the read is logged."""
    dispute = get_scoped_or_404(Dispute, request.user, "handle", pk=dispute_id)
    party = get_object_or_404(Party, pk=party_id, dispute=dispute)
    form = forms.RevealForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why you need the full number."))
        return _detail(request, dispute, status=400)
    field = form.cleaned_data["field"]
    personal.reveal(DISPUTE, request.user, dispute, party, field, purpose=form.cleaned_data["purpose"])
    # POST, redirect, GET: a reload of the case shows the number again but neither repeats the
    # reveal nor logs it twice, and the number never travels in an address.
    personal.remember(request.session, DISPUTE, dispute, party, field)
    return redirect("disputes:detail", dispute_id=dispute.pk)


@role_required("case.view")
def dispute_print(request, dispute_id: int, document: str):
    """Printable A4 documents of the file: the registration form, the mediation record, the agreement."""
    dispute = get_scoped_or_404(Dispute, request.user, "view", pk=dispute_id)
    templates = {
        "registration": "disputes/print_registration.html",
        "record": "disputes/print_record.html",
        "agreement": "disputes/print_agreement.html",
    }
    if document not in templates:
        raise Http404
    if document == "agreement" and not dispute.agreements.exists():
        raise Http404
    # The file's documents are official Chinese forms whatever language the reader browses in:
    # choice labels (申请人, 邻里) come out in the county's language, as on the paper copy.
    with translation.override(settings.LANGUAGE_CODE):
        return render(
            request, templates[document], {"dispute": dispute, "agreement": dispute.agreements.first()}
        )


def _casefile_answer(request, dispute: Dispute, *, full: bool, as_docx: bool):
    """The case file as a page to print or a Word document; the documents are in the county's
    language, whatever the reader browses in."""
    with translation.override(settings.LANGUAGE_CODE):
        case = casefile.gather(dispute, full=full, printed_by=request.user)
        if as_docx:
            response = FileResponse(
                io.BytesIO(casefile.to_docx(case)),
                as_attachment=True,
                filename=f"{dispute.number}-人民调解卷宗.docx",
                content_type=DOCX,
            )
        else:
            response = render(request, "disputes/casefile.html", casefile.page_context(case))
    if full:
        # Full numbers must not stay in a shared browser's or a proxy's cache.
        patch_cache_control(response, no_store=True, private=True)
    return response


@role_required("case.view")
def casefile_page(request, dispute_id: int):
    """The whole case file on one printable page, phone and ID numbers masked."""
    dispute = get_scoped_or_404(Dispute, request.user, "view", pk=dispute_id)
    return _casefile_answer(request, dispute, full=False, as_docx=False)


@role_required("case.view")
def casefile_docx(request, dispute_id: int):
    """The case file as a Word document, phone and ID numbers masked."""
    dispute = get_scoped_or_404(Dispute, request.user, "view", pk=dispute_id)
    return _casefile_answer(request, dispute, full=False, as_docx=True)


@post_only
@role_required("case.handle")
def casefile_full(request, dispute_id: int):
    """The case file with full phone and ID numbers, as a court needs it: a reveal of every party's
    numbers, for a stated purpose, each one an access record the auditor reads."""
    dispute = get_scoped_or_404(Dispute, request.user, "handle", pk=dispute_id)
    if not personal.may_reveal(DISPUTE, request.user, dispute):
        raise PermissionDenied(_("You may not see this case's personal data."))
    form = forms.CaseFileRevealForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, _("Say why you need the full numbers, then choose a page or a Word document.")
        )
        return _detail(request, dispute, casefile_form=form, status=400)
    with translation.override(settings.LANGUAGE_CODE):
        # Stored in the county's language like every other row of the trail.
        purpose = _("Case file printed in full: %(purpose)s") % {"purpose": form.cleaned_data["purpose"]}
    with transaction.atomic():
        for party in dispute.parties.all():
            for field in sorted(DISPUTE.personal_fields):
                if getattr(party, field):
                    personal.reveal(DISPUTE, request.user, dispute, party, field, purpose=purpose)
    return _casefile_answer(request, dispute, full=True, as_docx=form.cleaned_data["format"] == "docx")


WORK_LIST_SIZE = 100


@role_required("case.view")
def my_work(request):
    """Each list shows its first WORK_LIST_SIZE cases and its total; a longer one links to the
    dispute list filtered to it, where it pages on."""
    queue = queries.work_queue(request.user)
    calendar = WorkingCalendar.from_database()
    lists = []
    for name in queries.WORK_LISTS:
        rows = list(queue[name][: WORK_LIST_SIZE + 1])
        total = len(rows) if len(rows) <= WORK_LIST_SIZE else queue[name].count()
        rows = rows[:WORK_LIST_SIZE]
        deadlines.colour_rows(rows)
        label_rows(rows)
        for row in rows:
            # A case waiting to be accepted has no limit yet: show the one acceptance starts.
            # Waiting to be accepted: besides the acceptance limit, the time acceptance will give.
            row.limit_days = (
                deadlines.limit_days(row, calendar=calendar) if row.status == Status.REGISTERED else None
            )
        more = f"{reverse('disputes:list')}?queue={name}" if total > len(rows) else ""
        lists.append((forms.WORK_LIST_LABELS[name], rows, total, more))
    groups = alerts.grouped(DISPUTE, request.user, size=WORK_LIST_SIZE)
    return render(request, "disputes/work.html", {"lists": lists, "alert_groups": groups})


alert_acknowledge = pages.alert_acknowledge_view(
    DISPUTE,
    perm="case.view",
    id_kwarg="alert_id",
    said=lambda alert: _("Alert on %(number)s marked as seen.") % {"number": alert.dispute.number},
    to="disputes:work",
)


@post_only
@role_required("case.view")
def alerts_read(request, topic: str):
    """Mark all as read: every alert of one group in this person's queue."""
    if topic not in alerts.Topic.values:
        raise Http404
    seen = alerts.acknowledge_topic(DISPUTE, request.user, topic)
    messages.success(
        request,
        ngettext("%(n)d alert marked as read.", "%(n)d alerts marked as read.", seen) % {"n": seen},
    )
    return redirect("disputes:work")


extension_request = pages.extension_request_view(
    PAGES, perm="case.handle", make_form=lambda data, _case: forms.ExtensionForm(data, prefix="extension")
)
extension_decide = pages.extension_decide_view(PAGES, perm="case.dispatch", id_kwarg="extension_id")
attachment_add = pages.attachment_add_view(
    PAGES, perm="case.handle", form_class=forms.AttachmentForm, add=actions.add_attachment
)


@role_required("case.view")
def attachment_download(request, dispute_id: int, attachment_id: int):
    """Files are served only through here, inside the jurisdiction; every download is logged."""
    from .models import Attachment

    dispute = get_scoped_or_404(Dispute, request.user, "view", pk=dispute_id)
    attachment = get_object_or_404(Attachment, pk=attachment_id, dispute=dispute)
    # ?copy=thumbnail or display: a photo's copy for the page (no EXIF), seen rather than downloaded.
    return pages.serve_file(request, attachment, region_code=dispute.region_id, which=request.GET.get("copy"))
