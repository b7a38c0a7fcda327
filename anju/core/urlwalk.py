"""Walks the project's URL list and says, for each endpoint, what the cast must get from it.

Used by the scoping tests so that a new page or endpoint is covered without writing a new test: a
view must declare who it is for (`public`, `signed_in`, `role_required(perm)`, or an API
`auth=perm_auth(perm)`), and the walker then checks that the declaration and the jurisdiction
scoping both hold for every member of the cast."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

MISSING = object()

# Framework views whose rule is set where they are wired, not on a function we write.
FRAMEWORK_RULES = {
    "set_language": "public",
    "logout": "public",
    "api:api-root": "public",  # answers only "not found"
    "api:openapi-json": "",  # behind docs_decorator=login_required in anju/api.py
    "api:openapi-view": "",
}


@dataclass
class Endpoint:
    name: str
    route: str
    callback: Any
    kwargs: list[str]

    @property
    def is_api(self) -> bool:
        return self.name.startswith("api:")

    @property
    def is_admin(self) -> bool:
        return self.name.startswith("admin:")


def endpoints(patterns=None, prefix: str = "", namespace: str = "") -> Iterator[Endpoint]:
    if patterns is None:
        patterns = get_resolver().url_patterns
    for item in patterns:
        if isinstance(item, URLResolver):
            ns = f"{namespace}{item.namespace}:" if item.namespace else namespace
            yield from endpoints(item.url_patterns, prefix + str(item.pattern), ns)
        elif isinstance(item, URLPattern):
            yield Endpoint(
                name=namespace + (item.name or ""),
                route=prefix + str(item.pattern),
                callback=item.callback,
                kwargs=list(item.pattern.regex.groupindex),
            )


def _ninja_operations(callback) -> list | None:
    for cell in getattr(callback, "__closure__", None) or ():
        path_view = cell.cell_contents
        if hasattr(path_view, "operations"):
            return path_view.operations
    return None


def post_only(endpoint: Endpoint) -> bool:
    """Whether the URL offers no GET, so that GET's 405 is its answer: a page marked with
    `anju.core.views.post_only`, a class-based view that does not dispatch GET (Django's sign-out), or an API
    path none of whose operations is a GET."""
    callback = endpoint.callback
    if getattr(callback, "post_only", False):
        return True
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:
        # Django's LogoutView inherits a get() but leaves "get" out of the methods it dispatches.
        return "get" not in view_class.http_method_names or not hasattr(view_class, "get")
    operations = _ninja_operations(callback)
    if operations is not None:
        return not any("GET" in operation.methods for operation in operations)
    return False


def access_rule(endpoint: Endpoint, method: str = "GET"):
    """'public', '' (any signed-in user), a permission such as 'region.view', or MISSING when the
    view declares nothing (a defect the tests report)."""
    callback = endpoint.callback
    if endpoint.name in FRAMEWORK_RULES:
        return FRAMEWORK_RULES[endpoint.name]
    if getattr(callback, "public", False):
        return "public"
    view_class = getattr(callback, "view_class", None)
    if view_class is not None and getattr(view_class, "public", False):
        return "public"
    operations = _ninja_operations(callback)
    if operations is not None:
        for operation in operations:
            if method in operation.methods:
                auth = (operation.auth_callbacks or [None])[0]
                perm = getattr(auth, "perm", MISSING)
                return "" if perm is None else perm
        return None  # method not offered by this endpoint
    perm = getattr(callback, "required_perm", MISSING)
    return perm
