"""Every write to a grid event. Each transition goes through the shared workflow machinery
(anju.workflow.engine.apply): permission on the handling unit, the row lock, the version check, the
change, a timeline row and an audit row, in one transaction. What is the event's own (routing, the
stage clocks, extra fields, duplicates, conversion to a dispute) is here."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anju.audit.actions import record, refusals_recorded
from anju.core import photos as field_photos
from anju.core import rows
from anju.core.personal import validate_phone
from anju.core.rows import insert
from anju.core.scoping import OutOfScope, covers, require_in_scope
from anju.disputes import actions as dispute_actions
from anju.disputes.choices import Category as DisputeCategory
from anju.disputes.models import TimelineEntry as DisputeTimelineEntry
from anju.regions import geo
from anju.regions.codes import not_a_place
from anju.regions.models import Region
from anju.workflow import alerts, attachments, engine, extensions, limits

from . import catalogue
from .choices import REPORT_FILES_MAX, FieldKind, PhotoPurpose, Status
from .kind import EVENT
from .models import Event, EventCounter, EventType, ExtensionRequest, Photo

StaleVersion = engine.StaleVersion


def unflushed() -> str:
    """A condition for the WHERE of a counter's UPDATE run in autocommit: on PostgreSQL it lets that
    statement's commit return without waiting for the log to reach the disk (4 ms of a report's 18
    on the bench's machine, twice: the event number and the Open311 key's count). Nothing is lost
    that anyone relies on: the report's own transaction commits later and waits for the log up to
    its own commit, which holds the counter's commit before it; a crash between the two loses only
    a number no event was given, or one use of a key's minute."""
    if connection.vendor != "postgresql":
        return ""
    return " AND set_config('synchronous_commit', 'off', true) = 'off'"


def next_number(county_code: str, year: int) -> tuple[str, int | None]:
    """SJ620123-2026-000123: the county, the year and the count within them, never reused. Taken with
    one statement, as disputes.actions.next_numbers takes a case number: called outside the report's
    transaction it runs in autocommit and holds the counter row for that statement only, so reports
    in a county do not queue behind each other's transactions; its commit does not wait for the disk
    (`unflushed`). A report that fails after it leaves a gap. On PostgreSQL the same statement takes
    the event's key from the table's sequence (else None: the INSERT gives it), so that the rows
    naming the event can go with it in one statement (`rows.at_once`)."""
    quote = connection.ops.quote_name
    table = quote(EventCounter._meta.db_table)
    key = ""
    if connection.vendor == "postgresql":
        key = f", nextval(pg_get_serial_sequence('{quote(Event._meta.db_table)}', '{Event._meta.pk.column}'))"
    sql = (
        f"UPDATE {table} SET last = last + 1 WHERE county_code = %s AND year = %s{unflushed()}"  # noqa: S608
        f" RETURNING last{key}"
    )
    with rows.cursor() as cursor:
        cursor.execute(sql, [county_code, year])
        row = cursor.fetchone()
    if row is None:  # the first event of this county and year
        try:
            with transaction.atomic():
                EventCounter.objects.create(county_code=county_code, year=year, last=0)
        except IntegrityError:  # another report created it first
            pass
        with rows.cursor() as cursor:
            cursor.execute(sql, [county_code, year])
            row = cursor.fetchone()
    return f"SJ{county_code}-{year}-{row[0]:06d}", (row[1] if key else None)


def allowed_transitions(event: Event, user) -> list[str]:
    return engine.allowed(EVENT, event, user)


# --- extra fields --------------------------------------------------------------------------------


def clean_extra(event_type: EventType, raw: dict) -> dict:
    """The extra fields of a report, checked against its minor class: each known field's value in
    the form it is stored (text; a number as text; a date as YYYY-MM-DD; a list for multiple
    choice). Errors are keyed `extra.<key>`."""
    errors: dict[str, list[str]] = {}
    fields = list(event_type.extra_fields.all())
    known = {f.key for f in fields}
    for key in raw:
        if key not in known:
            errors[f"extra.{key}"] = [
                _("%(category)s has no field %(key)s.") % {"category": event_type.name, "key": key}
            ]
    cleaned: dict = {}
    for field in fields:
        value = raw.get(field.key)
        if isinstance(value, str):
            value = value.strip()
        empty = value in (None, "", [])
        if empty:
            if field.required:
                errors[f"extra.{field.key}"] = [_("%(label)s is required.") % {"label": field.label}]
            continue
        try:
            cleaned[field.key] = _clean_value(field, value)
        except ValidationError as error:
            errors[f"extra.{field.key}"] = [f"{field.label}: {m}" for m in error.messages]
    if errors:
        raise ValidationError(errors)
    return cleaned


def _clean_value(field, value):
    if field.kind == FieldKind.MULTIPLE:
        values = value if isinstance(value, list) else [value]
        wrong = [str(v) for v in values if v not in field.options]
        if wrong:
            raise ValidationError(_("%(value)s is not one of the choices.") % {"value": "、".join(wrong)})
        return [o for o in field.options if o in values]
    if isinstance(value, list | dict):
        raise ValidationError(_("Give one value."))
    text = str(value)[:500]
    if field.kind == FieldKind.NUMBER:
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValidationError(_("%(value)s is not a number.") % {"value": text}) from None
        if not number.is_finite() or abs(number) >= 10**12:
            raise ValidationError(_("%(value)s is not a number.") % {"value": text})
        return format(number.normalize(), "f")
    if field.kind == FieldKind.DATE:
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            raise ValidationError(_("%(value)s is not a date (YYYY-MM-DD).") % {"value": text}) from None
        if not 1900 <= day.year <= 2100:
            raise ValidationError(_("%(value)s is not a date (YYYY-MM-DD).") % {"value": text})
        return day.isoformat()
    if field.kind == FieldKind.CHOICE and text not in field.options:
        raise ValidationError(_("%(value)s is not one of the choices.") % {"value": text})
    return text


# --- duplicates ----------------------------------------------------------------------------------

EARTH_RADIUS_METRES = 6_371_000
METRES_PER_DEGREE = 111_320


def distance_metres(lat1, lon1, lat2, lon2) -> float:
    """The great-circle distance (haversine) between two points in decimal degrees."""
    p1, p2 = math.radians(float(lat1)), math.radians(float(lat2))
    dp, dl = p2 - p1, math.radians(float(lon2) - float(lon1))
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_METRES * math.asin(min(1.0, math.sqrt(a)))


def possible_duplicates(user, event_type: EventType, latitude, longitude, *, now=None) -> list[Event]:
    """Open or recent events of the same minor class within ANJU_EVENT_DUPLICATE_METRES of the point
    and ANJU_EVENT_DUPLICATE_DAYS, nearest first, among those the person may see. The database
    narrows to a box around the point; the haversine distance decides."""
    if latitude is None or longitude is None:
        return []
    metres = settings.ANJU_EVENT_DUPLICATE_METRES
    lat, lon = float(latitude), float(longitude)
    dlat = metres / METRES_PER_DEGREE
    dlon = metres / (METRES_PER_DEGREE * max(math.cos(math.radians(lat)), 0.01))
    since = (now or timezone.now()) - dt.timedelta(days=settings.ANJU_EVENT_DUPLICATE_DAYS)
    candidates = (
        Event.objects.visible_to(user, "view")
        .filter(
            event_type=event_type,
            reported_at__gte=since,
            latitude__range=(Decimal(str(lat - dlat)), Decimal(str(lat + dlat))),
            longitude__range=(Decimal(str(lon - dlon)), Decimal(str(lon + dlon))),
        )
        .exclude(status__in=[Status.VOIDED, Status.CONVERTED])
        .select_related("event_type")[:200]
    )
    found = []
    for event in candidates:
        event.distance = distance_metres(lat, lon, event.latitude, event.longitude)
        if event.distance <= metres:
            found.append(event)
    return sorted(found, key=lambda e: e.distance)[:10]


class PossibleDuplicates(ValidationError):
    """The report may repeat events on file (`events`); nothing was saved."""

    def __init__(self, events: list[Event]):
        super().__init__(_("Possible duplicates: join one of them or report anyway."), code="duplicates")
        self.events = events


# --- reporting -----------------------------------------------------------------------------------


def grid_for(latitude, longitude, *, region: Region, actor=None) -> Region | None:
    """The grid whose imported boundary holds the point, looked for in the county of the region the
    reporter chose (a point is often a few metres over the next grid's line, or in the next
    village). None where no boundary holds it, and for a grid the reporter may not report in: the
    region they chose then stands."""
    try:
        lat, lon = float(latitude), float(longitude)
    except (TypeError, ValueError):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    grid = geo.grid_at(lat, lon, within=region.code[:6])
    if grid is None or grid.is_retired:
        return None
    if actor is not None and not covers(actor, "case.handle", grid.code):
        return None
    return grid


def read_photos(uploads: Sequence) -> list[field_photos.Copies | None]:
    """Each upload's copies for the page (None for a PDF scan, which has none), made before anything
    is saved: a file that says it is a photo but Pillow cannot read (damaged, cut short, a
    decompression bomb) is refused by name rather than kept as a file nobody can look at. Call
    after attachments.check_files, which refuses what is too large or of another type."""
    found: list[field_photos.Copies | None] = []
    errors = []
    for upload in uploads:
        head = upload.read(16)
        upload.seek(0)
        kind = attachments.sniff(head)
        if kind is None or not kind[0].startswith("image/"):
            found.append(None)
            continue
        try:
            found.append(field_photos.process(upload.read()))
        except field_photos.PhotoError as error:
            errors.append(_("%(file)s: %(message)s") % {"file": upload.name, "message": error})
            found.append(None)
        finally:
            upload.seek(0)
    if errors:
        raise ValidationError({"photos": errors})
    return found


def photo_location(copies: Sequence[field_photos.Copies | None]) -> tuple[Decimal, Decimal] | None:
    """The first EXIF location among the photos, to the six places the event keeps."""
    for copy in copies:
        if copy is not None and copy.location is not None:
            lat, lon = copy.location
            return Decimal(f"{lat:.6f}"), Decimal(f"{lon:.6f}")
    return None


def may_see_original(user, event: Event, photo: Photo) -> bool:
    """The original file keeps its EXIF (the phone's make and serial, the minute it was taken, the
    place): personal data of whoever took it. It goes to those who may reveal the reporter's
    details (who handle cases where the event arose: its grid, village, township and county) and
    to the person who sent it; everyone else who may see the event sees the copies only."""
    from anju.workflow import personal

    return photo.uploaded_by_id == user.pk or personal.may_reveal(EVENT, user, event)


def store_photo(
    actor,
    event: Event,
    upload,
    *,
    description: str = "",
    purpose: str = PhotoPurpose.REPORT,
    copies: field_photos.Copies | None = None,
) -> Photo:
    """The one place an event's photos are written, through the shared attachments (content check,
    timeline row, audit row). A photo Pillow cannot read is refused; the original is kept as it
    came and its display copy and thumbnail (no EXIF) stored beside it. `copies`: already made by
    read_photos."""
    if copies is None:
        try:
            copies = read_photos([upload])[0]
        except ValidationError as error:
            raise ValidationError({"file": error.messages}) from None
    photo = attachments.attach(EVENT, actor, event, upload, description=description, copies=copies)
    if purpose != PhotoPurpose.REPORT:
        Photo.objects.filter(pk=photo.pk).update(purpose=purpose)
        photo.purpose = purpose
    return photo


# What a report's input fills (besides the place, the class, the extra fields and the photos, which
# check_report checks itself): full_clean checks these, and any other field a caller gives.
REPORTED_FIELDS = frozenset(
    {
        "title",
        "description",
        "location",
        "latitude",
        "longitude",
        "channel",
        "reporter_name",
        "reporter_phone",
    }
)


def _set_on_report(given) -> set[str]:
    """The fields of a new event that full_clean need not check: those check_report sets itself
    from the catalogue, the places and the clock, and the defaults of the stages to come."""
    return {f.name for f in Event._meta.fields if f.name not in REPORTED_FIELDS and f.name not in given}


def check_report(
    actor,
    *,
    region: Region,
    event_type: EventType,
    extra: dict | None = None,
    photos: Sequence = (),
    reporter_phone: str = "",
    **fields,
) -> Event:
    """Everything a report is refused for, checked before anything is written or searched."""
    if not covers(actor, "case.handle", region.code):
        raise OutOfScope(_("You may not report events in %(region)s.") % {"region": region})
    errors: dict[str, list[str]] = {}
    if region.is_retired:
        errors["region"] = [_("%(region)s is retired.") % {"region": region}]
    elif refusal := not_a_place(region):
        errors["region"] = [refusal]
    if not event_type.active or not event_type.event_class.active:
        errors["event_type"] = [_("%(category)s is no longer in use.") % {"category": event_type.name}]
    try:
        cleaned = clean_extra(event_type, extra or {})
    except ValidationError as error:
        errors.update(error.message_dict)
        cleaned = {}
    if reporter_phone:
        try:
            reporter_phone = validate_phone(reporter_phone)
        except ValidationError as error:
            errors["reporter_phone"] = error.messages
    if event_type.photo_required and not photos:
        errors["photos"] = [_("%(category)s needs at least one photo.") % {"category": event_type.name}]
    copies: list = [None] * len(photos)
    try:
        attachments.check_files(photos, REPORT_FILES_MAX)
        copies = read_photos(photos)
    except ValidationError as error:
        errors["photos"] = [m for ms in error.message_dict.values() for m in ms]
    if (fields.get("latitude") is None) != (fields.get("longitude") is None):
        errors["longitude"] = [_("Give both the latitude and the longitude, or neither.")]
    location_from_photo = False
    if fields.get("latitude") is None and fields.get("longitude") is None:
        spot = photo_location(copies)
        if spot is not None:
            fields["latitude"], fields["longitude"] = spot
            location_from_photo = True
    grid = None
    if fields.get("latitude") is not None and fields.get("longitude") is not None and not region.is_retired:
        grid = grid_for(fields["latitude"], fields["longitude"], region=region, actor=actor)
    # Said on the page only when the point moved the event out of the region the reporter chose.
    grid_from_point = grid is not None and grid.code != region.code
    if grid is not None:
        region = grid
    now = timezone.now()
    event = Event(
        location_from_photo=location_from_photo,
        grid_from_point=grid_from_point,
        region=region,
        event_type=event_type,
        dispatcher_unit_id=catalogue.dispatcher_for(region),
        handling_unit_id=catalogue.dispatcher_for(region),
        urgent=event_type.urgent,
        extra=cleaned,
        reporter_phone=reporter_phone,
        reported_by=actor,
        reported_at=now,
        **fields,
    )
    try:
        event.full_clean(exclude=_set_on_report(fields), validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        for key, messages in error.message_dict.items():
            errors.setdefault(key, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    event.photo_copies = copies  # made once here, stored with the photos by report_event
    return event


def report_event(
    actor,
    *,
    region: Region,
    event_type: EventType,
    photos: Sequence = (),
    check_duplicates: bool = False,
    with_event: Callable[[Event], object] | None = None,
    calendar=None,
    **fields,
) -> Event:
    """Report an event where it was seen. Grid workers, mediators and centre staff may, for places in
    their jurisdiction; it waits for the township's centre to file it, with the filing limit of its
    minor class running. With `check_duplicates`, a report near an event of the same class is
    refused with PossibleDuplicates, after every other check has passed. Where the report gives no
    coordinates, a photo's EXIF location gives them; where an imported grid boundary holds the point,
    the event is that grid's. `with_event` writes what another app keeps about the report (the
    Open311 request) with the event's rows, with `rows.insert` in their statement (`rows.at_once`:
    it may not read them back); `calendar`, the working calendar the caller already holds
    (worktime.calendar.shared)."""
    with refusals_recorded(actor, "event.report", region_code=region.code):
        event = check_report(actor, region=region, event_type=event_type, photos=photos, **fields)
        if check_duplicates:
            found = possible_duplicates(actor, event_type, event.latitude, event.longitude)
            if found:
                raise PossibleDuplicates(found)
        limits.start_limit(EVENT, event, event.reported_at, calendar=calendar)
        event.file_due_at = event.due_at
        event.number, event.pk = next_number(region.code[:6], timezone.localdate(event.reported_at).year)

        def write() -> None:
            insert(event)
            require_in_scope(event, actor, "case.view")
            engine.add_timeline(EVENT, event, actor, "report", "", Status.REPORTED, event.title)
            record(
                actor, "event.report", event, region_code=event.region_id, after=engine.snapshot(EVENT, event)
            )
            if with_event is not None:
                with_event(event)

        if not photos:
            # The event and the rows that follow from it in one statement, which on PostgreSQL needs
            # no transaction of its own; the rows name the event by the key it was given above.
            with rows.at_once():
                write()
            return event
        with transaction.atomic():
            with rows.together():
                write()
            for upload, copies in zip(photos, event.photo_copies, strict=True):
                store_photo(actor, event, upload, copies=copies)
    return event


def join_event(actor, event: Event, *, description: str, photos: Sequence = ()) -> Event:
    """Someone reports what is already on file: their words and photos join the event instead of
    opening a second one."""
    with refusals_recorded(actor, "event.join", event, region_code=event.region_id):
        if not attachments.may_attach(EVENT, actor, event):
            raise OutOfScope(_("You may not add to this event."))
        if not event.is_open:
            raise ValidationError(_("This event is no longer open; report a new one."))
        attachments.check_files(photos, REPORT_FILES_MAX)
        copies = read_photos(photos)
        with transaction.atomic():
            Event.objects.filter(pk=event.pk).update(also_reported=F("also_reported") + 1)
            engine.note_row(EVENT, event, actor, "joined", description[:2000])
            record(
                actor,
                "event.join",
                event,
                region_code=event.region_id,
                after={"description": description[:200]},
            )
            for upload, copy in zip(photos, copies, strict=True):
                store_photo(actor, event, upload, copies=copy)
    event.refresh_from_db()
    return event


# --- the loop ------------------------------------------------------------------------------------


def _apply(actor, event: Event, name: str, *, version, note: str = "", change=None) -> Event:
    return engine.apply(EVENT, actor, event, name, version=version, note=note, change=change)


def _end_stage(e: Event, due_field: str, done_field: str, now) -> None:
    """The stage the event leaves ends now; its limit is kept beside, for the on-time figures."""
    setattr(e, due_field, e.due_at)
    setattr(e, done_field, now)


def _reason(reason: str, field: str = "reason") -> str:
    if not reason.strip():
        raise ValidationError({field: _("Give the reason.")})
    return reason.strip()


def file(actor, event: Event, *, version: int | None = None, note: str = "") -> Event:
    def change(e: Event) -> None:
        now = timezone.now()
        _end_stage(e, "file_due_at", "filed_at", now)
        limits.start_limit(EVENT, e, now)

    return _apply(actor, event, "file", version=version, note=note, change=change)


def void(actor, event: Event, *, reason: str, version: int | None = None) -> Event:
    reason = _reason(reason)

    def change(e: Event) -> None:
        _end_stage(e, "file_due_at", "filed_at", timezone.now())
        e.void_reason = reason[:500]
        limits.clear_limit(e)

    return _apply(actor, event, "void", version=version, note=reason, change=change)


def dispatch(actor, event: Event, *, unit: str = "", version: int | None = None, note: str = "") -> Event:
    """Send the event to the unit that handles it: the one routing names, or one the dispatcher
    picks on the path of the place it was reported in. The handling clock starts."""

    def change(e: Event) -> str:
        code = unit.strip() or catalogue.route(e.event_type, e.region)
        if (
            not e.region_id.startswith(code)
            or not Region.objects.filter(code=code, retired_on__isnull=True).exists()
        ):
            raise ValidationError(
                {"unit": _("Dispatch to a unit on the path of %(region)s.") % {"region": e.region}}
            )
        now = timezone.now()
        _end_stage(e, "dispatch_due_at", "dispatched_at", now)
        e.handling_unit_id = code
        limits.start_limit(EVENT, e, now)
        e.handle_due_at = e.due_at
        alerts.raise_alert(
            EVENT,
            e,
            code,
            _alert_text(gettext_lazy("Dispatched to you: %(title)s"), e),
            topic=alerts.Topic.ASSIGNMENT,
        )
        return str(Region.objects.get(code=code))

    return _apply(actor, event, "dispatch", version=version, note=note, change=change)


def _alert_text(template, event: Event) -> str:
    """An alert's stored words, in the county's language; `template` is a lazy translation."""
    with alerts.county_language():
        return str(template) % {"title": event.title}


def send_back(actor, event: Event, *, reason: str, version: int | None = None) -> Event:
    """Not ours: the handlers send it back to the centre, which dispatches it again."""
    reason = _reason(reason)

    def change(e: Event) -> None:
        e.handling_unit_id = e.dispatcher_unit_id
        limits.start_limit(EVENT, e, timezone.now())
        alerts.raise_alert(
            EVENT, e, e.dispatcher_unit_id, _alert_text(gettext_lazy("Sent back: %(title)s"), e)
        )

    return _apply(actor, event, "send_back", version=version, note=reason, change=change)


def handle(actor, event: Event, *, report: str, photos: Sequence = (), version: int | None = None) -> Event:
    """The handlers report what they did, with photos; the centre's site verification is next."""
    report = _reason(report, "report")
    attachments.check_files(photos, REPORT_FILES_MAX)
    copies = read_photos(photos)
    taken = event.photos.filter(purpose=PhotoPurpose.HANDLING).exists()
    if event.event_type.photo_required and not photos and not taken:
        raise ValidationError({"photos": [_("Add a photo of the result.")]})

    def change(e: Event) -> None:
        now = timezone.now()
        _end_stage(e, "handle_due_at", "handled_at", now)
        e.handling_report = report
        limits.start_limit(EVENT, e, now)
        e.verify_due_at = e.due_at
        for upload, copy in zip(photos, copies, strict=True):
            store_photo(actor, e, upload, purpose=PhotoPurpose.HANDLING, copies=copy)

    return _apply(actor, event, "handle", version=version, note=report, change=change)


def verify_pass(actor, event: Event, *, note: str = "", version: int | None = None) -> Event:
    def change(e: Event) -> None:
        now = timezone.now()
        _end_stage(e, "verify_due_at", "verified_at", now)
        e.closed_at = now
        limits.clear_limit(e)

    return _apply(actor, event, "verify_pass", version=version, note=note, change=change)


def verify_fail(actor, event: Event, *, reason: str, version: int | None = None) -> Event:
    """Not done on site: back to the handlers with the reason, and a new handling limit."""
    reason = _reason(reason)

    def change(e: Event) -> None:
        now = timezone.now()
        _end_stage(e, "verify_due_at", "verified_at", now)
        e.returned += 1
        limits.start_limit(EVENT, e, now)
        e.handle_due_at = e.due_at
        alerts.raise_alert(
            EVENT, e, e.handling_unit_id, _alert_text(gettext_lazy("Verification failed: %(title)s"), e)
        )

    return _apply(actor, event, "verify_fail", version=version, note=reason, change=change)


def evaluate(
    actor, event: Event, *, satisfaction: int, centre_score: int, note: str = "", version: int | None = None
) -> Event:
    if not 1 <= satisfaction <= 5:
        raise ValidationError({"satisfaction": _("Choose from 1 to 5.")})
    if not 1 <= centre_score <= 100:
        raise ValidationError({"centre_score": _("Score from 1 to 100.")})

    def change(e: Event) -> None:
        e.satisfaction = satisfaction
        e.centre_score = centre_score
        e.evaluated_at = timezone.now()

    return _apply(actor, event, "evaluate", version=version, note=note, change=change)


def mark_urgent(actor, event: Event, *, reason: str, version: int | None = None) -> Event:
    reason = _reason(reason)

    def change(e: Event) -> None:
        if e.urgent:
            raise ValidationError(_("This event is urgent already."))
        e.urgent = True
        # The stage running takes its urgent limit from now, unless the one it has ends sooner;
        # the stages after it start with urgent limits (deadlines.URGENT_SHARE).
        if e.due_at is not None:
            sooner = EVENT.limits.due_for(e, timezone.now())
            if sooner < e.due_at:
                e.due_at = sooner
        alerts.raise_alert(
            EVENT,
            e,
            e.handling_unit_id,
            _alert_text(gettext_lazy("Urgent: %(title)s"), e),
            topic=alerts.Topic.URGING,
        )

    return _apply(actor, event, "mark_urgent", version=version, note=reason, change=change)


def convert(
    actor,
    event: Event,
    *,
    category: str = "",
    party_name: str = "",
    party_phone: str = "",
    version: int | None = None,
    note: str = "",
) -> Event:
    """The event is a quarrel between people: it opens a dispute with the event's facts, registered
    through the disputes' own action, and the two are linked, each timeline saying so."""
    category = category or event.event_type.dispute_category
    if category not in DisputeCategory.values:
        raise ValidationError({"category": _("Choose a dispute category.")})
    party_name = (party_name or event.reporter_name).strip()
    if not party_name:
        raise ValidationError({"party_name": _("Name at least one party of the dispute.")})

    def change(e: Event) -> str:
        limits.clear_limit(e)
        dispute = dispute_actions.register_dispute(
            actor,
            region=e.region,
            parties=[{"role": "applicant", "name": party_name, "phone": party_phone or e.reporter_phone}],
            channel="grid_event",
            category=category,
            title=e.title,
            description=e.description,
            location=e.location,
            latitude=e.latitude,
            longitude=e.longitude,
        )
        with alerts.county_language():
            said = _("Converted from grid event %(number)s.") % {"number": e.number}
        DisputeTimelineEntry.objects.filter(dispute=dispute, transition="register").update(
            note=f"{e.title}\n{said}"
        )
        e.dispute = dispute
        with alerts.county_language():
            return _("Dispute %(number)s") % {"number": dispute.number}

    return _apply(actor, event, "convert", version=version, note=note, change=change)


def request_extension(
    actor, event: Event, *, working_days: int = 0, working_hours: int = 0, reason: str
) -> ExtensionRequest:
    """More time, in the unit the event's minor class counts its limits in (extensions.unit_for)."""
    return extensions.request(
        EVENT, actor, event, working_days=working_days, working_hours=working_hours, reason=reason
    )


def decide_extension(actor, request: ExtensionRequest, *, approve: bool, note: str = "") -> ExtensionRequest:
    return extensions.decide(EVENT, actor, request, approve=approve, note=note)


def add_photo(actor, event: Event, upload, *, description: str = "") -> Photo:
    return store_photo(actor, event, upload, description=description)
