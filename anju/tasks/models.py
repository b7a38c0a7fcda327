"""Supervision (督办): meetings and their decisions, and supervised tasks assigned to units with a
deadline, as a kind of case on the shared workflow. A task belongs to the unit it is assigned to
(its region); the unit that assigned it accepts it, sends it back and decides its extensions."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anju.core.scoping import ScopedManager
from anju.workflow.models import (
    AlertBase,
    AttachmentBase,
    ExtensionRequestBase,
    StoredFileBase,
    TimelineEntryBase,
)

from .choices import UNFINISHED, ActivityKind, MeetingKind, Origin, ReportStatus, TaskStatus, Urgency


class Meeting(models.Model):
    """A meeting held by a unit (the county's standing committee, a special meeting of a township):
    its topics and attendees as written in the minutes, and the decisions taken."""

    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("held by")
    )
    kind = models.CharField(_("kind of meeting"), max_length=20, choices=MeetingKind.choices)
    held_on = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=100)
    topics = models.TextField(_("topics"))
    # Units and offices as the minutes list them: the meeting keeps no register of people.
    attendees = models.TextField(_("attendees"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    scope_perm = "case"
    scope_path = "region__code"

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["held_on", "id"], name="meeting_day_id")]

    def __str__(self) -> str:
        return f"{self.held_on} {self.title}"


def meeting_file_path(instance: MeetingFile, filename: str) -> str:
    return f"meetings/{instance.meeting_id}/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class MeetingFile(AttachmentBase):
    """The minutes (scans or PDFs), served only through the scoped page."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("file"), upload_to=meeting_file_path, max_length=200)

    class Meta(AttachmentBase.Meta):
        verbose_name = _("minutes file")
        verbose_name_plural = _("minutes files")


class Decision(models.Model):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("meeting")
    )
    text = models.TextField(_("decision"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["meeting_id", "id"]

    def __str__(self) -> str:
        return self.text[:50]


class Task(models.Model):
    """A supervised task: assigned by one unit to another with a deadline, worked on, reported done
    and accepted by the assigner (or sent back)."""

    title = models.CharField(_("task"), max_length=100)
    description = models.TextField(_("what is to be done"))
    origin = models.CharField(_("origin"), max_length=20, choices=Origin.choices)
    decision = models.ForeignKey(
        Decision,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
        verbose_name=_("meeting decision"),
    )
    report = models.ForeignKey(
        "MatterReport",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
        verbose_name=_("major-matter report"),
    )
    rectification = models.ForeignKey(
        "Rectification",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="measures",
        verbose_name=_("village rectification"),
    )
    # The instruction, report or measure the task carries out, in the words it was given.
    source_note = models.CharField(_("source"), max_length=200, blank=True)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("assigned to")
    )
    # The same unit as `region` (tasks are not passed on): the workflow checks permissions on it.
    handling_unit = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("handling unit")
    )
    assigner_unit = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("assigned by")
    )
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(_("assigned at"))
    deadline = models.DateField(pgettext_lazy("task", "deadline"))
    status = models.CharField(
        _("status"), max_length=14, choices=TaskStatus.choices, default=TaskStatus.ASSIGNED
    )
    version = models.PositiveIntegerField(default=1)
    due_at = models.DateTimeField(pgettext_lazy("task", "due"), null=True, blank=True)
    warned_at = models.DateTimeField(_("yellow card at"), null=True, blank=True)
    overdue_at = models.DateTimeField(_("red card at"), null=True, blank=True)
    reported_done_at = models.DateTimeField(_("reported done at"), null=True, blank=True)
    accepted_at = models.DateTimeField(pgettext_lazy("task", "accepted at"), null=True, blank=True)

    objects = ScopedManager()
    scope_perm = "case"
    scope_path = "region__code"

    class Meta:
        verbose_name = _("supervised task")
        verbose_name_plural = _("supervised tasks")
        ordering = ["-assigned_at", "-id"]
        indexes = [
            models.Index(fields=["assigned_at", "id"], name="task_time_id"),
            models.Index(fields=["status", "due_at"], name="task_status_due"),
            models.Index(fields=["handling_unit", "status"], name="task_unit_status"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_finished(self) -> bool:
        return self.status not in UNFINISHED

    @property
    def on_time(self) -> bool | None:
        """Accepted with its last report of completion within the (extended) limit; None while open."""
        if self.status != TaskStatus.ACCEPTED or self.reported_done_at is None or self.due_at is None:
            return None
        return self.reported_done_at <= self.due_at


class TimelineEntry(TimelineEntryBase):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="timeline", verbose_name=_("task"))

    scope_path = "task__region__code"

    class Meta(TimelineEntryBase.Meta):
        verbose_name = _("task timeline entry")
        verbose_name_plural = _("task timeline")


class ExtensionRequest(ExtensionRequestBase):
    """More time for a task, decided by the unit that assigned it."""

    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, related_name="extensions", verbose_name=_("task")
    )

    class Meta(ExtensionRequestBase.Meta):
        verbose_name = _("task extension request")
        verbose_name_plural = _("task extension requests")


class Alert(AlertBase):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="alerts", verbose_name=_("task"))
    extension = models.ForeignKey(
        ExtensionRequest, null=True, blank=True, on_delete=models.CASCADE, related_name="alerts"
    )

    class Meta(AlertBase.Meta):
        verbose_name = _("task alert")
        verbose_name_plural = _("task alerts")


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"tasks/{instance.task_id}/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class Attachment(AttachmentBase):
    """Files with progress reports and the report of completion."""

    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("task")
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)

    class Meta(AttachmentBase.Meta):
        verbose_name = _("task attachment")
        verbose_name_plural = _("task attachments")


def _file_path(instance, filename: str) -> str:
    return f"supervision/{instance.owner_folder}/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class StoredFile(StoredFileBase):
    """A scan, photo or PDF kept beside a report or an activity, served only through its scoped page."""

    file = models.FileField(_("file"), upload_to=_file_path, max_length=200)

    class Meta(StoredFileBase.Meta):
        abstract = True


class MatterReport(models.Model):
    """请示报告: a township or county unit reports a major matter to the county committee, which
    acknowledges it, gives its instructions (批示) and may make it a supervised task."""

    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("reporting unit")
    )
    title = models.CharField(_("matter"), max_length=100)
    content = models.TextField(_("report"))
    urgency = models.CharField(_("urgency"), max_length=12, choices=Urgency.choices, default=Urgency.ORDINARY)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("reported at"))
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    # The latest instructions; every one given is also a row of the timeline.
    instruction = models.TextField(_("instructions"), blank=True)
    instructed_at = models.DateTimeField(_("instructed at"), null=True, blank=True)
    # On the shared workflow (tasks.report_kind): the committee that answers is the handling unit,
    # the county of the reporting unit; the limit is for its acknowledgement, by urgency.
    status = models.CharField(
        _("status"), max_length=12, choices=ReportStatus.choices, default=ReportStatus.SUBMITTED
    )
    version = models.PositiveIntegerField(default=1)
    handling_unit = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("answered by")
    )
    due_at = models.DateTimeField(_("acknowledge by"), null=True, blank=True)
    warned_at = models.DateTimeField(_("yellow card at"), null=True, blank=True)
    overdue_at = models.DateTimeField(_("red card at"), null=True, blank=True)

    objects = ScopedManager()
    scope_perm = "case"
    scope_path = "region__code"

    class Meta:
        verbose_name = _("major-matter report")
        verbose_name_plural = _("major-matter reports")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["submitted_at", "id"], name="matter_report_time_id"),
            models.Index(fields=["status", "due_at"], name="matter_report_status_due"),
        ]

    def __str__(self) -> str:
        return self.title


class MatterReportTimelineEntry(TimelineEntryBase):
    report = models.ForeignKey(
        MatterReport, on_delete=models.CASCADE, related_name="timeline", verbose_name=_("major-matter report")
    )

    scope_path = "report__region__code"

    class Meta(TimelineEntryBase.Meta):
        verbose_name = _("report timeline entry")
        verbose_name_plural = _("report timeline")


class MatterReportAlert(AlertBase):
    report = models.ForeignKey(
        MatterReport, on_delete=models.CASCADE, related_name="alerts", verbose_name=_("major-matter report")
    )

    class Meta(AlertBase.Meta):
        verbose_name = _("report alert")
        verbose_name_plural = _("report alerts")


class MatterReportFile(StoredFile):
    report = models.ForeignKey(MatterReport, on_delete=models.CASCADE, related_name="files")
    owner_folder = "reports"

    class Meta(StoredFile.Meta):
        verbose_name = _("report file")
        verbose_name_plural = _("report files")


class DocumentReview(models.Model):
    """阅批: a leader read a document and wrote instructions on it, logged with the text and time."""

    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    document = models.CharField(_("document"), max_length=200)
    reference = models.CharField(_("document number"), max_length=50, blank=True)
    # The leader as the document names them (a title, not a register of people).
    reviewer = models.CharField(_("reviewed by"), max_length=100)
    instruction = models.TextField(_("instructions"))
    reviewed_at = models.DateTimeField(_("reviewed at"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    scope_perm = "case"
    scope_path = "region__code"

    class Meta:
        verbose_name = _("document review")
        verbose_name_plural = _("document reviews")
        ordering = ["-reviewed_at", "-id"]

    def __str__(self) -> str:
        return self.document


class Activity(models.Model):
    """A training, competition, award, publicity event or inspection, as the annual report counts them."""

    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    kind = models.CharField(_("kind of activity"), max_length=12, choices=ActivityKind.choices)
    held_on = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=100)
    organiser = models.CharField(_("organiser"), max_length=100)
    participants = models.PositiveIntegerField(_("participants"), default=0)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    scope_perm = "case"
    scope_path = "region__code"

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["held_on", "id"], name="activity_day_id")]

    def __str__(self) -> str:
        return self.title


class ActivityFile(StoredFile):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="files")
    owner_folder = "activities"

    class Meta(StoredFile.Meta):
        verbose_name = _("activity file")
        verbose_name_plural = _("activity files")


class Rectification(models.Model):
    """A village listed for rectification (整治): one plan per village, the cadre sent there (name and
    unit only), measures as supervised tasks, and the acceptance."""

    region = models.OneToOneField(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("village")
    )
    listed_on = models.DateField(_("listed on"))
    reason = models.TextField(_("why it is listed"))
    plan = models.TextField(_("plan"), blank=True)
    cadre_name = models.CharField(_("cadre sent to the village"), max_length=50, blank=True)
    cadre_unit = models.CharField(_("cadre's unit"), max_length=100, blank=True)
    listed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    accepted_at = models.DateTimeField(pgettext_lazy("task", "accepted at"), null=True, blank=True)
    acceptance_note = models.TextField(_("acceptance"), blank=True)

    objects = ScopedManager()
    scope_perm = "case"
    scope_path = "region__code"

    class Meta:
        verbose_name = _("village rectification")
        verbose_name_plural = _("village rectifications")
        ordering = ["-listed_on", "-id"]

    def __str__(self) -> str:
        return str(self.region_id)


class Department(models.Model):
    """A county department (县直部门: 县公安局, 县司法局) that supervised tasks are addressed to.

    It is a unit of the jurisdiction tree like a township: a region under its county, with a code in
    the range GB/T 10114 leaves to units other than townships (county + 501-599), marked here as a
    department. So the county assigns it tasks as to any unit below it, its staff are given roles on
    it as on any unit and see its tasks and nothing of the townships, and every scoping rule holds
    unchanged."""

    unit = models.OneToOneField(
        "regions.Region",
        primary_key=True,
        on_delete=models.PROTECT,
        related_name="department",
        verbose_name=_("unit"),
    )
    # Empty when the platform added it (a command run by the system).
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    scope_perm = "case"
    scope_path = "unit__code"

    class Meta:
        verbose_name = _("county department")
        verbose_name_plural = _("county departments")
        ordering = ["unit_id"]

    def __str__(self) -> str:
        return str(self.unit_id)
