"""The event catalogue in the admin, for county administrators: major and minor classes with their
extra fields, and the routing rules. Every save is in the audit log."""

from django.contrib import admin

from anju.audit.actions import record, snapshot
from anju.core.admin_site import ADMIN_PERM
from anju.core.scoping import holds_top_level
from anju.disputes.admin import CountyConfigAdmin

from .models import EventClass, EventType, ExtraField, RoutingRule


@admin.register(EventClass)
class EventClassAdmin(CountyConfigAdmin):
    list_display = ["code", "name", "order", "active"]
    search_fields = ["code", "name"]
    audit_name = "event_class"
    audited = ["code", "name", "order", "active"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # take a class out of use: old events keep their label


class ExtraFieldInline(admin.TabularInline):
    model = ExtraField
    extra = 0

    def has_view_permission(self, request, obj=None) -> bool:
        return holds_top_level(request.user, ADMIN_PERM)

    has_change_permission = has_add_permission = has_delete_permission = has_view_permission


@admin.register(EventType)
class EventTypeAdmin(CountyConfigAdmin):
    list_display = [
        "code",
        "name",
        "event_class",
        "urgent",
        "photo_required",
        "limit_unit",
        "file_limit",
        "dispatch_limit",
        "handle_limit",
        "verify_limit",
        "active",
    ]
    list_filter = ["event_class", "limit_unit", "urgent", "active"]
    search_fields = ["code", "name"]
    inlines = [ExtraFieldInline]
    audit_name = "event_type"
    audited = [
        "code",
        "name",
        "event_class_id",
        "urgent",
        "photo_required",
        "limit_unit",
        "file_limit",
        "dispatch_limit",
        "handle_limit",
        "verify_limit",
        "level_from_grid",
        "level_from_village",
        "level_from_township",
        "active",
    ]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(RoutingRule)
class RoutingRuleAdmin(CountyConfigAdmin):
    """A township's rule overrides the county's for the same minor class."""

    list_display = ["event_type", "region", "level", "unit"]
    list_filter = ["event_type__event_class"]
    raw_id_fields = ["region", "unit"]
    audit_name = "routing_rule"
    audited = ["event_type_id", "region_id", "level", "unit_id"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return holds_top_level(request.user, ADMIN_PERM)

    def delete_model(self, request, obj):
        record(request.user, "routing_rule.delete", obj, before=snapshot(obj, self.audited))
        super().delete_model(request, obj)
