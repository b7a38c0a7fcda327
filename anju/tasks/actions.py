"""Every write of supervision. Task transitions go through the shared workflow machinery
(anju.workflow.engine.apply); meetings and decisions write their own audit rows here."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anju.audit.actions import record, refusals_recorded
from anju.core.scoping import covers, require_in_scope
from anju.regions.models import Region
from anju.workflow import alerts, attachments, engine, extensions, limits

from .choices import DISPATCH, REASON_MAX, TEXT_MAX, TITLE_MAX, MeetingKind, Origin, Status
from .kind import TASK
from .models import Decision, Meeting, MeetingFile, Task

StaleVersion = engine.StaleVersion
# How far ahead a deadline may be set: a task for next decade is no supervised task.
MAX_DEADLINE_DAYS = 3 * 366


def _text(value: str, field: str, limit: int, empty: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: empty})
    if len(value) > limit:
        raise ValidationError({field: _("At most %(n)d characters.") % {"n": limit}})
    return value


# --- meetings -----------------------------------------------------------------------------------


def record_meeting(
    actor, *, region: Region, kind: str, held_on: dt.date, title: str, topics: str, attendees: str = ""
) -> Meeting:
    """Record a meeting held by a unit the actor dispatches work for."""
    with refusals_recorded(actor, "meeting.record", region_code=region.code):
        if not covers(actor, DISPATCH, region.code):
            raise PermissionDenied(_("You do not record meetings of %(unit)s.") % {"unit": region})
        if kind not in MeetingKind.values:
            raise ValidationError({"kind": _("Choose the kind of meeting.")})
        if held_on > timezone.localdate():
            raise ValidationError({"held_on": _("The date is in the future.")})
        meeting = Meeting(
            region=region,
            kind=kind,
            held_on=held_on,
            title=_text(title, "title", TITLE_MAX, _("Give the meeting a title.")),
            topics=_text(topics, "topics", TEXT_MAX, _("Say what the meeting discussed.")),
            attendees=(attendees or "").strip()[:TEXT_MAX],
            created_by=actor,
        )
        with transaction.atomic():
            meeting.save()
            require_in_scope(meeting, actor, "case.view")
            record(
                actor,
                "meeting.record",
                meeting,
                region_code=region.code,
                after={"kind": kind, "held_on": str(held_on), "title": meeting.title},
            )
    return meeting


def add_decision(actor, meeting: Meeting, *, text: str) -> Decision:
    with refusals_recorded(actor, "meeting.decide", meeting, region_code=meeting.region_id):
        if not covers(actor, DISPATCH, meeting.region_id):
            raise PermissionDenied(_("You do not record meetings of %(unit)s.") % {"unit": meeting.region})
        text = _text(text, "text", TEXT_MAX, _("Write the decision."))
        with transaction.atomic():
            decision = Decision.objects.create(meeting=meeting, text=text, created_by=actor)
            record(
                actor,
                "meeting.decide",
                meeting,
                region_code=meeting.region_id,
                after={"decision": text[:200]},
            )
    return decision


def add_minutes(actor, meeting: Meeting, upload, *, description: str = "") -> MeetingFile:
    """A scan or PDF of the minutes, checked by its content as a case file's are."""
    with refusals_recorded(actor, "meeting.attach", meeting, region_code=meeting.region_id):
        if not covers(actor, DISPATCH, meeting.region_id):
            raise PermissionDenied(_("You do not record meetings of %(unit)s.") % {"unit": meeting.region})
        try:
            content_type, extension = attachments.check_attachment(upload)
        except ValidationError as error:
            raise ValidationError({"file": error.messages}) from None
        with transaction.atomic():
            stored = MeetingFile(
                meeting=meeting,
                original_name=upload.name[:200],
                content_type=content_type,
                size=upload.size,
                description=description[:200],
                uploaded_by=actor,
            )
            stored.file.save(f"minutes{extension}", upload, save=False)
            stored.save()
            record(
                actor,
                "meeting.attach",
                meeting,
                region_code=meeting.region_id,
                after={"file": upload.name[:200], "size": upload.size},
            )
    return stored


# --- tasks --------------------------------------------------------------------------------------


def assigner_units(actor) -> list[Region]:
    """The units a person may assign tasks from: where they dispatch work, themselves."""
    from anju.core.scoping import units_for

    codes = units_for(actor, DISPATCH)
    regions = Region.objects.filter(retired_on__isnull=True)
    if codes is not None:
        regions = regions.filter(code__in=codes)
    return list(regions.order_by("code")[:200])


def assign_task(
    actor,
    *,
    assigner_unit: Region,
    unit: Region,
    title: str,
    description: str,
    deadline: dt.date,
    origin: str,
    decision: Decision | None = None,
    source_note: str = "",
) -> Task:
    """A unit assigns a task to itself or a unit below it, with a deadline: the task is supervised
    from now (normal supervision, then its yellow and red cards as the deadline nears and passes)."""
    with refusals_recorded(actor, "task.assign", region_code=unit.code):
        if not covers(actor, DISPATCH, assigner_unit.code):
            raise PermissionDenied(_("You do not assign tasks for %(unit)s.") % {"unit": assigner_unit})
        errors = {}
        if not unit.code.startswith(assigner_unit.code):
            errors["unit"] = _("Assign the task to %(unit)s or a unit below it.") % {"unit": assigner_unit}
        if unit.retired_on is not None:
            errors["unit"] = _("%(unit)s is no longer in use.") % {"unit": unit}
        if origin not in Origin.values:
            errors["origin"] = _("Choose where the task comes from.")
        elif origin == Origin.DECISION and decision is None:
            errors["origin"] = _("A task from a meeting decision names the decision.")
        today = timezone.localdate()
        if deadline < today:
            errors["deadline"] = _("The deadline has passed already.")
        elif deadline > today + dt.timedelta(days=MAX_DEADLINE_DAYS):
            errors["deadline"] = _("Set a deadline within three years.")
        if errors:
            raise ValidationError(errors)
        now = timezone.now()
        task = Task(
            title=_text(title, "title", TITLE_MAX, _("Name the task.")),
            description=_text(description, "description", TEXT_MAX, _("Say what is to be done.")),
            origin=origin,
            decision=decision,
            source_note=(source_note or "").strip()[:200],
            region=unit,
            handling_unit=unit,
            assigner_unit=assigner_unit,
            assigned_by=actor,
            assigned_at=now,
            deadline=deadline,
        )
        limits.start_limit(TASK, task, now)
        with transaction.atomic():
            task.save()
            engine.add_timeline(TASK, task, actor, "assign", "", Status.ASSIGNED, task.title)
            with alerts.county_language():
                said = _("New task from %(unit)s, due %(day)s.") % {
                    "unit": assigner_unit.name,
                    "day": deadline,
                }
            alerts.raise_alert(TASK, task, unit.code, said)
            require_in_scope(task, actor, "case.view")
            record(actor, "task.assign", task, region_code=unit.code, after=engine.snapshot(TASK, task))
    return task


def allowed_transitions(task: Task, user) -> list[str]:
    return engine.allowed(TASK, task, user)


def _reason(reason: str, what: str) -> str:
    return _text(reason, "reason", REASON_MAX, what)


def start(actor, task: Task, *, version: int | None = None, note: str = "") -> Task:
    return engine.apply(TASK, actor, task, "start", version=version, note=note)


def report_progress(actor, task: Task, *, progress: str, version: int | None = None) -> Task:
    progress = _text(progress, "progress", REASON_MAX, _("Say what has been done."))
    return engine.apply(TASK, actor, task, "report_progress", version=version, note=progress)


def report_done(actor, task: Task, *, progress: str, version: int | None = None) -> Task:
    """The handlers say the task is done; the assigner then accepts it or sends it back."""
    progress = _text(progress, "progress", REASON_MAX, _("Say what has been done."))

    def change(t: Task) -> None:
        t.reported_done_at = timezone.now()
        with alerts.county_language():
            said = _("Reported done: %(task)s") % {"task": t.title}
        alerts.raise_alert(TASK, t, t.assigner_unit_id, said)

    return engine.apply(TASK, actor, task, "report_done", version=version, note=progress, change=change)


def accept(actor, task: Task, *, version: int | None = None, note: str = "") -> Task:
    def change(t: Task) -> None:
        t.accepted_at = timezone.now()
        _clear_reported(t, actor)

    return engine.apply(TASK, actor, task, "accept", version=version, note=note, change=change)


def send_back(actor, task: Task, *, reason: str, version: int | None = None) -> Task:
    """Not done as asked: back to the handlers with the reason; their deadline stands."""
    reason = _reason(reason, _("Say what is still to be done."))

    def change(t: Task) -> None:
        t.reported_done_at = None
        _clear_reported(t, actor)
        with alerts.county_language():
            said = _("Sent back: %(reason)s") % {"reason": reason}
        alerts.raise_alert(TASK, t, t.handling_unit_id, said)

    return engine.apply(TASK, actor, task, "send_back", version=version, note=reason, change=change)


def supervise(actor, task: Task, *, reason: str, version: int | None = None) -> Task:
    """督办 by the assigner: a reminder with what it expects, in the handlers' work list."""
    reason = _reason(reason, _("Say what the handlers are to do."))

    def change(t: Task) -> None:
        with alerts.county_language():
            said = _("Supervised: %(reason)s") % {"reason": reason}
        alerts.raise_alert(TASK, t, t.handling_unit_id, said)

    return engine.apply(TASK, actor, task, "supervise", version=version, note=reason, change=change)


def _clear_reported(task: Task, actor) -> None:
    """The report of completion the assigner was alerted to is decided."""
    alerts.clear(
        TASK.alert_model.objects.filter(task=task, unit_id=task.assigner_unit_id, extension__isnull=True),
        actor,
        timezone.now(),
    )


def request_extension(actor, task: Task, *, working_days: int, reason: str):
    """Ask the assigning unit for more time."""
    return extensions.request(TASK, actor, task, working_days=working_days, reason=reason)


def decide_extension(actor, request, *, approve: bool, note: str = ""):
    return extensions.decide(TASK, actor, request, approve=approve, note=note)


def add_attachment(actor, task: Task, upload, *, description: str = ""):
    return attachments.attach(TASK, actor, task, upload, description=description)
