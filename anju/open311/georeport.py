"""What the Open311 GeoReport v2 answers say, apart from how they are sent: the one table that maps
the events' stages onto the specification's `open` and `closed`, the services (the minor classes of
the event catalogue) and a service request made from an event. Reporter contact details are never
read here, so no answer can carry them."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from anju.events.choices import FieldKind, Status
from anju.events.models import Event, EventType
from anju.regions.models import Region

PREFIX = "/open311/v2/"
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-12-06T00:00:00+08:00"

# Every internal stage, and what an Open311 client sees of it.
OPEN, CLOSED = "open", "closed"
STATUS_OF_STAGE = {
    Status.REPORTED: OPEN,
    Status.FILED: OPEN,
    Status.DISPATCHED: OPEN,
    Status.HANDLED: OPEN,
    Status.CLOSED: CLOSED,
    Status.EVALUATED: CLOSED,
    Status.VOIDED: CLOSED,
    Status.CONVERTED: CLOSED,
}
STAGES_OF_STATUS = {
    public: sorted(stage for stage, shown in STATUS_OF_STAGE.items() if shown == public)
    for public in (OPEN, CLOSED)
}

DATATYPE = {
    FieldKind.TEXT: "string",
    FieldKind.NUMBER: "number",
    FieldKind.DATE: "datetime",
    FieldKind.CHOICE: "singlevaluelist",
    FieldKind.MULTIPLE: "multivaluelist",
}


def county_code() -> str:
    """The jurisdiction this server answers for: ANJU_COUNTY_CODE when set, else the root region."""
    configured = getattr(settings, "ANJU_COUNTY_CODE", "")
    if configured:
        return configured
    root = Region.objects.filter(parent__isnull=True).order_by("code").values_list("code", flat=True).first()
    return root or ""


def w3c(moment: dt.datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


def services():
    return EventType.objects.filter(active=True, event_class__active=True).select_related("event_class")


def service(event_type: EventType, has_fields: bool) -> dict:
    return {
        "service_code": event_type.code,
        "service_name": event_type.name,
        "description": str(event_type),
        "metadata": has_fields,
        "type": "realtime",
        "keywords": "",
        "group": event_type.event_class.name,
    }


def definition(event_type: EventType) -> dict:
    return {
        "service_code": event_type.code,
        "attributes": [
            {
                "variable": True,
                "code": field.key,
                "datatype": DATATYPE[field.kind],
                "required": field.required,
                "datatype_description": "",
                "order": index,
                "description": field.label,
                "values": [{"key": option, "name": option} for option in field.options],
            }
            for index, field in enumerate(event_type.extra_fields.all(), start=1)
        ],
    }


def status_notes(event: Event) -> str:
    if event.status == Status.VOIDED:
        return event.void_reason
    if event.status == Status.CONVERTED:
        return _("Taken up as a dispute for mediation.")
    if event.status in (Status.HANDLED, Status.CLOSED, Status.EVALUATED) and event.handling_report:
        return event.handling_report
    return str(event.get_status_display())


def updated_at(event: Event) -> dt.datetime:
    moments = [
        event.reported_at,
        event.filed_at,
        event.dispatched_at,
        event.handled_at,
        event.verified_at,
        event.closed_at,
        event.evaluated_at,
    ]
    return max(m for m in moments if m is not None)


def media_url(request, event: Event) -> str:
    photos = event.public_photos  # prefetched: the report photos
    if not photos:
        return ""
    return request.build_absolute_uri(f"{PREFIX}media/{photos[0].pk}.jpg")


def service_request(request, event: Event) -> dict:
    """One event as the specification's request: never the reporter's name, phone or e-mail."""
    public = STATUS_OF_STAGE[event.status]
    return {
        "service_request_id": event.number,
        "status": public,
        "status_notes": status_notes(event),
        "service_name": event.event_type.name,
        "service_code": event.event_type.code,
        "description": event.description,
        "agency_responsible": event.handling_unit.name,
        "service_notice": "",
        "requested_datetime": w3c(event.reported_at),
        "updated_datetime": w3c(updated_at(event)),
        "expected_datetime": w3c(event.due_at) if public == OPEN else None,
        "address": event.location,
        "address_id": "",
        "zipcode": "",
        "lat": float(event.latitude) if event.latitude is not None else None,
        "long": float(event.longitude) if event.longitude is not None else None,
        "media_url": media_url(request, event),
    }
