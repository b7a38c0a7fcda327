"""Control characters are refused at the door, in one place for every page, form and API call.

A NUL byte in a title answered 500 on PostgreSQL (which cannot store it) and, on SQLite, was stored
and then broke the ledger export for the whole county. No field of the platform needs a control
character, so a request carrying one anywhere (a query parameter, a form field, a file's name, a
JSON key or value) is refused with 400 naming the field. Tab and line breaks are text, not control."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from django.http import HttpResponseBadRequest, JsonResponse
from django.utils.html import escape
from django.utils.translation import gettext as _

# C0 controls but tab, line feed and carriage return; DEL; the C1 controls.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def has_control(text: str) -> bool:
    return CONTROL.search(text) is not None


def strip_control(text: str) -> str:
    """The text without control characters: what an export writes of a value stored before the
    rule existed, so one record cannot break a whole file."""
    return CONTROL.sub("", text)


def _in_json(value, path: str = "") -> Iterator[str]:
    """The dotted paths (parties.0.name) in a JSON document whose key or text has a control character."""
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if has_control(str(key)):
                yield where
            else:
                yield from _in_json(item, where)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _in_json(item, f"{path}.{index}" if path else str(index))
    elif isinstance(value, str) and has_control(value):
        yield path or "body"


def _in_query(data) -> Iterator[str]:
    for key, values in data.lists():
        if has_control(key) or any(has_control(v) for v in values):
            yield key


def bad_fields(request) -> list[str]:
    """The names of the request's inputs that carry a control character."""
    found = list(_in_query(request.GET))
    if has_control(request.path):
        found.append("path")
    content_type = request.content_type or ""
    if request.method in ("POST", "PUT", "PATCH"):
        if content_type == "application/json":
            try:
                document = json.loads(request.body or b"null")
            except (ValueError, UnicodeDecodeError):
                document = None  # the API says what is wrong with a body it cannot read
            found += list(_in_json(document))
        elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            found += list(_in_query(request.POST))
            found += [key for key, files in request.FILES.lists() if any(has_control(f.name) for f in files)]
    return list(dict.fromkeys(found))


class ControlCharacterMiddleware:
    """Runs after the language is chosen, so the refusal is in the caller's language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        fields = bad_fields(request)
        if not fields:
            return self.get_response(request)
        message = _("Remove the control characters (such as NUL) from this field.")
        description = _("The request holds control characters, which no field accepts: %(fields)s.") % {
            "fields": ", ".join(fields)
        }
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"code": 400, "description": description, "errors": {f: [message] for f in fields}},
                status=400,
            )
        return HttpResponseBadRequest(
            f'<!doctype html><html lang="{escape(request.LANGUAGE_CODE)}"><meta charset="utf-8">'
            f"<title>400</title><p>{escape(description)}</p></html>"
        )
