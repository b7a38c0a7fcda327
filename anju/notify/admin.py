"""Administrators of the county see every message sent, with its status, attempts and last error.
Read only: the worker writes these rows."""

from django.contrib import admin

from anju.core.admin_site import ADMIN_PERM
from anju.core.scoping import holds_top_level

from .models import Delivery


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "channel",
        "recipient",
        "case_number",
        "topic",
        "status",
        "attempts",
        "last_error",
    )
    list_filter = ("status", "channel", "topic")
    search_fields = ("case_number",)
    readonly_fields = [f.name for f in Delivery._meta.fields]

    def has_module_permission(self, request) -> bool:
        return holds_top_level(request.user, ADMIN_PERM)

    def has_view_permission(self, request, obj=None) -> bool:
        return holds_top_level(request.user, ADMIN_PERM)

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
