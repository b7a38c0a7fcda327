"""Keeping the calendar: only administrators change it, every change and refusal is in the audit
log, and an import is all rows or none."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from openpyxl import Workbook

from anju.audit.models import AuditEvent
from anju.core.scoping import SYSTEM
from anju.core.tabular import read_table
from anju.demo.testing import local
from anju.worktime import actions
from anju.worktime import calendar as wc
from anju.worktime.calendar import WorkingCalendar
from anju.worktime.models import CalendarDay

from .factories import end_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    # Messages are checked in English, the source language, whatever the Chinese catalogue holds.
    with translation.override("en"):
        yield


FESTIVAL_CSV = (
    "日期,类型,名称\n"
    "2030-01-27,班,春节调休\n"
    "2030/2/2,休,春节\n"
    "2030年2月4日,节假日,春节\n"
    "2030-02-05,放假,春节\n"
    "2030-02-06,holiday,春节\n"
    "2030-02-07,休,春节\n"
    "2030-02-08,休,春节\n"
    "2030-02-16,调休上班,春节调休\n"
)


def table(text: str, name: str = "days.csv"):
    return read_table(text.encode("utf-8"), name)


def events(action: str, **filters):
    return AuditEvent.objects.filter(action=action, **filters).order_by("id")


# Setting and clearing a day ---------------------------------------------------------------------


def test_an_administrator_sets_a_holiday_and_deadlines_move(cast):
    start = local(2030, 2, 1, 10, 0)  # a Friday
    assert wc.add_working_days(start, 1) == end_of(2030, 2, 4)
    entry = actions.set_day(cast.admin, dt.date(2030, 2, 4), "holiday", " 春节 ")
    assert (entry.kind, entry.name) == ("holiday", "春节")
    assert wc.add_working_days(start, 1) == end_of(2030, 2, 5)
    (event,) = events("calendar.set")
    assert event.actor == cast.admin and event.result == "ok"
    assert event.object_id == "2030-02-04"
    assert event.before is None
    assert event.after == {"day": "2030-02-04", "kind": "holiday", "name": "春节"}


def test_changing_a_day_records_before_and_after_and_repeating_it_records_nothing(cast):
    actions.set_day(cast.admin, dt.date(2030, 2, 16), "workday", "调休")
    actions.set_day(cast.admin, dt.date(2030, 2, 16), "workday", "春节调休")
    actions.set_day(cast.admin, dt.date(2030, 2, 16), "workday", "春节调休")
    changes = events("calendar.set")
    assert [(e.before and e.before["name"], e.after["name"]) for e in changes] == [
        (None, "调休"),
        ("调休", "春节调休"),
    ]
    assert CalendarDay.objects.get(day=dt.date(2030, 2, 16)).name == "春节调休"


def test_a_township_officer_is_refused_and_the_refusal_is_audited(cast):
    with pytest.raises(PermissionDenied):
        actions.set_day(cast.officer_a, dt.date(2030, 2, 4), "holiday", "春节")
    assert not CalendarDay.objects.exists()
    (refusal,) = events("calendar.set")
    assert (refusal.actor, refusal.result, refusal.object_id) == (cast.officer_a, "refused", "2030-02-04")


@pytest.mark.parametrize("member", ["leader", "officer_a", "mediator_a1", "grid_a1", "auditor", "norole"])
def test_nobody_but_an_administrator_may_clear_a_day(cast, member):
    CalendarDay.objects.create(day=dt.date(2030, 2, 4), kind="holiday", name="春节")
    with pytest.raises(PermissionDenied):
        actions.clear_day(cast.user(member), dt.date(2030, 2, 4))
    assert CalendarDay.objects.filter(day=dt.date(2030, 2, 4)).exists()
    assert events("calendar.clear", result="refused").get().actor_username == member


def test_an_administrator_clears_a_day(cast):
    CalendarDay.objects.create(day=dt.date(2030, 2, 4), kind="holiday", name="春节")
    assert actions.clear_day(cast.admin, dt.date(2030, 2, 4)) is True
    assert WorkingCalendar.from_database().is_workday(dt.date(2030, 2, 4))
    (event,) = events("calendar.clear")
    assert event.before == {"day": "2030-02-04", "kind": "holiday", "name": "春节"}
    assert actions.clear_day(cast.admin, dt.date(2030, 2, 4)) is False
    assert events("calendar.clear").count() == 1


def test_a_make_up_working_day_on_a_weekday_is_a_typing_mistake(cast):
    with pytest.raises(ValidationError, match="only a Saturday or Sunday"):
        actions.set_day(cast.admin, dt.date(2030, 2, 15), "workday", "")
    assert not CalendarDay.objects.exists()
    assert not events("calendar.set").exists()


@pytest.mark.parametrize(
    ("day", "kind", "name"),
    [
        (dt.date(2030, 2, 4), "vacation", ""),
        (dt.date(2030, 2, 4), "holiday", "x" * 51),
        (dt.datetime(2030, 2, 4, 10, 0), "holiday", ""),
    ],
)
def test_bad_values_are_refused(cast, day, kind, name):
    with pytest.raises(ValidationError):
        actions.set_day(cast.admin, day, kind, name)
    assert not CalendarDay.objects.exists()


# Importing --------------------------------------------------------------------------------------


def test_a_notice_typed_in_chinese_imports_and_a_second_import_changes_nothing(cast):
    report = actions.import_days(cast.admin, table(FESTIVAL_CSV), filename="2030.csv")
    assert report.ok and (report.created, report.updated, report.unchanged) == (8, 0, 0)
    assert (report.first, report.last) == (dt.date(2030, 1, 27), dt.date(2030, 2, 16))
    assert dict(CalendarDay.objects.values_list("day", "kind"))[dt.date(2030, 2, 4)] == "holiday"
    # Friday 1 Feb + 1 working day: the block is skipped.
    assert wc.add_working_days(local(2030, 2, 1, 10, 0), 1) == end_of(2030, 2, 11)
    assert WorkingCalendar.from_database().is_workday(dt.date(2030, 1, 27))
    again = actions.import_days(cast.admin, table(FESTIVAL_CSV), filename="2030.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 8)
    summaries = events("calendar.import")
    assert [e.after["created"] for e in summaries] == [8, 0]
    assert events("calendar.set").count() == 8  # one row per day that changed, none for the re-import


def test_an_import_updates_days_that_are_already_there(cast):
    CalendarDay.objects.create(day=dt.date(2030, 2, 4), kind="holiday", name="")
    report = actions.import_days(cast.admin, table(FESTIVAL_CSV))
    assert (report.created, report.updated) == (7, 1)
    assert CalendarDay.objects.get(day=dt.date(2030, 2, 4)).name == "春节"


def test_an_xlsx_with_date_cells_imports(cast):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["date", "kind", "name"])
    sheet.append([dt.datetime(2030, 10, 1), "holiday", "国庆节"])
    sheet.append([dt.date(2030, 9, 29), "workday", "国庆调休"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = actions.import_days(cast.admin, read_table(buffer.getvalue(), "days.xlsx"))
    assert report.ok and report.created == 2
    assert CalendarDay.objects.get(day=dt.date(2030, 9, 29)).kind == "workday"


def test_one_bad_row_imports_nothing_and_every_bad_row_is_reported(cast):
    bad = FESTIVAL_CSV + "2030-02-30,休,\n" + "2030-02-18,班,\n" + "2030-02-05,休,春节\n" + "2030-02-19,放,\n"
    report = actions.import_days(cast.admin, table(bad), filename="bad.csv")
    assert not report.ok
    assert [(e.row, e.column) for e in report.errors] == [
        (10, "日期"),  # 30 February; the columns as the sheet heads them
        (11, "类型"),  # a Monday cannot be a make-up working day
        (12, "日期"),  # 5 February again
        (13, "类型"),  # unknown kind
    ]
    assert "first on row 5" in report.errors[2].message
    assert not CalendarDay.objects.exists()
    assert events("calendar.import", result="refused").get().detail == "bad.csv：4 行有误，未导入"
    assert not events("calendar.set").exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("名称\n春节\n", "Missing column(s): 日期, 类型."),
        ("date,kind,name\n", "The file lists no days."),
    ],
)
def test_a_file_without_the_columns_or_without_rows_is_refused(cast, text, message):
    report = actions.import_days(cast.admin, table(text))
    assert [e.message for e in report.errors] == [message]


def test_a_township_officer_cannot_import(cast):
    with pytest.raises(PermissionDenied):
        actions.import_days(cast.officer_a, table(FESTIVAL_CSV), filename="2030.csv")
    assert not CalendarDay.objects.exists()
    assert events("calendar.import", result="refused").get().actor == cast.officer_a


def test_the_command_line_imports_as_the_system(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(FESTIVAL_CSV + "2030-02-18,班,\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"1 bad rows \(1 problems\): nothing was imported"):
        call_command("import_calendar", str(bad), stderr=io.StringIO())
    assert not CalendarDay.objects.exists()
    good = tmp_path / "good.csv"
    good.write_text(FESTIVAL_CSV, encoding="gbk")  # saved by Excel on Chinese Windows
    out = io.StringIO()
    call_command("import_calendar", str(good), stdout=out)
    assert "8 new" in out.getvalue()
    assert CalendarDay.objects.count() == 8
    assert events("calendar.import", result="ok").get().actor_username == SYSTEM.username


def test_the_command_line_refuses_an_account_without_the_right(cast, tmp_path):
    good = tmp_path / "good.csv"
    good.write_text(FESTIVAL_CSV, encoding="utf-8")
    with pytest.raises(CommandError, match="Only administrators"):
        call_command("import_calendar", str(good), "--as", "officer_a")
    call_command("import_calendar", str(good), "--as", "admin", stdout=io.StringIO())
    assert events("calendar.import", result="ok").get().actor == cast.admin
