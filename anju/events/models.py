"""Grid events (网格事件): the county's catalogue of what may be reported (major and minor classes,
with their time limits, routing and extra fields), the routing rules, and the events with the rows
that hang off them (timeline, alerts, extension requests, photos)."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anju.core.personal import mask_phone
from anju.core.scoping import ScopedManager
from anju.disputes.choices import Category as DisputeCategory
from anju.workflow.models import AlertBase, AttachmentBase, ExtensionRequestBase, TimelineEntryBase

from .choices import OPEN_STATUSES, SATISFACTION, Channel, FieldKind, Level, LimitUnit, PhotoPurpose, Status


class EventClass(models.Model):
    """A major class of the catalogue (城市管理, 农牧, 安全隐患…)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=50)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("major event class")
        verbose_name_plural = _("major event classes")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


LIMIT_VALIDATORS = [MinValueValidator(0.1), MaxValueValidator(999)]


class EventType(models.Model):
    """A minor class: what a reporter picks, with its time limit for each stage, which level handles
    it by where it arose (the routing rules may say otherwise), its urgency, whether a photo is
    needed, and the extra fields its report asks for."""

    event_class = models.ForeignKey(
        EventClass, on_delete=models.PROTECT, related_name="types", verbose_name=_("major class")
    )
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=50)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)
    urgent = models.BooleanField(_("urgent by default"), default=False)
    photo_required = models.BooleanField(_("photo required"), default=True)
    limit_unit = models.CharField(
        _("time limits in"), max_length=5, choices=LimitUnit.choices, default=LimitUnit.HOURS
    )
    file_limit = models.DecimalField(
        _("filing limit"), max_digits=5, decimal_places=1, default=1, validators=LIMIT_VALIDATORS
    )
    dispatch_limit = models.DecimalField(
        _("dispatch limit"), max_digits=5, decimal_places=1, default=1, validators=LIMIT_VALIDATORS
    )
    handle_limit = models.DecimalField(
        _("handling limit"), max_digits=5, decimal_places=1, default=16, validators=LIMIT_VALIDATORS
    )
    verify_limit = models.DecimalField(
        _("verification limit"), max_digits=5, decimal_places=1, default=2, validators=LIMIT_VALIDATORS
    )
    # Which level handles an event of this class, by the level of the place it was reported in.
    level_from_grid = models.CharField(
        _("handled at, reported in a grid"), max_length=10, choices=Level.choices, default=Level.VILLAGE
    )
    level_from_village = models.CharField(
        _("handled at, reported in a village"), max_length=10, choices=Level.choices, default=Level.VILLAGE
    )
    level_from_township = models.CharField(
        _("handled at, reported in a township"), max_length=10, choices=Level.choices, default=Level.TOWNSHIP
    )
    dispute_category = models.CharField(
        _("dispute category when converted"),
        max_length=30,
        choices=DisputeCategory.choices,
        default=DisputeCategory.OTHER,
    )

    class Meta:
        verbose_name = _("minor event class")
        verbose_name_plural = _("minor event classes")
        ordering = ["event_class__order", "order", "code"]

    def __str__(self) -> str:
        return f"{self.event_class.name} / {self.name}"

    def limit(self, stage: str):
        return getattr(self, f"{stage}_limit")


class ExtraField(models.Model):
    """A field the report of one minor class asks for beyond the common ones (a road's width, the
    number of animals, the kind of waste)."""

    event_type = models.ForeignKey(
        EventType, on_delete=models.CASCADE, related_name="extra_fields", verbose_name=_("minor class")
    )
    key = models.SlugField(_("key"), max_length=30)
    label = models.CharField(_("label"), max_length=50)
    kind = models.CharField(_("kind"), max_length=10, choices=FieldKind.choices, default=FieldKind.TEXT)
    # One choice a line, for the two kinds of choice.
    choices = models.TextField(_("choices"), blank=True, help_text=_("One choice a line."))
    required = models.BooleanField(_("required"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("extra field")
        verbose_name_plural = _("extra fields")
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["event_type", "key"], name="extra_field_key_unique")]

    def __str__(self) -> str:
        return self.label

    @property
    def options(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]


class RoutingRule(models.Model):
    """Who handles a minor class in a part of the county: a rule on a township overrides the
    county's rule, which overrides the class's levels. It names a fixed unit, or a level on the
    path of the place the event was reported in."""

    event_type = models.ForeignKey(
        EventType, on_delete=models.CASCADE, related_name="rules", verbose_name=_("minor class")
    )
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("applies in")
    )
    level = models.CharField(_("handled at level"), max_length=10, choices=Level.choices, blank=True)
    unit = models.ForeignKey(
        "regions.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("handled by the unit"),
    )

    objects = ScopedManager()
    scope_perm = "region"
    scope_path = "region__code"

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        ordering = ["event_type", "region"]
        constraints = [
            models.UniqueConstraint(fields=["event_type", "region"], name="routing_rule_unique"),
            models.CheckConstraint(
                condition=~models.Q(level="") | models.Q(unit__isnull=False), name="routing_rule_says_who"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} @ {self.region_id}"


class EventCounter(models.Model):
    """The last event number given in a county and year: SJ620123-2026-000123."""

    county_code = models.CharField(max_length=6)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["county_code", "year"], name="event_counter_unique")]

    def __str__(self) -> str:
        return f"{self.county_code}-{self.year}: {self.last}"


def _coordinate(label, limit: int):
    return models.DecimalField(
        label,
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-limit), MaxValueValidator(limit)],
    )


class Event(models.Model):
    number = models.CharField(_("event number"), max_length=24, unique=True)
    event_type = models.ForeignKey(
        EventType, on_delete=models.PROTECT, related_name="events", verbose_name=_("category")
    )
    # Where it was reported: the grid when known, else the village or township.
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="grid_events",
        verbose_name=_("grid or place"),
    )
    # The centre that files and dispatches it, and takes it back when the handlers send it back.
    dispatcher_unit = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("dispatching centre")
    )
    handling_unit = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="handled_events",
        verbose_name=_("handling unit"),
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.REPORTED)
    urgent = models.BooleanField(_("urgent"), default=False)
    channel = models.CharField(
        _("channel"), max_length=20, choices=Channel.choices, default=Channel.GRID_WORKER
    )
    title = models.CharField(_("summary"), max_length=100)
    description = models.TextField(pgettext_lazy("event", "description"))
    location = models.CharField(_("location"), max_length=200, blank=True)
    latitude = _coordinate(_("latitude"), 90)
    longitude = _coordinate(_("longitude"), 180)
    # The report gave no coordinates and a photo's EXIF did: the page says where they came from.
    location_from_photo = models.BooleanField(_("location taken from the photo"), default=False)
    # The region is the grid whose imported boundary holds the point, not the one the reporter chose.
    grid_from_point = models.BooleanField(_("grid found from the coordinates"), default=False)
    extra = models.JSONField(_("extra fields"), default=dict, blank=True)
    # Personal data of the reporter (a resident, say): masked on screen, revealed with an access record.
    reporter_name = models.CharField(_("reporter"), max_length=50, blank=True)
    reporter_phone = models.CharField(_("reporter's phone"), max_length=20, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("entered by")
    )
    reported_at = models.DateTimeField(_("reported at"))
    # When each stage ended and when it was due then: the on-time rates per stage.
    file_due_at = models.DateTimeField(null=True, blank=True)
    filed_at = models.DateTimeField(_("filed at"), null=True, blank=True)
    dispatch_due_at = models.DateTimeField(null=True, blank=True)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    handle_due_at = models.DateTimeField(null=True, blank=True)
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    verify_due_at = models.DateTimeField(null=True, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    void_reason = models.CharField(_("why voided"), max_length=500, blank=True)
    handling_report = models.TextField(_("handler's report"), blank=True)
    returned = models.PositiveSmallIntegerField(_("times returned by verification"), default=0)
    satisfaction = models.PositiveSmallIntegerField(
        _("reporter's satisfaction"), null=True, blank=True, choices=SATISFACTION
    )
    centre_score = models.PositiveSmallIntegerField(
        _("centre's score"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    evaluated_at = models.DateTimeField(_("evaluated at"), null=True, blank=True)
    dispute = models.OneToOneField(
        "disputes.Dispute",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="grid_event",
        verbose_name=_("became the dispute"),
    )
    also_reported = models.PositiveSmallIntegerField(_("reported again"), default=0)
    version = models.PositiveIntegerField(default=1)
    due_at = models.DateTimeField(pgettext_lazy("event", "due"), null=True, blank=True, db_index=True)
    warned_at = models.DateTimeField(_("yellow card at"), null=True, blank=True)
    overdue_at = models.DateTimeField(_("red card at"), null=True, blank=True)

    objects = ScopedManager()
    scope_perm = "case"
    scope_path = "region__code"

    class Meta:
        verbose_name = _("grid event")
        verbose_name_plural = _("grid events")
        ordering = ["-reported_at", "-id"]
        indexes = [
            models.Index(fields=["reported_at", "id"], name="event_time_id"),
            models.Index(fields=["region", "reported_at"], name="event_region_time"),
            models.Index(fields=["status", "due_at"], name="event_status_due"),
            models.Index(fields=["handling_unit", "status"], name="event_unit_status"),
            models.Index(fields=["event_type", "reported_at"], name="event_type_time"),
            models.Index(
                fields=["reported_at", "id"],
                condition=models.Q(status__in=sorted(OPEN_STATUSES)),
                name="event_open_time",
            ),
            # The dispatch board's lists in their order, urgent first (queries.board): the overdue
            # (and the map's points), what waits at a centre, what waits for verification, what is
            # being handled, by unit.
            models.Index(
                fields=["-urgent", "due_at", "id"],
                condition=models.Q(status__in=sorted(OPEN_STATUSES)),
                name="event_open_urgent_due",
            ),
            models.Index(
                fields=["handling_unit", "-urgent", "due_at", "id"],
                condition=models.Q(status__in=[Status.REPORTED, Status.FILED]),
                name="event_waiting_urgent_due",
            ),
            models.Index(
                fields=["-urgent", "due_at", "id"],
                condition=models.Q(status=Status.HANDLED),
                name="event_handled_urgent_due",
            ),
            models.Index(
                fields=["handling_unit", "-urgent", "due_at", "id"],
                condition=models.Q(status=Status.DISPATCHED),
                name="event_dispatched_urgent_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def reporter_phone_masked(self) -> str:
        return mask_phone(self.reporter_phone)

    @property
    def reporter_name_masked(self) -> str:
        return (self.reporter_name[:1] + "*" * (len(self.reporter_name) - 1)) if self.reporter_name else ""


class TimelineEntry(TimelineEntryBase):
    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="timeline", verbose_name=_("event")
    )

    scope_path = "event__region__code"

    class Meta(TimelineEntryBase.Meta):
        verbose_name = _("event timeline entry")
        verbose_name_plural = _("event timeline")

    def __str__(self) -> str:
        return f"{self.event_id} {self.transition}"


class Alert(AlertBase):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="alerts", verbose_name=_("event"))
    extension = models.ForeignKey(
        "ExtensionRequest", null=True, blank=True, on_delete=models.CASCADE, related_name="alerts"
    )

    class Meta(AlertBase.Meta):
        verbose_name = _("event alert")
        verbose_name_plural = _("event alerts")

    def __str__(self) -> str:
        return f"{self.event_id} → {self.unit_id}: {self.reason}"


class ExtensionRequest(ExtensionRequestBase):
    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="extensions", verbose_name=_("event")
    )
    # A stage counted in working hours is extended in working hours (working_days is then 0).
    working_hours = models.PositiveSmallIntegerField(_("extra working hours"), default=0)

    class Meta(ExtensionRequestBase.Meta):
        verbose_name = _("event extension request")
        verbose_name_plural = _("event extension requests")

    def __str__(self) -> str:
        return f"{self.event_id} +{self.asked}"


def photo_path(instance: Photo, filename: str) -> str:
    return f"events/{instance.event.number}/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class Photo(AttachmentBase):
    """A photo (or scan) of an event: taken on report, after handling, or on verification. The file
    is the original as it was sent (the evidence, EXIF and all); actions.store_photo, the one place
    photos are written, stores its display copy and thumbnail (anju.core.photos) beside it."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="photos", verbose_name=_("event"))
    file = models.FileField(_("file"), upload_to=photo_path, max_length=200)
    purpose = models.CharField(
        _("taken on"), max_length=12, choices=PhotoPurpose.choices, default=PhotoPurpose.REPORT
    )

    class Meta(AttachmentBase.Meta):
        verbose_name = _("event photo")
        verbose_name_plural = _("event photos")
