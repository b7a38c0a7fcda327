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
        "label": _("Work reports"),
        "url": "reports:report_make",
        "icon": "scroll-text",
        "perm": "case.view",
        "order": 30,
    },
    {
        "group": "reports",
        "label": _("Issued reports"),
        "url": "reports:issued_list",
        "icon": "scroll-text",
        "perm": "case.view",
        "order": 40,
    },
    {
        "group": "settings",
        "label": _("Report templates"),
        "url": "reports:template_list",
        "icon": "settings",
        "perm": "report.template",
    },
    {
        "group": "reports",
        "label": _("Township assessment"),
        "url": "reports:assessment",
        "icon": "chart-column",
        "perm": "case.view",
    },
]
