"""The calendar pages, run with the cast: everyone who sees regions reads the calendar, only
administrators change it, and bad input is a clear 400, never a server error."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from anju.audit.models import AuditEvent
from anju.worktime.models import CalendarDay

from .factories import store
from .test_actions import FESTIVAL_CSV

pytestmark = pytest.mark.django_db

URL = "/calendar/"
READERS = ["admin", "leader", "officer_a", "mediator_a1", "grid_a1", "officer_b", "admin_b"]
NOT_READERS = ["auditor", "norole"]
NOT_CHANGERS = ["leader", "officer_a", "mediator_a1", "grid_a1", "officer_b", "admin_b", "auditor", "norole"]


@pytest.fixture
def english(client_for):
    """A cast member's client reading the pages in English, the source language."""

    def sign_in(name: str):
        client = client_for(name)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return sign_in


def page(response) -> str:
    return response.content.decode()


# Reading ----------------------------------------------------------------------------------------


def test_the_year_page_lists_the_days_and_counts_the_working_days(english):
    store()
    response = english("admin").get(URL, {"year": 2030})
    assert response.status_code == 200
    text = page(response)
    assert "Working Calendar 2030" in text
    assert "2030 has 257 working days." in text  # 261 weekdays - 6 weekday holidays + 2 make-up days
    assert "2030-02-16" in text and "Saturday" in text and "春节调休" in text
    assert "2031-01-01" not in text  # next year's New Year's Day is on next year's page
    assert "08:30–12:00, 14:00–17:30" in text
    assert 'action="/calendar/days/"' in text and 'action="/calendar/import/"' in text


def test_the_page_works_in_the_default_language(client_for):
    store()
    response = client_for("leader").get(URL, {"year": 2030})
    assert response.status_code == 200
    assert 'lang="zh-hans"' in page(response) and "星期六" in page(response)


def test_an_empty_year_says_that_only_the_week_counts(english):
    text = page(english("admin").get(URL, {"year": 2031}))
    assert "No holidays or make-up working days are recorded for 2031" in text
    assert "2031 has 261 working days." in text


def test_the_current_year_is_the_default(english):
    from django.utils import timezone

    years = {timezone.localdate().year}
    text = page(english("leader").get(URL))
    years.add(timezone.localdate().year)
    assert any(f"Working Calendar {year}" in text for year in years)


@pytest.mark.parametrize("member", READERS)
def test_everyone_who_sees_regions_reads_the_calendar(english, member):
    store()
    response = english(member).get(URL, {"year": 2030})
    assert response.status_code == 200
    assert "春节" in page(response)
    can_change = member == "admin"  # the calendar is county-wide: a township's administrator cannot
    assert ("Set a day" in page(response)) is can_change
    assert ("/calendar/days/2030-02-04/delete/" in page(response)) is can_change


@pytest.mark.parametrize("member", NOT_READERS)
def test_roles_without_regions_do_not_get_the_page(english, member):
    assert english(member).get(URL).status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("year", ["abc", "2030.5", "-1", "99999", "1000", "²", "２０３０"])
def test_a_bad_year_is_a_clear_400(english, year):
    response = english("leader").get(URL, {"year": year})
    assert response.status_code == 400
    assert "is not a year between 1949 and 2199" in page(response)


# Changing ---------------------------------------------------------------------------------------


def test_an_administrator_sets_a_day_from_the_page(english):
    client = english("admin")
    response = client.post(f"{URL}days/", {"day": "2030-10-01", "kind": "holiday", "name": "国庆节"})
    assert response.status_code == 302 and response["Location"] == "/calendar/?year=2030"
    assert CalendarDay.objects.get(day=dt.date(2030, 10, 1)).name == "国庆节"
    text = page(client.get(response["Location"]))
    assert "Saved: 2030-10-01, Holiday (day off)." in text
    assert "国庆节" in text and "2030 has 260 working days." in text


@pytest.mark.parametrize("member", NOT_CHANGERS)
def test_only_administrators_may_set_a_day(english, member):
    response = english(member).post(f"{URL}days/", {"day": "2030-10-01", "kind": "holiday"})
    assert response.status_code == 403
    assert not CalendarDay.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"day": "2030-10-04", "kind": "workday"}, "only a Saturday or Sunday can be a make-up working day"),
        ({"day": "2030-02-30", "kind": "holiday"}, "Enter a valid date."),
        ({"day": "", "kind": "holiday"}, "This field is required."),
        ({"day": "2030-10-01", "kind": "vacation"}, "Select a valid choice."),
        ({"day": "2030-10-01", "kind": "holiday", "name": "x" * 51}, "at most 50 characters"),
        ({"day": "2300-10-01", "kind": "holiday"}, "Choose a date between 1949 and 2199."),
    ],
)
def test_bad_input_when_setting_a_day_is_a_400_with_the_reason(english, data, message):
    response = english("admin").post(f"{URL}days/", data)
    assert response.status_code == 400
    assert message in page(response)
    assert not CalendarDay.objects.exists()


def test_setting_a_day_is_post_only(english):
    assert english("admin").get(f"{URL}days/").status_code == 405


def test_an_administrator_removes_a_day(english):
    store()
    client = english("admin")
    response = client.post(f"{URL}days/2030-02-04/delete/")
    assert response.status_code == 302 and response["Location"] == "/calendar/?year=2030"
    assert not CalendarDay.objects.filter(day=dt.date(2030, 2, 4)).exists()
    assert "2030-02-04 follows the usual week again." in page(client.get(response["Location"]))
    assert AuditEvent.objects.filter(action="calendar.clear", object_id="2030-02-04", result="ok").exists()
    again = client.post(f"{URL}days/2030-02-04/delete/", follow=True)
    assert "2030-02-04 had no holiday or make-up working day." in page(again)


@pytest.mark.parametrize("member", NOT_CHANGERS)
def test_only_administrators_may_remove_a_day(english, member):
    store()
    response = english(member).post(f"{URL}days/2030-02-04/delete/")
    assert response.status_code == 403
    assert CalendarDay.objects.filter(day=dt.date(2030, 2, 4)).exists()


@pytest.mark.parametrize("day", ["2030-13-01", "2030-02-30", "tomorrow", "20300204", "2030-2-4"])
def test_removing_a_bad_date_is_a_clear_400(english, day):
    store()
    response = english("admin").post(f"{URL}days/{day}/delete/")
    assert response.status_code == 400
    assert "is not a date (YYYY-MM-DD)" in page(response)
    assert CalendarDay.objects.count() == 13


def test_removing_is_post_only(english):
    assert english("admin").get(f"{URL}days/2030-02-04/delete/").status_code == 405


# Importing --------------------------------------------------------------------------------------


def upload(client, name: str, content: bytes):
    return client.post(f"{URL}import/", {"file": SimpleUploadedFile(name, content)})


def test_an_administrator_imports_a_file_from_the_page(english):
    client = english("admin")
    assert client.get(f"{URL}import/").status_code == 200
    response = upload(client, "2030.csv", FESTIVAL_CSV.encode("utf-8-sig"))
    assert response.status_code == 302 and response["Location"] == "/calendar/?year=2030"
    assert CalendarDay.objects.count() == 8
    text = page(client.get(response["Location"]))
    assert "Imported 2030-01-27 to 2030-02-16: 8 new, 0 changed, 0 unchanged." in text


def test_a_file_with_a_bad_row_imports_nothing_and_lists_the_rows(english):
    bad = FESTIVAL_CSV + "2030-02-18,班,\n" + "2030-02-19,放,\n"
    response = upload(english("admin"), "2030.csv", bad.encode())
    assert response.status_code == 400
    text = page(response)
    assert "2 bad rows: nothing was imported." in text
    assert "2030-02-18 is a weekday" in text and "Unknown kind 放" in text
    assert not CalendarDay.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("days.pdf", b"%PDF-1.4", "Only .csv and .xlsx files can be imported."),
        ("days.xlsx", b"not a workbook", "not a readable .xlsx workbook"),
        ("days.csv", b"", "The submitted file is empty."),
        ("days.csv", "名称\n春节\n".encode(), "Missing column(s): 日期, 类型."),
    ],
)
def test_unreadable_files_get_a_clear_message(english, name, content, message):
    response = upload(english("admin"), name, content)
    assert response.status_code == 400
    assert message in page(response)
    assert not CalendarDay.objects.exists()


@pytest.mark.parametrize("member", NOT_CHANGERS)
def test_only_administrators_may_import(english, member):
    response = upload(english(member), "2030.csv", FESTIVAL_CSV.encode())
    assert response.status_code == 403
    assert not CalendarDay.objects.exists()


def test_a_calendar_with_a_title_row_and_chinese_dates_imports(english):
    published = (
        "2030年节假日安排（县政府办公室）,,\n"
        "日期,类型,名称\n"
        "2030年10月1日,休,国庆节\n"
        "2030.10.2,休,国庆节\n"
        "2030/9/29,班,国庆调休\n"
    )
    response = upload(english("admin"), "2030.csv", published.encode("gbk"))
    assert response.status_code == 302
    assert sorted(CalendarDay.objects.values_list("day", "kind")) == [
        (dt.date(2030, 9, 29), "workday"),
        (dt.date(2030, 10, 1), "holiday"),
        (dt.date(2030, 10, 2), "holiday"),
    ]
