from django.contrib import admin

from anju.core.admin_site import ADMIN_PERM
from anju.core.scoping import holds_top_level

from .models import Subtype


@admin.register(Subtype)
class SubtypeAdmin(admin.ModelAdmin):
    """Local subtypes are county-wide configuration: county administrators keep them."""

    list_display = ["code", "name", "category", "active"]
    list_filter = ["category", "active"]
    search_fields = ["code", "name"]

    def has_module_permission(self, request) -> bool:
        return holds_top_level(request.user, ADMIN_PERM)

    def has_view_permission(self, request, obj=None) -> bool:
        return holds_top_level(request.user, ADMIN_PERM)

    def has_change_permission(self, request, obj=None) -> bool:
        return holds_top_level(request.user, ADMIN_PERM)

    def has_add_permission(self, request) -> bool:
        return holds_top_level(request.user, ADMIN_PERM)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # retire a subtype (in use: off) so old cases keep their label
