"""Jurisdiction scoping, in one place.

A role assigned on a region covers that region's subtree, and a region's subtree is every code that
starts with its code. `prefixes_for(user, perm)` turns a user's assignments into the shortest set of
code prefixes once per request; `ScopedQuerySet.visible_to` filters on them. Out of scope is a 404,
never a 403, so nobody learns that an object exists outside their jurisdiction; a write that would
land outside it is refused with OutOfScope, which the API answers without its reason.

Roles themselves belong to accounts, which stands above core: scoping reads them through `Roles`,
which accounts provides when the app registry is ready (AccountsConfig.ready)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from typing import Protocol

from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import connection, models
from django.db.models import Q
from django.http import Http404

from . import rows

ALL = None  # prefixes_for() returns ALL for superusers: no filter at all


class OutOfScope(PermissionDenied):
    """A refusal because an object or region lies outside the actor's jurisdiction. Its message is
    for the audit trail; callers get only the general refusal, so it tells them nothing about
    what lies outside their jurisdiction."""


class SystemActor:
    """Who acts when the platform itself does the work: command-line imports, the worker.
    It holds every permission; audit rows name it "system"."""

    pk = None
    id = None
    is_authenticated = True
    is_active = True
    is_superuser = True
    is_staff = False
    username = "system"

    def get_username(self) -> str:
        return self.username

    def __str__(self) -> str:
        return self.username


SYSTEM = SystemActor()


def minimal_prefixes(codes: Iterable[str]) -> list[str]:
    """Drop every code that lies inside another one's subtree: ["620123", "620123001"] -> ["620123"]."""
    result: list[str] = []
    for code in sorted(set(codes), key=len):
        if not any(code.startswith(kept) for kept in result):
            result.append(code)
    return sorted(result)


class Roles(Protocol):
    """What scoping needs to know about roles. accounts answers it from its own tables."""

    # Each role's permissions: {"mediator": frozenset({"case.view", ...}), ...}.
    perms: Mapping[str, frozenset[str]]

    def assignments(self, user_id) -> list[tuple[str, str]]:
        """The (role, region code) pairs the user holds. This runs on every signed-in request."""
        ...


_roles: Roles | None = None
_role_perms: Mapping[str, frozenset[str]] = {}


def provide_roles(roles: Roles) -> None:
    """Called once, by the app that keeps role assignments (accounts), when Django is ready."""
    global _roles, _role_perms
    _roles, _role_perms = roles, roles.perms


def _assignments(user) -> list[tuple[str, str]]:
    cache = getattr(user, "_anju_assignments", None)
    if cache is None:
        if _roles is None:
            raise ImproperlyConfigured(
                "No app provides roles to scoping: add anju.accounts to INSTALLED_APPS."
            )
        cache = _roles.assignments(user.pk)
        user._anju_assignments = cache
    return cache


def roles_of(user) -> frozenset[str]:
    """The roles a user holds anywhere, from the same per-request cache as the scoping checks."""
    return frozenset(role for role, _region in _assignments(user))


def remember_assignments(user, assignments: Iterable[tuple[str, str]]) -> None:
    """Roles read together with the user (device-token sign-in), so no second query is needed."""
    user._anju_assignments = list(assignments)


def forget(user) -> None:
    """Drop the per-request cache after the user's roles change."""
    if hasattr(user, "_anju_assignments"):
        del user._anju_assignments


def prefixes_for(user, perm: str) -> list[str] | None:
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser:
        return ALL
    return minimal_prefixes(
        region for role, region in _assignments(user) if perm in _role_perms.get(role, ())
    )


def units_for(user, perm: str) -> list[str] | None:
    """The regions the user's roles holding `perm` are assigned on, themselves (not their
    subtrees): where something addressed to a unit reaches this person. ALL for superusers."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser:
        return ALL
    return sorted({region for role, region in _assignments(user) if perm in _role_perms.get(role, ())})


def perm_for(model, action: str) -> str:
    """ "view" on a case is "case.view"; a full name ("case.handle") stays as it is."""
    return action if "." in action else f"{model.scope_perm}.{action}"


def has_perm_anywhere(user, perm: str) -> bool:
    prefixes = prefixes_for(user, perm)
    return prefixes is ALL or bool(prefixes)


def covers(user, perm: str, code: str) -> bool:
    """Does the user hold `perm` on the region with this code (through it or an ancestor)?"""
    prefixes = prefixes_for(user, perm)
    return prefixes is ALL or any(code.startswith(p) for p in prefixes)


def holds_top_level(user, perm: str) -> bool:
    """A grant on a whole county, the widest jurisdiction an instance has."""
    prefixes = prefixes_for(user, perm)
    return prefixes is ALL or any(len(p) == 6 for p in prefixes)


class ScopedQuerySet(models.QuerySet):
    """Models declare `scope_perm` (e.g. "region") and `scope_path` (the lookup that reaches the
    region code, e.g. "code" or "region__code"). Models whose rows can lack a region set
    `scope_unplaced_to_top = True`: such rows are visible only to county-wide grants."""

    def _scope_q(self, prefixes: list[str], path: str = "") -> Q:
        path = path or self.model.scope_path
        q = Q()
        for prefix in prefixes:
            q |= Q(**{f"{path}__startswith": prefix})
        return q

    def within(self, user, perm: str, path: str) -> ScopedQuerySet:
        """Rows whose region at `path` lies in the user's jurisdiction for `perm`: the rule of
        visible_to, applied to another region of the row (a case's handling unit, say)."""
        prefixes = prefixes_for(user, perm)
        if prefixes is ALL:
            return self.all()
        if not prefixes:
            return self.none()
        return self.filter(self._scope_q(prefixes, path))

    def visible_to(self, user, action: str = "view") -> ScopedQuerySet:
        prefixes = prefixes_for(user, perm_for(self.model, action))
        if prefixes is ALL:
            return self.all()
        if not prefixes:
            return self.none()
        q = self._scope_q(prefixes)
        if getattr(self.model, "scope_unplaced_to_top", False) and any(len(p) == 6 for p in prefixes):
            q |= Q(**{f"{self.model.scope_path}__isnull": True}) | Q(**{self.model.scope_path: ""})
        queryset = self.filter(q)
        if "__" in self.model.scope_path and getattr(self.model, "scope_path_is_multi", False):
            queryset = queryset.distinct()
        return queryset

    def in_subtree(self, code: str) -> ScopedQuerySet:
        return self.filter(**{f"{self.model.scope_path}__startswith": code})


class ScopedManager(models.Manager.from_queryset(ScopedQuerySet)):
    """The manager every model with a region must use (a system check enforces it)."""


def get_scoped_or_404(model_or_qs, user, action: str = "view", /, **lookup):
    if not isinstance(model_or_qs, models.QuerySet) and len(lookup) == 1:
        (name, value), meta = next(iter(lookup.items())), model_or_qs._meta
        column = _own_scope_column(model_or_qs)
        if column and name in {"pk", meta.pk.name, meta.pk.attname}:
            return _by_key_in_scope(model_or_qs, column, user, action, value)
    queryset = model_or_qs if isinstance(model_or_qs, models.QuerySet) else model_or_qs.objects.all()
    try:
        return queryset.visible_to(user, action).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


@cache
def _own_scope_column(model) -> str:
    """The attribute of the row itself that holds its region code ("code", "region_id"), when the
    scope path needs no join and the model's queryset does not widen visible_to; else ""."""
    if type(model._default_manager.all()).visible_to is not ScopedQuerySet.visible_to:
        return ""
    path = model.scope_path
    if "__" not in path:
        return model._meta.get_field(path).attname
    head, _, tail = path.partition("__")
    field = model._meta.get_field(head)
    if tail == "code" and field.many_to_one and field.target_field.name == "code":
        return field.attname
    return ""


def _by_key_in_scope(model, column: str, user, action: str, value):
    """get_scoped_or_404 by primary key for models scoped on a column of their own: the row is read
    with SQL built once per model (core/rows.py) and checked with `covers`, the rule visible_to filters with.
    (On the pages and the API this lookup runs on nearly every request; building the ORM query cost
    more than reading the row.)"""
    try:
        key = model._meta.pk.to_python(value)
    except (ValidationError, ValueError, TypeError):
        raise Http404 from None
    if key is None or (isinstance(key, str) and "\x00" in key):
        raise Http404
    if isinstance(key, int):  # out of the column's range: no such row (as the ORM answers)
        low, high = connection.ops.integer_field_range(model._meta.pk.get_internal_type())
        if (low is not None and key < low) or (high is not None and key > high):
            raise Http404
    obj = rows.by_key(model, key)
    if obj is None:
        raise Http404
    code = getattr(obj, column)
    if not code:  # a row without a region: the general rule decides (county-wide grants only)
        return get_scoped_or_404(model._default_manager.all(), user, action, pk=key)
    if not covers(user, perm_for(model, action), code):
        raise Http404
    return obj


def require_in_scope(obj, user, action: str) -> None:
    """The re-check after a write, inside its transaction: the changed row must still be in the
    actor's jurisdiction, so nobody moves or creates an object into a region they do not hold."""
    model = type(obj)
    column = _own_scope_column(model)
    code = getattr(obj, column) if column else ""
    if code:
        # The region code is on the saved row itself: check it with the rule visible_to filters with.
        if covers(user, perm_for(model, action), code):
            return
        raise OutOfScope(f"{model.__name__} {obj.pk} is outside the jurisdiction of {user}")
    if not model._default_manager.visible_to(user, action).filter(pk=obj.pk).exists():
        raise OutOfScope(f"{model.__name__} {obj.pk} is outside the jurisdiction of {user}")
