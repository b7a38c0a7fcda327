"""What the platform core keeps in the database: import jobs."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def new_token() -> str:
    return secrets.token_urlsafe(24)


class ImportJob(models.Model):
    """An uploaded sheet between the steps of its import, and the import's progress and report.

    Kept in the database, file included, so the web process and the background worker need share
    no disk: the worker reads the file from here and writes its progress here, and the page reads
    it back. Files are capped by ANJU_IMPORT_MAX_MB; the file is emptied once it is imported, and
    jobs are forgotten after KEEP_DAYS (anju.core.importjobs)."""

    class State(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        QUEUED = "queued", _("Waiting to start")
        CHECKING = "checking", _("Checking the rows")
        IMPORTING = "importing", _("Importing")
        DONE = "done", _("Imported")
        REJECTED = "rejected", _("Refused: bad rows")
        FAILED = "failed", _("Failed")

    token = models.CharField(max_length=64, unique=True, default=new_token)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30)
    filename = models.CharField(max_length=200)
    data = models.BinaryField(default=b"")
    header_row = models.PositiveIntegerField(null=True, blank=True)
    headers = models.JSONField(default=list)
    rows = models.PositiveIntegerField(default=0)
    mapping = models.JSONField(default=dict)
    state = models.CharField(max_length=10, choices=State.choices, default=State.UPLOADED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    report = models.JSONField(null=True, blank=True)
    language = models.CharField(max_length=10, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    RUNNING = (State.QUEUED, State.CHECKING, State.IMPORTING)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        indexes = [models.Index(fields=["owner", "kind", "created_at"], name="importjob_owner_recent")]

    def __str__(self) -> str:
        return f"{self.kind} {self.filename} ({self.state})"

    @property
    def running(self) -> bool:
        return self.state in self.RUNNING

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0
