"""The dashboard, opened by every member of the cast: figures of their own jurisdiction only, the
hand counts of the quarter's fixture, drill-down by region, tables as XLSX, the large screen."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest

from anju.demo import testing

pytestmark = pytest.mark.django_db

URL = "/reports/"
Q1 = {"period": "2024-Q1"}
NUMBER = re.compile(r"629902-2024-9\d{5}")
# Who holds case.view, and the region their dashboard is for; the others get 403.
SEES = {
    "leader": testing.COUNTY,
    "officer_a": testing.TOWNSHIP_A,
    "mediator_a1": testing.VILLAGE_A1,
    "grid_a1": testing.GRID_A1,
    "officer_b": testing.TOWNSHIP_B,
}


def text_of(response) -> str:
    return " ".join(response.content.decode().split())


def figure_box(page: str, name: str) -> str:
    return re.search(rf'data-figure="{re.escape(name)}">(.*?)</div>', page).group(1)


@pytest.mark.parametrize("member", sorted(testing.MEMBERS))
def test_every_member_sees_their_own_jurisdiction_or_nothing(client_for, quarter, member):
    response = client_for(member).get(URL, Q1)
    if member not in SEES:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    assert response.context["figures"].region_code == SEES[member]
    if member == "officer_b":
        assert not testing.a_markers_in(response.content)


def test_the_leader_sees_the_hand_counts_with_comparisons(client_for, quarter):
    page = text_of(client_for("leader").get(URL, Q1))
    found = figure_box(page, "disputes.found")
    assert re.search(r"<dt>摸排受理数</dt> <dd><a href=\"[^\"]+\">10</a> <small>件</small></dd>", found)
    assert "上期 1 (+9)" in found and "去年同期 0 (+10)" in found
    assert ">50.0%</a>" in figure_box(page, "disputes.resolution_rate")
    assert "尚未统计" in figure_box(page, "joint.cases")
    assert "<small>件</small>" not in figure_box(page, "joint.cases")
    # The definition on hover and in the visible list.
    assert 'title="统计期内登记（摸排受理）的矛盾纠纷，已并入其他案件的不计。"' in page
    assert "各项指标统计口径" in page


def test_the_headline_links_open_exactly_the_cases_counted(client_for, quarter):
    client = client_for("officer_a")
    response = client.get(URL, Q1)
    for item in response.context["headline"]:
        value = item["value"]
        if not item["cases_url"] or str(value.figure.unit) != "件":
            continue
        listed = set(NUMBER.findall(client.get(item["cases_url"]).content.decode()))
        assert len(listed) == value.value, value.figure.name


def test_breakdown_rows_link_to_their_cases(client_for, quarter):
    client = client_for("leader")
    tables = {t.key: t for t in client.get(URL, Q1).context["tables"]}
    for key in ("month", "category", "channel", "region", "level"):
        for row in tables[key].rows:
            if row.cases_url:
                listed = set(NUMBER.findall(client.get(row.cases_url).content.decode()))
                assert len(listed) == row.cells[0], (key, row.label)
    assert [row.cells[0] for row in tables["month"].rows] == [3, 2, 5]
    assert [(row.label, row.cells[0]) for row in tables["region"].rows] == [("甲镇", 7), ("乙镇", 3)]


def test_drilling_from_county_to_township_to_village(client_for, quarter):
    client = client_for("leader")
    county = client.get(URL, Q1)
    township = next(r for r in county.context["tables"][1].rows if r.label == "甲镇")
    response = client.get(URL + township.drill_url)
    assert response.status_code == 200
    assert response.context["figures"].region_code == testing.TOWNSHIP_A
    assert [c["name"] for c in response.context["crumbs"]][-1] == "甲镇"
    village = response.context["tables"][1].rows[0]
    assert client.get(URL + village.drill_url).status_code == 200


@pytest.mark.parametrize(
    ("member", "region"),
    [("officer_b", testing.TOWNSHIP_A), ("mediator_a1", testing.VILLAGE_A2), ("leader", "629902199")],
)
def test_a_region_outside_the_jurisdiction_is_a_404(client_for, quarter, member, region):
    response = client_for(member).get(URL, {**Q1, "region": region})
    assert response.status_code == 404
    if member == "officer_b":
        assert not testing.a_markers_in(response.content)


@pytest.mark.parametrize(
    ("query", "says"), [({"period": "2024-Q7"}, "不是有效的统计期"), ({"region": "12"}, "")]
)
def test_bad_input_is_a_400_that_says_why(client_for, query, says):
    response = client_for("leader").get(URL, query)
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode() and says in response.content.decode()


def test_every_table_downloads_as_xlsx_with_the_numbers_shown(client_for, quarter):
    client = client_for("leader")
    response = client.get(URL, {**Q1, "download": "month"})
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = [[c.value for c in row] for row in book.active.iter_rows()]
    assert [row[1] for row in rows[1:]] == ["3", "2", "5"]
    figures = client.get(URL, {**Q1, "download": "figures"})
    book = openpyxl.load_workbook(io.BytesIO(b"".join(figures.streaming_content)))
    first = [c.value for c in next(book.active.iter_rows(min_row=2))]
    assert first[:5] == ["摸排受理数", "10", "件", "1", "0"]
    assert client.get(URL, {**Q1, "download": "nothing"}).status_code == 404


def test_the_large_screen_reloads_itself_and_charts_read_json(client_for, quarter):
    page = client_for("leader").get(URL, {**Q1, "screen": "1"}).content.decode()
    assert 'data-reload-after="300000"' in page
    assert '<script id="chart-month" type="application/json">' in page
    assert "echarts.min.js" in page and "charts.js" in page
    assert "<script>" not in page  # nothing inline: the strict CSP holds


def test_the_overdue_list_shows_a_handful_and_links_to_all(client_for, quarter):
    client = client_for("officer_a")
    response = client.get(URL, Q1)
    # 甲镇's overdue now: d5 and d14 (d10 is 乙镇's), the same limit, so in the order registered here.
    assert [d.number for d in response.context["overdue"]] == [quarter["d5"].number, quarter["d14"].number]
    page = response.content.decode()
    assert f'href="/disputes/{quarter["d5"].pk}/"' in page
    listed = set(NUMBER.findall(client.get(response.context["overdue_all"]).content.decode()))
    assert listed == {quarter["d5"].number, quarter["d14"].number}
    assert "全部2件超期纠纷" in text_of(response)


def test_the_ranking_puts_many_cases_before_few_and_drills_down(client_for, quarter):
    from anju.reports.models import AssessmentScheme

    AssessmentScheme.objects.create(minimum_cases=3)
    client = client_for("leader")
    response = client.get(URL, Q1)
    ranking = response.context["ranking"]
    # 甲镇 resolved 4 of 7 (lower bound 25.0%), 乙镇 1 of 3 (6.1%).
    assert [(r.label, r.cells[:3], r.cells[4]) for r in ranking.rows] == [
        ("甲镇", (1, 7, 4), "25.0%"),
        ("乙镇", (2, 3, 1), "6.1%"),
    ]
    for row in ranking.rows:
        found_url, resolved_url = row.cell_urls[1], row.cell_urls[2]
        assert len(set(NUMBER.findall(client.get(found_url).content.decode()))) == row.cells[1]
        assert len(set(NUMBER.findall(client.get(resolved_url).content.decode()))) == row.cells[2]
    township = client.get(URL + ranking.rows[0].drill_url)
    assert [r.label for r in township.context["ranking"].rows] == ["甲一村", "甲二村"]
    book = openpyxl.load_workbook(
        io.BytesIO(b"".join(client.get(URL, {**Q1, "download": "ranking"}).streaming_content))
    )
    assert [c.value for c in next(book.active.iter_rows(min_row=2))][:3] == ["甲镇", "1", "7"]


def test_the_headline_folds_by_kind_with_the_disputes_open(client_for, quarter):
    page = client_for("leader").get("/reports/", {"period": "2024-Q1"}).content.decode()
    folds = re.findall(r'<details class="fold figures-group" id="figures-(\w+)"( open)?>', page)
    assert folds[:5] == [("disputes", " open"), ("events", ""), ("tips", ""), ("meetings", ""), ("tasks", "")]
    # The large screen has no one to tap: every kind is open there.
    screen = client_for("leader").get("/reports/", {"period": "2024-Q1", "screen": "1"}).content.decode()
    assert 'id="figures-events" open' in screen
