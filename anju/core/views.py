"""Base pieces every page uses: the role gate, the page marks the URL walker reads, the health check."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.http import require_POST

from .scoping import has_perm_anywhere


def role_required(perm: str):
    """A page for a role: signed-in users who hold `perm` nowhere get 403 (the page is not for
    their role); objects behind it are still fetched with get_scoped_or_404."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not has_perm_anywhere(request.user, perm):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.required_perm = perm
        return wrapped

    return decorator


def show_errors(form, error: ValidationError, *, default_field: str | None = None) -> None:
    """Put an action's ValidationError on the form: field errors beside their fields, the rest
    on `default_field` (or above the form)."""
    if hasattr(error, "error_dict"):
        for field, errs in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(default_field if default_field in form.fields else None, error)


def acted(form, act) -> bool:
    """For a page that posts a form to an action: run `act(cleaned_data)` when the form is valid and
    put the action's ValidationError on the form. True when it was done; False leaves the form with
    its errors, for the page to show again."""
    if form.is_valid():
        try:
            act(form.cleaned_data)
        except ValidationError as error:
            show_errors(form, error)
    return not form.errors


def signed_in(view):
    """A page for every signed-in user; what it shows is still scoped."""
    wrapped = login_required(view)
    wrapped.required_perm = ""
    return wrapped


def public(view):
    """A page anyone may open, signed in or not (sign-in, health check)."""
    view.public = True
    return view


def post_only(view):
    """A page that only acts (a form's target): GET answers 405 before anything else. The mark
    tells the URL walker that this 405 is the page's answer, not a fault; Django's require_POST
    leaves no trace of the methods it allows."""
    wrapped = require_POST(view)
    wrapped.post_only = True
    return wrapped


@public
def healthz(request):
    """For the county's monitoring: the process answers and the database is reachable."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # any database failure means "not healthy", whatever its type
        return JsonResponse({"status": "database unavailable"}, status=503)
    return HttpResponse("ok", content_type="text/plain")
