"""Idempotency-Key for API creates: the key is claimed before the work, so two copies of a request
never both create, and a retry gets the first answer. The claims are accounts' rows (a key belongs to
its caller); whether a dead request's work committed is read from the audit trail."""

from __future__ import annotations

import hashlib
import json

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic import BaseModel

from anju.audit.models import AuditEvent, Result
from anju.core import rows
from anju.core.api import STALE_AFTER
from anju.core.middleware import current

from .models import IdempotencyRecord

UNKNOWN = object()


def idempotent(request, payload: dict, create, *, answer_for=None):
    """Run `create()` -> (status, body) once per Idempotency-Key and caller; a retry with the same
    key gets the first answer, a reuse of the key for a different request gets 422.

    The key is claimed (one INSERT, committed) before the work starts, so two copies of a request
    arriving together never both create; the claim is released if the work fails. A claim left
    unanswered for STALE_AFTER belongs to a request whose worker was killed: if the audit trail
    shows its work committed, `answer_for(object_id)` answers again; if it shows none, the retry
    takes the claim over and does the work."""
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
