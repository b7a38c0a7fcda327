"""Helpers every API router uses: authentication that carries the role gate, and uniform errors.

Each operation names the permission it needs with `auth=perm_auth("region.view")`: signed-out
callers get 401, callers whose roles lack the permission everywhere get 403, and objects are then
fetched with get_scoped_or_404 (404 outside the caller's jurisdiction)."""

from __future__ import annotations

from functools import cache

from django.core.exceptions import PermissionDenied
from ninja.security import SessionAuth

from .scoping import has_perm_anywhere


class PermSessionAuth(SessionAuth):
    """The signed-in browser session (CSRF-checked for writes). Device tokens come with the apps
    that need them, as a second auth class beside this one."""

    def __init__(self, perm: str | None):
        super().__init__()
        self.perm = perm

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is None or not user.is_active:
            return None
        if self.perm and not has_perm_anywhere(user, self.perm):
            raise PermissionDenied
        return user


@cache
def perm_auth(perm: str | None) -> PermSessionAuth:
    return PermSessionAuth(perm)


signed_in_auth = perm_auth(None)
