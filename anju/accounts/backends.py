"""Login with lockout. Failed attempts are audit rows (with the address they came from), so the
lockout is counted from the audit log itself: one record of what happened, nothing extra to keep
in step."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.utils import timezone
from django.utils.ipv6 import clean_ipv6_address

from anju.audit.actions import record
from anju.audit.models import AuditEvent, Result
from anju.core.middleware import current

LOGIN_FAILED = "auth.login_failed"
LOCKED_OUT = "auth.locked_out"
LOGIN_REFUSED_LOCKED = "auth.login_refused_locked"


# Failures from any address that lock the account everywhere, as a multiple of the per-address
# limit: one person guessing cannot lock a colleague out of every other desk and phone, while
# guesses spread over many addresses still stop.
ACCOUNT_WIDE_FACTOR = 10


def _window() -> dt.timedelta:
    return dt.timedelta(minutes=settings.ANJU_LOCKOUT_MINUTES)


def locked_until(username: str, ip: str | None) -> dt.datetime | None:
    """An account is locked for an address once the window holds ANJU_LOCKOUT_ATTEMPTS failures
    from that address, and everywhere once it holds ACCOUNT_WIDE_FACTOR times as many from any."""
    since = timezone.now() - _window()
    failures = list(
        AuditEvent.objects.filter(action=LOGIN_FAILED, actor_username=username, at__gte=since)
        .order_by("at")
        .values_list("at", "ip")
    )
    if ip and ":" in ip:  # compared as the IP field stores it
        ip = clean_ipv6_address(ip)
    limit = settings.ANJU_LOCKOUT_ATTEMPTS
    from_here = [at for at, address in failures if address == ip]
    ends = []
    if len(from_here) >= limit:
        ends.append(from_here[-limit] + _window())
    if len(failures) >= limit * ACCOUNT_WIDE_FACTOR:
        ends.append(failures[-limit * ACCOUNT_WIDE_FACTOR][0] + _window())
    return max(ends, default=None)


class LockoutModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        username = username.strip()
        ip = current.get().ip
        if locked_until(username, ip):
            record(
                None,
                LOGIN_REFUSED_LOCKED,
                username=username,
                result=Result.REFUSED,
                object_type="accounts.user",
                object_id=username,
            )
            return None
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None:
            # "auth.login" is recorded by the sign-in page once the second factor, if any, is given.
            return user
        record(
            None,
            LOGIN_FAILED,
            username=username,
            result=Result.REFUSED,
            object_type="accounts.user",
            object_id=username,
        )
        if locked_until(username, ip):
            record(
                None,
                LOCKED_OUT,
                username=username,
                result=Result.REFUSED,
                object_type="accounts.user",
                object_id=username,
            )
        return None
