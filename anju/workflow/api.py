"""The JSON endpoints every kind of case has beside its own: one per transition of its table, and
asking for more time and deciding it. A kind adds them to its router with its own schemas, paths
and operation names (the document a device's client is generated from stays as it was); the
handling is written once here."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from types import ModuleType
from typing import Any

from ninja import Router
from ninja.responses import Status

from anju.core.api import perm_auth
from anju.core.scoping import get_scoped_or_404

from .kinds import Kind

# (action, path, input schema, kwargs_for(request, payload)): one endpoint per transition.
TransitionEndpoint = tuple[str, str, type, Callable[[Any, Any], dict]]


def fields(request, payload) -> dict:
    """A transition's input as the action's keywords: every field but the version, passed apart."""
    return payload.model_dump(exclude={"version"})


def _named(endpoint, *, module: str, name: str, doc: str, params: dict[str, Any]):
    """Give a made endpoint the name, module and signature Ninja reads: the operation id is
    `<module>_<name>`, and the parameters say which part of the request each value comes from."""
    endpoint.__name__ = endpoint.__qualname__ = name
    endpoint.__module__ = module
    endpoint.__doc__ = doc
    kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
    endpoint.__signature__ = inspect.Signature(
        [inspect.Parameter("request", kind)]
        + [inspect.Parameter(n, kind, annotation=a) for n, a in params.items()]
    )
    return endpoint


def add_transitions(
    router: Router,
    kind: Kind,
    endpoints: Iterable[TransitionEndpoint],
    *,
    actions: ModuleType,
    id_kwarg: str,
    response: type,
    answer: Callable[[Any, Any], Any],
    module: str,
    prefix: str = "",
) -> None:
    """POST /{id}/<path> for each transition: the case is found in the caller's jurisdiction (404
    outside it), the kind's action checks the transition's permission on its handling unit and the
    version the client read; `answer(case, user)` is the case as the API shows it."""
    for name, path, schema, kwargs_for in endpoints:
        action = getattr(actions, name)

        def endpoint(request, payload, _action=action, _kwargs_for=kwargs_for, **ids):
            case = get_scoped_or_404(kind.model, request.auth, "view", pk=ids[id_kwarg])
            changed = _action(request.auth, case, version=payload.version, **_kwargs_for(request, payload))
            return answer(changed, request.auth)

        _named(
            endpoint,
            module=module,
            name=f"{prefix}{name}",
            doc=str(kind.transitions[name].label),
            params={id_kwarg: int, "payload": schema},
        )
        router.post(
            f"/{{{id_kwarg}}}/{path}", response=response, auth=perm_auth(kind.transitions[name].perm)
        )(endpoint)


def add_extensions(
    router: Router,
    kind: Kind,
    *,
    actions: ModuleType,
    id_kwarg: str,
    decide_id_kwarg: str,
    schemas: tuple[type, type, type],
    names: tuple[str, str],
    auth: tuple[Any, Any],
    module: str,
) -> None:
    """POST /{id}/extensions (the handlers ask, 201) and /extensions/{id}/decide (the deciding unit
    answers), with the kind's input, decision and output schemas, operation names and auths."""
    ask_in, decision_in, extension_out = schemas

    def ask(request, payload, **ids):
        case = get_scoped_or_404(kind.model, request.auth, "view", pk=ids[id_kwarg])
        return Status(201, actions.request_extension(request.auth, case, **payload.model_dump()))

    def decide(request, payload, **ids):
        extension = get_scoped_or_404(kind.extension_model, request.auth, "view", pk=ids[decide_id_kwarg])
        return actions.decide_extension(request.auth, extension, approve=payload.approve, note=payload.note)

    _named(ask, module=module, name=names[0], doc=None, params={id_kwarg: int, "payload": ask_in})
    _named(
        decide, module=module, name=names[1], doc=None, params={decide_id_kwarg: int, "payload": decision_in}
    )
    router.post(f"/{{{id_kwarg}}}/extensions", response={201: extension_out}, auth=auth[0])(ask)
    router.post(f"/extensions/{{{decide_id_kwarg}}}/decide", response=extension_out, auth=auth[1])(decide)
