"""The shell's context: the county's name for the header, the person's menu and the navigation.
Everything is read lazily, so a page that renders no shell (a printed form, a file) pays nothing."""

from __future__ import annotations

from functools import cached_property

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from .navigation import Navigation, navigation


class Shell:
    def __init__(self, request):
        self.request = request
        self.user = getattr(request, "user", None)

    @property
    def county(self) -> str:
        """The name of the county the instance serves, from the settings (ANJU_COUNTY_NAME). Not read
        from the region tree: the header is shown to everyone, and a township officer's pages name
        nothing above their own jurisdiction."""
        return settings.ANJU_COUNTY_NAME

    @cached_property
    def assignments(self) -> list:
        """The person's roles and the units they hold them at, for the menu."""
        if self.user is None or not self.user.is_authenticated:
            return []
        return list(self.user.role_assignments.select_related("region").order_by("region_id", "role"))

    @cached_property
    def nav(self) -> Navigation | None:
        if self.user is None or not self.user.is_authenticated:
            return None
        return navigation(self.user, self.request.path)


def shell(request) -> dict:
    return {"shell": SimpleLazyObject(lambda: Shell(request))}
