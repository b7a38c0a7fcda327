"""A kind of case's table of states and transitions: the one source the pages, the API, the state
diagram and the apply path read."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Transition:
    """One named change of a case: from which statuses, to which (None: the status stays and only
    something else moves, such as the handling unit on escalation), with which permission on the
    handling unit, the words of its button (`label`) and the words of its timeline row (`done`).
    A `guard` says who else may not, beyond the permission: called with the person and the case,
    it raises PermissionDenied with the reason (urging is for a unit above the handlers, not for
    the handlers themselves)."""

    name: str
    sources: frozenset[str]
    target: str | None
    perm: str
    label: object
    done: object
    guard: Callable[[object, object], None] | None = None


def transition(
    name: str,
    sources: Iterable[str],
    target: str | None,
    perm: str,
    label: object,
    done: object,
    *,
    guard: Callable[[object, object], None] | None = None,
) -> Transition:
    return Transition(name, frozenset(sources), target, perm, label, done, guard)


def table(*transitions: Transition) -> dict[str, Transition]:
    """The transitions by name, in the order given (pages list them in this order); a name given
    twice is a mistake in the table, refused when the module loads."""
    result: dict[str, Transition] = {}
    for t in transitions:
        if t.name in result:
            raise ValueError(f"transition {t.name!r} is declared twice")
        result[t.name] = t
    return result
