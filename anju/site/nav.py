"""What the site itself adds to the navigation: the home page, and the components page for the
people who keep the site (administrators)."""

from django.utils.translation import gettext_lazy as _

ENTRIES = [
    {"group": "workbench", "label": _("Home"), "url": "home", "icon": "house", "tab": 10, "order": 10},
    {
        "group": "settings",
        "label": _("Components"),
        "url": "site_components",
        "icon": "layout-grid",
        "perm": "user.manage",
        "order": 90,
    },
]
