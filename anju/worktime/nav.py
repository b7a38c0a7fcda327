"""What the working calendar adds to the site's navigation (read by anju.site.navigation)."""

from django.utils.translation import gettext_lazy as _

ENTRIES = [
    {
        "group": "settings",
        "label": _("Working calendar"),
        "url": "worktime:calendar",
        "icon": "calendar",
        "perm": "region.view",
        "tab": 70,
        "order": 10,
    },
]
