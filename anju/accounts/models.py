"""Users and their role assignments on regions. A user can hold several roles on several regions."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core.fieldcrypt import EncryptedTextField
from anju.core.scoping import ScopedManager, ScopedQuerySet

from .choices import Role


class UserQuerySet(ScopedQuerySet):
    pass


class ScopedUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    phone = models.CharField(_("work phone"), max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedUserManager()
    # A user belongs where their roles are; a user with no role yet is seen by county-wide admins.
    scope_perm = "staff"
    scope_path = "role_assignments__region__code"
    scope_path_is_multi = True
    scope_unplaced_to_top = True

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username


class RoleAssignment(models.Model):
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="role_assignments", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="role_assignments", verbose_name=_("region")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    scope_perm = "staff"
    scope_path = "region__code"

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        ordering = ["region_id", "role"]
        constraints = [models.UniqueConstraint(fields=["user", "role", "region"], name="assignment_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.region_id}"


class ApiToken(models.Model):
    """A device's key to the API (a grid worker's phone). Only a hash is kept; the token is shown
    once when it is made. It works until it expires or is revoked, whichever comes first."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("device"), max_length=100)
    prefix = models.CharField(max_length=8, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Fixed when the token is made (ANJU_TOKEN_DAYS at that time), so a device knows its date.
    expires_at = models.DateTimeField(_("expires"))
    # Both written together at most every five minutes (tokens.user_for_token): the address is
    # that of the first request after a quiet five minutes, which is enough to spot a lost phone.
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    last_used_ip = models.GenericIPAddressField(_("last used from"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    # A device belongs where its person is: administrators see the tokens of the staff they keep.
    objects = ScopedManager()
    scope_perm = "staff"
    scope_path = "user__role_assignments__region__code"
    scope_path_is_multi = True
    scope_unplaced_to_top = True

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user} · {self.name} · {self.prefix}…"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class IdempotencyRecord(models.Model):
    """The answer given to a create request with an Idempotency-Key, so a phone that retries
    after a dropped connection gets the same answer instead of a second case."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    request_hash = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    # The request doing the work: its audit rows say whether the work committed if it died unanswered.
    request_id = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_unique")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"


class SecondFactor(models.Model):
    """A person's authenticator app (TOTP, RFC 6238), made only once they have confirmed it with a
    code. The secret is never shown again after enrolment and never written to the audit log, and it is
    encrypted at rest like an informant's name (anju.core.fieldcrypt): a database dump alone cannot
    make the codes."""

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="second_factor", verbose_name=_("user")
    )
    secret = EncryptedTextField()
    # The last time step whose code was accepted: a code is never accepted twice, nor an older one.
    last_step = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(_("enrolled"), auto_now_add=True)

    class Meta:
        verbose_name = _("second factor")
        verbose_name_plural = _("second factors")

    def __str__(self) -> str:
        return f"{self.user} · TOTP"


class RecoveryCode(models.Model):
    """One of the ten codes that stand in for the authenticator once each (a lost phone). Only a
    hash is kept; making new ones deletes the old."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "code_hash"], name="recovery_code_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} · recovery code"
