"""Pages for grid events: the report form for phones, the centre's dispatch board, the handler's
queue, the list, the event with its timeline, photos and actions, and the catalogue."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from anju.audit.actions import record
from anju.core import export, keyset
from anju.core.admin_site import ADMIN_PERM
from anju.core.forms import ImportForm
from anju.core.scoping import get_scoped_or_404, holds_top_level, prefixes_for
from anju.core.views import post_only, role_required, show_errors
from anju.regions import queries as region_queries
from anju.regions.codes import department_q
from anju.regions.models import Region
from anju.workflow import extensions, pages, personal

from . import actions, catalogue, deadlines, forms, queries
from .kind import EVENT
from .models import Event, EventClass, EventType, Photo

PAGE_SIZE = 50


@role_required("case.view")
def event_list(request):
    form = forms.FilterForm(request.GET or None)
    filters = queries.Filters()
    if request.GET and form.is_valid():
        filters = queries.Filters.from_form(form)
    after, before = keyset.cursors_from(request, form)
    page = queries.Page(rows=[], next=None, prev=None)
    status = 400
    if not form.errors:
        page = queries.page(
            queries.filtered(request.user, filters), after=after, before=before, size=PAGE_SIZE
        )
        status = 200
    deadlines.colour_rows(page.rows)
    return render(
        request,
        "events/list.html",
        {
            "form": form,
            "rows": page.rows,
            "next_cursor": queries.encode_cursor(page.next),
            "prev_cursor": queries.encode_cursor(page.prev),
            "query": keyset.pager_query(request),
        },
        status=status,
    )


@role_required("case.dispatch")
def dispatch_board(request):
    lists = queries.board(request.user)
    deadlines.colour_rows([e for rows in lists.values() for e in rows])  # the calendar read once
    area = _jurisdiction(request.user)
    return render(
        request,
        "events/board.html",
        {"lists": lists, "area": area, "has_boundaries": _has_boundaries(area, request.user)},
    )


@role_required("case.view")
def map_points(request):
    """The open events the person may see, as the map's points (JSON): no personal data. `bbox`
    (west,south,east,north) keeps those in view; a page holds `limit` points (500, at most 1,000),
    and `next` is the address of the next page, or null."""
    try:
        box = queries.Box.parse(request.GET["bbox"]) if request.GET.get("bbox") else None
        after = queries.decode_map_cursor(request.GET.get("after"))
        size = int(request.GET.get("limit") or queries.MAP_SIZE)
        if not 1 <= size <= queries.MAP_SIZE_MAX:
            raise ValueError("limit")
    except ValueError:
        message = _(
            "bbox is west,south,east,north in degrees; limit is 1 to 1000; after is a cursor it gave."
        )
        return JsonResponse({"detail": message}, status=400)
    points, following = queries.map_points(request.user, box=box, after=after, size=size)
    next_url = None
    if following is not None:
        query = request.GET.copy()
        query["after"] = queries.encode_map_cursor(following)
        next_url = f"{request.path}?{query.urlencode()}"
    return JsonResponse({"points": points, "next": next_url})


def _jurisdiction(user) -> Region | None:
    """The region whose grids the board's map draws: the smallest one holding every unit the
    person dispatches for (the county for county staff)."""
    prefixes = prefixes_for(user, "case.dispatch")
    if prefixes is None:
        return Region.objects.filter(parent__isnull=True).order_by("code").first()
    if not prefixes:
        return None
    # The first and last codes in order share exactly the prefix every code shares.
    first, last = min(prefixes), max(prefixes)
    common = first[
        : next((i for i, (a, b) in enumerate(zip(first, last, strict=False)) if a != b), len(first))
    ]
    candidates = Region.objects.filter(code__in=[common[:n] for n in range(len(common), 0, -1)])
    return max(candidates, key=lambda r: len(r.code), default=None)


def _has_boundaries(region: Region | None, user) -> bool:
    return region is not None and region_queries.boundaries_under(region, user).exists()


@role_required("case.handle")
def handler_queue(request):
    rows = list(queries.handler_queue(request.user)[:200])
    deadlines.colour_rows(rows)
    notices = list(queries.open_alerts(request.user).select_related("event")[:100])
    return render(request, "events/queue.html", {"rows": rows, "alerts": notices})


alert_acknowledge = pages.alert_acknowledge_view(
    EVENT,
    perm="case.view",
    id_kwarg="event_alert_id",
    said=lambda alert: _("Alert on %(number)s marked as seen.") % {"number": alert.event.number},
    to="events:queue",
)


def _report_regions(user):
    # An event happens in a place: a county department is a unit events go to, not a place.
    return (
        Region.objects.visible_to(user, "case.handle")
        .filter(level__in=["grid", "village", "township"], retired_on__isnull=True)
        .exclude(department_q())[:2000]
    )


@role_required("case.handle")
def event_create(request):
    """Step one: the category, grouped by major class; step two: the report form of that category."""
    code = request.GET.get("type") or request.POST.get("type")
    if not code:
        classes = EventClass.objects.filter(active=True).prefetch_related("types")
        return render(request, "events/choose_type.html", {"classes": classes})
    event_type = EventType.objects.filter(code=code, active=True).prefetch_related("extra_fields").first()
    if event_type is None:
        raise Http404
    form = forms.ReportForm(
        request.POST or None,
        request.FILES or None,
        event_type=event_type,
        regions=_report_regions(request.user),
    )
    duplicates = []
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            region = get_scoped_or_404(Region, request.user, "case.handle", code=data["region"])
            fields = {k: data[k] for k in actions.REPORTED_FIELDS}
            try:
                event = actions.report_event(
                    request.user,
                    region=region,
                    event_type=event_type,
                    photos=data["photos"],
                    extra=form.extra_values(),
                    check_duplicates=not data["confirm_new"],
                    **fields,
                )
                messages.success(request, _("Reported as %(number)s.") % {"number": event.number})
                return redirect("events:detail", event_id=event.pk)
            except actions.PossibleDuplicates as found:
                duplicates = found.events
                form.data = form.data.copy()
                form.data["confirm_new"] = "on"
                status = 200
            except ValidationError as error:
                show_errors(form, _extra_errors(error))
    return render(
        request,
        "events/create.html",
        {"form": form, "event_type": event_type, "duplicates": duplicates, "join_form": forms.JoinForm()},
        status=status,
    )


def _extra_errors(error: ValidationError) -> ValidationError:
    """The action keys an extra field's errors `extra.<key>`; the form names it `extra_<key>`."""
    if not hasattr(error, "error_dict"):
        return error
    return ValidationError(
        {key.replace("extra.", "extra_", 1): errs for key, errs in error.error_dict.items()}
    )


ACTION_FORMS = {
    "file": forms.NoteForm,
    "void": forms.ReasonForm,
    "dispatch": forms.DispatchForm,
    "send_back": forms.ReasonForm,
    "handle": forms.HandleForm,
    "verify_pass": forms.NoteForm,
    "verify_fail": forms.ReasonForm,
    "evaluate": forms.EvaluateForm,
    "mark_urgent": forms.ReasonForm,
    "convert": forms.ConvertForm,
}


def _action_form(name: str, event: Event, data=None, files=None):
    initial = {"version": event.version}
    if name == "convert":
        initial["category"] = event.event_type.dispute_category
    return ACTION_FORMS[name](data, files, initial=initial, prefix=name)


def _detail(request, event: Event, *, bound: dict | None = None, status: int = 200):
    event = (
        Event.objects.select_related(
            "event_type__event_class", "region", "handling_unit", "dispute", "reported_by"
        )
        .prefetch_related("photos", "timeline__actor", "extensions", "event_type__extra_fields")
        .get(pk=event.pk)
    )
    labels = {f.key: f.label for f in event.event_type.extra_fields.all()}
    extra = [(labels.get(k, k), "、".join(v) if isinstance(v, list) else v) for k, v in event.extra.items()]
    deadlines.colour_rows([event])
    revealed = {}
    if personal.may_reveal(EVENT, request.user, event):
        for _pk, field in personal.remembered(request.session, EVENT, event):
            revealed[field] = getattr(event, field)
    return render(
        request,
        "events/detail.html",
        {
            "event": event,
            "colour": event.colour,
            "photos": [(p, actions.may_see_original(request.user, event, p)) for p in event.photos.all()],
            "map_points": [queries.point(event)] if event.latitude is not None else [],
            "has_boundaries": _has_boundaries(event.region, request.user),
            "extra": extra,
            "action_forms": PAGES.action_forms(request, event, bound, lambda name: _action_form(name, event)),
            "can_reveal": personal.may_reveal(EVENT, request.user, event),
            "revealed": revealed,
            **PAGES.context(
                request,
                event,
                attachment_form=forms.AttachmentForm(),
                extension_form=forms.ExtensionForm(
                    prefix="extension", unit=extensions.unit_for(EVENT, event)
                ),
            ),
        },
        status=status,
    )


@role_required("case.view")
def event_detail(request, event_id: int):
    return _detail(request, get_scoped_or_404(Event, request.user, "view", pk=event_id))


PAGES = pages.CasePages(EVENT, "events", "event_id", _detail, actions)

event_act = pages.act_view(
    PAGES,
    perm="case.view",
    forms=ACTION_FORMS,
    make_form=lambda request, event, action: _action_form(action, event, request.POST, request.FILES),
    refused=pages.REFUSED,
)


@post_only
@role_required("case.handle")
def event_join(request, event_id: int):
    """Join a possible duplicate instead of reporting it again."""
    event = get_scoped_or_404(Event, request.user, "view", pk=event_id)
    form = forms.JoinForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say what you saw."))
        return _detail(request, event, status=400)
    try:
        actions.join_event(request.user, event, description=form.cleaned_data["description"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _detail(request, event, status=400)
    messages.success(request, _("Your report joined %(number)s.") % {"number": event.number})
    return redirect("events:detail", event_id=event.pk)


@post_only
@role_required("case.handle")
def reporter_reveal(request, event_id: int):
    event = get_scoped_or_404(Event, request.user, "handle", pk=event_id)
    form = forms.RevealForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why you need the full number."))
        return _detail(request, event, status=400)
    field = form.cleaned_data["field"]
    personal.reveal(EVENT, request.user, event, event, field, purpose=form.cleaned_data["purpose"])
    personal.remember(request.session, EVENT, event, event, field)
    return redirect("events:detail", event_id=event.pk)


photo_add = pages.attachment_add_view(
    PAGES, perm="case.handle", form_class=forms.AttachmentForm, add=actions.add_photo
)


@role_required("case.view")
def photo_download(request, event_id: int, photo_id: int):
    """Photos are served only through here, inside the jurisdiction; every view is logged.
    `?copy=display` or `?copy=thumbnail`: the copy for the page (no EXIF), to anyone who may see the
    event; the original, EXIF and all, only to those actions.may_see_original names. Others asking
    for the original get the display copy of a photo (a link never breaks) and a 403 for a scan."""
    event = get_scoped_or_404(Event, request.user, "view", pk=event_id)
    photo = get_object_or_404(Photo, pk=photo_id, event=event)
    which = request.GET.get("copy")
    if not which and not actions.may_see_original(request.user, event, photo):
        if not photo.is_image:
            raise PermissionDenied(_("Only the copy of this photo is shown to you; its original is kept."))
        which = "display"
    return pages.serve_file(request, photo, region_code=event.region_id, which=which)


extension_request = pages.extension_request_view(
    PAGES,
    perm="case.handle",
    make_form=lambda data, event: forms.ExtensionForm(
        data, prefix="extension", unit=extensions.unit_for(EVENT, event)
    ),
    form_kwarg=None,
)
extension_decide = pages.extension_decide_view(PAGES, perm="case.dispatch", id_kwarg="event_extension_id")


# --- the catalogue -------------------------------------------------------------------------------


@role_required("region.view")
def catalogue_page(request):
    """The catalogue as everyone who works with events reads it; county administrators import it."""
    classes = EventClass.objects.prefetch_related("types__extra_fields", "types__rules")
    can_import = holds_top_level(request.user, ADMIN_PERM)
    report = None
    form = ImportForm()
    status = 200
    if request.method == "POST":
        if not can_import:
            raise PermissionDenied
        form = ImportForm(request.POST, request.FILES)
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                report = catalogue.import_catalogue(upload.read(), upload.name)
            except ValidationError as error:
                form.add_error("file", error)
            else:
                if report.ok:
                    record(request.user, "event_catalogue.import", after=report.as_dict())
                    messages.success(
                        request,
                        _("Catalogue imported: %(created)d new, %(updated)d updated.")
                        % {"created": report.created, "updated": report.updated},
                    )
                    return redirect("events:catalogue")
    return render(
        request,
        "events/catalogue.html",
        {"classes": classes, "can_import": can_import, "form": form, "report": report},
        status=status,
    )


@role_required("region.view")
def catalogue_export(request, fmt: str):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    return export.streaming_response(
        fmt,
        catalogue.export_headers(),
        catalogue.export_rows(),
        title="事件分类",
        filename=f"event-catalogue.{fmt}",
    )
