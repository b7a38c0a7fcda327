"""The home page's "In my jurisdiction": besides the disputes, the open and overdue grid events,
tips (for those who may see tips) and supervised tasks, each count a link to the list of exactly
the rows it counted, in the reader's jurisdiction only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db


def watched(client) -> dict[str, dict]:
    response = client.get("/")
    assert response.status_code == 200
    return {kind["key"]: kind for kind in response.context["watched_kinds"] or []}


def listed(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    return len(response.context["rows"])


@pytest.fixture
def one_overdue_each(cast):
    """The cast's grid event, tip and task (all in 甲镇, all open) past their limits."""
    past = timezone.now() - dt.timedelta(days=2)
    for case in (cast.event(), cast.tip(), cast.task()):
        type(case).objects.filter(pk=case.pk).update(due_at=past)


@pytest.mark.parametrize("member", ["leader", "officer_a", "officer_b"])
def test_each_count_lists_exactly_what_it_counted(client_for, one_overdue_each, member):
    client = client_for(member)
    kinds = watched(client)
    assert set(kinds) == {"events", "tips", "tasks"}
    for key, kind in kinds.items():
        assert listed(client, f"{kind['url']}?{kind['open_query']}") == kind["open"], key
        assert listed(client, f"{kind['url']}?{kind['overdue_query']}") == kind["overdue"], key
    counts = {key: (kind["open"], kind["overdue"]) for key, kind in kinds.items()}
    if member == "officer_b":
        # 乙镇's officer sees none of 甲镇's.
        assert counts == {"events": (0, 0), "tips": (0, 0), "tasks": (0, 0)}
    else:
        assert all(open_ >= 1 and overdue >= 1 for open_, overdue in counts.values()), counts


def test_tips_only_for_those_who_may_see_them_and_no_watch_for_handlers(client_for, monkeypatch):
    from anju.accounts.choices import ROLE_PERMS, Role

    leader = client_for("leader")
    text = leader.get("/").content.decode()
    assert 'data-kind="tips"' in text and "/tips/?overdue=on" in text
    # A mediator handles cases and supervises none: their work list, not the jurisdiction's.
    assert watched(client_for("mediator_a1")) == {}
    # Were leaders not to read tips, theirs would show no count of tips.
    monkeypatch.setitem(ROLE_PERMS, Role.LEADER, ROLE_PERMS[Role.LEADER] - {"tip.view"})
    assert set(watched(client_for("leader"))) == {"events", "tasks"}
