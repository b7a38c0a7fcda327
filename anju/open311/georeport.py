"""What the Open311 GeoReport v2 answers say, apart from how they are sent: the one table that maps
the events' stages onto the specification's `open` and `closed`, the services (the minor classes of
the event catalogue) and a service request made from an event. Reporter contact details are never
read here, so no answer can carry them."""

from __future__ import annotations

import datetime as dt
from functools import cache

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from anju.core import rows
from anju.events.choices import FieldKind, Status
from anju.events.models import EventClass, EventType, ExtraField
from anju.regions.models import Region
from anju.worktime import calendar

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


def services():
    return EventType.objects.filter(active=True, event_class__active=True).select_related("event_class")


@cache
def fingerprint_sql() -> tuple[str, ...]:
    """Scalar subqueries, for a POST to read with its key (keys.use_key), whose answers change with
    every change to what it reads besides the key: the working calendar's two
    (worktime.calendar.fingerprint_sql), then the service catalogue's. On PostgreSQL the catalogue's
    is a digest of where each row of the minor and major classes and the extra fields is stored and
    which transaction wrote it (`ctid`, `xmin`): an UPDATE writes a new version of the row in
    another place, so an insert, change or removal shows however it was made (the admin,
    `import-catalogue`, an UPDATE by hand), within one transaction too. Elsewhere NULL: no
    catalogue is kept."""
    days, changed = calendar.fingerprint_sql()
    if connection.vendor != "postgresql":
        return days, changed, "SELECT NULL"
    quote = connection.ops.quote_name
    versions = " UNION ALL ".join(
        f"SELECT '{model._meta.model_name}' || ctid::text || xmin::text AS v"  # noqa: S608
        f" FROM {quote(model._meta.db_table)}"
        for model in (EventType, EventClass, ExtraField)
    )
    # In the order the tables are read, unsorted: an order that differs only reads the services anew.
    return days, changed, f"SELECT md5(string_agg(v, ',')) FROM ({versions}) AS versions"  # noqa: S608


@cache
def _posting_sql() -> str:
    """An active minor class by its code, with its major class and its extra fields (one row each,
    or one row of NULLs): what a POST reads before it writes."""
    quote = connection.ops.quote_name
    return (
        f"SELECT {rows.columns(EventType, 't')}, {rows.columns(EventClass, 'c')},"  # noqa: S608
        f" {rows.columns(ExtraField, 'f')}"
        f" FROM {quote(EventType._meta.db_table)} t"
        f" JOIN {quote(EventClass._meta.db_table)} c ON c.id = t.event_class_id"
        f" LEFT JOIN {quote(ExtraField._meta.db_table)} f ON f.event_type_id = t.id"
        f" WHERE t.code = %s AND t.active = %s AND c.active = %s"
        f" ORDER BY f.{quote('order')}, f.id"
    )


def _read_service(code: str) -> EventType | None:
    with rows.cursor() as cursor:
        cursor.execute(_posting_sql(), [code, True, True])
        found = cursor.fetchall()
    if not found:
        return None
    type_end = len(EventType._meta.concrete_fields)
    class_end = type_end + len(EventClass._meta.concrete_fields)
    event_type = rows.load(EventType, found[0][:type_end])
    event_type.event_class = rows.load(EventClass, found[0][type_end:class_end])
    fields = [rows.load(ExtraField, row[class_end:]) for row in found if row[class_end] is not None]
    for field in fields:
        field.event_type = event_type
    # Handed over as prefetch_related("extra_fields") leaves them, so `extra_fields.all()` reads no
    # more rows.
    kept = event_type.extra_fields.all()
    kept._result_cache, kept._prefetch_done = fields, True
    event_type._prefetched_objects_cache = {"extra_fields": kept}
    return event_type


# The services this process has read, by code, and the catalogue's fingerprint they were read under.
_services: dict[str, tuple[object, dict[str, EventType]]] = {}


def service_for_posting(code: str, fingerprint) -> EventType | None:
    """The active service a POST names, as `services()` has it, its extra fields loaded. Kept by
    this process while the catalogue's fingerprint (the last of `fingerprint_sql`, read with the
    key) stays the same: a POST then reads no row of the catalogue. Where there is no fingerprint
    (not PostgreSQL) it is read each time. The objects kept are shared by the POSTs that follow:
    nothing may change them."""
    catalogue = fingerprint[-1] if fingerprint else None
    if catalogue is None:
        return _read_service(code)
    kept = _services.get("services")
    if kept is None or kept[0] != catalogue:
        kept = (catalogue, {})
        _services["services"] = kept
    event_type = kept[1].get(code)
    if event_type is None:
        event_type = _read_service(code)
        if event_type is not None:  # an unknown code is not kept: the codes kept stay the catalogue's
            kept[1][code] = event_type
    return event_type


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


class Context:
    """What every request of one answer shares, worked out once: the county's zone, the stages'
    names in the answer's language, the address photos are served from."""

    def __init__(self, request):
        self.zone = timezone.get_current_timezone()
        self.labels = {value: str(label) for value, label in Status.choices}
        self.media = request.build_absolute_uri(f"{PREFIX}media/")
        self.converted = _("Taken up as a dispute for mediation.")

    def w3c(self, moment: dt.datetime | None) -> str | None:
        return moment.astimezone(self.zone).isoformat(timespec="seconds") if moment else None


def status_notes(row: dict, context: Context) -> str:
    """The stage in words, never the staff's own text: a handler's report or a reason for voiding is
    written for colleagues and may name people, and these answers are public."""
    if row["status"] == Status.CONVERTED:
        return context.converted
    return context.labels.get(row["status"], row["status"])


# When each stage ended: the latest is when the request was last updated.
MOMENTS = (
    "reported_at",
    "filed_at",
    "dispatched_at",
    "handled_at",
    "verified_at",
    "closed_at",
    "evaluated_at",
)


def updated_at(row: dict) -> dt.datetime:
    return max(row[m] for m in MOMENTS if row[m] is not None)


# The columns an answer reads (with `photo_id`, the first report photo): a list reads only these,
# as plain rows, in one query (anju.open311.views.requests).
FIELDS = [
    "number",
    "status",
    "description",
    "location",
    "latitude",
    "longitude",
    *MOMENTS,
    "due_at",
    "event_type__code",
    "event_type__name",
    "handling_unit__name",
]


def service_request(context: Context, row: dict) -> dict:
    """One event, read as a row of FIELDS and `photo_id`, as the specification's request: never the
    reporter's name, phone or e-mail (they are not among the columns read)."""
    public = STATUS_OF_STAGE[row["status"]]
    photo = row["photo_id"]
    return {
        "service_request_id": row["number"],
        "status": public,
        "status_notes": status_notes(row, context),
        "service_name": row["event_type__name"],
        "service_code": row["event_type__code"],
        "description": row["description"],
        "agency_responsible": row["handling_unit__name"],
        "service_notice": "",
        "requested_datetime": context.w3c(row["reported_at"]),
        "updated_datetime": context.w3c(updated_at(row)),
        "expected_datetime": context.w3c(row["due_at"]) if public == OPEN else None,
        "address": row["location"],
        "address_id": "",
        "zipcode": "",
        "lat": float(row["latitude"]) if row["latitude"] is not None else None,
        "long": float(row["longitude"]) if row["longitude"] is not None else None,
        "media_url": f"{context.media}{photo}.jpg" if photo else "",
    }
