"""Users and their role assignments on regions. A user can hold several roles on several regions."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

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
