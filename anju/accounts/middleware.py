"""Idle session timeout: a session unused for ANJU_SESSION_IDLE_MINUTES is logged out (等保 level 3);
and a signed-in session that owes the second factor is ended."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.utils.translation import gettext as _

from anju.audit.actions import record

KEY = "anju_last_seen"
# Set by the sign-in page once the second factor is given (and by the tests' force_login).
SECOND_FACTOR_GIVEN = "anju_second_factor"


class IdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            last_seen = request.session.get(KEY)
            if last_seen is not None and now - last_seen > settings.ANJU_SESSION_IDLE_MINUTES * 60:
                user = request.user
                logout(request)
                record(user, "auth.idle_timeout", user)
                if request.path.startswith("/api/"):
                    return self.get_response(request)
                messages.info(
                    request,
                    _("You were signed out after %(n)d minutes without activity.")
                    % {"n": settings.ANJU_SESSION_IDLE_MINUTES},
                )
                return redirect_to_login(request.get_full_path())
            # Written at most once a minute, so idle pages do not turn every request into a session write.
            if last_seen is None or now - last_seen > 60:
                request.session[KEY] = now
        return self.get_response(request)


class SecondFactorMiddleware:
    """The sign-in page lets no one in who owes the second factor; this ends the sessions that
    began some other way: from before the second factor was required, or of someone granted such
    a role since they signed in. They sign in again and set it up."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not request.session.get(SECOND_FACTOR_GIVEN):
            from .otp import is_required

            if is_required(user):
                logout(request)
                record(user, "auth.second_factor_missing", user)
                if request.path.startswith("/api/"):
                    return self.get_response(request)
                messages.info(request, _("Your role requires a second factor: sign in again to set it up."))
                return redirect_to_login(request.get_full_path())
        return self.get_response(request)
