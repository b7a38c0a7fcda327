"""Import jobs: an uploaded sheet kept between the page's steps, and a background import's progress
and report, in the database (anju.core.models.ImportJob) so web and worker share no disk."""

from __future__ import annotations

import datetime as dt
import re
import time

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.utils import timezone

from .models import ImportJob

KEEP = dt.timedelta(days=2)
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
# Progress is written at most this often: a page polling every second sees it move, and a
# 100,000-row import writes a few dozen updates, not one per batch.
PROGRESS_EVERY = 0.5


def save_upload(owner, kind: str, data: bytes, filename: str, headers: list[str], header_row: int, rows: int):
    forget_old()
    return ImportJob.objects.create(
        owner=owner,
        kind=kind,
        filename=filename.replace("\\", "/").rsplit("/", 1)[-1][:200],
        data=data,
        headers=headers,
        header_row=header_row,
        rows=rows,
        total=rows,
    )


def forget_old() -> None:
    """Jobs older than KEEP go, their files with them."""
    ImportJob.objects.filter(created_at__lt=timezone.now() - KEEP).delete()


def job_of(token: str, owner=None, kind: str | None = None) -> ImportJob | None:
    """The job, or None if the token is malformed, unknown or another person's."""
    if not _TOKEN.match(token or ""):
        return None
    jobs = ImportJob.objects.filter(token=token)
    if owner is not None:
        jobs = jobs.filter(owner=owner)
    if kind is not None:
        jobs = jobs.filter(kind=kind)
    return jobs.first()


def recent(owner, kind: str, limit: int = 10) -> list[ImportJob]:
    """The person's recent imports that were started, newest first (without their files)."""
    jobs = ImportJob.objects.filter(owner=owner, kind=kind).exclude(state=ImportJob.State.UPLOADED)
    return list(jobs.defer("data").order_by("-created_at", "-id")[:limit])


class Progress:
    """progress(done, total) for an import: writes the job's state and counts, at most every
    PROGRESS_EVERY seconds (and always at the end).

    The import writes its rows in one transaction; progress written inside it would stay unseen
    until the end. On PostgreSQL it is written on a connection of its own, committed at once. Where
    that cannot be (SQLite allows one writer; a caller's transaction, as in tests, holds the job
    row), it is written on the import's own connection."""

    def __init__(self, job: ImportJob, state: str = ImportJob.State.IMPORTING):
        self.job = job
        self.state = state
        self.shown = 0.0
        self.side = None
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            self.side = connections.create_connection(DEFAULT_DB_ALIAS)

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self.shown < PROGRESS_EVERY:
            return
        self.shown = now
        self.job.done, self.job.total = done, total
        if self.side is None:
            ImportJob.objects.filter(pk=self.job.pk).update(
                state=self.state, done=done, total=total, updated_at=timezone.now()
            )
            return
        with self.side.cursor() as cursor:
            # The table name is the model's own, not input.
            cursor.execute(
                f"UPDATE {ImportJob._meta.db_table} SET state = %s, done = %s, total = %s, "  # noqa: S608
                "updated_at = %s WHERE id = %s",
                [self.state, done, total, timezone.now(), self.job.pk],
            )

    def close(self) -> None:
        if self.side is not None:
            self.side.close()
            self.side = None


def set_state(job: ImportJob, state: str, **fields) -> None:
    for name, value in {"state": state, **fields}.items():
        setattr(job, name, value)
    ImportJob.objects.filter(pk=job.pk).update(state=state, updated_at=timezone.now(), **fields)
