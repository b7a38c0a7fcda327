"""Open311 API keys: made by an administrator and shown once, stored as a hash, revocable, limited
to so many requests a minute. Every creation, revocation and refused use is in the audit log."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from functools import cache

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anju.accounts.models import RoleAssignment, User
from anju.audit.actions import record
from anju.audit.models import Result
from anju.core import rows
from anju.core.scoping import remember_assignments
from anju.events import actions as event_actions
from anju.regions.models import Region

from .models import ApiKey

WINDOW = dt.timedelta(minutes=1)
PREFIX_LENGTH = 10


class KeyRefused(Exception):
    """The key cannot be used: `status` is the HTTP status of the answer (403 or 429)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def hash_key(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret() -> str:
    return "o311_" + secrets.token_urlsafe(32)


def create_key(actor, *, name: str, channel: str, account, posts_per_minute: int = 30) -> tuple[ApiKey, str]:
    """A new key and its secret, which is shown this once and never stored."""
    secret = new_secret()
    with transaction.atomic():
        key = ApiKey.objects.create(
            name=name,
            channel=channel,
            account=account,
            posts_per_minute=posts_per_minute,
            prefix=secret[:PREFIX_LENGTH],
            key_hash=hash_key(secret),
        )
        record(
            actor,
            "open311.key.create",
            key,
            after={"name": name, "channel": channel, "account": str(account)},
        )
    return key, secret


def fill_new_key(actor, key: ApiKey) -> str:
    """Give a key made in the admin form its secret, and audit it; the secret is returned once."""
    secret = new_secret()
    key.prefix = secret[:PREFIX_LENGTH]
    key.key_hash = hash_key(secret)
    with transaction.atomic():
        key.save()
        record(
            actor,
            "open311.key.create",
            key,
            after={"name": key.name, "channel": key.channel, "account": str(key.account)},
        )
    return secret


def revoke_key(actor, key: ApiKey) -> ApiKey:
    with transaction.atomic():
        updated = ApiKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
        if updated:
            record(actor, "open311.key.revoke", key)
    key.refresh_from_db()
    return key


def _refuse(status: int, message: str, key: ApiKey | None = None, prefix: str = "") -> KeyRefused:
    with transaction.atomic():
        record(
            None,
            "open311.key.use",
            key,
            result=Result.REFUSED,
            detail=message,
            username=f"open311:{key.name if key else prefix}",
        )
    return KeyRefused(status, message)


@cache
def _count_sql(returning: str = "id") -> str:
    """One use counted against the key's minute, in one statement: the window starts again once a
    minute has passed, and a key over its limit, revoked or unknown changes no row. Its commit does
    not wait for the disk (anju.events.actions.unflushed): a crash may forget a use, never a report."""
    table = connection.ops.quote_name(ApiKey._meta.db_table)
    fresh = "(window_start IS NULL OR window_start <= %(since)s)"
    return (
        f"UPDATE {table} SET"  # noqa: S608
        f" window_start = CASE WHEN {fresh} THEN %(now)s ELSE window_start END,"
        f" window_count = CASE WHEN {fresh} THEN 1 ELSE window_count + 1 END,"
        " last_used_at = %(now)s"
        f" WHERE key_hash = %(hash)s AND revoked_at IS NULL AND ({fresh} OR window_count < posts_per_minute)"
        f"{event_actions.unflushed()} RETURNING {returning}"
    )


def _key_sql(counted: str, also: tuple[str, ...]) -> str:
    """The key, the account it reports as, the account's roles and their places, in one query;
    `counted` is where the key's row comes from; `also`, scalar subqueries read with it."""
    quote = connection.ops.quote_name
    extra = "".join(f", ({query})" for query in also)
    return (
        f"SELECT r.role, r.region_id, {rows.columns(ApiKey, 'k')}, {rows.columns(User, 'u')},"  # noqa: S608
        f" {rows.columns(Region, 'g')}{extra}"
        f" FROM {counted} k"
        f" JOIN {quote(User._meta.db_table)} u ON u.id = k.account_id"
        f" LEFT JOIN {quote(RoleAssignment._meta.db_table)} r ON r.user_id = u.id"
        f" LEFT JOIN {quote(Region._meta.db_table)} g ON g.code = r.region_id"
        " ORDER BY r.region_id, r.role"
    )


@cache
def _read_sql(also: tuple[str, ...]) -> str:
    """The counted key read after its count (the databases without UPDATE in WITH)."""
    table = connection.ops.quote_name(ApiKey._meta.db_table)
    return _key_sql(f"(SELECT * FROM {table} WHERE id = %s)", also)  # noqa: S608


@cache
def _count_and_read_sql(also: tuple[str, ...]) -> str:
    """On PostgreSQL the count and the read in one statement, still in autocommit: the UPDATE hands
    the counted row, as it now is, to the read (one statement a POST fewer)."""
    return f"WITH counted AS ({_count_sql(rows.columns(ApiKey))}) {_key_sql('counted', also)}"


def _counted(secret: str, now, also: tuple[str, ...]) -> list[tuple]:
    """Count one use of the key, and read it with its account, roles and places; no rows when the
    key may not be used (unknown, revoked or over its limit), and then nothing was counted."""
    adapt = connection.ops.adapt_datetimefield_value
    params = {"since": adapt(now - WINDOW), "now": adapt(now), "hash": hash_key(secret)}
    with rows.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_count_and_read_sql(also), params)
            return cursor.fetchall()
        cursor.execute(_count_sql(), params)
        counted = cursor.fetchone()
        if counted is None:
            return []
        cursor.execute(_read_sql(also), [counted[0]])
        return cursor.fetchall()


def use_key(secret: str, *, now=None, also: tuple[str, ...] = ()) -> ApiKey:
    """The key a POST came with, counted against its limit, with its account (and the account's
    roles) loaded and the most local place the account reports for as `home_region`; KeyRefused
    when it is missing, unknown, revoked or over its limit for the minute. The count is one
    statement in autocommit: concurrent requests on one key wait for each other only while it runs,
    not while their reports are written. `also`: scalar subqueries (SQL without parameters) read
    in the same statement, their answers given as the key's `also`."""
    if not secret:
        raise _refuse(403, _("api_key is required to post a request."))
    found = _counted(secret, now or timezone.now(), also)
    if not found:
        key = ApiKey.objects.filter(key_hash=hash_key(secret)).first()
        if key is None:
            raise _refuse(403, _("The api_key is not valid."), prefix=secret[:PREFIX_LENGTH])
        if key.revoked_at is not None:
            raise _refuse(403, _("The api_key has been revoked."), key)
        raise _refuse(
            429,
            _("This api_key may post %(count)d requests a minute; try again later.")
            % {"count": key.posts_per_minute},
            key,
        )
    width = len(ApiKey._meta.concrete_fields)
    user_end = 2 + width + len(User._meta.concrete_fields)
    region_end = user_end + len(Region._meta.concrete_fields)
    key = rows.load(ApiKey, found[0][2 : 2 + width])
    account = rows.load(User, found[0][2 + width : user_end])
    remember_assignments(account, [(row[0], row[1]) for row in found if row[0] is not None])
    key.account = account
    # The most local place the account reports for (rows come in the order of their codes).
    key.home_region = rows.load(Region, found[-1][user_end:region_end]) if found[-1][0] is not None else None
    key.also = found[0][region_end:]
    return key
