from django.contrib import admin

from anju.audit.actions import record, snapshot
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

    def save_model(self, request, obj, form, change):
        # A subtype decides where its cases are counted: who changed it, and how, is in the audit
        # log like every other change.
        fields = ["code", "name", "category", "active"]
        before = snapshot(Subtype.objects.get(pk=obj.pk), fields) if change else None
        super().save_model(request, obj, form, change)
        action = "subtype.update" if change else "subtype.create"
        record(request.user, action, obj, before=before, after=snapshot(obj, fields))
