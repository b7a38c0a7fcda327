"""The catalogue of named figures through GET /api/reports/figures and the periods it reads."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from anju.demo import testing
from anju.reports import catalogue, periods

URL = "/api/reports/figures"
LAST_YEAR_RANGE = "2025-01-01..2025-01-10"
NUMBER = re.compile(r"629902-2024-9\d{5}")


@pytest.mark.parametrize(
    ("text", "start", "end", "previous", "last_year"),
    [
        ("2026", "2026-01-01", "2027-01-01", "2025", "2025"),
        ("2026-H1", "2026-01-01", "2026-07-01", "2025-H2", "2025-H1"),
        ("2026-H2", "2026-07-01", "2027-01-01", "2026-H1", "2025-H2"),
        ("2026-Q1", "2026-01-01", "2026-04-01", "2025-Q4", "2025-Q1"),
        ("2026-Q3", "2026-07-01", "2026-10-01", "2026-Q2", "2025-Q3"),
        ("2026-01", "2026-01-01", "2026-02-01", "2025-12", "2025-01"),
        ("2026-03", "2026-03-01", "2026-04-01", "2026-02", "2025-03"),
        (
            "2026-01-01..2026-01-10",
            "2026-01-01",
            "2026-01-11",
            "2025-12-22..2025-12-31",
            "2025-01-01..2025-01-10",
        ),
        (
            "2024-02-29..2024-02-29",
            "2024-02-29",
            "2024-03-01",
            "2024-02-28..2024-02-28",
            "2023-02-28..2023-02-28",
        ),
    ],
)
def test_periods_parse_with_their_previous_and_last_year(text, start, end, previous, last_year):
    period = periods.parse(text)
    assert (period.start.isoformat(), period.end.isoformat(), period.text) == (start, end, text)
    assert (period.previous().text, period.last_year().text) == (previous, last_year)


def test_a_day_range_steps_back_by_its_length_and_leap_days_step_to_the_28th():
    period = periods.parse("2024-02-29..2024-02-29")
    assert (period.previous().text, period.last_year().text) == (
        "2024-02-28..2024-02-28",
        "2023-02-28..2023-02-28",
    )


def test_no_period_is_this_year():
    assert periods.parse("", today=dt.date(2026, 5, 6)).text == "2026"


@pytest.mark.parametrize(
    "text", ["2026-Q5", "2026-13", "2026-H3", "26", "2026-03-31..2026-03-01", "1800", "x"]
)
def test_a_bad_period_is_refused_in_words(text):
    with pytest.raises(ValueError, match=r"\w"):
        periods.parse(text)


def test_every_figure_has_a_stable_name_label_unit_and_definition():
    names = [figure.name for figure in catalogue.FIGURES]
    assert len(names) == len(set(names))
    assert {"disputes.found", "disputes.resolved", "disputes.resolution_rate", "events.closed"} <= set(names)
    assert {"tips.received", "tasks.overdue", "joint.cases"} <= set(names)
    for figure in catalogue.FIGURES:
        assert re.fullmatch(r"[a-z]+\.[a-z_]+", figure.name)
        assert str(figure.label) and str(figure.unit) and str(figure.definition)[-1] in ".。"


@pytest.mark.django_db
def test_the_leader_gets_every_figure_with_comparisons(client_for, quarter):
    response = client_for("leader").get(URL, {"period": "2024-Q1"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["region_code"], body["period"]["date_from"], body["period"]["date_to"]) == (
        testing.COUNTY,
        "2024-01-01",
        "2024-03-31",
    )
    assert (body["previous"]["text"], body["last_year"]["text"]) == ("2023-Q4", "2023-Q1")
    figures = {f["name"]: f for f in body["figures"]}
    assert len(figures) == len(catalogue.FIGURES)
    # The hand count of the fixture (factories.build_quarter).
    # d11 was registered one second before the quarter: the previous quarter's one case.
    assert (figures["disputes.found"]["value"], figures["disputes.found"]["previous"]) == (10, 1)
    assert figures["disputes.found"]["change_display"] == "+9"
    assert figures["disputes.found"]["last_year"] == 0
    assert figures["disputes.resolved"]["value"] == 5
    assert figures["disputes.resolution_rate"]["value_display"] == "50.0%"
    assert figures["disputes.resolution_rate"]["previous_display"] == "0.0%"  # d11 resolved in January
    assert [
        figures[f"disputes.resolved_{level}"]["value"] for level in ("village", "township", "county")
    ] == [
        2,
        2,
        1,
    ]
    assert figures["disputes.not_passed_upward"]["value"] == 3
    assert figures["disputes.escalated"]["value"] == 2
    assert figures["disputes.overdue"]["value"] == 3
    assert figures["disputes.overdue"]["previous"] is None  # counted now, not in a period
    assert figures["disputes.average_days_to_resolve"]["value_display"] == "8.5"
    found = figures["disputes.found"]
    assert (found["unit"], found["label"]) == ("件", "摸排受理数")
    assert found["definition"]


@pytest.mark.django_db
def test_a_kind_not_built_yet_reads_not_counted_never_zero(client_for, quarter):
    body = client_for("leader").get(URL, {"period": "2024"}).json()
    joint = next(f for f in body["figures"] if f["name"] == "joint.cases")
    assert (joint["counted"], joint["value"], joint["value_display"]) == (False, None, "尚未统计")


@pytest.mark.django_db
def test_township_b_sees_only_its_own(client_for, quarter):
    response = client_for("officer_b").get(URL, {"period": "2024-Q1"})
    body = response.json()
    figures = {f["name"]: f["value"] for f in body["figures"]}
    assert (body["region_code"], figures["disputes.found"], figures["disputes.resolved"]) == (
        testing.TOWNSHIP_B,
        3,
        1,
    )
    assert not testing.a_markers_in(response.content)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("member", "region"),
    [("officer_b", testing.TOWNSHIP_A), ("mediator_a1", testing.VILLAGE_A2), ("leader", "629902199")],
)
def test_a_region_outside_the_jurisdiction_is_a_404(client_for, member, region):
    response = client_for(member).get(URL, {"region": region, "period": "2024"})
    assert response.status_code == 404
    assert not testing.a_markers_in(response.content)


@pytest.mark.django_db
@pytest.mark.parametrize("member", ["norole", "auditor", "admin_b"])
def test_roles_without_cases_get_403(client_for, member):
    assert client_for(member).get(URL).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("period", ["2026-Q5", "2026-13", "next year", "2026-03-31..2026-03-01", "0000"])
def test_a_bad_period_is_a_400_that_says_why(client_for, period):
    response = client_for("leader").get(URL, {"period": period})
    assert response.status_code == 400
    assert response.json()["errors"]["period"][0]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("member", "region"),
    [("leader", None), ("leader", testing.TOWNSHIP_A), ("officer_a", None), ("officer_b", None)],
)
def test_each_dispute_figure_opens_as_exactly_its_cases(client_for, quarter, member, region):
    client = client_for(member)
    query = {"period": "2024-Q1", **({"region": region} if region else {})}
    figures = client.get(URL, query).json()["figures"]
    traced = [f for f in figures if f["name"].startswith("disputes.") and f["cases_url"]]
    assert len(traced) >= 9
    for figure in traced:
        page = client.get(figure["cases_url"])
        assert page.status_code == 200, figure["cases_url"]
        rows = set(NUMBER.findall(page.content.decode()))
        if figure["unit"] == "件":
            assert len(rows) == figure["value"], figure["name"]
    untraced = {f["name"] for f in figures if f["name"].startswith("disputes.") and not f["cases_url"]}
    assert untraced == {"disputes.urged"}  # reminders, not cases: a count of them lists no cases
