"""Device tokens: made once, stored as a hash, revocable."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from functools import cache

from django.db import connection, transaction
from django.utils import timezone

from anju.audit.actions import record
from anju.core import rows
from anju.core.scoping import remember_assignments

from .models import ApiToken, RoleAssignment, User


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(actor, user: User, name: str) -> str:
    token = "anju_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        row = ApiToken.objects.create(
            user=user, name=name.strip()[:100], prefix=token[5:13], key_hash=_hash(token)
        )
        record(actor, "token.create", user, after={"device": row.name, "prefix": row.prefix})
    return token


@cache
def _token_sql() -> str:
    """The device, its user and the user's roles in one query: a phone's every request starts here."""
    quote = connection.ops.quote_name
    # Table and column names come from the models; the key is a parameter.
    return (
        f"SELECT t.id, t.last_used_at, r.role, r.region_id, {rows.columns(User, 'u')}"  # noqa: S608
        f" FROM {quote(ApiToken._meta.db_table)} t"
        f" JOIN {quote(User._meta.db_table)} u ON u.id = t.user_id"
        f" LEFT JOIN {quote(RoleAssignment._meta.db_table)} r ON r.user_id = u.id"
        " WHERE t.key_hash = %s AND t.revoked_at IS NULL AND u.is_active"
        " ORDER BY r.region_id, r.role"
    )


def user_for_token(token: str) -> User | None:
    with rows.cursor() as cursor:
        cursor.execute(_token_sql(), [_hash(token)])
        found = cursor.fetchall()
    if not found:
        return None
    token_id, used = found[0][0], found[0][1]
    user = rows.load(User, found[0][4:])
    remember_assignments(user, [(row[2], row[3]) for row in found if row[2] is not None])
    if used is not None and timezone.is_naive(used):  # SQLite keeps UTC without an offset
        used = timezone.make_aware(used, dt.UTC)
    now = timezone.now()
    if used is None or (now - used).total_seconds() > 300:
        ApiToken.objects.filter(pk=token_id).update(last_used_at=now)
    return user


def revoke_token(actor, token_row: ApiToken) -> None:
    with transaction.atomic():
        ApiToken.objects.filter(pk=token_row.pk).update(revoked_at=timezone.now())
        record(
            actor,
            "token.revoke",
            token_row.user,
            before={"device": token_row.name, "prefix": token_row.prefix},
        )
