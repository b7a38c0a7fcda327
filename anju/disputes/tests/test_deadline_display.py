"""A deadline reads the same on every page that shows it: the day it falls on and the end of that
day's office hours; the API keeps the instant, in ISO 8601."""

import datetime as dt
import html
import re

import pytest

from anju.demo import testing
from anju.disputes.models import Dispute
from anju.worktime.calendar import end_of_day

pytestmark = pytest.mark.django_db

DUE = dt.date(2026, 12, 9)


def shown_deadlines(response) -> list[str]:
    page = html.unescape(response.content.decode())
    return [
        re.sub(r"^[^：]*：|^[A-Za-z ]+:\s", "", d).strip()
        for d in re.findall(r'<span class="due[^"]*">([^<]+)</span>', page)
    ]


@pytest.mark.parametrize(
    ("language", "expected"), [("zh-hans", "2026年12月9日 17:30"), ("en", "Dec. 9, 2026, 5:30 p.m.")]
)
def test_the_list_the_case_and_my_work_show_a_deadline_alike(cast, client_for, language, expected):
    dispute = cast.dispute()
    # Waiting for the mediator's village to accept it: on their list of cases to accept.
    Dispute.objects.filter(pk=dispute.pk).update(
        status="registered", handling_unit_id=testing.VILLAGE_A1, due_at=end_of_day(DUE)
    )
    client = client_for("mediator_a1")
    headers = {"HTTP_ACCEPT_LANGUAGE": language}
    on_list = shown_deadlines(client.get("/disputes/", **headers))
    on_case = shown_deadlines(client.get(f"/disputes/{dispute.pk}/", **headers))
    on_work = shown_deadlines(client.get("/disputes/work/", **headers))
    assert expected in on_list and expected in on_case and expected in on_work
    api = client.get(f"/api/disputes/{dispute.pk}").json()
    assert api["due_at"] == "2026-12-09T15:59:59.999Z"  # the instant itself, in ISO 8601
