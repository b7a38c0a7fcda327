"""The append-only audit trail: every change and refusal (AuditEvent) and every read of personal
data (AccessRecord). Nothing in code updates or deletes these rows; the database refuses it too
(triggers in the migrations). The one change a row ever gets is its seal: its place in the table's
hash chain, given once by `chain.seal` after the row has committed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from anju.core.scoping import ScopedManager, ScopedQuerySet


class AppendOnlyError(RuntimeError):
    pass


class AppendOnlyQuerySet(ScopedQuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("audit rows are append-only")

    def delete(self):
        raise AppendOnlyError("audit rows are append-only")


class AppendOnlyManager(ScopedManager.from_queryset(AppendOnlyQuerySet)):
    pass


class AppendOnly(models.Model):
    # The seal (anju/audit/chain.py): empty when the row is written, so writing one takes no lock;
    # the sealer later gives it the next place in the table's chain and the hash that links it.
    seq = models.BigIntegerField(_("place in the chain"), null=True, blank=True, editable=False)
    chain_hash = models.CharField(_("chain hash"), max_length=64, null=True, blank=True, editable=False)  # noqa: DJ001

    objects = AppendOnlyManager()
    scope_perm = "audit"
    scope_path = "region_code"
    # Logins and other events that belong to no region are for county-wide auditors.
    scope_unplaced_to_top = True
    # The columns the sealer writes, once: the only ones the site's database role may update.
    seal_fields = ("seq", "chain_hash")

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("audit rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit rows are append-only")


class Result(models.TextChoices):
    OK = "ok", _("Succeeded")
    REFUSED = "refused", _("Refused")


class AuditEvent(AppendOnly):
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("actor"),
    )
    # Kept as text too: failed logins name accounts that may not exist.
    actor_username = models.CharField(_("account"), max_length=150, blank=True, db_index=True)
    action = models.CharField(_("action"), max_length=60, db_index=True)
    object_type = models.CharField(_("object type"), max_length=60, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    region_code = models.CharField(_("region"), max_length=17, blank=True, db_index=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=10, choices=Result.choices, default=Result.OK)
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
            models.Index(fields=["action", "actor_username", "at"], name="audit_action_actor_at"),
            models.Index(fields=["id"], condition=models.Q(seq__isnull=True), name="audit_unsealed"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["seq"], condition=models.Q(seq__isnull=False), name="audit_chain_place"
            ),
        ]

    def __str__(self) -> str:
        target = f"{self.object_type}:{self.object_id}"
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_username} {self.action} {target}"


class AccessRecord(AppendOnly):
    """A read of personal data: who saw which field of which object, and why."""

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("actor")
    )
    object_type = models.CharField(_("object type"), max_length=60)
    object_id = models.CharField(_("object id"), max_length=64)
    field = models.CharField(_("field"), max_length=60)
    region_code = models.CharField(_("region"), max_length=17, blank=True, db_index=True)
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="access_object"),
            models.Index(fields=["id"], condition=models.Q(seq__isnull=True), name="access_unsealed"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["seq"], condition=models.Q(seq__isnull=False), name="access_chain_place"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_id} {self.object_type}:{self.object_id}.{self.field}"
