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

from .choices import (
    DISPATCH,
    REASON_MAX,
    TEXT_MAX,
    TITLE_MAX,
    ActivityKind,
    MeetingKind,
    Origin,
    ReportStatus,
    TaskStatus,
    Urgency,
)
from .kind import TASK
from .models import (
    Activity,
    ActivityFile,
    Decision,
    DocumentReview,
    MatterReport,
    MatterReportFile,
    Meeting,
    MeetingFile,
    Rectification,
    Task,
)
from .report_kind import REPORT, committee_of

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
    if not covers(actor, DISPATCH, meeting.region_id):
        with refusals_recorded(actor, "meeting.attach", meeting, region_code=meeting.region_id):
            raise PermissionDenied(_("You do not record meetings of %(unit)s.") % {"unit": meeting.region})
    stored = MeetingFile(meeting=meeting, description=description[:200])
    return _store(actor, "meeting.attach", meeting, stored, upload)


def _store(actor, action: str, owner, stored, upload):
    """Check a file by its content (the case file's rule), keep it, and write the audit row."""
    with refusals_recorded(actor, action, owner, region_code=owner.region_id):
        try:
            content_type, extension = attachments.check_attachment(upload)
        except ValidationError as error:
            raise ValidationError({"file": error.messages}) from None
        with transaction.atomic():
            stored.original_name = upload.name[:200]
            stored.content_type = content_type
            stored.size = upload.size
            stored.uploaded_by = actor
            stored.file.save(f"upload{extension}", upload, save=False)
            stored.save()
            record(
                actor,
                action,
                owner,
                region_code=owner.region_id,
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
    report: MatterReport | None = None,
    rectification: Rectification | None = None,
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
        if rectification is not None and unit.code != rectification.region_id:
            errors["unit"] = _("A rectification measure is assigned to its village.")
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
            report=report,
            rectification=rectification,
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
            if report is not None:
                # The report moves on the workflow first: only its committee makes it a task, and a
                # refusal leaves no task behind.
                task.report = engine.apply(REPORT, actor, report, "make_task", version=None, note=task.title)
            task.save()
            engine.add_timeline(TASK, task, actor, "assign", "", TaskStatus.ASSIGNED, task.title)
            with alerts.county_language():
                said = _("New task from %(unit)s, due %(day)s.") % {
                    "unit": assigner_unit.name,
                    "day": deadline,
                }
            alerts.raise_alert(TASK, task, unit.code, said, topic=alerts.Topic.ASSIGNMENT)
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
        alerts.raise_alert(TASK, t, t.handling_unit_id, said, topic=alerts.Topic.URGING)

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


# --- major-matter reports and document reviews ------------------------------------------------------


def may_answer_report(user, report: MatterReport) -> bool:
    """The county committee answers: those who dispatch work at the county."""
    return covers(user, DISPATCH, report.region_id[:6])


def submit_report(
    actor, *, region: Region, title: str, content: str, urgency: str = Urgency.ORDINARY
) -> MatterReport:
    """A unit reports a major matter to the county committee, which is alerted and has until the
    limit its urgency sets to acknowledge it."""
    with refusals_recorded(actor, "report.submit", region_code=region.code):
        if not covers(actor, "case.handle", region.code):
            raise PermissionDenied(_("You do not report for %(unit)s.") % {"unit": region})
        if urgency not in Urgency.values:
            raise ValidationError({"urgency": _("Choose how urgent it is.")})
        now = timezone.now()
        report = MatterReport(
            region=region,
            title=_text(title, "title", TITLE_MAX, _("Name the matter.")),
            content=_text(content, "content", TEXT_MAX, _("Write the report.")),
            urgency=urgency,
            submitted_by=actor,
            submitted_at=now,
            status=ReportStatus.SUBMITTED,
            handling_unit_id=committee_of(region.code),
        )
        limits.start_limit(REPORT, report, now)
        with transaction.atomic():
            report.save()
            engine.add_timeline(REPORT, report, actor, "submit", "", report.status, report.title)
            with alerts.county_language():
                said = _("%(unit)s reports a major matter (%(urgency)s).") % {
                    "unit": region.name,
                    "urgency": Urgency(urgency).label,
                }
            alerts.raise_alert(REPORT, report, report.handling_unit_id, said, topic=alerts.Topic.NOTICE)
            require_in_scope(report, actor, "case.view")
            record(
                actor,
                "report.submit",
                report,
                region_code=region.code,
                after={"title": report.title, **engine.snapshot(REPORT, report)},
            )
    return report


def add_report_file(actor, report: MatterReport, upload) -> MatterReportFile:
    if not covers(actor, "case.handle", report.region_id):
        with refusals_recorded(actor, "report.attach", report, region_code=report.region_id):
            raise PermissionDenied(_("You do not report for %(unit)s.") % {"unit": report.region})
    return _store(actor, "report.attach", report, MatterReportFile(report=report), upload)


def _acknowledged(report: MatterReport, actor, now) -> None:
    if report.acknowledged_at is None:
        report.acknowledged_at, report.acknowledged_by = now, actor
    # The committee has answered: its clock stops, and the cards of the limit no longer stand.
    limits.clear_limit(report)


def acknowledge_report(actor, report: MatterReport, *, version: int | None = None) -> MatterReport:
    def change(locked):
        _acknowledged(locked, actor, timezone.now())

    return engine.apply(REPORT, actor, report, "acknowledge", version=version, change=change)


def instruct_report(
    actor, report: MatterReport, *, instruction: str, version: int | None = None
) -> MatterReport:
    """批示: the committee's instructions, kept on the report (the latest) and on its timeline (each);
    the reporting unit is told."""
    text = _text(instruction, "instruction", TEXT_MAX, _("Write the instructions."))

    def change(locked):
        now = timezone.now()
        _acknowledged(locked, actor, now)
        locked.instruction, locked.instructed_at = text, now

    changed = engine.apply(REPORT, actor, report, "instruct", version=version, note=text, change=change)
    with alerts.county_language():
        said = _("The county committee gave instructions on “%(title)s”.") % {"title": changed.title}
    alerts.raise_alert(REPORT, changed, changed.region_id, said, topic=alerts.Topic.NOTICE)
    return changed


def close_report(actor, report: MatterReport, *, reason: str, version: int | None = None) -> MatterReport:
    text = _text(reason, "reason", REASON_MAX, _("Say why the report is closed."))
    return engine.apply(REPORT, actor, report, "close", version=version, note=text)


def answer_report(actor, report: MatterReport, *, instruction: str = "") -> MatterReport:
    """The page's one answer: with words, instructions (acknowledging too); without, acknowledgement."""
    if len(instruction) > TEXT_MAX:
        raise ValidationError({"instruction": _("At most %(n)d characters.") % {"n": TEXT_MAX}})
    if instruction.strip():
        return instruct_report(actor, report, instruction=instruction)
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError(
            {"instruction": _("The report is acknowledged already; write the instructions.")}
        )
    return acknowledge_report(actor, report)


def report_transitions(report: MatterReport, user) -> list[str]:
    return engine.allowed(REPORT, report, user)


def log_review(
    actor, *, region: Region, document: str, reference: str, reviewer: str, instruction: str, reviewed_at
) -> DocumentReview:
    """阅批, logged: the document, the leader as it names them, the instruction text and its time."""
    with refusals_recorded(actor, "review.log", region_code=region.code):
        if not covers(actor, DISPATCH, region.code):
            raise PermissionDenied(_("You do not keep the records of %(unit)s.") % {"unit": region})
        if reviewed_at > timezone.now():
            raise ValidationError({"reviewed_at": _("The time is in the future.")})
        review = DocumentReview(
            region=region,
            document=_text(document, "document", 200, _("Name the document.")),
            reference=(reference or "").strip()[:50],
            reviewer=_text(reviewer, "reviewer", 100, _("Say who reviewed it.")),
            instruction=_text(instruction, "instruction", TEXT_MAX, _("Write the instructions.")),
            reviewed_at=reviewed_at,
            recorded_by=actor,
        )
        with transaction.atomic():
            review.save()
            record(
                actor,
                "review.log",
                review,
                region_code=region.code,
                after={"document": review.document, "reviewer": review.reviewer},
            )
    return review


# --- activities ----------------------------------------------------------------------------------------


def check_activity(
    actor, region: Region, *, kind: str, held_on: dt.date, title: str, organiser: str, participants: int
):
    """The errors of one activity, by field (empty when it may be recorded)."""
    errors = {}
    if not covers(actor, DISPATCH, region.code):
        errors["region"] = _("You do not keep the records of %(unit)s.") % {"unit": region}
    if kind not in ActivityKind.values:
        errors["kind"] = _("Choose the kind of activity.")
    if held_on > timezone.localdate():
        errors["held_on"] = _("The date is in the future.")
    if not (title or "").strip():
        errors["title"] = _("Give the activity a title.")
    if not (organiser or "").strip():
        errors["organiser"] = _("Name the organiser.")
    if participants < 0 or participants > 1_000_000:
        errors["participants"] = _("Give the number of participants.")
    return errors


def record_activity(
    actor,
    *,
    region: Region,
    kind: str,
    held_on: dt.date,
    title: str,
    organiser: str,
    participants: int = 0,
    note: str = "",
) -> Activity:
    with refusals_recorded(actor, "activity.record", region_code=region.code):
        errors = check_activity(
            actor,
            region,
            kind=kind,
            held_on=held_on,
            title=title,
            organiser=organiser,
            participants=participants,
        )
        if "region" in errors:
            raise PermissionDenied(errors["region"])
        if errors:
            raise ValidationError(errors)
        activity = Activity(
            region=region,
            kind=kind,
            held_on=held_on,
            title=title.strip()[:TITLE_MAX],
            organiser=organiser.strip()[:100],
            participants=participants,
            note=(note or "").strip()[:TEXT_MAX],
            created_by=actor,
        )
        with transaction.atomic():
            activity.save()
            record(
                actor,
                "activity.record",
                activity,
                region_code=region.code,
                after={"kind": kind, "held_on": str(held_on), "title": activity.title},
            )
    return activity


def add_activity_file(actor, activity: Activity, upload) -> ActivityFile:
    if not covers(actor, DISPATCH, activity.region_id):
        with refusals_recorded(actor, "activity.attach", activity, region_code=activity.region_id):
            raise PermissionDenied(_("You do not keep the records of %(unit)s.") % {"unit": activity.region})
    return _store(actor, "activity.attach", activity, ActivityFile(activity=activity), upload)


# --- village rectification ------------------------------------------------------------------------------


def list_village(actor, *, region: Region, listed_on: dt.date, reason: str) -> Rectification:
    """List a village for rectification; one village has one plan."""
    with refusals_recorded(actor, "rectification.list", region_code=region.code):
        if not covers(actor, DISPATCH, region.code):
            raise PermissionDenied(_("You do not keep the records of %(unit)s.") % {"unit": region})
        if region.level != "village":
            raise ValidationError({"region": _("Villages are listed for rectification.")})
        if Rectification.objects.filter(region=region).exists():
            raise ValidationError(
                {"region": _("%(unit)s is listed already: one village, one plan.") % {"unit": region}}
            )
        if listed_on > timezone.localdate():
            raise ValidationError({"listed_on": _("The date is in the future.")})
        rectification = Rectification(
            region=region,
            listed_on=listed_on,
            reason=_text(reason, "reason", TEXT_MAX, _("Say why the village is listed.")),
            listed_by=actor,
        )
        with transaction.atomic():
            rectification.save()
            record(
                actor,
                "rectification.list",
                rectification,
                region_code=region.code,
                after={"reason": reason[:200]},
            )
    return rectification


def set_plan(
    actor, rectification: Rectification, *, plan: str, cadre_name: str, cadre_unit: str
) -> Rectification:
    """The village's plan and the cadre sent there: a name and a unit, nothing more of them."""
    with refusals_recorded(actor, "rectification.plan", rectification, region_code=rectification.region_id):
        if not covers(actor, DISPATCH, rectification.region_id):
            raise PermissionDenied(
                _("You do not keep the records of %(unit)s.") % {"unit": rectification.region}
            )
        if rectification.accepted_at is not None:
            raise ValidationError(_("The rectification has been accepted; its plan is closed."))
        with transaction.atomic():
            locked = Rectification.objects.select_for_update().get(pk=rectification.pk)
            before = {"plan": locked.plan[:200], "cadre": f"{locked.cadre_name} {locked.cadre_unit}".strip()}
            locked.plan = _text(plan, "plan", TEXT_MAX, _("Write the plan."))
            locked.cadre_name = (cadre_name or "").strip()[:50]
            locked.cadre_unit = (cadre_unit or "").strip()[:100]
            locked.save()
            after = {"plan": locked.plan[:200], "cadre": f"{locked.cadre_name} {locked.cadre_unit}".strip()}
            record(
                actor, "rectification.plan", locked, region_code=locked.region_id, before=before, after=after
            )
    return locked


def accept_rectification(actor, rectification: Rectification, *, note: str) -> Rectification:
    """The township above accepts the village's rectification once every measure is accepted."""
    with refusals_recorded(actor, "rectification.accept", rectification, region_code=rectification.region_id):
        if not covers(actor, DISPATCH, rectification.region_id[:9]):
            raise PermissionDenied(_("The township above the village accepts its rectification."))
        measures = rectification.measures.all()
        if not measures.exists():
            raise ValidationError(_("Assign the plan's measures first."))
        if measures.exclude(status=TaskStatus.ACCEPTED).exists():
            raise ValidationError(_("Every measure must be accepted as done first."))
        if rectification.accepted_at is not None:
            raise ValidationError(_("The rectification has been accepted already."))
        with transaction.atomic():
            locked = Rectification.objects.select_for_update().get(pk=rectification.pk)
            locked.accepted_at = timezone.now()
            locked.acceptance_note = _text(note, "note", TEXT_MAX, _("Write the acceptance."))
            locked.save()
            record(
                actor, "rectification.accept", locked, region_code=locked.region_id, after={"accepted": True}
            )
    return locked
