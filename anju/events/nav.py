"""What the grid events module adds to the site's navigation (read by anju.site.navigation)."""

from django.utils.translation import gettext_lazy as _

COUNT_CAP = 100


def waiting(user) -> int:
    """Events dispatched to the person's units, and those waiting for their centre to file or dispatch."""
    from anju.events.queries import waiting_count  # read when counted, after the apps are ready

    return waiting_count(user, COUNT_CAP)


ENTRIES = [
    {
        "group": "events",
        "label": _("Report an event"),
        "url": "events:create",
        "icon": "file-plus",
        "perm": "case.handle",
        "tab": 32,  # after the dispute list, so the phone's four tabs stay as they were
        "order": 10,
    },
    {
        "group": "events",
        "label": _("Events to handle"),
        "url": "events:queue",
        "icon": "inbox",
        "perm": "case.handle",
        "count": waiting,
        "order": 20,
    },
    {
        "group": "events",
        "label": _("Dispatch board"),
        "url": "events:board",
        "icon": "list",
        "perm": "case.dispatch",
        "order": 30,
    },
    {
        "group": "events",
        "label": _("Grid events"),
        "url": "events:list",
        "icon": "list",
        "perm": "case.view",
        "tab": 35,
        "order": 40,
    },
    {
        "group": "events",
        "label": _("Event catalogue"),
        "url": "events:catalogue",
        "icon": "list",
        "perm": "region.view",
        "order": 50,
    },
]
