"""What the accounts module adds to the site's navigation (read by anju.site.navigation)."""

from django.utils.translation import gettext_lazy as _

ENTRIES = [
    {
        "group": "people",
        "label": _("Staff"),
        "url": "accounts:user_list",
        "icon": "users",
        "perm": "user.manage",
        "tab": 45,
        "order": 20,
    },
    {
        # Every signed-in person's own phones and tablets, to revoke a lost one.
        "group": "settings",
        "label": _("My devices"),
        "url": "account:devices",
        "icon": "lock",
        "perm": "",
        "order": 10,
    },
    {
        "group": "settings",
        "label": _("Two-factor sign-in"),
        "url": "account:two_factor",
        "icon": "lock",
        "perm": "",
        "order": 12,
    },
    {
        "group": "settings",
        "label": _("Configuration"),
        "url": "admin:index",
        "icon": "settings",
        "perm": "user.manage",
        "order": 30,
    },
]
