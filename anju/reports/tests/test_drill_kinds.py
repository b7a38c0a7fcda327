"""The dashboard's figures of grid events, tips, meetings and supervised tasks open as the list of
what they counted (the events, tips, tasks and meetings lists, same filters, same scoping): each
count on the dashboard is the number of rows its link lists, for every member of the cast."""

from __future__ import annotations

import pytest
from django.utils import timezone

from anju.demo import testing

pytestmark = pytest.mark.django_db

URL = "/reports/"
KINDS = ("events.", "tips.", "meetings.", "tasks.", "reports.", "activities.")


def linked(response) -> dict[str, tuple[int, str | None]]:
    return {
        item["value"].figure.name: (item["value"].value, item["cases_url"])
        for item in response.context["headline"]
        if item["value"].figure.name.startswith(KINDS)
    }


@pytest.mark.parametrize("member", ["leader", "officer_a", "officer_b", "mediator_a1"])
def test_each_count_lists_exactly_what_it_counted(client_for, member):
    client = client_for(member)
    figures = linked(client.get(URL, {"period": str(timezone.localdate().year)}))
    for name, (value, url) in figures.items():
        if name in (
            "events.handled_on_time_rate",
            "events.average_satisfaction",
            "tasks.on_time_rate",
            "meetings.decisions",
        ) or name.startswith("tips.measure_"):
            # Rates, means, decisions and the outcome counts (sums): their link lists the cases,
            # meetings or tips behind them.
            continue
        if url is None:
            # Tips are the committee's own work: no link for those who may not open the list.
            assert member == "mediator_a1" and name.startswith("tips."), name
            continue
        response = client.get(url)
        assert response.status_code == 200, name
        assert len(response.context["rows"]) == value, name


def test_the_hand_counts_of_the_cast(client_for):
    # The cast reports and files one grid event in 甲一村, registers one tip, holds one meeting and
    # assigns one task in 甲镇, all today; 乙镇 has none of them.
    year = {"period": str(timezone.localdate().year)}
    a = linked(client_for("officer_a").get(URL, year))
    b = linked(client_for("officer_b").get(URL, year))
    for name in ("events.reported", "events.filed", "tips.received", "meetings.held", "tasks.assigned"):
        assert a[name][0] == 1 and b[name][0] == 0, name
    client = client_for("officer_a")
    assert testing.EVENT_TITLE in client.get(a["events.reported"][1]).content.decode()
    assert testing.MEETING_TITLE in client.get(a["meetings.held"][1]).content.decode()
    # 乙镇's officer follows 甲镇's links: nothing of 甲镇 comes back.
    other = client_for("officer_b")
    for name in ("events.reported", "tips.received", "meetings.held", "tasks.assigned"):
        response = other.get(a[name][1])
        assert response.context["rows"] == [] and not testing.a_markers_in(response.content), name


def test_the_hand_counts_of_reports_and_activities(client_for, cast):
    # The cast's village A1 reports one major matter and holds one training today; the county
    # committee acknowledges the report at once, well within its limit.
    from anju.tasks import actions

    year = {"period": str(timezone.localdate().year)}
    a = linked(client_for("officer_a").get(URL, year))
    b = linked(client_for("officer_b").get(URL, year))
    assert a["reports.submitted"][0] == 1 and b["reports.submitted"][0] == 0
    assert a["reports.acknowledged"][0] == 0
    assert (a["activities.held"][0], a["activities.training"][0], a["activities.award"][0]) == (1, 1, 0)
    client = client_for("officer_a")
    assert "甲一村调解员培训" in client.get(a["activities.training"][1]).content.decode()
    assert client.get(a["activities.award"][1]).context["rows"] == []
    centre = testing.add_staff("centre", "县中心", "centre_operator", testing.COUNTY)
    actions.answer_report(centre, cast.report())
    a = linked(client.get(URL, year))
    assert a["reports.acknowledged"][0] == 1
    listed = client.get(a["reports.acknowledged"][1])
    assert [r.title for r in listed.context["rows"]] == ["甲一村重大事项"]
    # 乙镇's officer following the link sees nothing of 甲镇.
    assert client_for("officer_b").get(a["reports.acknowledged"][1]).context["rows"] == []


def test_the_report_list_refuses_a_bad_filter(client_for):
    client = client_for("officer_a")
    assert client.get("/tasks/reports/", {"figure": "nonsense"}).status_code == 400
    backwards = {"date_from": "2024-03-01", "date_to": "2024-02-01"}
    assert client.get("/tasks/reports/", backwards).status_code == 400
    assert client.get("/tasks/activities/", backwards).status_code == 400
    assert client.get("/tasks/reports/", {"waiting": "1"}).status_code == 200


def test_a_region_outside_the_jurisdiction_is_refused_by_the_lists(client_for):
    client = client_for("officer_b")
    for url in ("/events/", "/tips/", "/tasks/", "/tasks/meetings/"):
        response = client.get(url, {"region": testing.TOWNSHIP_A})
        assert response.status_code == 200 and list(response.context["rows"]) == [], url


@pytest.mark.parametrize("url", ["/events/", "/tips/", "/tasks/", "/tasks/meetings/"])
def test_a_bad_figure_or_days_is_a_400_that_says_why(client_for, url):
    client = client_for("leader")
    if url != "/tasks/meetings/":  # meetings are counted by the days held alone
        assert client.get(url, {"figure": "nonsense"}).status_code == 400
    response = client.get(url, {"date_from": "2024-03-01", "date_to": "2024-02-01"})
    assert response.status_code == 400
    assert "结束日期早于开始日期" in response.content.decode()


def test_the_api_gives_the_same_links(client_for):
    year = {"period": str(timezone.localdate().year)}
    page = linked(client_for("officer_a").get(URL, year))
    api = client_for("officer_a").get("/api/reports/figures", year).json()["figures"]
    assert {f["name"]: f["cases_url"] for f in api if f["name"].startswith(KINDS)} == {
        name: url for name, (_value, url) in page.items()
    }
    mediator = client_for("mediator_a1").get("/api/reports/figures", year).json()["figures"]
    assert all(f["cases_url"] is None for f in mediator if f["name"].startswith("tips."))
