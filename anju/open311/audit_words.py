"""The words of the audit rows the Open311 keys write (read by anju.audit.words)."""

from django.utils.translation import pgettext_lazy

ACTIONS = {
    "open311.key.create": pgettext_lazy("audit action", "Open311 key created"),
    "open311.key.update": pgettext_lazy("audit action", "Open311 key changed"),
    "open311.key.revoke": pgettext_lazy("audit action", "Open311 key revoked"),
    "open311.key.use": pgettext_lazy("audit action", "Open311 key used"),
}
