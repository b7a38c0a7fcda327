"""The Open311 GeoReport v2 door at /open311/v2/: plain Django views answering in XML or JSON by
the path's extension, errors in the specification's shape (`errors/error` with `code` and
`description`, or a JSON array of them) for every path under the prefix. GET answers are public,
as the specification has them; POST needs an api_key (query string or form body), is CSRF-exempt
for that reason, and enters the grid events' workflow through `events.actions.report_event`."""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
import xml.etree.ElementTree as ET
from decimal import Decimal, InvalidOperation
from functools import cache

from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from anju.core import rows
from anju.core.scoping import OutOfScope
from anju.core.views import public
from anju.events import actions as event_actions
from anju.events.choices import FieldKind, PhotoPurpose
from anju.events.models import Event, EventType, Photo
from anju.workflow import attachments
from anju.worktime import calendar

from . import georeport, keys
from .models import ServiceRequest

MAX_ROWS = 1000
DEFAULT_DAYS = 90
MAX_IDS = 1000

# The element a list's items take in XML, by the list's name; the root and item of each answer.
ITEM_OF = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
}


class Problem(Exception):
    """An answer in the specification's error format."""

    def __init__(self, status: int, description: str):
        super().__init__(description)
        self.status = status
        self.description = description


# --- writing the answers -------------------------------------------------------------------------


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fill(element: ET.Element, value) -> None:
    if isinstance(value, dict):
        for name, inner in value.items():
            _fill(ET.SubElement(element, name), inner)
    elif isinstance(value, list):
        for inner in value:
            _fill(ET.SubElement(element, ITEM_OF[element.tag]), inner)
    else:
        element.text = _text(value)


def answer(fmt: str, root: str, body, status: int = 200) -> HttpResponse:
    """`body` as JSON (a list stays a top-level array) or as XML under `root`."""
    if fmt == "json":
        return HttpResponse(
            json.dumps(body, ensure_ascii=False),
            status=status,
            content_type="application/json; charset=utf-8",
        )
    element = ET.Element(root)
    _fill(element, body)
    data = ET.tostring(element, encoding="utf-8", xml_declaration=True)
    return HttpResponse(data, status=status, content_type="text/xml; charset=utf-8")


def error(fmt: str, status: int, description: str) -> HttpResponse:
    return answer(fmt, "errors", [{"code": status, "description": description}], status=status)


# --- reading the questions -----------------------------------------------------------------------


def _param(request, name: str) -> str:
    value = request.POST.get(name) if request.method == "POST" else None
    return (value if value is not None else request.GET.get(name, "")).strip()


def _comma_list(text: str, name: str) -> list[str]:
    values = [v.strip() for v in text.split(",") if v.strip()]
    if len(values) > MAX_IDS:
        raise Problem(400, _("%(name)s lists more than %(count)d values.") % {"name": name, "count": MAX_IDS})
    return values


def parse_datetime(text: str, name: str) -> dt.datetime:
    """A W3C date and time with its zone (`Z` or an offset); a `+` sent unencoded reads as a space."""
    cleaned = text.replace(" ", "+")
    try:
        moment = dt.datetime.fromisoformat(cleaned)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise Problem(
            400,
            _("%(name)s must be a W3C date and time with its zone, such as 2026-12-01T08:00:00+08:00.")
            % {"name": name},
        )
    return moment


def _positive(text: str, name: str, default: int, ceiling: int) -> int:
    if not text:
        return default
    if not text.isdigit() or not 1 <= int(text) <= ceiling:
        raise Problem(
            400, _("%(name)s must be a whole number from 1 to %(max)d.") % {"name": name, "max": ceiling}
        )
    return int(text)


def check_jurisdiction(request) -> None:
    given = _param(request, "jurisdiction_id")
    if given and given != georeport.county_code():
        raise Problem(404, _("jurisdiction_id %(id)s was not found.") % {"id": given[:50]})


# --- the endpoints -------------------------------------------------------------------------------


def discovery(request, fmt):
    base = request.build_absolute_uri(georeport.PREFIX)
    body = {
        "changeset": georeport.CHANGESET,
        "contact": _("The county's comprehensive governance centre."),
        "key_service": _("Ask the county's administrators for an api_key."),
        "endpoints": [
            {
                "specification": georeport.SPECIFICATION,
                "url": base,
                "changeset": georeport.CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return answer(fmt, "discovery", body)


def service_list(request, fmt):
    check_jurisdiction(request)
    with_fields = set(
        EventType.objects.filter(extra_fields__isnull=False).values_list("pk", flat=True).distinct()
    )
    body = [georeport.service(t, t.pk in with_fields) for t in georeport.services()]
    return answer(fmt, "services", body)


def service_definition(request, fmt, code):
    check_jurisdiction(request)
    event_type = georeport.services().prefetch_related("extra_fields").filter(code=code).first()
    if event_type is None:
        raise Problem(404, _("service_code %(code)s was not found.") % {"code": code[:50]})
    return answer(fmt, "service_definition", georeport.definition(event_type))


def _requests():
    """The requests as plain rows of the columns the answer reads, the first report photo as a
    subquery: one query for a whole page, no model built (bench/open311.py). A fresh copy of the
    query built once by this process, as Django's generic views copy their `queryset`: building
    it again for every request was a tenth of a list's CPU."""
    return _built_requests().all()


@cache
def _built_requests():
    first_photo = (
        Photo.objects.filter(event=OuterRef("pk"), purpose=PhotoPurpose.REPORT)
        .order_by("uploaded_at", "id")
        .values("pk")[:1]
    )
    return (
        Event.objects.filter(open311__isnull=False)
        .annotate(photo_id=Subquery(first_photo))
        .order_by("-reported_at", "-id")
        .values(*georeport.FIELDS, "photo_id")
    )


def _request_list(request, fmt, rows) -> HttpResponse:
    context = georeport.Context(request)
    body = [georeport.service_request(context, row) for row in rows]
    return answer(fmt, "service_requests", body)


def request_list(request, fmt):
    check_jurisdiction(request)
    events = _requests()
    ids = _comma_list(_param(request, "service_request_id"), "service_request_id")
    if ids:  # the specification: other parameters are then ignored
        return _request_list(request, fmt, events.filter(number__in=ids)[:MAX_ROWS])
    codes = _comma_list(_param(request, "service_code"), "service_code")
    if codes:
        events = events.filter(event_type__code__in=codes)
    statuses = _comma_list(_param(request, "status"), "status")
    wrong = [s for s in statuses if s not in georeport.STAGES_OF_STATUS]
    if wrong:
        raise Problem(
            400, _("status must be open or closed, not %(value)s.") % {"value": ",".join(wrong)[:50]}
        )
    if statuses:
        events = events.filter(
            status__in=[stage for s in statuses for stage in georeport.STAGES_OF_STATUS[s]]
        )
    start_text, end_text = _param(request, "start_date"), _param(request, "end_date")
    end = parse_datetime(end_text, "end_date") if end_text else None
    start = parse_datetime(start_text, "start_date") if start_text else None
    span = dt.timedelta(days=DEFAULT_DAYS)
    if start is None and end is None:
        end = timezone.now()
    if start is None:
        start = end - span
    if end is None:
        end = start + span
    if end < start:
        raise Problem(400, _("end_date is before start_date."))
    if end - start > span:
        raise Problem(
            400, _("start_date and end_date may not span more than %(days)d days.") % {"days": DEFAULT_DAYS}
        )
    events = events.filter(reported_at__gte=start, reported_at__lte=end)
    size = _positive(_param(request, "page_size"), "page_size", MAX_ROWS, MAX_ROWS)
    page = _positive(_param(request, "page"), "page", 1, 1_000_000)
    return _request_list(request, fmt, events[(page - 1) * size : page * size])


def request_detail(request, fmt, number):
    check_jurisdiction(request)
    events = list(_requests().filter(number=number))
    if not events:
        raise Problem(404, _("service_request_id %(id)s was not found.") % {"id": number[:50]})
    return _request_list(request, fmt, events)


def token_detail(request, fmt, token):
    check_jurisdiction(request)
    row = ServiceRequest.objects.filter(token=token).select_related("event").first()
    if row is None:
        raise Problem(404, _("token %(token)s was not found.") % {"token": token[:50]})
    return answer(fmt, "service_requests", [{"service_request_id": row.event.number, "token": row.token}])


def media(request, photo_id):
    """A request's photo as the page shows it: resized, with no EXIF. Only photos sent on report
    with a request that came through this door."""
    photo = Photo.objects.filter(
        pk=photo_id, purpose=PhotoPurpose.REPORT, event__open311__isnull=False
    ).first()
    if photo is None:
        raise Http404
    return attachments.serve_photo_copy(photo, "display")


# --- posting a request ---------------------------------------------------------------------------

ATTRIBUTE = re.compile(r"attribute\[([^\]]{1,40})\](\[\])?")


def _attributes(request, event_type: EventType) -> dict:
    kinds = {f.key: f.kind for f in event_type.extra_fields.all()}
    extra: dict = {}
    for name in request.POST:
        match = ATTRIBUTE.fullmatch(name)
        if not match:
            continue
        key = match.group(1)
        values = [v for v in request.POST.getlist(name) if v.strip()]
        if kinds.get(key) == FieldKind.MULTIPLE:
            extra[key] = values
        elif values:
            value = values[0]
            # A datetime attribute is kept as its day, the field's own kind.
            extra[key] = value[:10] if kinds.get(key) == FieldKind.DATE else value
    return extra


def _coordinate(request, name: str):
    text = _param(request, name)
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise Problem(400, _("%(name)s is not a number.") % {"name": name}) from None
    if not value.is_finite():
        raise Problem(400, _("%(name)s is not a number.") % {"name": name})
    return value.quantize(Decimal("0.000001"))


def _region_of(key, latitude, longitude):
    """Where a request is reported: the grid its point falls in when grid boundaries are known,
    else the most local place the key's account reports for (read with the key)."""
    if key.home_region is None:
        raise Problem(403, _("The api_key's account may not report events."))
    if latitude is not None and longitude is not None:
        grid = event_actions.grid_for(latitude, longitude, region=key.home_region, actor=key.account)
        if grid is not None:
            return grid
    return key.home_region


def _messages(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return " ".join(f"{field}: {m}" for field, ms in error.message_dict.items() for m in ms)
    return " ".join(error.messages)


def post_request(request, fmt):
    try:
        # The calendar's and the catalogue's fingerprints come with the key: the service and the
        # limits need no query of their own while neither changes.
        key = keys.use_key(_param(request, "api_key"), also=georeport.fingerprint_sql())
    except keys.KeyRefused as refused:
        raise Problem(refused.status, refused.message) from None
    check_jurisdiction(request)
    code = _param(request, "service_code")
    if not code:
        raise Problem(400, _("service_code is required."))
    event_type = georeport.service_for_posting(code, key.also)
    if event_type is None:
        raise Problem(400, _("service_code %(code)s was not found.") % {"code": code[:50]})
    latitude, longitude = _coordinate(request, "lat"), _coordinate(request, "long")
    address = _param(request, "address_string")
    if (latitude is None or longitude is None) and not address:
        raise Problem(400, _("Give lat and long, or address_string."))
    description = _param(request, "description")
    name = " ".join(p for p in (_param(request, "first_name"), _param(request, "last_name")) if p)
    email = _param(request, "email")
    region = _region_of(key, latitude, longitude)
    photos = request.FILES.getlist("media")
    token = secrets.token_hex(16)

    def keep_request(event: Event) -> None:
        # Written as the event's own rows are (anju.core.rows.insert): the ORM's INSERT, built
        # afresh for every request, cost more than running it.
        rows.insert(
            ServiceRequest(
                event=event,
                key=key,
                token=token,
                email=email[:254],
                device_id=_param(request, "device_id")[:100],
                account_id=_param(request, "account_id")[:100],
            )
        )

    try:
        event = event_actions.report_event(
            key.account,
            region=region,
            event_type=event_type,
            photos=photos,
            title=f"{event_type.name}：{description}"[:100] if description else event_type.name,
            description=description or event_type.name,
            location=address[:200],
            latitude=latitude,
            longitude=longitude,
            channel=key.channel,
            reporter_name=name[:50],
            reporter_phone=_param(request, "phone"),
            extra=_attributes(request, event_type),
            with_event=keep_request,
            calendar=calendar.shared(key.also[:2]),
        )
    except OutOfScope:
        raise Problem(403, _("The api_key's account may not report events there.")) from None
    except ValidationError as invalid:
        raise Problem(400, _messages(invalid)) from None
    body = [{"service_request_id": event.number, "token": token, "service_notice": "", "account_id": ""}]
    return answer(fmt, "service_requests", body, status=201)


# --- the door ------------------------------------------------------------------------------------

ROUTES = [
    (re.compile(r"discovery"), {"GET": discovery}),
    (re.compile(r"services"), {"GET": service_list}),
    (re.compile(r"services/(?P<code>[\w-]{1,40})"), {"GET": service_definition}),
    (re.compile(r"requests"), {"GET": request_list, "POST": post_request}),
    (re.compile(r"requests/(?P<number>[\w-]{1,40})"), {"GET": request_detail}),
    (re.compile(r"tokens/(?P<token>[\w-]{1,64})"), {"GET": token_detail}),
]
MEDIA = re.compile(r"media/(?P<photo_id>\d{1,18})\.jpg")


@public
@csrf_exempt
def door(request, rest: str):
    """Every path under the prefix: a known endpoint, or the specification's 404 in the format the
    path asks for (XML unless it ends in .json)."""
    media_match = MEDIA.fullmatch(rest)
    if media_match and request.method == "GET":
        return media(request, int(media_match["photo_id"]))
    stem, dot, ext = rest.rpartition(".")
    fmt = ext if dot and ext in ("xml", "json") else "xml"
    try:
        if dot and ext == fmt:
            for pattern, methods in ROUTES:
                match = pattern.fullmatch(stem)
                if match is None:
                    continue
                view = methods.get(request.method)
                if view is None:
                    raise Problem(405, _("%(method)s is not offered here.") % {"method": request.method[:10]})
                return view(request, fmt, **match.groupdict())
        raise Problem(404, _("There is no such Open311 endpoint."))
    except Problem as problem:
        return error(fmt, problem.status, problem.description)
