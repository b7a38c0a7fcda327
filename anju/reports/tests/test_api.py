"""The statistics API, called by the cast: the same figures as the page, as JSON."""

from __future__ import annotations

import pytest

from anju.demo import testing

pytestmark = pytest.mark.django_db

URL = "/api/reports/disputes"
QUARTER = {"date_from": "2024-01-01", "date_to": "2024-03-31"}


def test_the_county_leader_gets_the_county(client_for, quarter):
    response = client_for("leader").get(URL, QUARTER)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["region_code"], body["date_from"], body["date_to"]) == (testing.COUNTY, *QUARTER.values())
    assert (body["found"], body["resolved"], body["resolution_rate"]) == (10, 5, 0.5)
    assert body["resolution_rate_display"] == "50.0%"
    assert [(lv["level"], lv["resolved"]) for lv in body["resolved_by_level"]] == [
        ("village", 2),
        ("township", 2),
        ("county", 1),
    ]
    assert (body["not_passed_upward"], body["not_passed_upward_display"]) == (3, "60.0%")
    assert (body["escalated"], body["overdue_now"], body["average_days_to_resolve"]) == (2, 3, 8.5)
    assert [(r["label"], r["found"], r["resolved"]) for r in body["by_region"]] == [
        ("甲镇", 7, 4),
        ("乙镇", 3, 1),
    ]
    assert len(body["by_category"]) == 15
    assert [(r["key"], r["found"]) for r in body["by_month"]] == [
        ("2024-01", 3),
        ("2024-02", 2),
        ("2024-03", 5),
    ]


def test_township_b_gets_nothing_of_township_a(client_for, quarter):
    response = client_for("officer_b").get(URL, QUARTER)
    assert response.status_code == 200
    body = response.json()
    assert (body["region_code"], body["found"], body["resolved"]) == (testing.TOWNSHIP_B, 3, 1)
    assert [r["key"] for r in body["by_region"]] == [testing.VILLAGE_B1]
    assert not testing.a_markers_in(response.content)


def test_a_region_and_a_category(client_for, quarter):
    query = {**QUARTER, "region": testing.TOWNSHIP_A, "category": "neighbour"}
    body = client_for("officer_a").get(URL, query).json()
    assert (body["region_code"], body["category"], body["found"], body["resolved"]) == (
        testing.TOWNSHIP_A,
        "neighbour",
        4,  # d1 d2 d5 d12
        2,  # d1 d2
    )


def test_without_a_period_it_is_this_year(client_for):
    response = client_for("leader").get(URL)
    assert response.status_code == 200
    assert response.json()["found"] == 1  # the cast's dispute, registered today


@pytest.mark.parametrize(
    ("member", "region"),
    [("officer_b", testing.TOWNSHIP_A), ("mediator_a1", testing.VILLAGE_A2), ("leader", "629902199")],
)
def test_a_region_outside_the_jurisdiction_is_a_404(client_for, member, region):
    response = client_for(member).get(URL, {"region": region})
    assert response.status_code == 404
    assert not testing.a_markers_in(response.content)


@pytest.mark.parametrize("member", ["norole", "auditor", "admin_b"])
def test_roles_without_cases_get_403(client_for, member):
    assert client_for(member).get(URL).status_code == 403


def test_signed_out_callers_get_401(client):
    assert client.get(URL).status_code == 401


@pytest.mark.parametrize(
    "query",
    [
        {"date_from": "2024-13-01"},
        {"date_from": "2024-02-30"},
        {"date_to": "1700000000"},
        {"date_from": "2024-03-01", "date_to": "2024-02-01"},
        {"date_from": "1990-01-01", "date_to": "2024-01-01"},
        {"date_to": "9999-12-31"},
        {"region": "62990"},
        {"category": "gossip"},
    ],
)
def test_bad_parameters_are_422(client_for, query):
    assert client_for("leader").get(URL, query).status_code == 422


@pytest.mark.parametrize(
    ("query", "chinese", "english"),
    [
        (
            {"date_from": "2024-02-30"},
            "2024-02-30 不是日期（格式 YYYY-MM-DD）。",
            "2024-02-30 is not a date (YYYY-MM-DD).",
        ),
        (
            {"date_to": "9999-12-31"},
            "请填写1900年至2100年之间的日期。",
            "Give a date between the years 1900 and 2100.",
        ),
    ],
)
def test_bad_periods_are_explained_in_the_callers_language(client_for, query, chinese, english):
    client = client_for("leader")
    assert client.get(URL, query).json()["detail"][0]["ctx"]["error"] == chinese
    assert client.get(URL, query, HTTP_ACCEPT_LANGUAGE="en").json()["detail"][0]["ctx"]["error"] == english
