"""A work queue a person can work through: alerts grouped by kind with counts, a "mark all as read"
per group scoped to the person's own units, a card badge on the rows of every list that is past or
near its limit, and the leader's home page counting what they watch, each count linking to a list
that shows exactly those cases."""

import datetime as dt
import html
import os
import re
from unittest import mock

import pytest
from django.utils import timezone

from anju.audit.models import AuditEvent
from anju.demo import testing
from anju.disputes import actions, tasks
from anju.disputes.choices import OPEN_STATUSES
from anju.disputes.models import Alert, Dispute

pytestmark = pytest.mark.django_db


def new_case(cast, title: str, **fields) -> Dispute:
    return actions.register_dispute(
        cast.officer_a,
        region=cast.region(testing.VILLAGE_A1),
        channel="walk_in",
        category="neighbour",
        title=title,
        description=title,
        parties=[{"role": "applicant", "name": "王某"}],
        **fields,
    )


def accepted(cast, title: str) -> Dispute:
    return actions.accept(cast.mediator_a1, new_case(cast, title), mediators=[cast.mediator_a1])


def text(response) -> str:
    return html.unescape(response.content.decode())


def groups_on(page: str) -> list[tuple[str, int]]:
    """The alert groups the my-work page shows, in order: (heading, count)."""
    return [
        (name, int(count))
        for name, count in re.findall(
            r'<section class="card alerts [^"]*"[^>]*><h2>(.*?) <small class="count">(\d+)</small>', page
        )
    ]


def past_due(dispute: Dispute, *, carded: bool) -> Dispute:
    now = timezone.now()
    Dispute.objects.filter(pk=dispute.pk).update(
        due_at=now - dt.timedelta(days=2), overdue_at=now - dt.timedelta(days=1) if carded else None
    )
    return Dispute.objects.get(pk=dispute.pk)


@pytest.fixture
def township_queue(cast):
    """Township A's queue: two major-risk registrations, a request for more time and a red card."""
    new_case(cast, "重大风险甲", risk="major")
    new_case(cast, "重大风险乙", risk="major")
    asking = accepted(cast, "需延期之争")
    actions.request_extension(cast.mediator_a1, asking, working_days=3, reason="当事人外出")
    overdue = accepted(cast, "超期之争")
    Dispute.objects.filter(pk=overdue.pk).update(due_at=timezone.now() - dt.timedelta(hours=1))
    with mock.patch.dict(os.environ, {"ANJU_OVERDUE_ACTION": "flag"}):
        tasks.sweep()
    return cast


def test_my_work_groups_alerts_by_kind_with_counts_in_a_fixed_order(client_for, township_queue):
    page = text(client_for("officer_a").get("/disputes/work/"))
    assert groups_on(page) == [("红牌", 1), ("延期", 1), ("风险", 2)]
    # Each group is one card with its lines; the wording opens with the group's name.
    risk = re.search(r'id="alerts-risk">(.*?)</section>', page, re.S).group(1)
    assert risk.count("<li>") == 2 and risk.count("【风险】重大风险") == 2
    assert "【红牌】办理期限已于" in page and "【延期】申请延长 3 个工作日：当事人外出" in page
    # The counts at the top link to their groups.
    assert 'href="#alerts-red_card"' in page and "全部标为已读" in page


def test_mark_all_as_read_clears_one_group_of_ones_own_units_only(client_for, township_queue, cast):
    officer = client_for("officer_a")
    # Township B's officer marks nothing of township A's.
    answer = client_for("officer_b").post("/disputes/alerts/read/risk/", follow=True)
    assert "已将 0 条提示标为已读" in text(answer)
    assert Alert.objects.filter(unit_id=testing.TOWNSHIP_A, acknowledged_at__isnull=True).count() == 4
    answer = officer.post("/disputes/alerts/read/risk/", follow=True)
    assert "已将 2 条提示标为已读" in text(answer)
    assert groups_on(text(answer)) == [("红牌", 1), ("延期", 1)]
    township = Alert.objects.filter(unit_id=testing.TOWNSHIP_A, reason__startswith="【风险】")
    assert township.count() == 2 and not township.filter(acknowledged_at__isnull=True).exists()
    # The county's own alerts about the same cases still wait for the county.
    assert ("风险", 2) in groups_on(text(client_for("leader").get("/disputes/work/")))
    event = AuditEvent.objects.get(action="dispute.alert.acknowledge_all", actor_username="officer_a")
    assert event.after == {"topic": "risk", "acknowledged": 2}


def test_mark_all_as_read_refuses_what_it_cannot_do(client_for, cast):
    officer = client_for("officer_a")
    assert officer.get("/disputes/alerts/read/risk/").status_code == 405
    assert officer.post("/disputes/alerts/read/nonsense/").status_code == 404
    assert client_for("norole").post("/disputes/alerts/read/risk/").status_code == 403
    assert client_for("auditor").post("/disputes/alerts/read/risk/").status_code == 403


def row_of(page: str, number: str) -> str:
    rows = re.findall(r"<(?:tr|li) class=\"deadline-[a-z]*\">.*?</(?:tr|li)>", page, re.S)
    [row] = [r for r in rows if number in r]
    return row


def test_overdue_rows_carry_a_red_card_badge_in_every_list(client_for, cast):
    late = past_due(accepted(cast, "超期之争"), carded=True)
    soon = accepted(cast, "将到期之争")
    Dispute.objects.filter(pk=soon.pk).update(due_at=timezone.now() + dt.timedelta(hours=2))
    fine = accepted(cast, "时间充裕之争")
    mediator = client_for("mediator_a1")
    badge = '<span class="badge red card-badge">红牌</span>'
    for url in (
        "/disputes/",  # the dispute list (the ledger on screen)
        "/disputes/?overdue=on",  # the overdue list
        f"/disputes/?q={late.number}",  # a search
        "/disputes/work/",  # my work
    ):
        page = text(mediator.get(url))
        assert badge in row_of(page, late.number), url
    assert badge in text(mediator.get(f"/disputes/{late.pk}/"))  # and on the case's own page
    page = text(mediator.get("/disputes/"))
    assert '<span class="badge yellow card-badge">黄牌</span>' in row_of(page, soon.number)
    assert "card-badge" not in row_of(page, fine.number)


def watch_links(page: str) -> dict[str, tuple[str, int]]:
    card = re.search(r'<section class="card watch">(.*?)</section>', page, re.S).group(1)
    return {
        query: (href, int(count))
        for href, query, count in re.findall(
            r'<a href="(/disputes/\?(\w+)=on)">.*?<strong>(\d+)</strong>', card
        )
    }


def test_the_leader_home_counts_open_overdue_and_red_cards_and_links_to_those_cases(client_for, cast):
    past_due(accepted(cast, "超期有红牌"), carded=True)
    past_due(accepted(cast, "超期未亮牌"), carded=False)
    new_case(cast, "刚登记")
    leader = client_for("leader")
    links = watch_links(text(leader.get("/")))
    assert set(links) == {"open", "overdue", "red_card"}
    open_cases = Dispute.objects.filter(status__in=OPEN_STATUSES).count()
    assert links["open"][1] == open_cases and links["overdue"][1] == 2 and links["red_card"][1] == 1
    for href, count in links.values():
        page = text(leader.get(href))
        assert page.count('<tr class="deadline-') == count, href
    red = text(leader.get(links["red_card"][0]))
    assert "超期有红牌" in red and "超期未亮牌" not in red
    # No more zeros: the leader's home has no empty work lists.
    assert "待受理" not in re.search(r"<main.*?</main>", text(leader.get("/")), re.S).group(0)


def test_people_who_handle_cases_keep_their_work_lists_on_the_home_page(client_for, cast):
    page = text(client_for("mediator_a1").get("/"))
    assert 'class="card watch"' not in page and "/disputes/work/" in page
