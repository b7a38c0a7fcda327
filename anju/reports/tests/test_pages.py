"""The statistics page, opened by the cast: each sees the figures of their own jurisdiction."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from anju.demo import testing

pytestmark = pytest.mark.django_db

QUARTER = {"date_from": "2024-01-01", "date_to": "2024-03-31"}


def url() -> str:
    return reverse("reports:disputes")


def test_the_county_leader_sees_both_townships(client_for, quarter):
    response = client_for("leader").get(url(), QUARTER)
    assert response.status_code == 200
    f = response.context["figures"]
    assert (f.found, f.resolved, f.resolution_rate_display) == (10, 5, "50.0%")
    text = " ".join(response.content.decode().split())
    # What the reader sees: the headline figures and each township's row, in that row.
    for headline in [
        "<dt>摸排受理数</dt><dd>10</dd>",
        "<dt>化解率</dt><dd>50.0%</dd>",
        "<dt>平均化解天数</dt><dd>8.5</dd>",
    ]:
        assert headline in text
    for township, found, resolved, rate in [("甲镇", 7, 4, "57.1%"), ("乙镇", 3, 1, "33.3%")]:
        row = (
            f'{township}</a></td> <td class="n" data-label="受理">{found}</td>'
            f'<td class="n" data-label="化解">{resolved}</td><td class="n" data-label="化解率">{rate}</td>'
        )
        assert row in text
    # each township links to its own figures, with the same period
    assert f"date_from=2024-01-01&amp;date_to=2024-03-31&amp;region={testing.TOWNSHIP_A}" in text


def test_township_b_sees_no_figures_of_township_a(client_for, quarter):
    response = client_for("officer_b").get(url(), QUARTER)
    assert response.status_code == 200
    f = response.context["figures"]
    assert (f.region_code, f.found, f.resolved) == (testing.TOWNSHIP_B, 3, 1)
    assert not testing.a_markers_in(response.content)
    assert "乙一村" in response.content.decode()


def test_the_default_period_is_this_year_to_today(client_for):
    # The page's "today" is one of the days before and after it was asked for, even across midnight.
    days = {timezone.localdate()}
    response = client_for("mediator_a1").get(url())
    days.add(timezone.localdate())
    assert response.status_code == 200
    f = response.context["figures"]
    assert f.last_day in days and f.start == dt.date(f.last_day.year, 1, 1)
    assert f.region_code == testing.VILLAGE_A1
    assert f.found == 1  # the cast's dispute, registered today


def test_a_drill_down_into_a_township(client_for, quarter):
    response = client_for("leader").get(
        url(), {**QUARTER, "region": testing.TOWNSHIP_A, "category": "neighbour"}
    )
    assert response.status_code == 200
    f = response.context["figures"]
    # neighbours in township A: d1 d2 d5 d12, of which d1 d2 resolved
    assert (f.region_code, f.category, f.found, f.resolved) == (testing.TOWNSHIP_A, "neighbour", 4, 2)
    assert [(r.key, r.found) for r in f.by_region] == [(testing.VILLAGE_A1, 3), (testing.VILLAGE_A2, 1)]


@pytest.mark.parametrize("member", ["officer_b", "mediator_a1"])
def test_a_region_outside_the_jurisdiction_is_not_found(client_for, member):
    region = testing.TOWNSHIP_A if member == "officer_b" else testing.VILLAGE_A2
    assert client_for(member).get(url(), {"region": region}).status_code == 404


def test_an_unknown_region_is_not_found(client_for):
    assert client_for("leader").get(url(), {"region": "629902199"}).status_code == 404


@pytest.mark.parametrize("member", ["norole", "auditor", "admin", "admin_b"])
def test_roles_without_cases_are_refused(client_for, member):
    response = client_for(member).get(url())
    assert response.status_code == 403
    assert not testing.a_markers_in(response.content)


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(url())
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"date_from": "2024-13-01"}, "date_from"),
        ({"date_to": "yesterday"}, "date_to"),
        ({"date_from": "2024-03-01", "date_to": "2024-02-01"}, "__all__"),
        ({"date_from": "1990-01-01", "date_to": "2024-02-01"}, "__all__"),
        ({"date_to": "9999-12-31"}, "__all__"),
        ({"region": "62990"}, "region"),
        ({"region": "abcdefghi"}, "region"),
        ({"category": "gossip"}, "category"),
    ],
)
def test_bad_filters_are_a_400_with_the_errors(client_for, query, field):
    response = client_for("leader").get(url(), query)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert response.context["figures"] is None
    assert 'class="errorlist' in response.content.decode()


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ({"date_from": "2024-03-01", "date_to": "2024-02-01"}, "结束日期不能早于开始日期。"),
        ({"date_from": "1990-01-01", "date_to": "2024-02-01"}, "统计期间最长为十年。"),
        # A short period in a year from a typo: not a "ten years" complaint.
        ({"date_from": "9999-12-01", "date_to": "9999-12-31"}, "请填写1900年至2100年之间的日期。"),
    ],
    ids=["backwards", "too-long", "past-2100"],
)
def test_the_page_and_the_api_refuse_an_unusable_period_with_the_same_reason(client_for, query, reason):
    client = client_for("leader")
    page = client.get(url(), query)
    assert page.status_code == 400
    assert page.context["form"].errors["__all__"] == [reason]
    assert reason in page.content.decode()
    api = client.get("/api/reports/disputes", query)
    assert api.status_code == 422
    assert [error["msg"] for error in api.json()["errors"]] == [reason]
