"""Helpers every API router uses: authentication that carries the role gate, and uniform errors.

Each operation names the permission it needs with `auth=perm_auth("region.view")`: signed-out
callers get 401, callers whose roles lack the permission everywhere get 403, and objects are then
fetched with get_scoped_or_404 (404 outside the caller's jurisdiction)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import cache

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import SessionAuth

from .scoping import has_perm_anywhere

# Who a device token belongs to: accounts keeps the tokens and provides this when Django is ready
# (AccountsConfig.ready); until then no token signs anyone in.
_token_user: Callable[[str], object | None] | None = None


def provide_token_users(find: Callable[[str], object | None]) -> None:
    """`find(token)` -> the token's active user with their roles remembered, or None."""
    global _token_user
    _token_user = find


class PermSessionAuth(SessionAuth):
    """A device token (`Authorization: Bearer anju_…`) or the signed-in browser session
    (CSRF-checked for writes), then the role gate."""

    def __init__(self, perm: str | None):
        super().__init__()
        self.perm = perm

    def __call__(self, request):
        header = request.headers.get("Authorization", "")
        if header.startswith("Bearer "):
            user = _token_user(header[7:].strip()) if _token_user else None
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


# Longer than any request may run (`anju serve` refuses a worker timeout this long): an
# Idempotency-Key claim (anju/accounts/idempotency.py) still unanswered after this belongs to a
# request that died.
STALE_AFTER = dt.timedelta(minutes=5)


@cache
def perm_auth(perm: str | None) -> PermSessionAuth:
    return PermSessionAuth(perm)


signed_in_auth = perm_auth(None)
