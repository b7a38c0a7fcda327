"""The site's navigation, gathered from the apps: each app that has pages declares its entries in its
own `nav.py` (a list `ENTRIES`), and the site collects them through django.apps. The site names no
app, so a new module appears in the navigation by shipping its `nav.py`, and a module not built yet
is simply absent.

An entry is a dict:
    group   one of GROUPS' keys: where the entry sits in the left navigation
    label   what the link says (a lazy translation)
    url     a URL name, reversed without arguments
    icon    a name from the site's icon set (anju/static/anju/icons.svg)
    perm    the permission a person must hold somewhere to see it ("" = every signed-in person;
            "superuser" = superusers only)
    tab     optional rank for the phone's bottom tab bar: the four visible entries with the lowest
            ranks become tabs, the rest stay one tap away behind "More"
    count   optional callable(user) -> int: how many things wait for the person there
    order   optional position inside the group (default 50)
"""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

from anju.core.scoping import has_perm_anywhere

# The modules, in the order the county reads them. Groups no app fills are not shown.
GROUPS: dict[str, Promise] = {
    "workbench": pgettext_lazy("navigation group", "Workbench"),
    "disputes": pgettext_lazy("navigation group", "Disputes"),
    "events": pgettext_lazy("navigation group", "Grid events"),
    "tips": pgettext_lazy("navigation group", "Tips"),
    "tasks": pgettext_lazy("navigation group", "Supervised tasks"),
    "reports": pgettext_lazy("navigation group", "Statistics and reports"),
    "people": pgettext_lazy("navigation group", "Regions and staff"),
    "settings": pgettext_lazy("navigation group", "Settings"),
}
TABS = 4
_KEYS = {"group", "label", "url", "icon", "perm", "tab", "count", "order"}


@dataclass(frozen=True)
class Entry:
    group: str
    label: Any
    url: str
    icon: str
    perm: str = ""
    tab: int | None = None
    count: Any = None
    order: int = 50
    app: str = field(default="", compare=False)

    @property
    def href(self) -> str:
        return reverse(self.url)

    def allowed(self, user) -> bool:
        if self.perm == "superuser":
            return bool(user.is_superuser)
        return not self.perm or has_perm_anywhere(user, self.perm)


def _entry(app_label: str, spec: dict) -> Entry:
    unknown = set(spec) - _KEYS
    if unknown or spec.get("group") not in GROUPS:
        raise ImproperlyConfigured(
            f"{app_label}.nav: entry {spec.get('url')!r} has an unknown group or keys {sorted(unknown)}"
        )
    return Entry(app=app_label, **spec)


@cache
def entries() -> tuple[Entry, ...]:
    """Every app's declared entries, read once per process."""
    found = []
    for config in apps.get_app_configs():
        name = f"{config.name}.nav"
        if importlib.util.find_spec(name) is None:
            continue
        module = importlib.import_module(name)
        found.extend(_entry(config.label, spec) for spec in getattr(module, "ENTRIES", ()))
    order = list(GROUPS)
    return tuple(sorted(found, key=lambda e: (order.index(e.group), e.order)))


@dataclass
class Link:
    entry: Entry
    href: str
    current: bool = False
    count: int | None = None

    @property
    def label(self):
        return self.entry.label

    @property
    def icon(self) -> str:
        return self.entry.icon

    @property
    def group_label(self):
        return GROUPS[self.entry.group]


@dataclass
class Navigation:
    groups: list[tuple[Any, list[Link]]]
    tabs: list[Link]
    current: Link | None

    @property
    def more(self) -> bool:
        """Whether the phone needs a "More" tab: some destination is not among the tabs."""
        return sum(len(links) for _, links in self.groups) > len(self.tabs)


def navigation(user, path: str) -> Navigation:
    """What this person may reach, grouped, with the place they are in marked: the entry whose
    address is the longest start of the current path (the home page only on itself)."""
    links = []
    for entry in entries():
        if not entry.allowed(user):
            continue
        try:
            links.append(Link(entry, entry.href))
        except NoReverseMatch:
            continue
    matching = [
        link for link in links if path == link.href or (link.href != "/" and path.startswith(link.href))
    ]
    current = max(matching, key=lambda link: len(link.href), default=None)
    if current is not None:
        current.current = True
    for link in links:
        if link.entry.count is not None:
            link.count = link.entry.count(user)
    groups = [(label, [link for link in links if link.entry.group == key]) for key, label in GROUPS.items()]
    ranked = sorted((link for link in links if link.entry.tab is not None), key=lambda link: link.entry.tab)
    return Navigation(
        groups=[(label, group) for label, group in groups if group], tabs=ranked[:TABS], current=current
    )
