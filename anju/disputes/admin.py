from django.contrib import admin

from anju.audit.actions import record, snapshot
from anju.core.admin_site import ADMIN_PERM
from anju.core.scoping import holds_top_level

from .models import CategoryName, Subtype


class CountyConfigAdmin(admin.ModelAdmin):
    """County-wide configuration kept by county administrators, every save in the audit log as
    `<audit_name>.create` or `.update` with the `audited` fields before and after."""

    audit_name = ""
    audited: list[str] = []

    def has_module_permission(self, request) -> bool:
        return holds_top_level(request.user, ADMIN_PERM)

    def has_view_permission(self, request, obj=None) -> bool:
        return holds_top_level(request.user, ADMIN_PERM)

    def has_change_permission(self, request, obj=None) -> bool:
        return holds_top_level(request.user, ADMIN_PERM)

    def has_add_permission(self, request) -> bool:
        return holds_top_level(request.user, ADMIN_PERM)

    def save_model(self, request, obj, form, change):
        before = snapshot(type(obj).objects.get(pk=obj.pk), self.audited) if change else None
        super().save_model(request, obj, form, change)
        action = f"{self.audit_name}.update" if change else f"{self.audit_name}.create"
        record(request.user, action, obj, before=before, after=snapshot(obj, self.audited))


@admin.register(Subtype)
class SubtypeAdmin(CountyConfigAdmin):
    """Local subtypes decide where their cases are counted: who changed one, and how, is in the
    audit log like every other change."""

    list_display = ["code", "name", "category", "active"]
    list_filter = ["category", "active"]
    search_fields = ["code", "name"]
    audit_name = "subtype"
    audited = ["code", "name", "category", "active"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # retire a subtype (in use: off) so old cases keep their label


@admin.register(CategoryName)
class CategoryNameAdmin(CountyConfigAdmin):
    """The county's own names for categories in ledgers (民间借贷 -> contract), kept by county
    administrators like the subtypes."""

    list_display = ["name", "category", "subtype"]
    list_filter = ["category"]
    search_fields = ["name"]
    audit_name = "category_name"
    audited = ["name", "category", "subtype_id"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return holds_top_level(request.user, ADMIN_PERM)

    def delete_model(self, request, obj):
        record(request.user, "category_name.delete", obj, before=snapshot(obj, ["name", "category"]))
        super().delete_model(request, obj)
