"""The vocabulary of disputes and the one table of their workflow.

Every change of status is a named transition below: where it may start, where it ends, which
permission it needs and what its button and its timeline row say. anju.disputes.actions applies
them through the shared workflow machinery (anju.workflow); nothing else sets a status."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anju.workflow.kinds import COMMON_EVENTS
from anju.workflow.transitions import Transition, table, transition


class Category(models.TextChoices):
    """The 15 statistical categories, in the order the judicial administration reports them."""

    MARRIAGE_FAMILY = "marriage_family", _("Marriage and family")
    NEIGHBOUR = "neighbour", _("Neighbours")
    HOUSING_HOMESTEAD = "housing_homestead", _("Housing and homestead")
    CONTRACT = "contract", _("Contract")
    BUSINESS = "business", _("Production and business")
    DAMAGES = "damages", _("Damages")
    FOREST_LAND = "forest_land", _("Forest and land")
    LAND_REQUISITION = "land_requisition", _("Land requisition and demolition")
    POLLUTION = "pollution", _("Environmental pollution")
    LABOUR = "labour", _("Labour")
    CONSUMER = "consumer", _("Consumer")
    MEDICAL = "medical", _("Medical")
    TRAFFIC = "traffic", _("Road traffic accident")
    PROPERTY_MANAGEMENT = "property_management", _("Property management")
    OTHER = "other", _("Other")


class Channel(models.TextChoices):
    GRID_VISIT = "grid_visit", _("Grid visit")
    WALK_IN = "walk_in", _("Walk-in")
    HOTLINE = "hotline", _("Hotline")
    LETTER = "letter", _("Letter")
    COURT = "court", _("Referred by a court")
    POLICE = "police", _("Referred by the police")
    PETITION = "petition", _("Referred by the petition office")
    PARTNER_COUNTY = "partner_county", _("From a partner county")
    GRID_EVENT = "grid_event", _("Converted from a grid event")


class Risk(models.TextChoices):
    GENERAL = "general", _("General")
    SERIOUS = "serious", _("Serious")
    MAJOR = "major", _("Major")


class HandlingLevel(models.TextChoices):
    """小事不出村、大事不出乡、难事不出县: the three levels a dispute is handled at."""

    VILLAGE = "village", _("Village")
    TOWNSHIP = "township", _("Township")
    COUNTY = "county", _("County")


LEVEL_RANK = {HandlingLevel.VILLAGE: 1, HandlingLevel.TOWNSHIP: 2, HandlingLevel.COUNTY: 3}
# The handling level of a region: grids and joint groups are handled by their village.
REGION_LEVEL_TO_HANDLING = {
    "county": HandlingLevel.COUNTY,
    "township": HandlingLevel.TOWNSHIP,
    "village": HandlingLevel.VILLAGE,
    "grid": HandlingLevel.VILLAGE,
    "group": HandlingLevel.VILLAGE,
}
# Code length of the handling unit at each level.
HANDLING_CODE_LENGTH = {HandlingLevel.VILLAGE: 12, HandlingLevel.TOWNSHIP: 9, HandlingLevel.COUNTY: 6}


class Status(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    ACCEPTED = "accepted", _("Accepted")
    MEDIATING = "mediating", _("Mediating")
    AGREED = "agreed", _("Agreement reached")
    FAILED = "failed", _("Mediation failed")
    REFUSED = "refused", _("Refused by a party")
    ENDED = "ended", _("Ended at a party's request")
    RESOLVED = "resolved", _("Resolved")
    TRANSFERRED = "transferred", _("Transferred out")
    MERGED = "merged", _("Merged into another case")


OPEN_STATUSES = frozenset({Status.REGISTERED, Status.ACCEPTED, Status.MEDIATING, Status.AGREED})


class PartyRole(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    RESPONDENT = "respondent", _("Respondent")
    THIRD_PARTY = "third_party", _("Third party")


class PartyKind(models.TextChoices):
    PERSON = "person", _("Person")
    ORGANISATION = "organisation", _("Organisation")


class AgreementKind(models.TextChoices):
    WRITTEN = "written", _("Written agreement")
    ORAL = "oral", _("Oral agreement recorded by the mediator")


class Performance(models.TextChoices):
    PERFORMED = "performed", _("Performed")
    PARTLY = "partly", _("Partly performed")
    NOT_PERFORMED = "not_performed", _("Not performed")


class TransferBody(models.TextChoices):
    """Where a case goes when it is not for mediation; the receiving body is named beside it."""

    COURT = "court", _("Court")
    POLICE = "police", _("Police")
    PETITION = "petition", _("Petition office")
    LABOUR_ARBITRATION = "labour_arbitration", _("Labour arbitration")
    # A government department with the power over the matter (the housing bureau, say), which
    # had to be recorded as one of the bodies above.
    ADMINISTRATIVE = "administrative", _("Other administrative body")


class Remedy(models.TextChoices):
    """People's Mediation Law Art. 26: a failed mediation ends with a notice of other remedies."""

    ARBITRATION = "arbitration", _("Arbitration")
    ADMINISTRATIVE = "administrative", _("Administrative channels")
    COURT = "court", _("Lawsuit in court")


HANDLE = "case.handle"
DISPATCH = "case.dispatch"


def _t(name, sources, target, perm, label, done, *, guard=None) -> Transition:
    return transition(name, sources, target, perm, label, done, guard=guard)


def _urging_unit(user, case) -> None:
    """催办 is a unit above the handlers reminding them: the handlers' own unit may not urge itself,
    and a case at the county has no unit above it."""
    from anju.core.scoping import covers

    from .kind import unit_above

    code = case.handling_unit_id
    above = unit_above(code)
    if above == code or not covers(user, DISPATCH, above):
        raise PermissionDenied(_("Only a unit above the one handling the case can urge it."))


# Each transition's label is the imperative of its button ("Accept"); `done` is what its timeline
# row says happened ("Accepted").
TRANSITIONS: dict[str, Transition] = table(
    _t(
        "accept",
        {Status.REGISTERED},
        Status.ACCEPTED,
        HANDLE,
        _("Accept"),
        pgettext_lazy("timeline", "Accepted"),
    ),
    _t(
        "record_session",
        {Status.ACCEPTED, Status.MEDIATING},
        Status.MEDIATING,
        HANDLE,
        _("Record a session"),
        pgettext_lazy("timeline", "Mediation session recorded"),
    ),
    _t(
        "record_agreement",
        {Status.MEDIATING},
        Status.AGREED,
        HANDLE,
        _("Record the agreement"),
        pgettext_lazy("timeline", "Agreement recorded"),
    ),
    _t(
        "record_failure",
        {Status.MEDIATING},
        Status.FAILED,
        HANDLE,
        _("Mediation failed"),
        pgettext_lazy("timeline", "Mediation failed"),
    ),
    _t(
        "record_refusal",
        {Status.ACCEPTED, Status.MEDIATING},
        Status.REFUSED,
        HANDLE,
        _("A party refuses"),
        pgettext_lazy("timeline", "A party refused mediation"),
    ),
    _t(
        "end_at_request",
        {Status.ACCEPTED, Status.MEDIATING},
        Status.ENDED,
        HANDLE,
        _("End at a party's request"),
        pgettext_lazy("timeline", "Ended at a party's request"),
    ),
    _t(
        "record_visit",
        {Status.AGREED},
        None,
        HANDLE,
        _("Record a follow-up visit"),
        pgettext_lazy("timeline", "Follow-up visit recorded"),
    ),
    _t(
        "resolve",
        {Status.AGREED},
        Status.RESOLVED,
        HANDLE,
        _("Close as resolved"),
        pgettext_lazy("timeline", "Closed as resolved"),
    ),
    _t(
        "escalate",
        {Status.REGISTERED, Status.ACCEPTED, Status.MEDIATING},
        Status.REGISTERED,
        HANDLE,
        _("Escalate to the next level"),
        pgettext_lazy("timeline", "Escalated to the next level"),
    ),
    _t(
        "assign_down",
        {Status.REGISTERED, Status.ACCEPTED},
        Status.REGISTERED,
        DISPATCH,
        _("Assign down"),
        pgettext_lazy("timeline", "Assigned down"),
    ),
    _t(
        "transfer_out",
        {Status.REGISTERED, Status.ACCEPTED, Status.MEDIATING, Status.FAILED},
        Status.TRANSFERRED,
        HANDLE,
        _("Transfer to another body"),
        pgettext_lazy("timeline", "Transferred to another body"),
    ),
    _t(
        "reopen",
        {Status.RESOLVED},
        Status.MEDIATING,
        HANDLE,
        _("Reopen: the agreement is not performed"),
        pgettext_lazy("timeline", "Reopened: the agreement is not performed"),
    ),
    _t(
        "urge",
        OPEN_STATUSES,
        None,
        DISPATCH,
        pgettext_lazy("action", "Urge"),
        pgettext_lazy("timeline", "Urged by the unit above"),
        guard=lambda user, case: _urging_unit(user, case),
    ),
    _t(
        "merge",
        {Status.REGISTERED, Status.ACCEPTED},
        Status.MERGED,
        HANDLE,
        _("Merge into a duplicate"),
        pgettext_lazy("timeline", "Merged into a duplicate"),
    ),
)

REOPEN_WITHIN_DAYS = 90


# Timeline rows of a dispute that are neither transitions nor the shared machinery's own rows
# (files, extensions, cards: anju.workflow.kinds.COMMON_EVENTS).
EVENTS: dict[str, object] = {
    "register": pgettext_lazy("timeline", "Registered"),
    "imported": pgettext_lazy("timeline", "Imported from a ledger"),
    "merged_in": pgettext_lazy("timeline", "A duplicate was merged into this case"),
    "confirmation_reminder": pgettext_lazy("timeline", "Reminder: judicial confirmation"),
}

# What a timeline row says happened, for every name a row may carry: the one place these names get
# words; a row's raw name is never shown.
TIMELINE_LABELS: dict[str, object] = {
    **COMMON_EVENTS,
    **{t.name: t.done for t in TRANSITIONS.values()},
    **EVENTS,
}


def timeline_label(name: str) -> str:
    """The words for a timeline row's name; a name missing from the table (a test catches it) is
    shown as it is rather than hiding the row."""
    return str(TIMELINE_LABELS.get(name, name))


def status_label(value: str) -> str:
    return str(Status(value).label) if value in Status.values else value


# How much a page or an API call may write. The long texts are TextFields with no length in the
# database (a limit there is a migration and a table rewrite for nothing): the forms and the API
# schemas both take these, so the two paths refuse the same input.
PEOPLE_INVOLVED_MAX = 100_000
DESCRIPTION_MAX = 10_000
# A session's record and an agreement's facts and terms: a long meeting writes a long record.
RECORD_MAX = 20_000
# Reasons, notes, and how an agreement is performed.
REASON_MAX = 5_000
EXTENSION_REASON_MAX = 2_000
# The photos and scans a registration may bring: what a worker takes on site, sent over a phone's
# connection in one request. More can be added on the case's page afterwards.
REGISTRATION_FILES_MAX = 9
