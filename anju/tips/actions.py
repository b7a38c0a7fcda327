"""Every write to a tip. Transitions go through the shared workflow machinery
(anju.workflow.engine.apply); what is the tip's own (the number, the deadline from its source,
the handler, the result and outcome counts, clearing a batch) is here. No audit row, alert or
timeline note written here ever holds the informant or the subject: audit rows carry a marker."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anju.accounts.choices import ROLE_PERMS
from anju.accounts.models import RoleAssignment, User
from anju.audit.actions import record, refusals_recorded
from anju.audit.models import Result as AuditResult
from anju.core.scoping import OutOfScope, covers, holds_top_level, units_for
from anju.regions.models import Region
from anju.workflow import alerts, attachments, engine, extensions, limits, personal

from .choices import DISPATCH, HANDLE, MEASURE_MAX, MEASURES, PROTECTED, Outcome, Status, SubjectKind
from .kind import TIP, in_chain
from .models import Batch, Source, Tip, TipCounter

StaleVersion = engine.StaleVersion
HANDLING_LENGTHS = (6, 9)  # tips are handled by the county or a township


def sources() -> list[Source]:
    """Every source, created with the default period on first use."""
    from .choices import SourceKind

    existing = {s.kind: s for s in Source.objects.all()}
    missing = [Source(kind=k) for k in SourceKind.values if k not in existing]
    if missing:
        Source.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {s.kind: s for s in Source.objects.all()}
    return [existing[k] for k in SourceKind.values]


def source(kind: str) -> Source:
    return next(s for s in sources() if s.kind == kind)


def set_verification_days(actor, src: Source, days: int) -> Source:
    """The county changes a source's default verification period (new tips take it)."""
    with refusals_recorded(actor, "tip.source.change", src):
        if not holds_top_level(actor, DISPATCH):
            raise PermissionDenied(_("Only the county sets the verification periods."))
        if not 1 <= days <= 365:
            raise ValidationError({"verification_days": _("Give 1 to 365 days.")})
        with transaction.atomic():
            before = {"verification_days": src.verification_days}
            src.verification_days = days
            src.save(update_fields=["verification_days"])
            record(actor, "tip.source.change", src, before=before, after={"verification_days": days})
    return src


def next_number(county_code: str, year: int) -> str:
    with transaction.atomic():
        counter, _created = TipCounter.objects.select_for_update().get_or_create(
            county_code=county_code, year=year
        )
        counter.last += 1
        counter.save(update_fields=["last"])
    return f"XS{county_code}-{year}-{counter.last:05d}"


def intake_unit(actor, region: Region) -> str:
    """The unit a tip registered by this person starts at: the widest unit of theirs, county or
    township, that holds the region."""
    units = units_for(actor, HANDLE)
    if units is None or getattr(actor, "is_superuser", False):
        return region.code[:6]
    mine = sorted((u for u in units if region.code.startswith(u) and len(u) in HANDLING_LENGTHS), key=len)
    if not mine:
        raise OutOfScope(_("You may not register tips in %(region)s.") % {"region": region})
    return mine[0]


def clean_tip(fields: dict) -> dict:
    """The tip's own fields, stripped and checked: content and subject required, the informant's
    name or contact unless anonymous (and none if anonymous)."""
    data = {k: (v.strip() if isinstance(v, str) else v) for k, v in fields.items()}
    errors: dict[str, list[str]] = {}
    if not data.get("content"):
        errors["content"] = [_("Say what the tip reports.")]
    if not data.get("subject_name"):
        errors["subject_name"] = [_("Name the reported person or organisation as the tip states it.")]
    if data.get("subject_kind", SubjectKind.PERSON) not in SubjectKind.values:
        errors["subject_kind"] = [_("Choose a person or an organisation.")]
    if data.get("anonymous"):
        data["informant_name"] = data["informant_contact"] = ""
    elif not (data.get("informant_name") or data.get("informant_contact")):
        errors["informant_name"] = [_("Give the informant's name or contact, or mark the tip anonymous.")]
    received = data.get("received_on")
    if received and received > timezone.localdate():
        errors["received_on"] = [_("The day received cannot be in the future.")]
    if errors:
        raise ValidationError(errors)
    return data


def _new_tip(actor, *, region: Region, src: Source, unit: str, batch: Batch | None, now, **fields) -> Tip:
    tip = Tip(
        number=next_number(region.code[:6], now.year),
        source=src,
        batch=batch,
        region=region,
        handling_unit_id=unit,
        registered_by=actor,
        registered_at=now,
        **fields,
    )
    limits.start_limit(TIP, tip, now)
    tip.save()
    return tip


def _audit_after(tip: Tip) -> dict:
    # The informant and the subject are pictured by a marker: the audit log says they were given.
    return {
        **engine.snapshot(TIP, tip),
        "source": tip.source.kind,
        "batch": tip.batch.reference if tip.batch_id else None,
        "subject": PROTECTED,
        "informant": PROTECTED if not tip.anonymous else "anonymous",
    }


def register_tip(actor, *, region: Region, source_kind: str, batch: Batch | None = None, **fields) -> Tip:
    with refusals_recorded(actor, "tip.register", region_code=region.code):
        if not covers(actor, HANDLE, region.code):
            raise OutOfScope(_("You may not register tips in %(region)s.") % {"region": region})
        data = clean_tip(fields)
        if batch is not None and batch.cleared_on is not None:
            raise ValidationError({"batch": _("This batch is cleared; register the tip on its own.")})
        unit = intake_unit(actor, region)
        now = timezone.now()
        with transaction.atomic():
            tip = _new_tip(
                actor, region=region, src=source(source_kind), unit=unit, batch=batch, now=now, **data
            )
            engine.add_timeline(TIP, tip, actor, "register", "", tip.status)
            record(actor, "tip.register", tip, region_code=unit, after=_audit_after(tip))
    return tip


def allowed_transitions(tip: Tip, user) -> list[str]:
    return engine.allowed(TIP, tip, user)


def eligible_handlers(*unit_codes: str):
    """Active people who verify tips at one of the units or one above it."""
    roles = [role for role, perms in ROLE_PERMS.items() if HANDLE in perms]
    prefixes = {code[:n] for code in unit_codes for n in HANDLING_LENGTHS if n <= len(code)}
    ids = RoleAssignment.objects.filter(role__in=roles, region_id__in=prefixes).values("user_id")
    return User.objects.filter(pk__in=ids, is_active=True).order_by("full_name", "username")


def assign(actor, tip: Tip, *, unit: str, handler: User, version: int | None = None, note: str = "") -> Tip:
    """Send the tip to a handling unit (the county or a township within the assigner's reach) and
    name the person who verifies it there."""
    unit = (unit or "").strip()
    if (
        len(unit) not in HANDLING_LENGTHS
        or not Region.objects.filter(code=unit, retired_on__isnull=True).exists()
    ):
        raise ValidationError({"unit": _("Choose the county or a township as the handling unit.")})
    if not covers(actor, DISPATCH, unit):
        raise ValidationError({"unit": _("You may not assign tips to this unit.")})
    if not eligible_handlers(unit).filter(pk=handler.pk).exists():
        raise ValidationError({"handler": _("This person does not verify tips at that unit.")})

    def change(locked: Tip) -> str:
        locked.handling_unit_id = unit
        locked.handler = handler
        with alerts.county_language():
            alerts.raise_alert(
                TIP,
                locked,
                unit,
                _("Tip %(number)s assigned to you.") % {"number": locked.number},
                topic=alerts.Topic.ASSIGNMENT,
            )
        return ""

    return engine.apply(TIP, actor, tip, "assign", version=version, note=note[:500], change=change)


def start_verification(actor, tip: Tip, *, version: int | None = None, note: str = "") -> Tip:
    return engine.apply(TIP, actor, tip, "start_verification", version=version, note=note)


def add_note(actor, tip: Tip, *, note: str, version: int | None = None) -> Tip:
    if not (note or "").strip():
        raise ValidationError({"note": _("Write the note.")})
    return engine.apply(TIP, actor, tip, "add_note", version=version, note=note.strip())


def verify(
    actor,
    tip: Tip,
    *,
    result: str,
    outcome: str,
    police_case_number: str = "",
    version: int | None = None,
    note: str = "",
    **measures,
) -> Tip:
    from .choices import Result

    errors: dict[str, list[str]] = {}
    if result not in Result.values:
        errors["result"] = [_("Choose the verification result.")]
    if outcome not in Outcome.values:
        errors["outcome"] = [_("Choose the outcome.")]
    police_case_number = (police_case_number or "").strip()
    if outcome == Outcome.POLICE and not police_case_number:
        errors["police_case_number"] = [_("Give the police's case number.")]
    counts = {}
    for name in MEASURES:
        value = measures.pop(name, 0) or 0
        if not isinstance(value, int) or not 0 <= value <= MEASURE_MAX:
            errors[name] = [_("Give a count from 0 to %(max)d.") % {"max": MEASURE_MAX}]
        counts[name] = value
    if measures:
        raise TypeError(f"unknown measures {sorted(measures)}")
    if errors:
        raise ValidationError(errors)

    def change(locked: Tip) -> str:
        locked.result, locked.outcome = result, outcome
        locked.police_case_number = police_case_number if outcome == Outcome.POLICE else ""
        for name, value in counts.items():
            setattr(locked, name, value)
        locked.verified_at = timezone.now()
        return ""

    return engine.apply(TIP, actor, tip, "verify", version=version, note=note, change=change)


def close(actor, tip: Tip, *, version: int | None = None, note: str = "") -> Tip:
    """Close a verified tip; the last one closed clears its batch (清零) that day."""

    def change(locked: Tip) -> str:
        locked.closed_at = timezone.now()
        return ""

    closed = engine.apply(TIP, actor, tip, "close", version=version, note=note, change=change)
    if closed.batch_id is not None:
        with transaction.atomic():
            clear_batch_if_done(actor, closed.batch)
    return closed


def clear_batch_if_done(actor, batch: Batch) -> bool:
    """Mark the batch cleared the day its last tip is closed; returns whether it is cleared now."""
    batch = Batch.objects.select_for_update().get(pk=batch.pk)
    if batch.cleared_on is not None or batch.tips.exclude(status=Status.CLOSED).exists():
        return False
    batch.cleared_on = timezone.localdate()
    batch.save(update_fields=["cleared_on"])
    record(
        actor,
        "tip.batch.cleared",
        batch,
        region_code=batch.region_id,
        after={"cleared_on": batch.cleared_on.isoformat(), "on_time": batch.cleared_on_time},
    )
    return True


def request_extension(actor, tip: Tip, *, working_days: int, reason: str):
    if not in_chain(actor, tip):
        raise PermissionDenied(_("Only the assigned handler and their superiors may do this."))
    return extensions.request(TIP, actor, tip, working_days=working_days, reason=reason)


def decide_extension(actor, ask, *, approve: bool, note: str = ""):
    return extensions.decide(TIP, actor, ask, approve=approve, note=note)


def add_attachment(actor, tip: Tip, upload, *, description: str = ""):
    return attachments.attach(TIP, actor, tip, upload, description=description)


def reveal_informant(actor, tip: Tip, *, purpose: str) -> str:
    """The informant, to someone in the handling chain who says why; the view is an access record."""
    if not in_chain(actor, tip):
        record(
            actor,
            "tip.reveal",
            tip,
            region_code=tip.handling_unit_id,
            result=AuditResult.REFUSED,
            detail="not in chain",
        )
        raise PermissionDenied(_("Only the assigned handler and their superiors may see the informant."))
    return personal.reveal(TIP, actor, tip, tip, "informant", purpose=purpose)


def create_batch(
    actor, *, source_kind: str, reference: str, received_on: dt.date, deadline: dt.date, region: Region
) -> Batch:
    with refusals_recorded(actor, "tip.batch.create", region_code=region.code):
        if not covers(actor, HANDLE, region.code) or len(region.code) not in HANDLING_LENGTHS:
            raise OutOfScope(_("You may not receive batches for %(region)s.") % {"region": region})
        reference = (reference or "").strip()
        errors = {}
        if not reference:
            errors["reference"] = [_("Give the source's reference of the batch.")]
        if deadline < received_on:
            errors["deadline"] = [_("The deadline cannot be before the day received.")]
        src = source(source_kind)
        if reference and Batch.objects.filter(source=src, reference=reference).exists():
            errors["reference"] = [_("A batch with this reference from this source is on file already.")]
        if errors:
            raise ValidationError(errors)
        with transaction.atomic():
            batch = Batch.objects.create(
                source=src,
                reference=reference[:64],
                received_on=received_on,
                deadline=deadline,
                region=region,
                created_by=actor,
            )
            record(
                actor,
                "tip.batch.create",
                batch,
                region_code=region.code,
                after={"source": src.kind, "deadline": deadline.isoformat()},
            )
    return batch
