"""Security headers on every answer, in one place: a Content-Security-Policy that lets scripts and
styles come only from the site itself (no inline script: pages ask for behaviour with data-
attributes, anju/static/anju/behaviours.js) and lets no other site frame a page; and `no-store`,
so no browser or proxy keeps a page or an API answer that may carry a party's data. HSTS is
Django's SecurityMiddleware's, switched on by ANJU_HSTS_SECONDS behind HTTPS. Images may also come
from the map's tile server when one is configured (anju/core/maps.py), and only then."""

from __future__ import annotations

from django.utils.cache import patch_cache_control

from .maps import tile_sources

POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# Django's admin still sets a few style attributes of its own.
ADMIN_POLICY = POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
# The API's documentation page is ninja's Swagger UI, which runs scripts of its own inline.
UNPOLICED = ("/api/docs",)


def policies() -> tuple[str, str]:
    """(the site's policy, the admin's), with the configured tile hosts added to img-src."""
    sources = tile_sources()
    if not sources:
        return POLICY, ADMIN_POLICY
    images = "img-src 'self' data: " + " ".join(sources)
    return POLICY.replace("img-src 'self' data:", images), ADMIN_POLICY.replace(
        "img-src 'self' data:", images
    )


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        path = request.path
        # An answer that sets its own policy (a stored file's sandbox) keeps it.
        if "Content-Security-Policy" not in response and not path.startswith(UNPOLICED):
            site, admin = policies()
            response["Content-Security-Policy"] = admin if path.startswith("/admin/") else site
        if not path.startswith("/static/") and "Cache-Control" not in response:
            patch_cache_control(response, no_store=True)
        return response
