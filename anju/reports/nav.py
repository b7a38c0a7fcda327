"""What the reports module adds to the site's navigation (read by anju.site.navigation)."""

from django.utils.translation import gettext_lazy as _

ENTRIES = [
    {
        "group": "reports",
        "label": _("Dashboard"),
        "url": "reports:dashboard",
        "icon": "chart-column",
        "perm": "case.view",
    },
    {
        "group": "reports",
        "label": _("Dispute statistics"),
        "url": "reports:disputes",
        "icon": "chart-column",
        "perm": "case.view",
        "tab": 40,
    },
    {
        "group": "reports",
        "label": _("Township assessment"),
        "url": "reports:assessment",
        "icon": "chart-column",
        "perm": "case.view",
    },
]
