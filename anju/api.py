"""The one NinjaAPI: wires the apps' routers together and maps errors to clear 4xx answers."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError

from anju.accounts.api import router as accounts_router
from anju.audit.api import router as audit_router
from anju.core.api import signed_in_auth
from anju.disputes.actions import StaleVersion
from anju.disputes.api import router as disputes_router
from anju.regions.api import router as regions_router
from anju.reports.api import router as reports_router
from anju.worktime.api import router as calendar_router

api = NinjaAPI(
    title="anju API",
    version="1",
    description=(
        "JSON API of the anju grassroots governance platform. "
        "Every answer is scoped to the caller's jurisdiction."
    ),
    auth=signed_in_auth,
    urls_namespace="api",
    docs_url="/docs",
    docs_decorator=login_required,
)


def _error(request, status: int, message: str, detail=None):
    body = {"code": status, "description": message}
    if detail is not None:
        body["errors"] = detail
    return api.create_response(request, body, status=status)


@api.exception_handler(Http404)
def not_found(request, exc):
    return _error(request, 404, "not found")


@api.exception_handler(PermissionDenied)
def forbidden(request, exc):
    return _error(request, 403, "not permitted for your role")


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return _error(request, 401, "sign in first")


@api.exception_handler(StaleVersion)
def stale(request, exc):
    return _error(request, 409, " ".join(exc.messages))


@api.exception_handler(ValidationError)
def invalid(request, exc):
    detail = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return _error(request, 400, "invalid input", detail)


api.add_router("/", accounts_router)
api.add_router("/regions", regions_router)
api.add_router("/audit", audit_router)
api.add_router("/disputes", disputes_router)
api.add_router("/calendar", calendar_router)
api.add_router("/reports", reports_router)
