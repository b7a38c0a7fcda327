"""Every write to the working calendar: the permission check, the change and the audit row in one
transaction. The calendar is county-wide, so it is kept by administrators (region.change)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from anju.audit.actions import record, refusals_recorded, rejected_import_detail, snapshot
from anju.audit.models import Result
from anju.core.scoping import holds_top_level
from anju.core.tabular import ImportReport, Table

from .choices import DayKind
from .importing import parse_days
from .models import CalendarDay

FIELDS = ["day", "kind", "name"]
OBJECT_TYPE = "worktime.calendarday"
CHANGE_PERM = "region.change"


def _object(day: dt.date) -> dict[str, str]:
    # Audit rows name the day, not the row id: "who changed 1 October" is the question asked.
    return {"object_type": OBJECT_TYPE, "object_id": day.isoformat()}


def may_change_calendar(user) -> bool:
    """The calendar is county-wide, so only a county-wide administrator changes it."""
    return holds_top_level(user, CHANGE_PERM)


def _check_change(actor) -> None:
    if not may_change_calendar(actor):
        raise PermissionDenied(_("Only administrators may change the working calendar."))


def _check_day(day) -> None:
    if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
        raise ValidationError({"day": _("A calendar day is a date, without a time.")})


def set_day(actor, day: dt.date, kind: str, name: str = "") -> CalendarDay:
    """Mark a day as a holiday or a make-up working day (or change its name). Setting what is
    already there changes nothing and writes nothing."""
    _check_day(day)
    with refusals_recorded(actor, "calendar.set", **_object(day)):
        _check_change(actor)
        if kind not in DayKind.values:
            raise ValidationError({"kind": _("Unknown kind %(kind)s.") % {"kind": kind}})
        with transaction.atomic():
            entry = CalendarDay.objects.select_for_update().filter(day=day).first()
            before = snapshot(entry, FIELDS) if entry is not None else None
            entry = entry or CalendarDay(day=day)
            entry.kind, entry.name = kind, (name or "").strip()
            entry.full_clean()
            after = snapshot(entry, FIELDS)
            if after == before:
                return entry
            entry.save()
            record(actor, "calendar.set", entry, before=before, after=after, **_object(entry.day))
    return entry


def clear_day(actor, day: dt.date) -> bool:
    """Let a day follow the default rule again. False when it had no override."""
    _check_day(day)
    with refusals_recorded(actor, "calendar.clear", **_object(day)):
        _check_change(actor)
        with transaction.atomic():
            entry = CalendarDay.objects.select_for_update().filter(day=day).first()
            if entry is None:
                return False
            before = snapshot(entry, FIELDS)
            entry.delete()
            record(
                actor,
                "calendar.clear",
                before=before,
                **_object(day),
            )
    return True


@dataclass
class CalendarImportReport(ImportReport):
    # The span the file covered, for the audit row and to open the page on its year.
    first: dt.date | None = None
    last: dt.date | None = None


def import_days(actor, table: Table, *, filename: str = "") -> CalendarImportReport:
    """Set every day of a checked table, or nothing at all if any row is bad. Days not in the file
    are left as they are; importing the same file again changes nothing."""
    with refusals_recorded(actor, "calendar.import", object_type=OBJECT_TYPE, object_id=filename[:64]):
        _check_change(actor)
    parsed = parse_days(table)
    report = CalendarImportReport(errors=list(parsed.errors))
    if report.errors:
        record(
            actor,
            "calendar.import",
            result=Result.REFUSED,
            detail=rejected_import_detail(filename, report.bad_rows),
        )
        return report
    rows = sorted(parsed.rows, key=lambda r: r.day)
    report.first, report.last = rows[0].day, rows[-1].day
    with transaction.atomic():
        existing = {
            e.day: e
            for e in CalendarDay.objects.select_for_update().filter(
                day__gte=report.first, day__lte=report.last
            )
        }
        for row in rows:
            entry = existing.get(row.day)
            before = snapshot(entry, FIELDS) if entry is not None else None
            entry = entry or CalendarDay(day=row.day)
            entry.kind, entry.name = row.kind, row.name
            after = snapshot(entry, FIELDS)
            if after == before:
                report.unchanged += 1
                continue
            entry.save()
            if before is None:
                report.created += 1
            else:
                report.updated += 1
            record(
                actor,
                "calendar.set",
                entry,
                before=before,
                after=after,
                detail=f"import {filename}",
                **_object(entry.day),
            )
        record(
            actor,
            "calendar.import",
            after={
                "file": filename,
                "first": report.first.isoformat(),
                "last": report.last.isoformat(),
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
            },
        )
    return report
