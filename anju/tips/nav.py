"""What the tips module adds to the site's navigation (read by anju.site.navigation). Only the
political-legal roles hold the tip permissions, so only they see the group."""

from django.utils.translation import gettext_lazy as _

COUNT_CAP = 100


def waiting(user) -> int:
    """Alerts on tips addressed to the person's units: assignments and cards."""
    from anju.tips.kind import TIP
    from anju.workflow import alerts

    return alerts.open_for(TIP, user)[:COUNT_CAP].count()


ENTRIES = [
    {
        "group": "tips",
        "label": _("My tips"),
        "url": "tips:queue",
        "icon": "inbox",
        "perm": "tip.view",
        "count": waiting,
        "order": 5,
    },
    {
        "group": "tips",
        "label": _("Tip list"),
        "url": "tips:list",
        "icon": "list",
        "perm": "tip.view",
        "order": 10,
    },
    {
        "group": "tips",
        "label": _("Register a tip"),
        "url": "tips:create",
        "icon": "file-plus",
        "perm": "tip.handle",
        "order": 20,
    },
    {
        "group": "tips",
        "label": _("Batches of tips"),
        "url": "tips:batches",
        "icon": "inbox",
        "perm": "tip.view",
        "order": 30,
    },
    {
        "group": "tips",
        "label": _("Tip sources"),
        "url": "tips:sources",
        "icon": "settings",
        "perm": "tip.view",
        "order": 40,
    },
]
