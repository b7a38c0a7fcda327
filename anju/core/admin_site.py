"""Django's admin for administrators, scoped like every other page. Writes go through the actions
(audited); here the admin lists, searches and edits the few fields that are configuration."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .scoping import has_perm_anywhere

ADMIN_PERM = "user.manage"


class AnjuAdminSite(admin.AdminSite):
    # The brand is a name, the same in every language.
    site_header = format_lazy("安居 anju {}", _("Administration"))
    site_title = format_lazy("安居 anju {}", _("Administration"))
    index_title = _("Configuration")

    def has_permission(self, request) -> bool:
        user = request.user
        return user.is_active and user.is_authenticated and has_perm_anywhere(user, ADMIN_PERM)

    def login(self, request, extra_context=None):
        # Someone signed in without the administrator's permission is refused outright: sending
        # them to sign in again, which sends them back here, went round in circles.
        if request.user.is_authenticated:
            raise PermissionDenied
        # One sign-in page for the whole platform, with its lockout.
        return redirect_to_login(request.get_full_path())


def unregister_unscoped(site: admin.AdminSite) -> None:
    """Django's groups are not how anju grants anything, and task results are the worker's
    internals: neither belongs in an administrator's scoped view."""
    from django.contrib.auth.models import Group

    for model in [Group, *_task_models()]:
        if site.is_registered(model):
            site.unregister(model)


def _task_models() -> list:
    from django.apps import apps

    config = apps.get_app_config("django_tasks_database") if apps.is_installed("django_tasks_db") else None
    return list(config.get_models()) if config else []


class ScopedAdmin(admin.ModelAdmin):
    """Lists only what the administrator's jurisdiction holds; nothing is deleted from here."""

    scope_action = ADMIN_PERM

    def get_queryset(self, request):
        return self.model._default_manager.visible_to(request.user, self.scope_action)

    def has_module_permission(self, request) -> bool:
        return has_perm_anywhere(request.user, ADMIN_PERM)

    def has_view_permission(self, request, obj=None) -> bool:
        return has_perm_anywhere(request.user, ADMIN_PERM)

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
