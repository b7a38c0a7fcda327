"""Open311 API keys in the admin, for county administrators: a new key's secret is shown once on
saving, a key is revoked (never deleted: its requests keep their origin). Creation, changes and
revocation are in the audit log; so is every refused use (keys.use_key)."""

from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anju.disputes.admin import CountyConfigAdmin

from . import keys
from .models import ApiKey


@admin.register(ApiKey)
class ApiKeyAdmin(CountyConfigAdmin):
    list_display = ["name", "prefix", "channel", "account", "posts_per_minute", "last_used_at", "revoked_at"]
    list_filter = ["channel"]
    search_fields = ["name", "prefix"]
    readonly_fields = ["prefix", "created_at", "last_used_at", "revoked_at"]
    raw_id_fields = ["account"]
    actions = ["revoke"]
    audit_name = "open311.key"
    audited = ["name", "channel", "account_id", "posts_per_minute"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # revoke instead: the requests that came with the key keep naming it

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        secret = keys.fill_new_key(request.user, obj)
        messages.warning(
            request,
            _("The key %(name)s is %(secret)s. Copy it now: it is not shown again.")
            % {"name": obj.name, "secret": secret},
        )

    @admin.action(description=gettext_lazy("Revoke the selected keys"))
    def revoke(self, request, queryset):
        for key in queryset:
            keys.revoke_key(request.user, key)
        messages.success(request, _("Revoked."))
