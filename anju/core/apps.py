from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    default = True
    name = "anju.core"
    label = "core"
    verbose_name = _("Platform core")

    def ready(self) -> None:
        from . import checks, fieldcrypt  # noqa: F401  (register the system checks)


class AdminConfig(admin_apps.AdminConfig):
    """Django's admin, as a scoped site for administrators only."""

    default = False
    default_site = "anju.core.admin_site.AnjuAdminSite"

    def ready(self) -> None:
        super().ready()
        from django.contrib import admin

        from .admin_site import unregister_unscoped

        unregister_unscoped(admin.site)
