"""What the audit log adds to the site's navigation (read by anju.site.navigation)."""

from django.utils.translation import gettext_lazy as _

ENTRIES = [
    {
        "group": "settings",
        "label": _("Audit log"),
        "url": "audit:events",
        "icon": "scroll-text",
        "perm": "audit.view",
        "tab": 20,
        "order": 20,
    },
    {
        "group": "settings",
        "label": _("Reads of personal data"),
        "url": "audit:access",
        "icon": "eye",
        "perm": "audit.view",
        "tab": 30,
        "order": 25,
    },
]
