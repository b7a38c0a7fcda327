"""The township assessment page (/reports/assessment/), opened by the cast: each township's counts
match a hand count and open as exactly their cases, a township with few cases is not ranked
above one with many by chance, the weights an administrator stores change the score, the table
downloads as XLSX."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest

from anju.demo import testing
from anju.demo.testing import local
from anju.disputes.models import Dispute, TimelineEntry
from anju.reports import metrics
from anju.reports.models import AssessmentScheme

from .factories import make_dispute

pytestmark = pytest.mark.django_db

URL = "/reports/assessment/"
Q1 = {"period": "2024-Q1"}
NUMBER = re.compile(r"629902-2024-9\d{5}")


def note(dispute: Dispute, name: str, at) -> None:
    entry = TimelineEntry.objects.create(
        dispute=dispute,
        transition=name,
        from_status=dispute.status,
        to_status=dispute.status,
        handling_unit_id=dispute.handling_unit_id,
    )
    TimelineEntry.objects.filter(pk=entry.pk).update(at=at)


@pytest.fixture
def marked(quarter):
    """The quarter's fixture with a red card, a reopening and time limits, each noted by hand."""
    # d1 resolved on 11 January within its limit (the 12th); d3 resolved on 4 February, late.
    Dispute.objects.filter(pk=quarter["d1"].pk).update(due_at=local(2024, 1, 12))
    Dispute.objects.filter(pk=quarter["d3"].pk).update(due_at=local(2024, 2, 2))
    note(quarter["d5"], "overdue", local(2024, 3, 25))  # red card in the period
    note(quarter["d12"], "overdue", local(2024, 4, 3))  # after it: not counted
    note(quarter["d1"], "reopen", local(2024, 1, 20))
    return quarter


def rows_of(response) -> dict[str, metrics.TownshipScore]:
    return {row.name: row for row in response.context["result"].rows}


def counts(row: metrics.TownshipScore) -> dict[str, tuple[int, int]]:
    return {i.key: (i.count, i.base) for i in row.indicators}


@pytest.mark.parametrize("member", sorted(testing.MEMBERS))
def test_every_member_sees_their_own_townships_or_is_refused(client_for, marked, member):
    response = client_for(member).get(URL, Q1)
    sees = {"leader": {"甲镇", "乙镇"}, "officer_a": {"甲镇"}, "officer_b": {"乙镇"}}
    if member in ("auditor", "admin", "admin_b", "norole"):
        assert response.status_code == 403
        return
    assert response.status_code == 200
    assert set(rows_of(response)) == sees.get(member, set())
    if member == "officer_b":
        assert not testing.a_markers_in(response.content)


def test_the_counts_are_the_hand_counts_and_open_as_their_cases(client_for, marked):
    client = client_for("leader")
    response = client.get(URL, Q1)
    a, b = rows_of(response)["甲镇"], rows_of(response)["乙镇"]
    # 甲镇 found d1-d6 and d12; resolved d1-d4 (d6 at the end instant is not); d2 was resolved by
    # the township although it arose in a village; d1 on time, d3 late; d5 red-carded; d1 reopened.
    assert a.found == 7
    assert counts(a) == {
        "resolution": (4, 7),
        "where_arose": (3, 4),
        "on_time": (1, 2),
        "overdue": (1, 7),
        "repeat": (1, 7),
    }
    assert b.found == 3 and counts(b)["resolution"] == (1, 3) and counts(b)["where_arose"] == (0, 1)
    # Fewer than the default 10 disputes: scored, not ranked.
    assert a.rank is None and b.rank is None and a.score is not None
    # Every count and base on the page opens as exactly that many cases in the dispute list.
    page = response.content.decode()
    row = re.search(r'<tr data-township="629902100">(.*?)</tr>', page, re.S).group(1)
    links = re.findall(r'<a href="([^"]+)">(\d+)</a>', row)
    assert len(links) == 11
    for href, shown in links:
        listed = set(NUMBER.findall(client.get(href.replace("&amp;", "&")).content.decode()))
        assert len(listed) == int(shown), href


def test_few_perfect_cases_do_not_outrank_many_good_ones(client_for, quarter):
    # 甲镇 already has 4 of 7 resolved; 11 more resolved and one open make 15 of 19 (78.9%).
    for day in range(1, 13):
        make_dispute(
            testing.VILLAGE_A1,
            category="neighbour",
            origin="village",
            status="resolved" if day < 12 else "mediating",
            registered=local(2024, 2, day),
            resolved=local(2024, 2, day + 1) if day < 12 else None,
            resolved_level="village" if day < 12 else "",
        )
    AssessmentScheme.objects.create(
        resolution=100, where_arose=0, on_time=0, overdue=0, repeat=0, minimum_cases=1
    )
    # 乙镇 is left with its one dispute, resolved: 100% of 1.
    Dispute.objects.filter(pk__in=[quarter["d10"].pk, quarter["d13"].pk]).update(
        registered_at=local(2023, 6, 1)
    )
    response = client_for("leader").get(URL, Q1)
    a, b = rows_of(response)["甲镇"], rows_of(response)["乙镇"]
    assert counts(a)["resolution"] == (15, 19)
    lower_a = metrics.wilson_bounds(15, 19)[0]
    assert counts(b)["resolution"] == (1, 1)
    # 1 of 1 (100%) counts as 20.7%, less than 15 of 19 (78.9%) at 56.7%.
    assert a.score == round(lower_a * 100, 1) == 56.7 and b.score == 20.7
    assert a.rank == 1 and b.rank == 2
    text = response.content.decode()
    assert "威尔逊" in text and "95%" in text


def test_the_stored_weights_and_minimum_change_the_table(client_for, marked):
    client = client_for("leader")
    AssessmentScheme.objects.create(
        resolution=0, where_arose=0, on_time=0, overdue=0, repeat=100, minimum_cases=3
    )
    rows = rows_of(client.get(URL, Q1))
    # Only the reopened share weighs. 乙镇 reopened none of 3, 甲镇 1 of 7: on three cases "none"
    # says little (at most 56.2% may be reopened), so 甲镇 (at most 51.3%) ranks first.
    assert rows["甲镇"].rank == 1 and rows["乙镇"].rank == 2
    assert rows["乙镇"].score == round((1 - metrics.wilson_bounds(0, 3)[1]) * 100, 1)


def test_the_administrator_keeps_the_scheme_in_the_admin(client_for):
    admin = client_for("admin")
    assert admin.get("/admin/reports/assessmentscheme/add/").status_code == 200
    response = admin.post(
        "/admin/reports/assessmentscheme/add/",
        {"resolution": 40, "where_arose": 20, "on_time": 20, "overdue": 10, "repeat": 10, "minimum_cases": 5},
    )
    assert response.status_code == 302
    assert AssessmentScheme.current().resolution == 40
    assert admin.get("/admin/reports/assessmentscheme/add/").status_code == 403  # one scheme only
    assert client_for("leader").get("/admin/reports/assessmentscheme/").status_code in (302, 403)


def test_the_table_downloads_as_xlsx(client_for, marked):
    response = client_for("leader").get(URL, {**Q1, "download": "xlsx"})
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = [[c.value for c in row] for row in book.active.iter_rows()]
    assert rows[0][:4] == ["名次", "乡镇", "区划代码", "摸排受理数"]
    a = next(row for row in rows if row[1] == "甲镇")
    assert a[3:6] == ["7", "4", "7"]


@pytest.mark.parametrize(
    ("member", "query", "status", "says"),
    [
        ("officer_b", {**Q1, "region": testing.TOWNSHIP_A}, 404, ""),
        ("leader", {**Q1, "region": "629902199"}, 404, ""),
        ("leader", {"period": "2024-Q7"}, 400, "不是有效的统计期"),
        ("leader", {"period": "2024", "region": "12"}, 400, ""),
        ("leader", {"period": "2024", "region": testing.VILLAGE_A1}, 400, "请选择县或乡镇"),
    ],
)
def test_outside_the_jurisdiction_is_404_and_bad_input_400(client_for, quarter, member, query, status, says):
    response = client_for(member).get(URL, query)
    assert response.status_code == status
    if status == 400:
        assert 'role="alert"' in response.content.decode() and says in response.content.decode()
    assert not testing.a_markers_in(response.content) or member != "officer_b"


def test_the_page_reads_in_english_too(client_for, marked):
    page = client_for("leader").get(URL, Q1, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Township assessment" in page and "95% Wilson confidence interval" in page
    assert "fewer than 10 disputes found" in page
