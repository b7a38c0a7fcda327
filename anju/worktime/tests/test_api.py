"""The calendar API's refusals are read by people: Chinese by default, English when asked for."""

import pytest

pytestmark = pytest.mark.django_db
URL = "/api/calendar/deadline"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_a_start_past_2100_is_explained(client_for):
    # Before, the count ran to the calendar's end (9999-12-31) and said so; a start from a typo is
    # now refused as such.
    client = client_for("leader")
    query = {"start": "9999-12-30T09:00", "working_days": 5}
    answer = client.get(URL, query).json()
    assert answer["code"] == 422 and answer["description"] == "提交的内容有误。"
    assert [e["msg"] for e in answer["errors"]] == ["请填写1901年至2100年之间的日期。"]
    english = client.get(URL, query, **EN).json()
    assert [e["msg"] for e in english["errors"]] == ["Give a date between the years 1901 and 2100."]


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
