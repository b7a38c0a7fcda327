"""Helpers every API router uses: authentication that carries the role gate, and uniform errors.

Each operation names the permission it needs with `auth=perm_auth("region.view")`: signed-out
callers get 401, callers whose roles lack the permission everywhere get 403, and objects are then
fetched with get_scoped_or_404 (404 outside the caller's jurisdiction)."""

from __future__ import annotations

from functools import cache

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from ninja.security import SessionAuth
from pydantic import BaseModel

from . import rows
from .scoping import has_perm_anywhere


class PermSessionAuth(SessionAuth):
    """A device token (`Authorization: Bearer anju_…`) or the signed-in browser session
    (CSRF-checked for writes), then the role gate."""

    def __init__(self, perm: str | None):
        super().__init__()
        self.perm = perm

    def __call__(self, request):
        header = request.headers.get("Authorization", "")
        if header.startswith("Bearer "):
            from anju.accounts.tokens import user_for_token

            user = user_for_token(header[7:].strip())
            if user is None:
                return None
            request.user = user
            return self._gate(user)
        return super().__call__(request)

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is None or not user.is_active:
            return None
        return self._gate(user)

    def _gate(self, user):
        if self.perm and not has_perm_anywhere(user, self.perm):
            raise PermissionDenied
        return user


def idempotent(request, payload: dict, create):
    """Run `create()` -> (status, body) once per Idempotency-Key and caller; a retry with the same
    key gets the first answer, a reuse of the key for a different request gets 422.

    The key is claimed (one INSERT, committed) before the work starts, so two copies of a request
    arriving together never both create; the claim is released if the work fails."""
    import hashlib
    import json

    from anju.accounts.models import IdempotencyRecord

    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        return create()
    if len(key) > 100:
        return 400, {"code": 400, "description": "Idempotency-Key is longer than 100 characters"}
    digest = hashlib.sha256(
        (request.path + json.dumps(payload, sort_keys=True, default=str)).encode()
    ).hexdigest()
    user = request.auth
    claim = IdempotencyRecord(user=user, key=key, request_hash=digest, status=0, body={})
    try:
        # One INSERT is atomic by itself; only inside a transaction does it need a savepoint.
        if connection.in_atomic_block:
            with transaction.atomic():
                rows.insert(claim)
        else:
            rows.insert(claim)
    except IntegrityError:
        previous = IdempotencyRecord.objects.get(user=user, key=key)
        if previous.request_hash != digest:
            return 422, {"code": 422, "description": "this Idempotency-Key was used for a different request"}
        if previous.status == 0:
            return 409, {
                "code": 409,
                "description": "the first request with this Idempotency-Key is still running",
            }
        return previous.status, previous.body
    try:
        status, body = create()
    except BaseException:
        IdempotencyRecord.objects.filter(pk=claim.pk).delete()
        raise
    stored = body.model_dump(mode="json") if isinstance(body, BaseModel) else body
    _keep_answer(claim, status, stored)
    return status, body


def _keep_answer(claim, status: int, body) -> None:
    """Store the answer on the claim; a plain UPDATE, as this runs after every keyed create."""
    meta = type(claim)._meta
    quote = connection.ops.quote_name
    sql = f"UPDATE {quote(meta.db_table)} SET status = %s, body = %s WHERE id = %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [status, meta.get_field("body").get_db_prep_save(body, connection), claim.pk])


@cache
def perm_auth(perm: str | None) -> PermSessionAuth:
    return PermSessionAuth(perm)


signed_in_auth = perm_auth(None)
