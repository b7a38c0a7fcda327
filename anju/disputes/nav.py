"""What the disputes module adds to the site's navigation (read by anju.site.navigation)."""

from django.utils.translation import gettext_lazy as _

# The navigation counts on every page, so each list is counted only up to this: the badge says "99+"
# beyond it, and a county with a backlog does not pay for counting it on every click.
COUNT_CAP = 100


def waiting(user) -> int:
    """Everything in the person's work queue: cases to accept, mediate or visit, and open alerts."""
    from anju.disputes.queries import work_queue  # read when counted, after the apps are ready

    return sum(queryset[:COUNT_CAP].count() for queryset in work_queue(user).values())


ENTRIES = [
    {
        "group": "workbench",
        "label": _("My work"),
        "url": "disputes:work",
        "icon": "inbox",
        "perm": "case.view",
        "tab": 20,
        "count": waiting,
        "order": 20,
    },
    {
        "group": "disputes",
        "label": _("Dispute list"),
        "url": "disputes:list",
        "icon": "list",
        "perm": "case.view",
        "tab": 30,
        "order": 10,
    },
    {
        "group": "disputes",
        "label": _("Register a dispute"),
        "url": "disputes:create",
        "icon": "file-plus",
        "perm": "case.handle",
        "tab": 25,
        "order": 20,
    },
    {
        "group": "disputes",
        "label": _("Import a ledger"),
        "url": "ledger:import",
        "icon": "upload",
        "perm": "case.handle",
        "order": 30,
    },
]
