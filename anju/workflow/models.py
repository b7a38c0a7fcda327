"""The rows that hang off a case, shared in shape by every kind: timeline entries, alerts,
extension requests and the files of the case file. Each kind has its own tables, built on these
abstract bases with a real foreign key to its case: the case page reads its rows by that key,
deleting a case cascades, and scoping joins through the case without copying its region onto every
row (docs/architecture.md, "Workflow", says why per-kind tables rather than one table with a kind
column)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anju.core.scoping import ScopedManager

from . import kinds


class TimelineEntryBase(models.Model):
    """Every transition is a row: the case's history, shown on its page, in the order it happened."""

    at = models.DateTimeField(_("time"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("by"),
    )
    transition = models.CharField(_("what happened"), max_length=30)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    # Nothing looks timeline rows up by unit (regions are retired, never deleted), so no index.
    handling_unit = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    note = models.TextField(_("note"), blank=True)

    objects = ScopedManager()
    scope_perm = "case"

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.transition} {self.at}"

    @property
    def transition_label(self) -> str:
        return _kind_of_row(self, "timeline_model").timeline_label(self.transition)

    @property
    def to_status_label(self) -> str:
        return _kind_of_row(self, "timeline_model").status_label(self.to_status)


class AlertBase(models.Model):
    """Something about a case that needs a unit's attention now. Shown in the work queue of the
    people who work at the unit it is addressed to (not of the units above, which get their own)
    until someone acknowledges it or the matter is decided."""

    unit = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    reason = models.CharField(_("reason"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager()
    scope_perm = "case"
    scope_path = "unit__code"

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.unit_id}: {self.reason}"


class ExtensionRequestBase(models.Model):
    """Extending a time limit needs a reason and the approval of the level above."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    working_days = models.PositiveSmallIntegerField(_("extra working days"))
    reason = models.TextField(_("reason"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    approver_unit = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("approved by the unit")
    )
    decision = models.CharField(
        _("decision"), max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("note"), max_length=500, blank=True)

    objects = ScopedManager()
    scope_perm = "case"
    scope_path = "approver_unit__code"

    class Meta:
        abstract = True
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"+{self.asked} ({self.decision})"

    @property
    def asked(self) -> str:
        """The time asked for, in its unit: working days, or working hours on the kinds whose rows
        keep them (grid events, whose stages may count hours)."""
        hours = getattr(self, "working_hours", 0)
        if hours:
            return _("%(hours)d working hours") % {"hours": hours}
        return _("%(days)d working days") % {"days": self.working_days}


class StoredFileBase(models.Model):
    """A scan, photo or PDF kept on the county's server under MEDIA_ROOT and served only through a
    scoped view, never as a public static file. A concrete model adds the row it belongs to and
    its `file` field, with the folder its files go to."""

    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class AttachmentBase(StoredFileBase):
    """A file in a case file (workflow.attachments adds it, with a timeline and an audit row)."""

    description = models.CharField(pgettext_lazy("attachment", "description"), max_length=200, blank=True)

    class Meta(StoredFileBase.Meta):
        abstract = True


def _kind_of_row(row, attribute: str) -> kinds.Kind:
    for kind in kinds.all_kinds():
        if isinstance(row, getattr(kind, attribute)):
            return kind
    raise LookupError(type(row).__name__)
