"""The shared words of the case pages (a time limit, a deadline) read as each kind's own office
says them in Chinese: a dispute's 办理期限 is a task's 办结时限 and a tip's 核查期限. English keeps
the one word."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def text(response) -> str:
    assert response.status_code == 200
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_the_time_limit_heading_is_each_kinds_own_word(client_for, cast):
    leader = client_for("leader")
    pages = {
        f"/disputes/{cast.dispute().pk}/": "办理期限",
        f"/events/{cast.event().pk}/": "办结时限",
        f"/tips/{cast.tip().pk}/": "核查期限",
    }
    for path, word in pages.items():
        chinese = leader.get(path, **ZH).content.decode()
        assert f"<h2>{word}</h2>" in chinese, path
        assert "<h2>Time limit</h2>" in leader.get(path, **EN).content.decode(), path


def test_a_tasks_deadline_and_a_batchs_deadline_read_as_their_offices_say(client_for, cast):
    leader = client_for("leader")
    task = text(leader.get(f"/tasks/{cast.task().pk}/", **ZH))
    assert "办结时限" in task and "办理期限" not in task
    assert "Deadline" in text(leader.get(f"/tasks/{cast.task().pk}/", **EN))
    batch = text(leader.get(f"/tips/batches/{cast.tip().batch_id}/", **ZH))
    assert "办结期限" in batch


def test_an_events_description_is_not_a_disputes(client_for, cast):
    """The report form asked a grid worker for the dispute's 纠纷情况."""
    grid = client_for("grid_a1")
    form = text(grid.get(f"/events/new/?type={cast.event().event_type.code}", **ZH))
    assert "事件描述" in form and "纠纷情况" not in form
