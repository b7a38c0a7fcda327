"""Open311 API keys: made by an administrator and shown once, stored as a hash, revocable, limited
to so many requests a minute. Every creation, revocation and refused use is in the audit log."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anju.audit.actions import record
from anju.audit.models import Result

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


def use_key(secret: str, *, now=None) -> ApiKey:
    """The key a POST came with, counted against its limit; KeyRefused when it is missing, unknown,
    revoked or over its limit for the minute."""
    if not secret:
        raise _refuse(403, _("api_key is required to post a request."))
    key = ApiKey.objects.filter(key_hash=hash_key(secret)).select_related("account").first()
    if key is None:
        raise _refuse(403, _("The api_key is not valid."), prefix=secret[:PREFIX_LENGTH])
    if key.revoked_at is not None:
        raise _refuse(403, _("The api_key has been revoked."), key)
    now = now or timezone.now()
    with transaction.atomic():
        locked = ApiKey.objects.select_for_update().get(pk=key.pk)
        if locked.window_start is None or now - locked.window_start >= WINDOW:
            locked.window_start, locked.window_count = now, 0
        over = locked.window_count >= locked.posts_per_minute
        if not over:
            locked.window_count += 1
            locked.last_used_at = now
        ApiKey.objects.filter(pk=key.pk).update(
            window_start=locked.window_start,
            window_count=locked.window_count,
            last_used_at=locked.last_used_at,
        )
    if over:
        raise _refuse(
            429,
            _("This api_key may post %(count)d requests a minute; try again later.")
            % {"count": key.posts_per_minute},
            key,
        )
    return locked
