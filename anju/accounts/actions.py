"""Every write to users and role assignments. Administrators act only inside their jurisdiction:
they can neither grant a role on a region they do not hold nor touch a user seen from elsewhere."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from anju.audit.actions import record, refusals_recorded
from anju.core.scoping import OutOfScope, covers, forget, has_perm_anywhere, require_in_scope
from anju.regions.models import Region

from .choices import ROLE_LEVELS, Role
from .models import RoleAssignment, User

MANAGE = "user.manage"


def create_user(
    actor,
    *,
    username: str,
    password: str,
    full_name: str = "",
    phone: str = "",
    role: str | None = None,
    region: Region | None = None,
) -> User:
    """Create an account, and with role and region its first assignment in the same transaction,
    so a township administrator never makes a user they then cannot see."""
    with refusals_recorded(actor, "user.create", object_type="accounts.user", object_id=username):
        if not has_perm_anywhere(actor, MANAGE):
            raise PermissionDenied(_("You may not create users."))
        username = username.strip()
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError(
                {"username": _("The account %(name)s already exists.") % {"name": username}}
            )
        user = User(username=username, full_name=full_name.strip(), phone=phone.strip())
        validate_password(password, user)
        with transaction.atomic():
            user.set_password(password)
            user.full_clean()
            user.save()
            record(actor, "user.create", user, after={"username": username, "full_name": user.full_name})
            if role and region:
                assign_role(actor, user, role, region)
    return user


def assign_role(actor, user: User, role: str, region: Region) -> RoleAssignment:
    with refusals_recorded(actor, "role.assign", user, region_code=region.code):
        if not covers(actor, MANAGE, region.code):
            raise OutOfScope(_("You may not grant roles on %(region)s.") % {"region": region})
        if role not in Role.values:
            raise ValidationError({"role": _("Unknown role %(role)s.") % {"role": role}})
        if region.level not in ROLE_LEVELS[role]:
            raise ValidationError(
                {
                    "region": _("A %(role)s cannot be assigned on a %(level)s.")
                    % {"role": Role(role).label, "level": region.get_level_display()}
                }
            )
        if region.is_retired:
            raise ValidationError({"region": _("%(region)s is retired.") % {"region": region}})
        with transaction.atomic():
            assignment, created = RoleAssignment.objects.get_or_create(user=user, role=role, region=region)
            require_in_scope(assignment, actor, MANAGE)
            if created:
                record(
                    actor,
                    "role.assign",
                    user,
                    region_code=region.code,
                    after={"role": role, "region": region.code},
                )
        forget(user)
    return assignment


def revoke_role(actor, assignment: RoleAssignment) -> None:
    with refusals_recorded(actor, "role.revoke", assignment.user, region_code=assignment.region_id):
        if not covers(actor, MANAGE, assignment.region_id):
            raise OutOfScope(_("You may not revoke roles on %(region)s.") % {"region": assignment.region_id})
        with transaction.atomic():
            RoleAssignment.objects.filter(pk=assignment.pk).delete()
            record(
                actor,
                "role.revoke",
                assignment.user,
                region_code=assignment.region_id,
                before={"role": assignment.role, "region": assignment.region_id},
            )
        forget(assignment.user)


def set_active(actor, user: User, active: bool) -> User:
    action = "user.activate" if active else "user.deactivate"
    with refusals_recorded(actor, action, user):
        if not User.objects.visible_to(actor, MANAGE).filter(pk=user.pk).exists():
            raise OutOfScope(_("You may not change this user."))
        with transaction.atomic():
            User.objects.filter(pk=user.pk).update(is_active=active)
            record(actor, action, user, before={"is_active": user.is_active}, after={"is_active": active})
        user.is_active = active
    return user
