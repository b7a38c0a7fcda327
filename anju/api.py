"""The one NinjaAPI: wires the apps' routers together and maps errors to clear 4xx answers."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.http.request import RawPostDataException
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as RequestInvalid
from ninja.parser import Parser

from anju.accounts.api import router as accounts_router
from anju.audit.api import router as audit_router
from anju.core import field_errors
from anju.core.api import signed_in_auth
from anju.core.openapi import describe_answers
from anju.core.scoping import OutOfScope
from anju.disputes.actions import StaleVersion
from anju.disputes.api import router as disputes_router
from anju.events.api import router as events_router
from anju.regions.api import router as regions_router
from anju.reports.api import router as statistics_router
from anju.tasks.api import meetings_router
from anju.tasks.api import router as tasks_router
from anju.tasks.api_reports import (
    activities_router,
    departments_router,
    rectifications_router,
    reports_router,
    reviews_router,
)
from anju.tips.api import router as tips_router
from anju.workflow.personal import TooManySearches
from anju.worktime.api import router as calendar_router


class NotJSON(Exception):
    """A request body sent as something other than JSON (a form, text, XML)."""


class JSONOnly(Parser):
    """Every JSON body the API reads passes here: one that does not say it is JSON is refused (415)
    before it is read, rather than guessed at."""

    def parse_body(self, request):
        if request.content_type != "application/json":
            raise NotJSON(request.content_type)
        return super().parse_body(request)


class AnjuAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        return describe_answers(self, schema)


api = AnjuAPI(
    title="anju API",
    version="1",
    description=(
        "JSON API of 安居 anju, the grassroots governance platform. "
        "Every answer is scoped to the caller's jurisdiction."
    ),
    auth=signed_in_auth,
    urls_namespace="api",
    docs_url="/docs",
    docs_decorator=login_required,
    parser=JSONOnly(),
)


# The descriptions are shown to people on phones, so each is translated when the error happens, in
# the language LocaleMiddleware chose for the request (Accept-Language, else Chinese); `code` and the
# field names in `errors` stay as they are for programs.
def _error(request, status: int, message: str, detail=None):
    body = {"code": status, "description": message}
    if detail is not None:
        body["errors"] = detail
    return api.create_response(request, body, status=status)


@api.exception_handler(Http404)
def not_found(request, exc):
    return _error(request, 404, _("Not found."))


@api.exception_handler(PermissionDenied)
def forbidden(request, exc):
    # An action that refuses with a reason (raised translated, for this request) tells it; a bare
    # refusal is the role gate's.
    return _error(request, 403, str(exc) or _("Not permitted for your role."))


@api.exception_handler(TooManySearches)
def too_many(request, exc):
    return _error(request, 429, str(exc))


@api.exception_handler(OutOfScope)
def out_of_scope(request, exc):
    # The reason would speak of an object outside the caller's jurisdiction: say nothing about it.
    return _error(request, 403, _("Not permitted for your role."))


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return _error(request, 401, _("Sign in first."))


@api.exception_handler(StaleVersion)
def stale(request, exc):
    return _error(request, 409, " ".join(exc.messages))


@api.exception_handler(ValidationError)
def invalid(request, exc):
    detail = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return _error(request, 400, _("Invalid input."), detail)


# pydantic's refusals of the request's parameters and body. `errors` keeps each one's `loc`, `type`
# and `ctx` for programs, with `msg` in the caller's language; `detail` repeats the list under the
# key ninja's own 422 answer used, for the clients written against it.
@api.exception_handler(RequestInvalid)
def request_invalid(request, exc):
    errors = field_errors.translated(exc.errors)
    body = {"code": 422, "description": _("Invalid input."), "errors": errors, "detail": errors}
    return api.create_response(request, body, status=422)


# A form body (multipart or urlencoded) has been read as a form by the middleware that checks every
# input, so its raw bytes are gone when the body would be parsed: that too is a body that is not JSON.
@api.exception_handler(RawPostDataException)
def form_body(request, exc):
    return _not_json(request)


def _not_json(request):
    return _error(request, 415, _("Send the request body as JSON (Content-Type: application/json)."))


@api.exception_handler(HttpError)
def refused_by_ninja(request, exc):
    # ninja's own refusals are in English. The only 400 it raises is for a body it cannot parse
    # (JSONOnly's refusal of a body that is not JSON is its cause); anything else gets a general
    # sentence rather than ninja's words.
    if isinstance(exc.__cause__, NotJSON):
        return _not_json(request)
    if exc.status_code == 400:
        return _error(request, 400, _("The request body is not valid JSON."))
    return _error(request, exc.status_code, _("This request cannot be handled."))


api.add_router("/", accounts_router)
api.add_router("/regions", regions_router)
api.add_router("/audit", audit_router)
api.add_router("/disputes", disputes_router)
api.add_router("/tips", tips_router)
api.add_router("/tasks", tasks_router)
api.add_router("/meetings", meetings_router)
api.add_router("/matter-reports", reports_router)
api.add_router("/reviews", reviews_router)
api.add_router("/activities", activities_router)
api.add_router("/rectifications", rectifications_router)
api.add_router("/departments", departments_router)
api.add_router("/events", events_router)
api.add_router("/calendar", calendar_router)
api.add_router("/reports", statistics_router)
