"""What the regions module adds to the site's navigation (read by anju.site.navigation)."""

from django.utils.translation import gettext_lazy as _

ENTRIES = [
    {
        "group": "people",
        "label": _("Regions"),
        "url": "regions:index",
        "icon": "map",
        "perm": "region.view",
        "tab": 50,
        "order": 10,
    },
]
