"""What a kind of case declares to the shared machinery, and the registry of kinds.

A kind (disputes today; grid events, tips and supervised tasks next) is its case model, its statuses,
its transition table, the rows that hang off a case (timeline, alerts, extension requests,
attachments), its time-limit policy and a few rules of its own (who decides an extension, what an
overdue case does). Everything else (apply, the timeline, cards, the sweep, extensions, alerts,
attachments, the state diagram) is written once in this package and reads the declaration.

Conventions every case model keeps, so the machinery needs no mapping for them: `status`,
`version` (the optimistic lock), `handling_unit` (a region: permissions are checked on it), and
where the kind has time limits, `due_at`, `warned_at` and `overdue_at`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import pgettext_lazy

from .transitions import Transition

if TYPE_CHECKING:
    from .limits import LimitPolicy

# Timeline rows the shared machinery writes for every kind, with their words: a kind declares only
# the rows of its own (registration, its file's records) beside its transitions.
COMMON_EVENTS: dict[str, object] = {
    "attach": pgettext_lazy("timeline", "File added"),
    "extension_request": pgettext_lazy("timeline", "More time asked for"),
    "extension_approved": pgettext_lazy("timeline", "More time approved"),
    "extension_rejected": pgettext_lazy("timeline", "More time refused"),
    "warn": pgettext_lazy("timeline", "Yellow card: the time limit ends soon"),
    "overdue": pgettext_lazy("timeline", "Red card: the time limit has passed"),
}


@dataclass(frozen=True, eq=False)
class Kind:
    """A kind of case, as the shared machinery knows it."""

    name: str  # "dispute": audit rows read "dispute.accept", the CLI takes it
    label: object
    model: type
    statuses: Any  # the TextChoices of the kind's statuses
    open_statuses: frozenset[str]
    transitions: Mapping[str, Transition]
    timeline_model: type
    alert_model: type
    # The foreign key to the case on the timeline, alert, extension and attachment rows.
    case_field: str
    # The case's fields an audit row pictures before and after a change.
    audited: tuple[str, ...]
    # Timeline rows that are not transitions and not the machinery's own (COMMON_EVENTS).
    events: Mapping[str, object] = field(default_factory=dict)
    extension_model: type | None = None
    attachment_model: type | None = None
    limits: LimitPolicy | None = None
    # The unit one level above a handling unit: it decides extensions and hears of overdue cases.
    unit_above: Callable[[str], str] | None = None
    # What the sweep does with a case whose limit has passed, after the red card: True if it acted
    # (escalated, say); False leaves the alert to the unit above.
    on_overdue: Callable[[Any, str], bool] | None = None
    # The kind's whole sweep, when it does more than give cards (disputes remind of judicial
    # confirmation): called with the sweep's instant, it returns a report whose fields are counts.
    sweep: Callable[[Any], Any] | None = None
    # Who may add files to a case (default: its handlers).
    may_attach: Callable[[Any, Any], bool] | None = None
    # The masked fields of the people on a case (its parties) that a handler may reveal, audited.
    personal_fields: frozenset[str] = frozenset()
    handle_perm: str = "case.handle"
    decide_perm: str = "case.dispatch"
    # Where a case's region code is (audit rows carry it): the attribute on the case.
    region_attr: str = "region_id"
    # The folder a kind's uploaded files go to under MEDIA_ROOT.
    files_folder: str = ""
    # The path of a case's page, for the link in notifications.
    detail_path: Callable[[Any], str] | None = None

    @property
    def timeline_labels(self) -> dict[str, object]:
        """Words for every name a timeline row of this kind may carry; a row's raw name is never shown."""
        return {**COMMON_EVENTS, **{t.name: t.done for t in self.transitions.values()}, **self.events}

    def timeline_label(self, name: str) -> str:
        # A name missing from the table (the registry refuses those it can see) shows as it is
        # rather than hiding the row.
        return str(self.timeline_labels.get(name, name))

    def status_label(self, value: str) -> str:
        return str(self.statuses(value).label) if value in self.statuses.values else value

    def region_code(self, case) -> str:
        return getattr(case, self.region_attr)

    def rows_of(self, model: type, case):
        """The rows of `model` (timeline, alerts, extensions) that belong to `case`."""
        return model.objects.filter(**{self.case_field: case})


_KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    """Add a kind to the registry (from its app's ready()). A declaration that the machinery could
    not run is refused at start, not when a user first meets the gap."""
    problems = check(kind)
    if problems:
        raise ImproperlyConfigured(f"workflow kind {kind.name!r}: " + "; ".join(problems))
    existing = _KINDS.get(kind.name)
    if existing is not None and existing.model is not kind.model:
        raise ImproperlyConfigured(f"workflow kind {kind.name!r} is registered twice")
    _KINDS[kind.name] = kind
    return kind


def unregister(name: str) -> None:
    """For tests that declare a kind of their own."""
    _KINDS.pop(name, None)


def check(kind: Kind) -> list[str]:
    statuses = set(kind.statuses.values)
    problems = []
    for t in kind.transitions.values():
        unknown = (t.sources | ({t.target} if t.target else set())) - statuses
        if unknown:
            problems.append(f"transition {t.name} names unknown statuses {sorted(unknown)}")
        if not t.done:
            problems.append(f"transition {t.name} has no timeline words")
    if not kind.open_statuses <= statuses:
        problems.append("open statuses are not all statuses")
    for name in ("status", "version", "handling_unit"):
        if not _has_field(kind.model, name):
            problems.append(f"{kind.model.__name__} has no {name} field")
    if kind.limits is not None:
        for name in ("due_at", "warned_at", "overdue_at"):
            if not _has_field(kind.model, name):
                problems.append(f"{kind.model.__name__} has time limits but no {name} field")
        if kind.unit_above is None:
            problems.append("a kind with time limits names the unit above (extensions, overdue alerts)")
    if kind.extension_model is not None and kind.limits is None:
        problems.append("extension requests need a time-limit policy")
    return problems


def _has_field(model, name: str) -> bool:
    try:
        model._meta.get_field(name)
    except Exception:
        return False
    return True


def get(name: str) -> Kind:
    try:
        return _KINDS[name]
    except KeyError:
        raise LookupError(name) from None


def of(case) -> Kind:
    """The kind a case object belongs to."""
    for kind in _KINDS.values():
        if isinstance(case, kind.model):
            return kind
    raise LookupError(type(case).__name__)


def all_kinds() -> list[Kind]:
    return list(_KINDS.values())
