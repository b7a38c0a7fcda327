"""The words of the audit rows the working calendar writes (read by anju.audit.words)."""

from django.utils.translation import pgettext_lazy

ACTIONS = {
    "calendar.set": pgettext_lazy("audit action", "Calendar day set"),
    "calendar.clear": pgettext_lazy("audit action", "Calendar day cleared"),
    "calendar.import": pgettext_lazy("audit action", "Calendar imported"),
}

FIELDS = {
    "first": pgettext_lazy("audit field", "first day"),
    "last": pgettext_lazy("audit field", "last day"),
}
