"""The one path every change of a case takes: permission on the handling unit, the row lock, the
version check, the change, a timeline row and an audit row, in one transaction; a refusal is
recorded after its rollback."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from anju.audit.actions import record, refusals_recorded
from anju.core.rows import insert
from anju.core.scoping import covers, require_in_scope

from .kinds import Kind


class Watcher(Protocol):
    """Something kept in step with a kind's cases in the transaction that changes them (the
    figures' rollup): `state` reads what it follows of a case, `moved` is told the case after a
    transition with that state from before, `added` is told of new cases."""

    def state(self, case) -> Any: ...

    def moved(self, case, before: Any, transition: str) -> None: ...

    def added(self, cases: list) -> None: ...


_watchers: dict[str, list[Watcher]] = {}


def watch(kind_name: str, watcher: Watcher) -> None:
    """Keep `watcher` in step with the cases of a kind: called once, when the watching app is ready."""
    if watcher not in _watchers.setdefault(kind_name, []):
        _watchers[kind_name].append(watcher)


def added(kind: Kind, cases: list) -> None:
    """New cases of a kind, written in the caller's transaction (a registration, an import)."""
    for watcher in _watchers.get(kind.name, ()):
        watcher.added(cases)


class StaleVersion(ValidationError):
    """Someone else changed the case since this person opened it."""


def snapshot(kind: Kind, case) -> dict[str, Any]:
    """The audited fields of a case, JSON-safe, for an audit row's before and after."""
    return {f: (str(getattr(case, f)) if getattr(case, f) is not None else None) for f in kind.audited}


def allowed(kind: Kind, case, user) -> list[str]:
    """The transitions this user may apply to the case now: what the page and the API offer."""
    return [
        name
        for name, t in kind.transitions.items()
        if case.status in t.sources and covers(user, t.perm, case.handling_unit_id) and _passes(t, user, case)
    ]


def _passes(transition, user, case) -> bool:
    if transition.guard is None:
        return True
    try:
        transition.guard(user, case)
    except PermissionDenied:
        return False
    return True


def add_timeline(kind: Kind, case, actor, name: str, before: str, after: str, note: str = ""):
    """A row on the case's timeline; `actor` None (or the system) for the worker's rows."""
    entry = kind.timeline_model(
        **{kind.case_field: case},
        actor=actor if getattr(actor, "pk", None) else None,
        transition=name,
        from_status=before,
        to_status=after,
        handling_unit_id=case.handling_unit_id,
        note=note,
    )
    insert(entry)
    return entry


def note_row(kind: Kind, case, actor, name: str, note: str = ""):
    """A timeline row that changes no status: a file added, a card, a reminder."""
    return add_timeline(kind, case, actor, name, case.status, case.status, note)


def apply(
    kind: Kind,
    actor,
    case,
    name: str,
    *,
    version: int | None,
    note: str = "",
    change: Callable[[Any], str | None] | None = None,
):
    """Apply the transition `name` of the kind's table to `case` and return the changed case.

    `change` runs on the locked row, already in the status the transition enters; it may refuse
    with a ValidationError (nothing is written) and may return a line the timeline row adds to the
    note."""
    transition = kind.transitions[name]
    action = f"{kind.name}.{name}"
    # The refusal is recorded after the transaction has rolled back (exits run inner first).
    with (
        refusals_recorded(actor, action, case, region_code=kind.region_code(case)),
        transaction.atomic(),
    ):
        locked = kind.model.objects.select_for_update().get(pk=case.pk)
        if not covers(actor, transition.perm, locked.handling_unit_id):
            raise PermissionDenied(_("This case is handled by %(unit)s.") % {"unit": locked.handling_unit})
        if transition.guard is not None:
            transition.guard(actor, locked)
        if locked.status not in transition.sources:
            raise ValidationError(
                _("A case that is “%(status)s” cannot be changed this way (%(action)s).")
                % {"status": kind.status_label(locked.status), "action": transition.label},
                code="invalid_transition",
            )
        if version is not None and version != locked.version:
            raise StaleVersion(
                _("Someone else changed this case since you opened it. Reload it and try again."),
                code="stale",
            )
        before = snapshot(kind, locked)
        watched = [(w, w.state(locked)) for w in _watchers.get(kind.name, ())]
        from_status = locked.status
        # The change sees the case in the status it enters: a time limit started there is that
        # stage's (acceptance once escalated, mediation once accepted).
        if transition.target is not None:
            locked.status = transition.target
        said = change(locked) if change is not None else None
        if said:
            note = f"{note}\n{said}" if note else said
        locked.version += 1
        locked.save()
        add_timeline(kind, locked, actor, name, from_status, locked.status, note)
        require_in_scope(locked, actor, "case.view")
        record(
            actor,
            action,
            locked,
            region_code=kind.region_code(locked),
            before=before,
            after=snapshot(kind, locked),
        )
        # Last of the writes: a watcher's row (a rollup cell) is locked from here to the commit.
        for watcher, state in watched:
            watcher.moved(locked, state, name)
    return locked
