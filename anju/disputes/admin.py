from django.contrib import admin

from anju.audit.actions import record, snapshot
from anju.core.admin_site import ADMIN_PERM
from anju.core.scoping import holds_top_level

from .models import CategoryName, Subtype


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


@admin.register(CategoryName)
class CategoryNameAdmin(admin.ModelAdmin):
    """The county's own names for categories in ledgers (民间借贷 -> contract), kept by county
    administrators like the subtypes."""

    list_display = ["name", "category", "subtype"]
    list_filter = ["category"]
    search_fields = ["name"]

    def has_module_permission(self, request) -> bool:
        return holds_top_level(request.user, ADMIN_PERM)

    def has_view_permission(self, request, obj=None) -> bool:
        return holds_top_level(request.user, ADMIN_PERM)

    def has_change_permission(self, request, obj=None) -> bool:
        return holds_top_level(request.user, ADMIN_PERM)

    def has_add_permission(self, request) -> bool:
        return holds_top_level(request.user, ADMIN_PERM)

    def has_delete_permission(self, request, obj=None) -> bool:
        return holds_top_level(request.user, ADMIN_PERM)

    def save_model(self, request, obj, form, change):
        fields = ["name", "category", "subtype_id"]
        before = snapshot(CategoryName.objects.get(pk=obj.pk), fields) if change else None
        super().save_model(request, obj, form, change)
        action = "category_name.update" if change else "category_name.create"
        record(request.user, action, obj, before=before, after=snapshot(obj, fields))

    def delete_model(self, request, obj):
        record(request.user, "category_name.delete", obj, before=snapshot(obj, ["name", "category"]))
        super().delete_model(request, obj)
