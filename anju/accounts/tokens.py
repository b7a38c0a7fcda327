"""Device tokens: made once, stored as a hash; they work until they expire or are revoked."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from functools import cache

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anju.audit.actions import record, refusals_recorded
from anju.core import rows
from anju.core.middleware import current
from anju.core.scoping import SYSTEM, OutOfScope, remember_assignments

from . import otp
from .models import ApiToken, RoleAssignment, User

MANAGE = "user.manage"
# The last use and its address are written at most this often: a phone's every request reads its
# token, and a write on each would double the work of the busiest path.
LAST_USE_EVERY = dt.timedelta(minutes=5)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _device(row: ApiToken) -> dict:
    return {
        "token": row.pk,
        "device": row.name,
        "prefix": row.prefix,
        "expires_at": row.expires_at.isoformat(),
    }


def create_token(actor, user: User, name: str, *, second_factor_code: str = "") -> str:
    """A token signs a device in without the second factor, so for a person whose role requires one
    it is made only with a current code from their authenticator (or a recovery code): whoever runs
    the command must have the person, and their phone, at hand."""
    if otp.is_required(user):
        with refusals_recorded(actor, "token.create", user):
            if otp.factor_of(user) is None:
                raise PermissionDenied(
                    _("%(name)s must set up two-factor sign-in before a device token is made.")
                    % {"name": user.get_username()}
                )
            if not otp.verify(user, second_factor_code):
                raise PermissionDenied(
                    _("A current code from %(name)s's authenticator app is needed.")
                    % {"name": user.get_username()}
                )
    token = "anju_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        row = ApiToken.objects.create(
            user=user,
            name=name.strip()[:100],
            prefix=token[5:13],
            key_hash=_hash(token),
            expires_at=timezone.now() + dt.timedelta(days=settings.ANJU_TOKEN_DAYS),
        )
        # Recorded on the person, so their history shows their devices beside their roles.
        record(actor, "token.create", user, after=_device(row))
    return token


@cache
def _token_sql() -> str:
    """The device, its user and the user's roles in one query: a phone's every request starts here."""
    quote = connection.ops.quote_name
    # Table and column names come from the models; the key and the time are parameters.
    return (
        f"SELECT t.id, t.last_used_at, r.role, r.region_id, {rows.columns(User, 'u')}"  # noqa: S608
        f" FROM {quote(ApiToken._meta.db_table)} t"
        f" JOIN {quote(User._meta.db_table)} u ON u.id = t.user_id"
        f" LEFT JOIN {quote(RoleAssignment._meta.db_table)} r ON r.user_id = u.id"
        " WHERE t.key_hash = %s AND t.revoked_at IS NULL AND t.expires_at > %s AND u.is_active"
        " ORDER BY r.region_id, r.role"
    )


def user_for_token(token: str) -> User | None:
    """The active user of a token that has neither expired nor been revoked; None answers 401
    for all three alike, so a caller cannot tell a revoked token from one never made."""
    now = timezone.now()
    with rows.cursor() as cursor:
        cursor.execute(_token_sql(), [_hash(token), connection.ops.adapt_datetimefield_value(now)])
        found = cursor.fetchall()
    if not found:
        return None
    token_id, used = found[0][0], found[0][1]
    user = rows.load(User, found[0][4:])
    remember_assignments(user, [(row[2], row[3]) for row in found if row[2] is not None])
    if used is not None and timezone.is_naive(used):  # SQLite keeps UTC without an offset
        used = timezone.make_aware(used, dt.UTC)
    if used is None or now - used > LAST_USE_EVERY:
        ApiToken.objects.filter(pk=token_id).update(last_used_at=now, last_used_ip=current.get().ip)
    return user


def may_revoke(actor, token_row: ApiToken) -> bool:
    """A person revokes their own devices; an administrator those of the staff they keep."""
    if actor is SYSTEM or actor.pk == token_row.user_id:
        return True
    return ApiToken.objects.visible_to(actor, MANAGE).filter(pk=token_row.pk).exists()


def revoke_token(actor, token_row: ApiToken) -> bool:
    """Revoke a device token; False when it was already revoked (nothing changes, nothing recorded)."""
    with refusals_recorded(actor, "token.revoke", token_row.user, after={"token": token_row.pk}):
        if not may_revoke(actor, token_row):
            raise OutOfScope(_("You may not revoke this device's token."))
        with transaction.atomic():
            now = timezone.now()
            changed = ApiToken.objects.filter(pk=token_row.pk, revoked_at__isnull=True).update(revoked_at=now)
            if changed:
                record(
                    actor,
                    "token.revoke",
                    token_row.user,
                    before=_device(token_row),
                    after={"token": token_row.pk, "revoked_at": now.isoformat()},
                )
    if changed:
        token_row.revoked_at = now
    return bool(changed)
