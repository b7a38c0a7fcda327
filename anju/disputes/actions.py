"""Every write to a dispute. Each transition goes through the shared workflow machinery
(anju.workflow.engine.apply): permission on the handling unit, the row lock, the version check, the
change, a timeline row and an audit row, in one transaction. What is the dispute's own (who may
mediate, the agreement, escalation by level, the file's records) is here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from anju.accounts.choices import MEDIATING_ROLES
from anju.accounts.models import RoleAssignment, User
from anju.audit.actions import record, record_access, refusals_recorded
from anju.audit.models import AuditEvent, Result
from anju.core import rows
from anju.core.personal import validate_id_number, validate_phone
from anju.core.rows import insert
from anju.core.scoping import OutOfScope, covers, require_in_scope
from anju.regions.choices import CODE_LENGTH
from anju.regions.codes import not_a_place
from anju.regions.models import Region
from anju.workflow import alerts, attachments, engine, extensions, limits, personal
from anju.worktime.calendar import deadline_text

from .choices import (
    HANDLING_CODE_LENGTH,
    LEVEL_RANK,
    REGION_LEVEL_TO_HANDLING,
    REGISTRATION_FILES_MAX,
    REOPEN_WITHIN_DAYS,
    TRANSITIONS,
    HandlingLevel,
    PartyKind,
    Remedy,
    Risk,
    Status,
    TransferBody,
)
from .kind import DISPUTE
from .models import (
    Agreement,
    Alert,
    Attachment,
    CaseCounter,
    Dispute,
    ExtensionRequest,
    FailureNotice,
    FollowUpVisit,
    MediationSession,
    Party,
    Subtype,
    TimelineEntry,
    Transfer,
)

# Re-exported: callers of the dispute actions catch it by this name.
StaleVersion = engine.StaleVersion


def case_number(county_code: str, year: int, n: int) -> str:
    """620123-2026-000123: the county, the year and the count within them."""
    return f"{county_code}-{year}-{n:06d}"


def next_numbers(county_code: str, year: int, count: int = 1) -> list[str]:
    """The next `count` case numbers of a county and year, never reused.

    Taken with one statement, like a database sequence: outside a transaction it runs in autocommit
    (no BEGIN and COMMIT round trips) and locks the counter row for that statement only, so
    registrations in a county do not queue behind each other; inside one (a ledger import) it joins
    it. A registration that fails afterwards leaves a gap."""
    table = connection.ops.quote_name(CaseCounter._meta.db_table)
    sql = f"UPDATE {table} SET last = last + %s WHERE county_code = %s AND year = %s RETURNING last"  # noqa: S608
    with rows.cursor() as cursor:
        cursor.execute(sql, [count, county_code, year])
        row = cursor.fetchone()
    if row is None:  # the first case of this county and year
        try:
            with transaction.atomic():
                CaseCounter.objects.create(county_code=county_code, year=year, last=count)
            row = (count,)
        except IntegrityError:  # another registration created it first
            with rows.cursor() as cursor:
                cursor.execute(sql, [count, county_code, year])
                row = cursor.fetchone()
    last = row[0]
    return [case_number(county_code, year, n) for n in range(last - count + 1, last + 1)]


def next_number(county_code: str, year: int) -> str:
    return next_numbers(county_code, year)[0]


def allowed_transitions(dispute: Dispute, user) -> list[str]:
    """The transitions this user may apply to the case now: what the page and the API offer."""
    return engine.allowed(DISPUTE, dispute, user)


def handling_unit_for(region: Region, level: str) -> str:
    return region.code[: HANDLING_CODE_LENGTH[level]]


def clean_parties(parties: list[dict]) -> list[dict]:
    """Check the parties a dispute needs: at least two sides, names, valid phones and ID numbers."""
    errors: dict[str, list[str]] = {}
    cleaned = []
    for index, raw in enumerate(parties):
        party = {k: (v.strip() if isinstance(v, str) else v) for k, v in raw.items()}
        prefix = f"parties.{index}."
        if not party.get("name"):
            errors.setdefault(prefix + "name", []).append(_("The name is empty."))
        if party.get("phone"):
            try:
                party["phone"] = validate_phone(party["phone"])
            except ValidationError as error:
                errors.setdefault(prefix + "phone", []).extend(error.messages)
        if party.get("id_number"):
            if party.get("kind", PartyKind.PERSON) != PartyKind.PERSON:
                errors.setdefault(prefix + "id_number", []).append(_("Only a person has an identity number."))
            else:
                try:
                    party["id_number"] = validate_id_number(party["id_number"])
                except ValidationError as error:
                    errors.setdefault(prefix + "id_number", []).extend(error.messages)
        cleaned.append(party)
    if not cleaned:
        errors["parties"] = [_("A dispute needs at least one party.")]
    if errors:
        raise ValidationError(errors)
    return cleaned


class PossibleDuplicates(ValidationError):
    """The registration matches cases already on file; `cases` lists them. Nothing was saved."""

    def __init__(self, cases: list[Dispute]):
        super().__init__(_("Possible duplicates: check them before registering."), code="duplicates")
        self.cases = cases


DUPLICATE_SEARCH = "dispute.duplicate_search"
DUPLICATE_PURPOSE = "查重：登记时比对当事人"


def check_registration(
    actor, *, region: Region, parties: list[dict], attachments: Sequence[UploadedFile] = (), **fields
) -> tuple[Dispute, list[dict]]:
    """Everything a registration is refused for, checked before anything is written, searched or
    numbered: the unsaved case and the cleaned parties. The duplicate search comes only after it,
    so a guessed phone or ID number never gets another answer than a refusal would."""
    if not covers(actor, "case.handle", region.code):
        raise OutOfScope(_("You may not register disputes in %(region)s.") % {"region": region})
    if region.is_retired:
        raise ValidationError({"region": _("%(region)s is retired.") % {"region": region}})
    if refusal := not_a_place(region):
        raise ValidationError({"region": refusal})
    parties = clean_parties(parties)
    check_subtype(fields.get("subtype"), fields.get("category"))
    # Before a number is taken: a file the case cannot take leaves no gap in the numbers.
    check_registration_files(attachments)
    level = REGION_LEVEL_TO_HANDLING[region.level]
    dispute = Dispute(
        region=region,
        origin_level=level,
        handling_level=level,
        handling_unit_id=handling_unit_for(region, level),
        registered_by=actor,
        registered_at=timezone.now(),
        **fields,
    )
    # The field values are checked before a number is taken; the foreign keys and the number
    # are ours already (scoped region, the actor, the counter), so no query re-checks them.
    dispute.full_clean(
        exclude=["number", "mediators", "region", "handling_unit", "registered_by", "subtype"],
        validate_unique=False,
        validate_constraints=False,
    )
    return dispute, parties


def find_duplicates(actor, dispute: Dispute, parties: list[dict]) -> list[Dispute]:
    """The cases a registration may repeat (queries.possible_duplicates), searched as an audited
    use of personal data: at most ANJU_DUPLICATE_SEARCHES_PER_HOUR searches a person an hour (a
    refusal is on record), an audit row for every search, and an access record for every party
    whose phone or ID number matched, since the match tells the searcher whose number it is."""
    since = timezone.now() - dt.timedelta(hours=1)
    done = AuditEvent.objects.filter(
        action=DUPLICATE_SEARCH, actor_username=actor.get_username(), at__gte=since, result=Result.OK
    ).count()
    if done >= settings.ANJU_DUPLICATE_SEARCHES_PER_HOUR:
        record(actor, DUPLICATE_SEARCH, region_code=dispute.region_id, result=Result.REFUSED, detail="limit")
        raise personal.TooManySearches(
            _(
                "You have searched for duplicates %(count)d times in the last hour, the most allowed. "
                "Register without the search, or try again later."
            )
            % {"count": done}
        )
    phones = {p["phone"] for p in parties if p.get("phone")}
    id_numbers = {p["id_number"] for p in parties if p.get("id_number")}
    from .queries import possible_duplicates

    found = possible_duplicates(
        actor,
        region_code=dispute.region_id,
        category=dispute.category,
        description=dispute.description,
        phones=sorted(phones),
        id_numbers=sorted(id_numbers),
    )
    matched = [
        (party, field)
        for party in Party.objects.filter(dispute__in=found).order_by("pk")
        for field, wanted in (("phone", phones), ("id_number", id_numbers))
        if getattr(party, field) and getattr(party, field) in wanted
    ]
    with transaction.atomic():
        for party, field in matched:
            record_access(actor, party, field, region_code=party.dispute.region_id, purpose=DUPLICATE_PURPOSE)
        record(
            actor,
            DUPLICATE_SEARCH,
            region_code=dispute.region_id,
            after={"found": [d.number for d in found], "personal_matches": len(matched)},
        )
    return found


def register_dispute(
    actor,
    *,
    region: Region,
    parties: list[dict],
    attachments: Sequence[UploadedFile] = (),
    check_duplicates: bool = False,
    **fields,
) -> Dispute:
    """Register a dispute where it arose. Grid workers, mediators and centre operators may, for
    regions in their jurisdiction; the handling unit starts at the level where it arose. The
    photos and scans taken on site join the file in the same transaction, each as add_attachment
    adds one. With `check_duplicates`, a registration that may repeat a case on file is refused
    with PossibleDuplicates, after every other check has passed."""
    with refusals_recorded(actor, "dispute.register", region_code=region.code):
        dispute, parties = check_registration(
            actor, region=region, parties=parties, attachments=attachments, **fields
        )
        if check_duplicates:
            found = find_duplicates(actor, dispute, parties)
            if found:
                raise PossibleDuplicates(found)
        now = dispute.registered_at
        # Waiting to be accepted is a stage with a limit of its own: no case waits unnoticed.
        limits.start_limit(DISPUTE, dispute, now)
        dispute.number = next_number(region.code[:6], timezone.localdate(now).year)
        with transaction.atomic():
            insert(dispute)
            party_rows = [
                Party(dispute=dispute, **{k: v for k, v in p.items() if k in PARTY_FIELDS}) for p in parties
            ]
            insert(*party_rows)
            entry = timeline(dispute, actor, "register", "", Status.REGISTERED, fields.get("title", ""))
            # The new case's file is all in memory: answering with it needs no second read.
            dispute._prefetched_objects_cache = {"parties": party_rows, "timeline": [entry]}
            insert(*alerts_on_register(dispute))
            require_in_scope(dispute, actor, "case.view")
            record(
                actor,
                "dispute.register",
                dispute,
                region_code=region.code,
                after=engine.snapshot(DISPUTE, dispute),
            )
            for upload in attachments:
                add_attachment(actor, dispute, upload)
            if attachments:
                # The files wrote timeline rows of their own: the case file reads the timeline again.
                del dispute._prefetched_objects_cache["timeline"]
            # Last of the writes: the figures' rollup cell is locked from here to the commit.
            engine.added(DISPUTE, [dispute])
    return dispute


def check_subtype(subtype: Subtype | None, category: str | None) -> None:
    """A local subtype is counted under one national category, so a dispute's category must be
    that one, or the statistics would count it twice over; a subtype taken out of use takes no
    new disputes."""
    if subtype is None:
        return
    if not subtype.active:
        raise ValidationError({"subtype": _("%(subtype)s is no longer in use.") % {"subtype": subtype.name}})
    if subtype.category != category:
        message = _("%(subtype)s counts under %(category)s.")
        raise ValidationError(
            {"subtype": message % {"subtype": subtype.name, "category": subtype.get_category_display()}}
        )


PARTY_FIELDS = {"kind", "role", "name", "phone", "id_number", "address"}


def alerts_on_register(dispute: Dispute) -> list[Alert]:
    """Art. 25: a dispute that may turn criminal is reported; the township and county centre hear
    of it at once, as they do of a major-risk dispute. Unsaved: registration and ledger imports
    write them their own way."""
    reasons = []
    # Stored text that the township and county read: in the county's language, whatever the
    # language of the person registering.
    with alerts.county_language():
        if dispute.may_turn_criminal:
            reasons.append(_("may turn into a public-order or criminal case"))
        if dispute.risk == Risk.MAJOR:
            reasons.append(_("major risk"))
    if not reasons:
        return []
    with alerts.county_language():
        reason = alerts.worded(alerts.Topic.RISK, "; ".join(reasons))
    return [
        Alert(dispute=dispute, unit_id=code, reason=reason)
        for code in sorted({dispute.region_id[:9], dispute.region_id[:6]})
    ]


def timeline(dispute: Dispute, actor, name: str, before: str, after: str, note: str = "") -> TimelineEntry:
    return engine.add_timeline(DISPUTE, dispute, actor, name, before, after, note)


def _apply(
    actor,
    dispute: Dispute,
    name: str,
    *,
    version: int | None,
    note: str = "",
    change: Callable[[Dispute], str | None] | None = None,
) -> Dispute:
    """Apply a transition; `change` may return a line that the timeline row adds to the note."""
    return engine.apply(DISPUTE, actor, dispute, name, version=version, note=note, change=change)


def eligible_mediators(dispute: Dispute, *, with_roles: bool = False) -> QuerySet[User]:
    """Who may be named mediator of the case: active holders of a mediating role (MEDIATING_ROLES) on
    its handling unit or a unit above it. The accept form offers these people and `accept` refuses
    anyone else, so the pages and the API follow one rule. `with_roles` also reads, as
    `mediating_roles`, the roles that make each one eligible, with their regions: the form shows
    them, so a mediator is told apart from a centre operator of the same name."""
    unit = dispute.handling_unit_id
    units = [unit[:length] for length in sorted(CODE_LENGTH.values()) if length <= len(unit)]
    people = (
        User.objects.filter(
            is_active=True,
            role_assignments__role__in=MEDIATING_ROLES,
            role_assignments__region_id__in=units,
        )
        .distinct()
        .order_by("username")
    )
    if with_roles:
        roles = RoleAssignment.objects.filter(role__in=MEDIATING_ROLES, region_id__in=units)
        people = people.prefetch_related(
            Prefetch("role_assignments", queryset=roles.select_related("region"), to_attr="mediating_roles")
        )
    return people


def accept(
    actor, dispute: Dispute, *, mediators: list, version: int | None = None, note: str = ""
) -> Dispute:
    def change(d: Dispute) -> None:
        if not mediators:
            raise ValidationError({"mediators": _("Name at least one mediator.")})
        # Checked on the locked row: the case may have moved to another unit since the form was filled.
        named = eligible_mediators(d).filter(pk__in=[m.pk for m in mediators])
        eligible = set(named.values_list("pk", flat=True))
        refused = [m for m in mediators if m.pk not in eligible]
        if refused:
            message = _(
                "%(name)s cannot mediate cases of %(unit)s: name a people's mediator, township officer "
                "or centre operator who works there."
            )
            raise ValidationError(
                {"mediators": [message % {"name": m, "unit": d.handling_unit} for m in refused]}
            )
        now = timezone.now()
        d.accepted_at = now
        limits.start_limit(DISPUTE, d, now)
        d.save()
        d.mediators.set(mediators)

    return _apply(actor, dispute, "accept", version=version, note=note, change=change)


def record_session(
    actor,
    dispute: Dispute,
    *,
    held_on: dt.date,
    place: str,
    participants: str,
    record_text: str,
    outcome: str = "",
    version: int | None = None,
) -> Dispute:
    _within_the_case(dispute, held_on, "held_on")

    def change(d: Dispute) -> None:
        MediationSession.objects.create(
            dispute=d,
            held_on=held_on,
            place=place,
            participants=participants,
            record=record_text,
            outcome=outcome,
            recorded_by=actor,
        )

    return _apply(actor, dispute, "record_session", version=version, note=outcome, change=change)


def record_agreement(
    actor,
    dispute: Dispute,
    *,
    kind: str,
    facts: str,
    terms: str,
    performance: str,
    signed_on: dt.date,
    perform_by: dt.date | None = None,
    version: int | None = None,
) -> Dispute:
    _within_the_case(dispute, signed_on, "signed_on")
    if perform_by is not None and perform_by < signed_on:
        raise ValidationError({"perform_by": _("The performance date is before the agreement took effect.")})

    def change(d: Dispute) -> None:
        agreement = Agreement(
            dispute=d,
            kind=kind,
            facts=facts,
            terms=terms,
            performance=performance,
            signed_on=signed_on,
            perform_by=perform_by,
            mediator=actor,
        )
        agreement.full_clean(exclude=["dispute", "mediator"])
        agreement.save()

    return _apply(actor, dispute, "record_agreement", version=version, note=terms[:200], change=change)


def record_failure(
    actor,
    dispute: Dispute,
    *,
    reason: str,
    remedies: list[str],
    notified_on: dt.date,
    version: int | None = None,
) -> Dispute:
    unknown = [r for r in remedies if r not in Remedy.values]
    if not remedies or unknown:
        raise ValidationError({"remedies": _("Name the remedies the parties were told of (Art. 26).")})
    _within_the_case(dispute, notified_on, "notified_on")

    def change(d: Dispute) -> None:
        FailureNotice.objects.create(dispute=d, remedies=remedies, reason=reason, notified_on=notified_on)
        d.closed_at = timezone.now()

    return _apply(actor, dispute, "record_failure", version=version, note=reason, change=change)


def _close(name: str):
    def close(actor, dispute: Dispute, *, reason: str, version: int | None = None) -> Dispute:
        if not reason.strip():
            raise ValidationError({"reason": _("Say why.")})

        def change(d: Dispute) -> None:
            d.closed_at = timezone.now()

        return _apply(actor, dispute, name, version=version, note=reason, change=change)

    close.__name__ = name
    close.__doc__ = f"Close the case: {TRANSITIONS[name].label}."
    return close


# Mediation is voluntary: a party's clear refusal ends it, as does a party's request (Art. 23).
record_refusal = _close("record_refusal")
end_at_request = _close("end_at_request")


def record_visit(
    actor,
    dispute: Dispute,
    *,
    visited_on: dt.date,
    performance: str,
    note: str = "",
    version: int | None = None,
) -> Dispute:
    _within_the_case(dispute, visited_on, "visited_on")

    def change(d: Dispute) -> None:
        # A visit checks how the agreement in force is performed: the latest one, read on the
        # locked row (a reopened case may have a second agreement).
        agreement = d.agreements.order_by("-signed_on", "-id").first()
        if agreement is not None and visited_on < agreement.signed_on:
            message = _("The visit (%(date)s) is before the agreement took effect (%(signed)s).")
            raise ValidationError(
                {"visited_on": message % {"date": visited_on, "signed": agreement.signed_on}}
            )
        visit = FollowUpVisit(
            dispute=d, visited_on=visited_on, performance=performance, note=note, visitor=actor
        )
        visit.full_clean(exclude=["dispute", "visitor"])
        visit.save()

    return _apply(actor, dispute, "record_visit", version=version, note=note, change=change)


def resolve(actor, dispute: Dispute, *, version: int | None = None, note: str = "") -> Dispute:
    def change(d: Dispute) -> None:
        if not d.visits.exists():
            raise ValidationError(
                _("Visit the parties at least once to check the agreement is performed."), code="no_visit"
            )
        now = timezone.now()
        d.resolved_at = now
        d.closed_at = now
        d.resolved_level = d.handling_level

    return _apply(actor, dispute, "resolve", version=version, note=note, change=change)


def escalate(actor, dispute: Dispute, *, reason: str, version: int | None = None) -> Dispute:
    """Pass the case to the next level up (village > township > county), with a reason."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the case goes up a level.")})

    def change(d: Dispute) -> None:
        rank = LEVEL_RANK[d.handling_level]
        if rank == LEVEL_RANK[HandlingLevel.COUNTY]:
            raise ValidationError(_("The case is already handled by the county."), code="top")
        level = next(level for level, r in LEVEL_RANK.items() if r == rank + 1)
        _move(d, level, reason, topic=alerts.Topic.ESCALATION)

    return _apply(actor, dispute, "escalate", version=version, note=reason, change=change)


def urge(actor, dispute: Dispute, *, reason: str, version: int | None = None) -> Dispute:
    """催办: a unit above the handlers reminds them of the case, with what it expects; the reminder
    reaches the handling unit's work queue and the timeline, and counts in the figures."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say what the handlers are to do.")})

    def change(d: Dispute) -> None:
        alerts.raise_alert(DISPUTE, d, d.handling_unit_id, reason.strip(), topic=alerts.Topic.URGING)

    return _apply(actor, dispute, "urge", version=version, note=reason, change=change)


def assign_down(
    actor, dispute: Dispute, *, level: str, note: str = "", version: int | None = None
) -> Dispute:
    """交办: hand the case to a lower level on the path to where it arose."""

    def change(d: Dispute) -> None:
        if level not in LEVEL_RANK or LEVEL_RANK[level] >= LEVEL_RANK[d.handling_level]:
            raise ValidationError({"level": _("Choose a level below the one handling the case now.")})
        if LEVEL_RANK[level] < LEVEL_RANK[d.origin_level]:
            raise ValidationError({"level": _("The case cannot go below the level where it arose.")})
        _move(d, level, note, topic=alerts.Topic.ASSIGNMENT)

    return _apply(actor, dispute, "assign_down", version=version, note=note, change=change)


def _move(d: Dispute, level: str, reason: str, *, topic: str) -> None:
    """The case goes to another level and waits there to be accepted, with the acceptance limit of
    that level counted from now."""
    d.handling_level = level
    d.handling_unit_id = handling_unit_for(d.region, level)
    d.accepted_at = None
    limits.start_limit(DISPUTE, d, timezone.now())
    d.save()
    d.mediators.clear()
    alerts.raise_alert(DISPUTE, d, d.handling_unit_id, reason, topic=topic)


def transfer_out(
    actor,
    dispute: Dispute,
    *,
    body: str,
    body_name: str,
    receipt_number: str,
    received_on: dt.date,
    version: int | None = None,
) -> Dispute:
    if body not in TransferBody.values:
        raise ValidationError({"body": _("Choose the body the case goes to.")})
    if not receipt_number.strip():
        raise ValidationError({"receipt_number": _("A transfer needs the receiving body's receipt number.")})
    _within_the_case(dispute, received_on, "received_on")

    def change(d: Dispute) -> None:
        Transfer.objects.create(
            dispute=d, body=body, body_name=body_name, receipt_number=receipt_number, received_on=received_on
        )
        d.closed_at = timezone.now()

    return _apply(actor, dispute, "transfer_out", version=version, note=body_name, change=change)


def reopen(actor, dispute: Dispute, *, reason: str, version: int | None = None) -> Dispute:
    """The agreement is not performed: mediation takes the case up again, with a new time limit
    from today (DOMAIN.md is silent on reopening, so the level's limit is counted afresh on the
    working calendar) that the timeline states."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say what of the agreement is not performed.")})

    def change(d: Dispute) -> str:
        if d.resolved_at is None or timezone.now() - d.resolved_at > dt.timedelta(days=REOPEN_WITHIN_DAYS):
            raise ValidationError(
                _("A case can be reopened within %(days)d days of its resolution.")
                % {"days": REOPEN_WITHIN_DAYS},
                code="too_late",
            )
        d.resolved_at = None
        d.resolved_level = ""
        d.closed_at = None
        # The old limit ran out long ago or is about to: mediation starts again, so does its time
        # limit, counted from today by the level's and risk's rule, with its own cards.
        limits.start_limit(DISPUTE, d, timezone.now())
        # Stored text, read by everyone later: in the county's language.
        with alerts.county_language():
            return _("The time limit starts again: due %(due)s.") % {"due": deadline_text(d.due_at)}

    return _apply(actor, dispute, "reopen", version=version, note=reason, change=change)


def merge(actor, dispute: Dispute, *, into: Dispute, version: int | None = None) -> Dispute:
    """A confirmed duplicate is merged into the case that goes on; both histories stay."""
    if into.pk == dispute.pk:
        raise ValidationError({"into": _("A case cannot be merged into itself.")})
    if not into.is_open or into.merged_into_id:
        raise ValidationError({"into": _("Merge into an open case.")})

    def change(d: Dispute) -> None:
        d.merged_into = into
        d.closed_at = timezone.now()
        timeline(into, actor, "merged_in", into.status, into.status, d.number)

    return _apply(actor, dispute, "merge", version=version, note=into.number, change=change)


def _within_the_case(dispute: Dispute, day: dt.date, field: str) -> None:
    """A date in the case's file (a session, an agreement, a visit, a transfer) falls between the
    day the case was registered and today. The registration day is the case's own, so a case from
    a ledger import, registered years ago, takes the dates of its time."""
    if day > timezone.localdate():
        raise ValidationError({field: _("The date is in the future.")})
    registered = timezone.localdate(dispute.registered_at)
    if day < registered:
        message = _("%(date)s is before the case was registered (%(registered)s).")
        raise ValidationError({field: message % {"date": day, "registered": registered}})


def request_extension(actor, dispute: Dispute, *, working_days: int, reason: str) -> ExtensionRequest:
    """Ask the level above for more time; only the case's handlers may ask, while it has a limit."""
    return extensions.request(DISPUTE, actor, dispute, working_days=working_days, reason=reason)


def decide_extension(actor, request: ExtensionRequest, *, approve: bool, note: str = "") -> ExtensionRequest:
    """The level above approves or rejects; an approval moves the time limit on."""
    return extensions.decide(DISPUTE, actor, request, approve=approve, note=note)


def check_registration_files(uploads: Sequence[UploadedFile]) -> None:
    """The files sent with a registration: at most REGISTRATION_FILES_MAX, each one the case file takes."""
    attachments.check_files(uploads, REGISTRATION_FILES_MAX)


def add_attachment(actor, dispute: Dispute, upload, *, description: str = "") -> Attachment:
    """A photo, scan or PDF for the case file: JPEG, PNG, WebP or PDF, up to ANJU_ATTACHMENT_MAX_MB."""
    return attachments.attach(DISPUTE, actor, dispute, upload, description=description)
