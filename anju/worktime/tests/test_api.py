"""The calendar API's refusals are read by people: Chinese by default, English when asked for."""

import pytest

pytestmark = pytest.mark.django_db
URL = "/api/calendar/deadline"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_a_deadline_beyond_the_calendar_is_explained(client_for):
    client = client_for("leader")
    query = {"start": "9999-12-30T09:00", "working_days": 5}
    assert client.get(URL, query).json() == {
        "code": 422,
        "description": "期限将晚于 9999-12-31，超出日历范围。",
    }
    assert client.get(URL, query, **EN).json() == {
        "code": 422,
        "description": "The deadline would fall after 9999-12-31, beyond the calendar.",
    }


@pytest.mark.parametrize(
    ("url", "query", "chinese", "english"),
    [
        (
            URL,
            {"start": "2026-03-02T09:00"},
            "working_days 与 working_hours 须且只能填写一项。",
            "Give exactly one of working_days and working_hours.",
        ),
        (
            "/api/calendar",
            {"start": "2026-03-02", "end": "2026-03-01"},
            "结束日期不能早于开始日期。",
            "The period must end on or after the day it starts.",
        ),
        (
            "/api/calendar",
            {"start": "2000-01-01", "end": "2026-01-01"},
            "每次最多查询 3660 天。",
            "Ask for at most 3660 days at a time.",
        ),
    ],
)
def test_a_query_that_does_not_fit_together_is_explained(client_for, url, query, chinese, english):
    client = client_for("leader")
    for headers, text in (({}, chinese), (EN, english)):
        response = client.get(url, query, **headers)
        assert response.status_code == 422
        [error] = response.json()["errors"]
        # The validator's own words, without pydantic's "Value error, " before them.
        assert (error["type"], error["msg"], error["ctx"]["error"]) == ("value_error", text, text)
