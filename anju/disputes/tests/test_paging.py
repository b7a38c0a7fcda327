"""Paging through the dispute list, forward and back, on the page and through the API: the same
pages both ways, the filters kept, the ends without links past them, and cases registered
meanwhile neither skipped nor shown twice."""

import html
import re
from urllib.parse import urljoin

import pytest

from anju.disputes import views
from anju.disputes.models import Dispute

from .factories import new_case, post

pytestmark = pytest.mark.django_db

BAD_CURSOR = "此翻页游标不是服务器给出的，请从第一页重新开始。"


def register(client, n: int, **extra) -> list[int]:
    """n neighbour cases through the API, oldest first; their ids."""
    cases = [new_case(title=f"第{i}件", check_duplicates=False, **extra) for i in range(n)]
    return [post(client, "/api/disputes", case).json()["id"] for case in cases]


def tie(ids: list[int]) -> None:
    """Give these cases one registration time, so the pages must tell them apart by id."""
    at = Dispute.objects.get(pk=ids[0]).registered_at
    Dispute.objects.filter(pk__in=ids).update(registered_at=at)


def newest_first(ids) -> list[int]:
    newest = Dispute.objects.filter(pk__in=ids).order_by("-registered_at", "-id")
    return list(newest.values_list("id", flat=True))


class ListPage:
    """One answer of /disputes/: the cases it shows, in order, and where its pager links lead."""

    def __init__(self, response):
        assert response.status_code == 200, response.status_code
        self.text = response.content.decode()
        body = self.text.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
        self.ids = [int(pk) for pk in re.findall(r'href="/disputes/(\d+)/"', body)]
        links = re.findall(r'<a href="([^"]*)" rel="(first|prev|next)"', self.text)
        # The links are relative to the list, as a browser reads them.
        self.links = {rel: urljoin("/disputes/", html.unescape(href)) for href, rel in links}


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 2)


def walk(client, url: str, rel: str) -> list[ListPage]:
    """Follow one pager link from `url` until it is no longer offered."""
    pages = [ListPage(client.get(url))]
    while rel in pages[-1].links:
        pages.append(ListPage(client.get(pages[-1].links[rel])))
    return pages


def test_forward_then_back_shows_the_same_pages_and_keeps_the_filters(client_for, small_pages):
    mediator = client_for("mediator_a1")
    ids = register(mediator, 7)
    register(mediator, 2, category="labour")  # filtered out: never on these pages
    tie(ids[2:5])
    client = client_for("leader")
    forward = walk(client, "/disputes/?category=neighbour", "next")
    assert [p.ids for p in forward] == [
        newest_first(ids)[0:2],
        newest_first(ids)[2:4],
        newest_first(ids)[4:6],
        newest_first(ids)[6:7],
    ]
    assert "prev" not in forward[0].links and "first" not in forward[0].links
    assert "next" not in forward[-1].links
    assert "上一页" in forward[1].text and "首页" in forward[1].text and "下一页" not in forward[-1].text
    for page in forward:
        assert all("category=neighbour" in link for link in page.links.values())
    back = walk(client, forward[-1].links["prev"], "prev")
    assert [p.ids for p in back] == [p.ids for p in reversed(forward[:-1])]
    # Back from the second page is the first page itself: its rows, and no way further back.
    assert "prev" not in back[-1].links and "first" not in back[-1].links
    assert back[-1].links["next"] == forward[0].links["next"]
    assert ListPage(client.get(forward[2].links["first"])).ids == forward[0].ids


def test_cases_registered_meanwhile_are_neither_skipped_nor_repeated(client_for, small_pages):
    mediator = client_for("mediator_a1")
    ids = register(mediator, 6)
    client = client_for("leader")
    first = ListPage(client.get("/disputes/?category=neighbour"))
    second = ListPage(client.get(first.links["next"]))
    new = register(mediator, 3)
    third = ListPage(client.get(second.links["next"]))
    assert first.ids + second.ids + third.ids == newest_first(ids)
    back = ListPage(client.get(second.links["prev"]))
    assert back.ids == first.ids
    # Before what was the first page come the new cases, a page of them and then the one left:
    # the start of the list is reached without showing a row twice.
    newer = walk(client, back.links["prev"], "prev")
    assert [p.ids for p in newer] == [newest_first(new)[1:3], newest_first(new)[0:1]]
    assert "prev" not in newer[-1].links and "next" in newer[-1].links
    assert ListPage(client.get(newer[-1].links["next"])).ids == newest_first(new)[1:3]


def test_a_cursor_whose_rows_have_gone_leads_to_the_first_page(client_for, small_pages):
    ids = register(client_for("mediator_a1"), 4)
    client = client_for("leader")
    first = ListPage(client.get("/disputes/?category=neighbour"))
    second = ListPage(client.get(first.links["next"]))
    Dispute.objects.filter(pk__in=first.ids).delete()
    back = ListPage(client.get(second.links["prev"]))
    assert back.ids == second.ids == newest_first(ids)[:2]
    assert "prev" not in back.links


@pytest.mark.parametrize(
    "query",
    [
        {"before": "x"},
        {"before": "1e400_1"},
        {"cursor": "1700000000.000000_1", "before": "1700000000.000000_2"},
        {"cursor": "1700000000_x"},
    ],
)
def test_a_bad_cursor_is_refused_with_a_way_back_to_the_first_page(client_for, query):
    response = client_for("leader").get("/disputes/", {"category": "neighbour", **query})
    assert response.status_code == 400
    page = response.content.decode()
    assert BAD_CURSOR in page
    assert 'href="/disputes/?category=neighbour" rel="first"' in page
    api = client_for("leader").get("/api/disputes", query)
    assert api.status_code == 400
    assert api.json()["errors"] == {"query": [BAD_CURSOR]}


def test_the_api_pages_back_with_prev_cursor(client_for):
    mediator = client_for("mediator_a1")
    ids = register(mediator, 5)
    tie(ids[1:4])
    client = client_for("leader")
    query = {"category": "neighbour", "limit": 2}
    forward = [client.get("/api/disputes", query).json()]
    while forward[-1]["next_cursor"]:
        forward.append(client.get("/api/disputes", {**query, "cursor": forward[-1]["next_cursor"]}).json())
    assert [[d["id"] for d in p["items"]] for p in forward] == [
        newest_first(ids)[0:2],
        newest_first(ids)[2:4],
        newest_first(ids)[4:5],
    ]
    assert forward[0]["prev_cursor"] is None and forward[-1]["next_cursor"] is None
    back = [forward[-1]]
    while back[-1]["prev_cursor"]:
        back.append(client.get("/api/disputes", {**query, "before": back[-1]["prev_cursor"]}).json())
    assert back[1:] == list(reversed(forward[:-1]))


def test_the_api_schema_documents_both_cursors(client_for):
    schema = client_for("leader").get("/api/openapi.json").json()
    page = schema["components"]["schemas"]["DisputePage"]["properties"]
    assert "prev_cursor" in page and "next_cursor" in page
    params = {p["name"]: p for p in schema["paths"]["/api/disputes"]["get"]["parameters"]}
    assert "prev_cursor" in params["before"]["description"]
