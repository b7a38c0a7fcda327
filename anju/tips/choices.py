"""The vocabulary of tips (线索) and the one table of their workflow: registered, assigned to a
handling unit and handler, under verification, verified with a result and an outcome, closed."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anju.workflow.transitions import Transition, table, transition


class SourceKind(models.TextChoices):
    HOTLINE = "hotline", _("Hotline")
    LETTER = "letter", _("Letter")
    ONLINE = "online", _("Online platform")
    WALK_IN = "walk_in", pgettext_lazy("tip source", "Walk-in")
    HIGHER_AUTHORITY = "higher_authority", _("Transferred by a higher authority")
    INSPECTION_TEAM = "inspection_team", _("Transferred by an inspection team")
    NATIONAL_PLATFORM = "national_platform", _("Assigned by the national platform")


DEFAULT_VERIFICATION_DAYS = 30


class SubjectKind(models.TextChoices):
    PERSON = "person", pgettext_lazy("tip subject", "Person")
    ORGANISATION = "organisation", pgettext_lazy("tip subject", "Organisation")


class Status(models.TextChoices):
    REGISTERED = "registered", pgettext_lazy("tip status", "Registered")
    ASSIGNED = "assigned", pgettext_lazy("tip status", "Assigned")
    VERIFYING = "verifying", _("Under verification")
    VERIFIED = "verified", _("Verified")
    CLOSED = "closed", pgettext_lazy("tip status", "Closed")


# The verification deadline runs while a tip is in these; once verified it has been met or missed.
OPEN_STATUSES = frozenset({Status.REGISTERED, Status.ASSIGNED, Status.VERIFYING})


class Result(models.TextChoices):
    SUBSTANTIATED = "substantiated", _("Substantiated")
    PARTLY = "partly", _("Partly substantiated")
    UNSUBSTANTIATED = "unsubstantiated", _("Unsubstantiated")


class Outcome(models.TextChoices):
    POLICE = "police", _("Handed to the police")
    DISCIPLINE = "discipline", _("Handed to the discipline inspection commission")
    CLOSED = "closed", _("Closed without hand-over")


# The outcome counts of a verified tip: the field, and the words of its column and its figure.
MEASURES: dict[str, object] = {
    "criminal_cases": _("Criminal cases opened"),
    "persons_dealt_with": _("Persons dealt with"),
    "sanctions": _("Party and government sanctions"),
    "admonishment_talks": _("Admonishment talks"),
    "probation_extended": _("Extended probation of membership"),
    "warnings": _("Warnings"),
    "self_criticisms": _("Written self-criticisms"),
}
MEASURE_MAX = 10_000

HANDLE = "tip.handle"
DISPATCH = "tip.dispatch"
CONTENT_MAX = 10_000
NOTE_MAX = 5_000


def _in_chain(user, tip) -> None:
    from .kind import in_chain

    if not in_chain(user, tip):
        raise PermissionDenied(_("Only the assigned handler and their superiors may do this."))


def _t(name, sources, target, perm, label, done, *, guard=None) -> Transition:
    return transition(name, sources, target, perm, label, done, guard=guard)


TRANSITIONS: dict[str, Transition] = table(
    _t(
        "assign",
        {Status.REGISTERED, Status.ASSIGNED, Status.VERIFYING},
        Status.ASSIGNED,
        DISPATCH,
        _("Assign to a handling unit"),
        pgettext_lazy("timeline", "Assigned to a handling unit"),
    ),
    _t(
        "start_verification",
        {Status.ASSIGNED},
        Status.VERIFYING,
        HANDLE,
        _("Start verification"),
        pgettext_lazy("timeline", "Verification started"),
        guard=_in_chain,
    ),
    _t(
        "add_note",
        {Status.VERIFYING},
        None,
        HANDLE,
        _("Add a verification note"),
        pgettext_lazy("timeline", "Verification note"),
        guard=_in_chain,
    ),
    _t(
        "verify",
        {Status.VERIFYING},
        Status.VERIFIED,
        HANDLE,
        _("Record the verification result"),
        pgettext_lazy("timeline", "Verified"),
        guard=_in_chain,
    ),
    _t(
        "close",
        {Status.VERIFIED},
        Status.CLOSED,
        DISPATCH,
        pgettext_lazy("action", "Close"),
        pgettext_lazy("timeline", "Closed"),
        guard=_in_chain,
    ),
)

EVENTS: dict[str, object] = {
    "register": pgettext_lazy("timeline", "Registered"),
    "imported": pgettext_lazy("timeline", "Imported with a transferred batch"),
}

# What an audit row holds in place of a protected value: that it was set, never what it is.
PROTECTED = "[protected]"
