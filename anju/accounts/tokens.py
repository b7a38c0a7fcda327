"""Device tokens: made once, stored as a hash, revocable."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from anju.audit.actions import record

from .models import ApiToken, User


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


def user_for_token(token: str) -> User | None:
    row = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_hash(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if row is None:
        return None
    now = timezone.now()
    if row.last_used_at is None or (now - row.last_used_at).total_seconds() > 300:
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.user


def revoke_token(actor, token_row: ApiToken) -> None:
    with transaction.atomic():
        ApiToken.objects.filter(pk=token_row.pk).update(revoked_at=timezone.now())
        record(
            actor,
            "token.revoke",
            token_row.user,
            before={"device": token_row.name, "prefix": token_row.prefix},
        )
