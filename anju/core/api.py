"""Helpers every API router uses: authentication that carries the role gate, and uniform errors.

Each operation names the permission it needs with `auth=perm_auth("region.view")`: signed-out
callers get 401, callers whose roles lack the permission everywhere get 403, and objects are then
fetched with get_scoped_or_404 (404 outside the caller's jurisdiction)."""

from __future__ import annotations

import datetime as dt
from functools import cache

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import SessionAuth
from pydantic import BaseModel

from . import rows
from .middleware import current
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

    def _get_key(self, request):
        try:
            return super()._get_key(request)
        except HttpError as refusal:
            # ninja refuses a session call that fails the CSRF check in English; say it in the
            # caller's language, through the 403 handler.
            if refusal.status_code == 403:
                raise PermissionDenied(
                    _("This request failed the security check (CSRF). Reload the page and try again.")
                ) from refusal
            raise

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is None or not user.is_active:
            return None
        return self._gate(user)

    def _gate(self, user):
        if self.perm and not has_perm_anywhere(user, self.perm):
            raise PermissionDenied
        return user


# Longer than any request may run (`anju serve` stops a worker after 60 s): a claim still
# unanswered after this belongs to a request that died.
STALE_AFTER = dt.timedelta(minutes=5)
UNKNOWN = object()


def idempotent(request, payload: dict, create, *, answer_for=None):
    """Run `create()` -> (status, body) once per Idempotency-Key and caller; a retry with the same
    key gets the first answer, a reuse of the key for a different request gets 422.

    The key is claimed (one INSERT, committed) before the work starts, so two copies of a request
    arriving together never both create; the claim is released if the work fails. A claim left
    unanswered for STALE_AFTER belongs to a request whose worker was killed: if the audit trail
    shows its work committed, `answer_for(object_id)` answers again; if it shows none, the retry
    takes the claim over and does the work."""
    import hashlib
    import json

    from anju.accounts.models import IdempotencyRecord

    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        return create()
    if len(key) > 100:
        return 400, {"code": 400, "description": _("The Idempotency-Key is longer than 100 characters.")}
    digest = hashlib.sha256(
        (request.path + json.dumps(payload, sort_keys=True, default=str)).encode()
    ).hexdigest()
    user = request.auth
    request_id = current.get().request_id
    claim = IdempotencyRecord(
        user=user, key=key, request_hash=digest, status=0, body={}, request_id=request_id
    )
    try:
        # One INSERT is atomic by itself; only inside a transaction does it need a savepoint.
        if connection.in_atomic_block:
            with transaction.atomic():
                rows.insert(claim)
        else:
            rows.insert(claim)
    except IntegrityError:
        claim = IdempotencyRecord.objects.get(user=user, key=key)
        if claim.request_hash != digest:
            return 422, {
                "code": 422,
                "description": _("This Idempotency-Key was used for a different request."),
            }
        if claim.status:
            return claim.status, claim.body
        still_running = {
            "code": 409,
            "description": _("The first request with this Idempotency-Key is still running."),
        }
        if timezone.now() - claim.created_at < STALE_AFTER:
            return 409, still_running
        done = _work_of(claim)
        if done is None:
            taken = IdempotencyRecord.objects.filter(
                pk=claim.pk, status=0, created_at=claim.created_at
            ).update(created_at=timezone.now(), request_id=request_id)
            if not taken:  # another retry took it over first
                return 409, still_running
        elif done is UNKNOWN or answer_for is None:
            return 409, {
                "code": 409,
                "description": _(
                    "The first request with this Idempotency-Key stopped unanswered and may have "
                    "finished; look for its result before sending it again with a new key."
                ),
            }
        else:
            status, body = answer_for(done)
            _keep_answer(claim, status, _stored(body))
            return status, body
    try:
        status, body = create()
    except BaseException:
        IdempotencyRecord.objects.filter(pk=claim.pk).delete()
        raise
    _keep_answer(claim, status, _stored(body))
    return status, body


def _stored(body):
    return body.model_dump(mode="json") if isinstance(body, BaseModel) else body


def _work_of(claim):
    """What the audit trail says an unanswered claim's request did: None (nothing committed), the
    id of the one object it wrote, or UNKNOWN (no request id kept, or more than one object)."""
    from anju.audit.models import AuditEvent, Result

    if not claim.request_id:
        return UNKNOWN
    objects = set(
        AuditEvent.objects.filter(
            actor_id=claim.user_id,
            request_id=claim.request_id,
            result=Result.OK,
            at__gte=claim.created_at,
        )
        .exclude(object_id="")
        .values_list("object_id", flat=True)[:2]
    )
    if not objects:
        return None
    return objects.pop() if len(objects) == 1 else UNKNOWN


def _keep_answer(claim, status: int, body) -> None:
    """Store the answer on the claim; one UPDATE, as this runs after every keyed create."""
    claim.status, claim.body = status, body
    rows.update(claim, "status", "body")


@cache
def perm_auth(perm: str | None) -> PermSessionAuth:
    return PermSessionAuth(perm)


signed_in_auth = perm_auth(None)
