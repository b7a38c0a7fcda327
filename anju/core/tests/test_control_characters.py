"""A control character anywhere in a request is a 400 naming the field, never a 500 and never a
stored value that later breaks an export (issue 11, item 4)."""

import json

import pytest

from anju.core.inputs import strip_control
from anju.demo import testing

pytestmark = pytest.mark.django_db


def case(**extra) -> dict:
    return {
        "region": testing.GRID_A1,
        "channel": "grid_visit",
        "category": "neighbour",
        "title": "排水沟堵塞",
        "description": "张家排水沟堵塞。",
        "parties": [{"role": "applicant", "name": "李某"}],
        "check_duplicates": False,
        **extra,
    }


def post_json(client, url, data, **headers):
    return client.post(url, json.dumps(data), content_type="application/json", headers=headers)


def test_a_nul_in_a_title_is_a_400_naming_the_field(client_for):
    from anju.disputes.models import Dispute

    before = Dispute.objects.count()
    answer = post_json(client_for("grid_a1"), "/api/disputes", case(title="a\x00b"))
    assert answer.status_code == 400
    assert list(answer.json()["errors"]) == ["title"]
    assert "控制字符" in answer.json()["description"]
    assert Dispute.objects.count() == before


def test_nested_fields_and_the_callers_language(client_for):
    answer = post_json(
        client_for("grid_a1"),
        "/api/disputes",
        case(parties=[{"role": "applicant", "name": "李\x07某"}]),
        **{"Accept-Language": "en"},
    )
    assert answer.status_code == 400
    assert list(answer.json()["errors"]) == ["parties.0.name"]
    assert "control characters" in answer.json()["description"]


def test_a_nul_in_a_list_on_accept_is_a_400(client_for, cast):
    dispute = cast.dispute()
    answer = post_json(
        client_for("mediator_a1"), f"/api/disputes/{dispute.pk}/accept", {"mediators": ["mediator_a1\x00"]}
    )
    assert answer.status_code == 400 and list(answer.json()["errors"]) == ["mediators.0"]


def test_a_nul_in_a_query_parameter_is_a_400(client_for):
    answer = client_for("leader").get("/api/regions?after=S%00h")
    assert answer.status_code == 400 and list(answer.json()["errors"]) == ["after"]
    page = client_for("leader").get("/disputes/?q=%00")
    assert page.status_code == 400


def test_a_page_form_with_a_control_character_is_refused_before_anything_is_saved(client_for):
    from anju.disputes.models import Dispute

    before = Dispute.objects.count()
    answer = client_for("mediator_a1").post(
        "/disputes/new/",
        {"region": testing.VILLAGE_A1, "title": "标题\x1b[31m", "description": "x", "channel": "walk_in"},
    )
    assert answer.status_code == 400
    assert "title" in answer.content.decode()
    assert Dispute.objects.count() == before


def test_tabs_and_line_breaks_are_text(client_for):
    answer = post_json(client_for("grid_a1"), "/api/disputes", case(description="第一行\r\n第二行\t（附注）"))
    assert answer.status_code == 201
    assert answer.json()["description"] == "第一行\r\n第二行\t（附注）"


def test_exports_can_drop_what_was_stored_before_the_rule():
    assert strip_control("a\x00b\x1fc\td\n") == "abc\td\n"
