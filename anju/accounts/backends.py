"""Login with lockout. Failed attempts are audit rows, so the lockout is counted from the audit log
itself: one record of what happened, nothing extra to keep in step."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.utils import timezone

from anju.audit.actions import record
from anju.audit.models import AuditEvent, Result

LOGIN_FAILED = "auth.login_failed"
LOCKED_OUT = "auth.locked_out"
LOGIN_REFUSED_LOCKED = "auth.login_refused_locked"


def _window_start() -> dt.datetime:
    return timezone.now() - dt.timedelta(minutes=settings.ANJU_LOCKOUT_MINUTES)


def failures_in_window(username: str) -> list[dt.datetime]:
    return list(
        AuditEvent.objects.filter(action=LOGIN_FAILED, actor_username=username, at__gte=_window_start())
        .order_by("at")
        .values_list("at", flat=True)
    )


def locked_until(username: str) -> dt.datetime | None:
    """The account is locked while the window holds as many failures as the limit allows."""
    failures = failures_in_window(username)
    if len(failures) < settings.ANJU_LOCKOUT_ATTEMPTS:
        return None
    return failures[-settings.ANJU_LOCKOUT_ATTEMPTS] + dt.timedelta(minutes=settings.ANJU_LOCKOUT_MINUTES)


class LockoutModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        username = username.strip()
        if locked_until(username):
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
            record(user, "auth.login", user)
            return user
        record(
            None,
            LOGIN_FAILED,
            username=username,
            result=Result.REFUSED,
            object_type="accounts.user",
            object_id=username,
        )
        if len(failures_in_window(username)) >= settings.ANJU_LOCKOUT_ATTEMPTS:
            record(
                None,
                LOCKED_OUT,
                username=username,
                result=Result.REFUSED,
                object_type="accounts.user",
                object_id=username,
            )
        return None
