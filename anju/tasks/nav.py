"""What supervision adds to the site's navigation (read by anju.site.navigation)."""

from django.utils.translation import gettext_lazy as _

COUNT_CAP = 100


def waiting(user) -> int:
    """Tasks the person's units must do or accept, and their open alerts."""
    from anju.tasks.queries import my_tasks, open_alerts  # read when counted, after the apps are ready

    lists = my_tasks(user)
    return sum(q[:COUNT_CAP].count() for q in (lists["to_do"], lists["to_accept"], open_alerts(user)))


ENTRIES = [
    {
        "group": "tasks",
        "label": _("My tasks"),
        "url": "tasks:mine",
        "icon": "inbox",
        "perm": "case.view",
        "count": waiting,
        "order": 10,
    },
    {
        "group": "tasks",
        "label": _("Supervised tasks"),
        "url": "tasks:list",
        "icon": "list",
        "perm": "case.view",
        "order": 20,
    },
    {
        "group": "tasks",
        "label": _("Meetings and decisions"),
        "url": "tasks:meetings",
        "icon": "scroll-text",
        "perm": "case.view",
        "order": 30,
    },
    {
        "group": "tasks",
        "label": _("Major-matter reports"),
        "url": "tasks:reports",
        "icon": "scroll-text",
        "perm": "case.view",
        "order": 40,
    },
    {
        "group": "tasks",
        "label": _("Activities"),
        "url": "tasks:activities",
        "icon": "calendar",
        "perm": "case.view",
        "order": 50,
    },
    {
        "group": "tasks",
        "label": _("Village rectification"),
        "url": "tasks:rectifications",
        "icon": "map",
        "perm": "case.view",
        "order": 60,
    },
    {
        "group": "tasks",
        "label": _("County departments"),
        "url": "tasks:departments",
        "icon": "users",
        "perm": "case.view",
        "order": 70,
    },
]
