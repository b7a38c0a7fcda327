"""Tips (线索): where they came from (a source, and for transferred ones a batch), what they say,
who gave them (encrypted at rest, shown only inside the handling chain) and how they were verified.

A tip is scoped by its handling unit, not by the place it names: a tip about a township's own
officials is handled above them, and that township's staff do not learn it exists."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anju.core.fieldcrypt import EncryptedTextField
from anju.core.scoping import ScopedManager
from anju.workflow.models import AlertBase, AttachmentBase, ExtensionRequestBase, TimelineEntryBase

from .choices import (
    DEFAULT_VERIFICATION_DAYS,
    MEASURES,
    OPEN_STATUSES,
    Outcome,
    Result,
    SourceKind,
    Status,
    SubjectKind,
)


class Source(models.Model):
    """Where tips come from, with the verification period it sets (configurable per source)."""

    kind = models.CharField(_("kind"), max_length=20, choices=SourceKind.choices, unique=True)
    verification_days = models.PositiveSmallIntegerField(
        _("days to verify"), default=DEFAULT_VERIFICATION_DAYS
    )
    # The columns of the report back to this source, in its own layout: [{"field": ..., "header": ...}]
    # in order, "field" one of tips.report_layout.FIELDS or "" for a column the source fills itself.
    # Empty: the platform's own layout.
    report_layout = models.JSONField(_("report layout"), default=list, blank=True)

    class Meta:
        verbose_name = _("tip source")
        verbose_name_plural = _("tip sources")
        ordering = ["id"]

    def __str__(self) -> str:
        return str(self.get_kind_display())


class Batch(models.Model):
    """Tips transferred together (by a higher authority, an inspection team, the national platform),
    under the source's own reference and deadline. Cleared (清零) when every tip in it is closed."""

    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="batches", verbose_name=_("source")
    )
    reference = models.CharField(_("the source's reference"), max_length=64)
    received_on = models.DateField(_("received on"))
    deadline = models.DateField(pgettext_lazy("tip batch", "deadline"))
    # The unit that received the batch: its tips start there.
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("received by")
    )
    cleared_on = models.DateField(_("cleared on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    scope_perm = "tip"
    scope_path = "region__code"

    class Meta:
        verbose_name = _("batch of tips")
        verbose_name_plural = _("batches of tips")
        ordering = ["-received_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "reference"], name="tip_batch_reference_unique")
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def cleared_on_time(self) -> bool | None:
        return None if self.cleared_on is None else self.cleared_on <= self.deadline


class Tip(models.Model):
    number = models.CharField(_("tip number"), max_length=24, unique=True)
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="tips", verbose_name=_("source")
    )
    batch = models.ForeignKey(
        Batch, null=True, blank=True, on_delete=models.PROTECT, related_name="tips", verbose_name=_("batch")
    )
    # The tip's number in the source's own sheet: the report back to the source names it.
    source_ref = models.CharField(_("number at the source"), max_length=64, blank=True)
    received_on = models.DateField(_("received on"))
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    content = models.TextField(_("content"))
    subject_kind = models.CharField(
        _("reported subject is"), max_length=12, choices=SubjectKind.choices, default=SubjectKind.PERSON
    )
    # The reported subject and the informant, as stated in the tip: encrypted at rest, shown only
    # inside the handling chain (kind.in_chain), the informant only on a logged reveal.
    subject_name = EncryptedTextField(_("reported subject"))
    subject_details = EncryptedTextField(_("about the subject"), blank=True)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    informant_name = EncryptedTextField(_("informant's name"), blank=True)
    informant_contact = EncryptedTextField(_("informant's contact"), blank=True)

    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.REGISTERED)
    handling_unit = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("handling unit")
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("handler"),
    )
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    registered_at = models.DateTimeField(_("registered at"))
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=16, choices=Result.choices, blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    police_case_number = models.CharField(_("police case number"), max_length=50, blank=True)
    criminal_cases = models.PositiveIntegerField(MEASURES["criminal_cases"], default=0)
    persons_dealt_with = models.PositiveIntegerField(MEASURES["persons_dealt_with"], default=0)
    sanctions = models.PositiveIntegerField(MEASURES["sanctions"], default=0)
    admonishment_talks = models.PositiveIntegerField(MEASURES["admonishment_talks"], default=0)
    probation_extended = models.PositiveIntegerField(MEASURES["probation_extended"], default=0)
    warnings = models.PositiveIntegerField(MEASURES["warnings"], default=0)
    self_criticisms = models.PositiveIntegerField(MEASURES["self_criticisms"], default=0)

    version = models.PositiveIntegerField(default=1)
    due_at = models.DateTimeField(_("verify by"), null=True, blank=True, db_index=True)
    warned_at = models.DateTimeField(_("yellow card at"), null=True, blank=True)
    overdue_at = models.DateTimeField(_("red card at"), null=True, blank=True)

    objects = ScopedManager()
    scope_perm = "tip"
    scope_path = "handling_unit__code"

    class Meta:
        verbose_name = _("tip")
        verbose_name_plural = _("tips")
        ordering = ["-registered_at", "-id"]
        indexes = [
            models.Index(fields=["registered_at", "id"], name="tip_time_id"),
            models.Index(fields=["handling_unit", "status"], name="tip_unit_status"),
            models.Index(fields=["status", "due_at"], name="tip_status_due"),
        ]

    def __str__(self) -> str:
        # Only the number: audit rows and alerts picture a tip by this, and nothing it names.
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def informant(self) -> str:
        """The informant as one line (what a reveal shows)."""
        if self.anonymous:
            return str(_("Anonymous"))
        return " ".join(p for p in (self.informant_name, self.informant_contact) if p)


class TimelineEntry(TimelineEntryBase):
    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="timeline", verbose_name=_("tip"))

    scope_perm = "tip"
    scope_path = "tip__handling_unit__code"

    class Meta(TimelineEntryBase.Meta):
        verbose_name = _("tip timeline entry")
        verbose_name_plural = _("tip timeline")


class Alert(AlertBase):
    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="alerts", verbose_name=_("tip"))
    extension = models.ForeignKey(
        "ExtensionRequest", null=True, blank=True, on_delete=models.CASCADE, related_name="alerts"
    )

    scope_perm = "tip"

    class Meta(AlertBase.Meta):
        verbose_name = _("tip alert")
        verbose_name_plural = _("tip alerts")


class ExtensionRequest(ExtensionRequestBase):
    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="extensions", verbose_name=_("tip"))

    scope_perm = "tip"

    class Meta(ExtensionRequestBase.Meta):
        verbose_name = _("tip extension request")
        verbose_name_plural = _("tip extension requests")


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"tips/{instance.tip.number}/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class Attachment(AttachmentBase):
    """Verification material, served only through the scoped view to the handling chain."""

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("tip"))
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)

    class Meta(AttachmentBase.Meta):
        verbose_name = _("tip attachment")
        verbose_name_plural = _("tip attachments")


class TipCounter(models.Model):
    """The last tip number given in a county and year: XS629902-2026-0001."""

    county_code = models.CharField(max_length=6)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["county_code", "year"], name="tip_counter_unique")]

    def __str__(self) -> str:
        return f"{self.county_code}-{self.year}: {self.last}"
