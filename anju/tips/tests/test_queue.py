"""Issue 14, item 2: the handler's tip work queue: their tips by deadline with the yellow and red
cards, what waits to be assigned and the requests for more time they decide; no informant, no
subject, and nothing of another township."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from anju.demo import testing
from anju.tips import actions
from anju.tips.models import Tip

pytestmark = pytest.mark.django_db


def test_the_queue_lists_the_handlers_tips_by_deadline_with_their_cards(client_for, cast):
    tip = cast.tip()
    officer = client_for("officer_a")
    page = officer.get("/tips/mine/").content.decode()
    assert tip.number in page and testing.TIP_BATCH in page
    for secret in (testing.TIP_INFORMANT, testing.TIP_INFORMANT_PHONE, testing.TIP_SUBJECT):
        assert secret not in page
    # A tip just registered waits for a handler; a tip past its deadline is carded red.
    fresh = actions.register_tip(
        cast.officer_a,
        region=cast.region(testing.VILLAGE_A2),
        source_kind="hotline",
        received_on=timezone.localdate(),
        content="新线索",
        subject_name="某人",
        anonymous=True,
    )
    Tip.objects.filter(pk=tip.pk).update(due_at=timezone.now() - dt.timedelta(days=1))
    page = officer.get("/tips/mine/").content.decode()
    assert "待分配" in page and fresh.number in page.split("待分配")[1]
    assert 'class="due red"' in page and 'class="badge red">红牌 <strong>1</strong>' in page
    # The county decides the cast tip's request for more time; the township does not see it as its own.
    assert "核查需要时间" not in page
    assert tip.number not in client_for("officer_b").get("/tips/mine/").content.decode()
    assert client_for("mediator_a1").get("/tips/mine/").status_code == 403
    assert client_for("auditor").get("/tips/mine/").status_code == 403
