from django.contrib import admin

from anju.audit.actions import record, snapshot
from anju.core.admin_site import ADMIN_PERM, ScopedAdmin
from anju.core.scoping import has_perm_anywhere

from .models import RoleAssignment, User

EDITABLE = ["full_name", "phone", "is_active"]


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    fields = ["role", "region", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(ScopedAdmin):
    list_display = ["username", "full_name", "is_active", "last_login"]
    search_fields = ["username", "full_name"]
    fields = ["username", *EDITABLE, "last_login", "date_joined"]
    readonly_fields = ["username", "last_login", "date_joined"]
    inlines = [RoleAssignmentInline]

    def get_queryset(self, request):
        return super().get_queryset(request).distinct()

    def has_change_permission(self, request, obj=None) -> bool:
        return has_perm_anywhere(request.user, ADMIN_PERM)

    def save_model(self, request, obj, form, change):
        before = snapshot(User.objects.get(pk=obj.pk), EDITABLE)
        super().save_model(request, obj, form, change)
        record(request.user, "user.update", obj, before=before, after=snapshot(obj, EDITABLE))


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ScopedAdmin):
    list_display = ["user", "role", "region", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "region__code", "region__name"]
