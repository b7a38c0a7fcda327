"""Writing the audit trail. Actions call `record` inside their own transaction, so the audit row
commits or rolls back with the change; `refusals_recorded` writes the refusal after the rollback."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import translation
from django.utils.translation import ngettext

from anju.core.middleware import current
from anju.core.rows import insert

from .models import AccessRecord, AuditEvent, Result


def _object_fields(obj: Any) -> dict[str, str]:
    if obj is None:
        return {}
    return {
        "object_type": obj._meta.label_lower,
        "object_id": str(obj.pk),
        "object_repr": str(obj)[:200],
    }


def record(
    actor,
    action: str,
    obj: Any = None,
    *,
    region_code: str = "",
    before: dict | None = None,
    after: dict | None = None,
    result: str = Result.OK,
    detail: str = "",
    username: str = "",
    object_type: str = "",
    object_id: str = "",
) -> AuditEvent:
    context = current.get()
    fields = _object_fields(obj)
    if object_type:
        fields.update(
            object_type=object_type, object_id=object_id, object_repr=fields.get("object_repr", object_id)
        )
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    event = AuditEvent(
        # The system actor (command line, worker) has no row of its own; its name says who it was.
        actor=actor if authenticated and actor.pk is not None else None,
        actor_username=(actor.get_username() if authenticated else username)[:150],
        action=action,
        region_code=region_code,
        before=before,
        after=after,
        result=result,
        detail=detail[:500],
        request_id=context.request_id,
        ip=context.ip,
        **fields,
    )
    insert(event)  # every action writes one: the INSERT is built once, not per row
    return event


def record_access(actor, obj: Any, field: str, *, region_code: str = "", purpose: str = "") -> AccessRecord:
    context = current.get()
    return AccessRecord.objects.create(
        actor=actor,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        field=field,
        region_code=region_code,
        purpose=purpose[:200],
        request_id=context.request_id,
        ip=context.ip,
    )


@contextmanager
def refusals_recorded(
    actor, action: str, obj: Any = None, *, region_code: str = "", **extra
) -> Iterator[None]:
    """Wrap an action's transaction: a refusal rolls the change back, then is itself recorded."""
    try:
        yield
    except (PermissionDenied, Http404) as refusal:
        record(
            actor,
            action,
            obj,
            region_code=region_code,
            result=Result.REFUSED,
            detail=str(refusal) or refusal.__class__.__name__,
            **extra,
        )
        raise


def county_language():
    """Stored text everyone in the county reads (audit rows, alerts, cards, timeline notes) is written
    in the county's language, whatever language the caller or the worker thread last served. The one
    home of that rule: anju.workflow.alerts re-exports it for the kinds of case."""
    return translation.override(settings.LANGUAGE_CODE)


def rejected_import_detail(filename: str, bad_rows: int) -> str:
    """The detail of a refused import's row: the file and how many of its rows were bad."""
    with county_language():
        return ngettext(
            "%(file)s: %(count)d bad row, nothing imported",
            "%(file)s: %(count)d bad rows, nothing imported",
            bad_rows,
        ) % {"file": filename, "count": bad_rows}


def snapshot(obj: Any, fields: list[str]) -> dict[str, Any]:
    """The before/after picture of an object for an audit row, JSON-safe."""
    data = {}
    for name in fields:
        value = getattr(obj, name)
        data[name] = value if isinstance(value, (str, int, float, bool, type(None))) else str(value)
    return data
