"""Gives every request an id and remembers who is asking from where, so audit rows written deep
inside an action carry the request id and IP without threading the request through every call."""

from __future__ import annotations

import contextvars
import re
import uuid
from dataclasses import dataclass

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    ip: str | None = None


current: contextvars.ContextVar[RequestContext] = contextvars.ContextVar(
    "anju_request",
    default=RequestContext(),  # noqa: B039 (a frozen dataclass: immutable)
)


def client_ip(request) -> str | None:
    # Behind the county's reverse proxy the address arrives in X-Forwarded-For only when the
    # deployment says to trust it; otherwise a client could forge its audited address.
    from django.conf import settings

    if getattr(settings, "ANJU_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        token = current.set(RequestContext(request_id=request.id, ip=client_ip(request)))
        try:
            response = self.get_response(request)
        finally:
            current.reset(token)
        response["X-Request-ID"] = request.id
        return response


class ApiErrorBodyMiddleware:
    """Everything under /api/ answers JSON. Two answers come from outside the API's error
    handlers: Django's HTML page for an address no endpoint has, and ninja's English "Method not
    allowed"; a phone would show either as garbage. They become the API's own {code, description}
    in the caller's language (LocaleMiddleware runs first). The new body keeps every header and
    cookie the old answer had (Allow, and what middleware below this one set: X-Frame-Options,
    Vary, a CSRF cookie), since those were set for the request, not for the HTML."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code in (404, 405)
            and request.path.startswith("/api/")
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            return _api_error_body(request, response)
        return response


def _api_error_body(request, response):
    from django.http import JsonResponse
    from django.utils.translation import gettext as _

    if response.status_code == 404:
        description = _("Not found.")
    else:
        allowed = response.get("Allow", "")
        description = _("%(method)s is not accepted here; use %(allowed)s.") % {
            "method": request.method,
            "allowed": allowed,
        }
    body = JsonResponse(
        {"code": response.status_code, "description": description},
        status=response.status_code,
    )
    for name, value in response.items():
        if name.lower() not in ("content-type", "content-length"):
            body[name] = value
    body.cookies = response.cookies
    return body
