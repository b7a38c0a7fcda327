"""A small kind of case that exists only in the test suite: three statuses, four transitions, a
limit of three working days. It is declared to the shared machinery exactly as disputes are, so the
tests drive apply, cards, extensions and the sweep without any dispute code."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from anju.core.scoping import ScopedManager
from anju.workflow.kinds import Kind
from anju.workflow.limits import WorkingDays
from anju.workflow.models import AlertBase, ExtensionRequestBase, TimelineEntryBase
from anju.workflow.transitions import table, transition


class ToyStatus(models.TextChoices):
    NEW = "new", "New"
    WORKING = "working", "Working"
    DONE = "done", "Done"


class ToyCase(models.Model):
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    handling_unit = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=12, choices=ToyStatus.choices, default=ToyStatus.NEW)
    version = models.PositiveIntegerField(default=1)
    due_at = models.DateTimeField(null=True, blank=True)
    warned_at = models.DateTimeField(null=True, blank=True)
    overdue_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager()
    scope_perm = "case"
    scope_path = "region__code"

    class Meta:
        app_label = "workflow"

    def __str__(self) -> str:
        return f"toy {self.pk}"


class ToyTimeline(TimelineEntryBase):
    case = models.ForeignKey(ToyCase, on_delete=models.CASCADE, related_name="timeline")
    scope_path = "case__region__code"

    class Meta(TimelineEntryBase.Meta):
        app_label = "workflow"


class ToyExtension(ExtensionRequestBase):
    case = models.ForeignKey(ToyCase, on_delete=models.CASCADE, related_name="extensions")

    class Meta(ExtensionRequestBase.Meta):
        app_label = "workflow"


class ToyAlert(AlertBase):
    case = models.ForeignKey(ToyCase, on_delete=models.CASCADE, related_name="alerts")
    extension = models.ForeignKey(ToyExtension, null=True, blank=True, on_delete=models.CASCADE)

    class Meta(AlertBase.Meta):
        app_label = "workflow"


MODELS = [ToyCase, ToyTimeline, ToyExtension, ToyAlert]

HANDLE, DISPATCH = "case.handle", "case.dispatch"

TOY = Kind(
    name="toy",
    label="Toy",
    model=ToyCase,
    statuses=ToyStatus,
    open_statuses=frozenset({ToyStatus.NEW, ToyStatus.WORKING}),
    transitions=table(
        transition("start", {ToyStatus.NEW}, ToyStatus.WORKING, HANDLE, "Start", "Started"),
        transition("note", {ToyStatus.WORKING}, None, HANDLE, "Note", "Noted"),
        transition("finish", {ToyStatus.WORKING}, ToyStatus.DONE, HANDLE, "Finish", "Finished"),
        transition("reopen", {ToyStatus.DONE}, ToyStatus.WORKING, DISPATCH, "Reopen", "Reopened"),
    ),
    events={"created": _("Registered")},
    timeline_model=ToyTimeline,
    alert_model=ToyAlert,
    extension_model=ToyExtension,
    case_field="case",
    audited=("status", "due_at", "version"),
    limits=WorkingDays(lambda case: 3),
    unit_above=lambda code: code[:9] if len(code) > 9 else code[:6],
)
