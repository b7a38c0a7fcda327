"""Disputes (矛盾纠纷) and their file: parties, mediation sessions, the agreement, follow-up visits,
transfers and the timeline. A dispute belongs to the region where it arose; the unit handling it
can move up (escalation) and down (assignment) the path above that region."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from anju.core.personal import mask_id_number, mask_phone
from anju.core.scoping import ScopedManager
from anju.workflow.models import AlertBase, AttachmentBase, ExtensionRequestBase, TimelineEntryBase

from .choices import (
    OPEN_STATUSES,
    AgreementKind,
    Category,
    Channel,
    HandlingLevel,
    PartyKind,
    PartyRole,
    Performance,
    Remedy,
    Risk,
    Status,
    TransferBody,
)


class Subtype(models.Model):
    """A local finer category (草场边界, 劳资, 非法集资…) that counts under one national category."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=50)
    category = models.CharField(_("category"), max_length=30, choices=Category.choices)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("local subtype")
        verbose_name_plural = _("local subtypes")
        ordering = ["category", "code"]

    def __str__(self) -> str:
        return self.name


class CategoryName(models.Model):
    """A name a county's ledgers use for a category or a local subtype (民间借贷 for contracts, say):
    the county adds its own, and ledger imports read them beside the built-in names."""

    name = models.CharField(_("name in ledgers"), max_length=50, unique=True)
    category = models.CharField(_("category"), max_length=30, choices=Category.choices)
    subtype = models.ForeignKey(
        Subtype, null=True, blank=True, on_delete=models.CASCADE, verbose_name=_("local subtype")
    )

    class Meta:
        verbose_name = _("category name in ledgers")
        verbose_name_plural = _("category names in ledgers")
        ordering = ["category", "name"]

    def __str__(self) -> str:
        return self.name


class CaseCounter(models.Model):
    """The last number given in a county and year: 620123-2026-000123."""

    county_code = models.CharField(max_length=6)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["county_code", "year"], name="counter_unique")]

    def __str__(self) -> str:
        return f"{self.county_code}-{self.year}: {self.last}"


class Dispute(models.Model):
    number = models.CharField(_("case number"), max_length=20, unique=True)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="disputes", verbose_name=_("where it arose")
    )
    origin_level = models.CharField(_("level where it arose"), max_length=10, choices=HandlingLevel.choices)
    handling_unit = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="handled_disputes",
        verbose_name=_("handling unit"),
    )
    handling_level = models.CharField(_("handling level"), max_length=10, choices=HandlingLevel.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.REGISTERED)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    category = models.CharField(_("category"), max_length=30, choices=Category.choices)
    subtype = models.ForeignKey(
        Subtype, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("subtype")
    )
    title = models.CharField(_("summary"), max_length=100)
    description = models.TextField(_("description"))
    location = models.CharField(_("location"), max_length=200, blank=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    amount = models.DecimalField(
        _("amount in dispute (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    people_involved = models.PositiveIntegerField(_("people involved"), default=2)
    risk = models.CharField(_("risk"), max_length=10, choices=Risk.choices, default=Risk.GENERAL)
    may_turn_criminal = models.BooleanField(
        _("may turn into a public-order or criminal case"),
        default=False,
        help_text=_("People's Mediation Law Art. 25: the township and county centre are alerted."),
    )
    mediators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="mediated_disputes", verbose_name=_("mediators")
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("registered by")
    )
    # Indexed by dispute_time_id, which leads with it; a second index would only slow registration.
    registered_at = models.DateTimeField(_("registered at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True, db_index=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True, db_index=True)
    resolved_level = models.CharField(
        _("level where resolved"), max_length=10, choices=HandlingLevel.choices, blank=True
    )
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged",
        verbose_name=_("merged into"),
    )
    # Optimistic lock: a form or API call sends the version it read; a stale one is refused.
    version = models.PositiveIntegerField(default=1)
    # The row's key in a county ledger (台账) it was imported from: re-importing creates nothing new.
    external_ref = models.CharField(_("ledger reference"), max_length=64, blank=True)
    # What a clerk's ledger records beside the case file, kept as written (imported ledgers; the
    # export writes them back so the sheet reads as the clerk's own).
    mediator_name = models.CharField(_("mediator (as recorded)"), max_length=100, blank=True)
    agreement_reached = models.BooleanField(_("agreement reached"), null=True, blank=True)
    performance_note = models.CharField(_("how the agreement was performed"), max_length=200, blank=True)
    remarks = models.TextField(_("remarks"), blank=True)
    source = models.CharField(_("source (as recorded)"), max_length=100, blank=True)
    # Set once by the deadline worker, so a warning or an overdue escalation happens exactly once.
    warned_at = models.DateTimeField(_("yellow card at"), null=True, blank=True)
    overdue_at = models.DateTimeField(_("red card at"), null=True, blank=True)

    objects = ScopedManager()
    scope_perm = "case"
    scope_path = "region__code"

    class Meta:
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        ordering = ["-registered_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["external_ref"],
                condition=~models.Q(external_ref=""),
                name="dispute_external_ref_unique",
            )
        ]
        indexes = [
            models.Index(fields=["region", "registered_at"], name="dispute_region_time"),
            models.Index(fields=["registered_at", "id"], name="dispute_time_id"),
            models.Index(fields=["status", "due_at"], name="dispute_status_due"),
            models.Index(fields=["handling_unit", "status"], name="dispute_unit_status"),
            # Open cases newest first: the overdue list reads this instead of stepping over the
            # closed cases among the newest (10,000 rows for one page on a million-case county).
            models.Index(
                fields=["registered_at", "id"],
                condition=models.Q(status__in=sorted(OPEN_STATUSES)),  # sorted: a stable migration
                name="dispute_open_time",
            ),
            # The overdue count of the figures, by region, from the index alone: the open cases
            # past their limit are a few percent, and through (status, due_at) PostgreSQL read
            # every open case's row to learn its region (44-156 ms against 6 on 200,000 cases).
            models.Index(
                fields=["due_at", "region"],
                condition=models.Q(status__in=sorted(OPEN_STATUSES)),
                name="dispute_open_due",
            ),
            # The same by region prefix first: one county's overdue among a province's open cases.
            models.Index(
                fields=["region", "due_at"],
                condition=models.Q(status__in=sorted(OPEN_STATUSES)),
                name="dispute_open_region_due",
                opclasses=["varchar_pattern_ops", "timestamptz_ops"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_open(self) -> bool:
        from .choices import OPEN_STATUSES

        return self.status in OPEN_STATUSES


class Party(models.Model):
    """A party to a dispute: only what the case needs. Phone and ID number are masked on screen."""

    dispute = models.ForeignKey(
        Dispute, on_delete=models.CASCADE, related_name="parties", verbose_name=_("dispute")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=PartyKind.choices, default=PartyKind.PERSON)
    role = models.CharField(_("role in the dispute"), max_length=12, choices=PartyRole.choices)
    name = models.CharField(_("name"), max_length=100)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    id_number = models.CharField(_("identity number"), max_length=18, blank=True, db_index=True)
    address = models.CharField(_("address"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["dispute_id", "role", "id"]
        indexes = [models.Index(fields=["phone"], name="party_phone")]

    def __str__(self) -> str:
        return self.name

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)


class MediationSession(models.Model):
    dispute = models.ForeignKey(
        Dispute, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("dispute")
    )
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    participants = models.CharField(_("participants"), max_length=500)
    record = models.TextField(_("what was said"))
    outcome = models.CharField(_("outcome"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("mediation session")
        verbose_name_plural = _("mediation sessions")
        ordering = ["held_on", "id"]

    def __str__(self) -> str:
        return f"{self.dispute_id} {self.held_on}"


class Agreement(models.Model):
    """People's Mediation Law Art. 28-29: the parties, the facts and responsibilities, what was
    agreed and how and by when it is performed; in effect once all parties and the mediator sign."""

    dispute = models.ForeignKey(
        Dispute, on_delete=models.CASCADE, related_name="agreements", verbose_name=_("dispute")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=AgreementKind.choices)
    facts = models.TextField(_("facts and responsibilities"))
    terms = models.TextField(_("what was agreed"))
    performance = models.TextField(_("how it is performed"))
    perform_by = models.DateField(_("performed by"), null=True, blank=True)
    signed_on = models.DateField(_("in effect from (all signed)"))
    mediator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Art. 33: the parties are reminded before the 30-day window for judicial confirmation closes.
    confirmation_reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["-signed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.dispute_id} {self.signed_on}"


class FollowUpVisit(models.Model):
    dispute = models.ForeignKey(
        Dispute, on_delete=models.CASCADE, related_name="visits", verbose_name=_("dispute")
    )
    visited_on = models.DateField(_("date"))
    performance = models.CharField(
        _("performance of the agreement"), max_length=15, choices=Performance.choices
    )
    note = models.TextField(_("note"), blank=True)
    visitor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("follow-up visit")
        verbose_name_plural = _("follow-up visits")
        ordering = ["visited_on", "id"]

    def __str__(self) -> str:
        return f"{self.dispute_id} {self.visited_on}"


class Transfer(models.Model):
    dispute = models.ForeignKey(
        Dispute, on_delete=models.CASCADE, related_name="transfers", verbose_name=_("dispute")
    )
    body = models.CharField(_("transferred to"), max_length=20, choices=TransferBody.choices)
    body_name = models.CharField(_("name of the receiving body"), max_length=100)
    receipt_number = models.CharField(_("receipt number"), max_length=50)
    received_on = models.DateField(_("received on"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")

    def __str__(self) -> str:
        return f"{self.dispute_id} → {self.body_name}"


class TimelineEntry(TimelineEntryBase):
    """Every transition is a row: the case's history, shown on its page, in the order it happened."""

    dispute = models.ForeignKey(
        Dispute, on_delete=models.CASCADE, related_name="timeline", verbose_name=_("dispute")
    )

    scope_path = "dispute__region__code"

    class Meta(TimelineEntryBase.Meta):
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline")
        indexes = [
            # The figures read the reminders sent (urge) and the escalations of a period by date,
            # whichever case they are on: without it each such count read the whole timeline, a
            # few rows in a hundred (anju.reports.metrics, bench/README.md). With the case last,
            # PostgreSQL answers from the index alone.
            models.Index(
                fields=["transition", "at", "dispute"],
                condition=models.Q(transition__in=["escalate", "urge"]),
                name="timeline_urge_escalate",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dispute_id} {self.transition}"


class FailureNotice(models.Model):
    """Art. 26: when mediation fails, the parties are told which remedies remain."""

    dispute = models.OneToOneField(Dispute, on_delete=models.CASCADE, related_name="failure_notice")
    remedies = models.JSONField(_("remedies"), default=list)
    reason = models.TextField(_("why it failed"))
    notified_on = models.DateField(_("parties told on"))

    def __str__(self) -> str:
        return f"{self.dispute_id}"

    def remedy_labels(self) -> list[str]:
        return [str(Remedy(r).label) for r in self.remedies]


class Alert(AlertBase):
    """A dispute that needs a unit's attention now: risk of a criminal case (Art. 25), a major risk,
    an escalation arriving, a card, a request for more time to decide."""

    dispute = models.ForeignKey(
        Dispute, on_delete=models.CASCADE, related_name="alerts", verbose_name=_("dispute")
    )
    # The request for more time this alert asks the unit to decide: deciding it clears the alert.
    extension = models.ForeignKey(
        "ExtensionRequest",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="alerts",
        verbose_name=_("extension request"),
    )

    class Meta(AlertBase.Meta):
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")

    def __str__(self) -> str:
        return f"{self.dispute_id} → {self.unit_id}: {self.reason}"


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"disputes/{instance.dispute.number}/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class Attachment(AttachmentBase):
    """A photo, scan or PDF in the case file. Files live under MEDIA_ROOT on the county's server
    and are served only through the scoped view, never as public static files."""

    dispute = models.ForeignKey(
        Dispute, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("dispute")
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)

    class Meta(AttachmentBase.Meta):
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")


class ExtensionRequest(ExtensionRequestBase):
    """Extending a time limit needs a reason and the approval of the level above."""

    dispute = models.ForeignKey(
        Dispute, on_delete=models.CASCADE, related_name="extensions", verbose_name=_("dispute")
    )

    class Meta(ExtensionRequestBase.Meta):
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")

    def __str__(self) -> str:
        return f"{self.dispute_id} +{self.working_days}"
