"""What the notifications module adds to the site's navigation (read by anju.site.navigation)."""

from django.utils.translation import gettext_lazy as _

ENTRIES = [
    {
        # Every signed-in person chooses which channels reach them.
        "group": "settings",
        "label": _("My notifications"),
        "url": "notify:mine",
        "icon": "circle-alert",
        "perm": "",
        "order": 15,
    },
]
