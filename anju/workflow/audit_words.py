"""The words of the audit rows every kind of case writes (read by anju.audit.words): derived from
each registered kind's declaration, so a kind added later reads in words without a line here."""

from __future__ import annotations

from django.utils.text import format_lazy
from django.utils.translation import pgettext_lazy

from .kinds import COMMON_EVENTS, all_kinds

# The audit rows the shared machinery writes that are not timeline rows (engine, extensions,
# attachments, alerts), by the tail of their code.
MACHINERY = {
    "attach": COMMON_EVENTS["attach"],
    "extension.request": COMMON_EVENTS["extension_request"],
    "extension.decide": pgettext_lazy("audit action", "Request for more time decided"),
    "alert.acknowledge": pgettext_lazy("audit action", "Alert marked as read"),
}
KIND_AND_ACTION = pgettext_lazy("audit action", "{kind}: {action}")
# The keys of the machinery's before/after pictures that are not a case's fields.
FIELDS = {
    "file": pgettext_lazy("audit field", "file"),
    "size": pgettext_lazy("audit field", "size (bytes)"),
    "working_days": pgettext_lazy("audit field", "working days"),
    "working_hours": pgettext_lazy("audit field", "working hours"),
    "approved": pgettext_lazy("audit field", "approved"),
    "acknowledged": pgettext_lazy("audit field", "marked as read"),
}


def actions() -> dict[str, object]:
    words: dict[str, object] = {}
    for kind in all_kinds():
        for tail, label in {**kind.timeline_labels, **MACHINERY}.items():
            words[f"{kind.name}.{tail}"] = format_lazy(KIND_AND_ACTION, kind=kind.label, action=label)
    return words
