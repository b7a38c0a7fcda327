"""The audit log in words: actions, object kinds and fields read in the page's language, the search
offers choices rather than codes, and a code nobody declared shows as itself."""

import re

import pytest

from anju.audit.actions import record
from anju.demo import testing

from .test_audit import events, rows_of  # noqa: F401 (the fixture is used by name)

pytestmark = pytest.mark.django_db


def test_the_auditor_reads_actions_objects_and_fields_in_chinese_and_english(events, client_for):  # noqa: F811
    client = client_for("auditor")
    chinese = rows_of(client.get("/audit/"))
    assert "区划已修改" in chinese and "登录失败" in chinese
    assert '<span class="nowrap">区划</span>' in chinese  # the region model's verbose name
    assert "名称</span>：甲一网格 → 新名" in chinese  # the field in words, then before and after
    assert "region.update" not in re.sub(r'title="[^"]*"', "", chinese)
    english = rows_of(client.get("/audit/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "Region changed" in english and "Sign-in failed" in english
    assert "name</span>：甲一网格 → 新名" in english


def test_the_search_offers_choices_in_words_and_a_choice_narrows_the_rows(events, client_for):  # noqa: F811
    client = client_for("auditor")
    page = client.get("/audit/").content.decode()
    assert '<option value="region.update">区划已修改</option>' in page
    assert '<option value="regions.region">区划</option>' in page
    assert re.search(r'<option value="admin_b">[^<]*admin_b[^<]*</option>', page)
    assert '<option value="dispute.accept">矛盾纠纷：受理</option>' in page  # derived from the kind
    assert '<input type="text" name="action"' not in page
    everything = rows_of(client.get("/audit/"))
    narrowed = rows_of(client.get("/audit/", {"action": "region.update"}))
    assert narrowed.count("<tr") == 1 < everything.count("<tr")
    assert (
        rows_of(client.get("/audit/", {"object_type": "regions.region", "result": "refused"})).count("<tr")
        == 1
    )
    # A code the list does not hold is a clear refusal, not an empty page that looks like no rows.
    assert client.get("/audit/", {"action": "region."}).status_code == 400


def test_the_accounts_offered_are_those_inside_the_auditors_jurisdiction(cast, client_for):
    county_wide = client_for("auditor").get("/audit/").content.decode()
    assert 'value="officer_b"' in county_wide and 'value="officer_a"' in county_wide


def test_a_code_nobody_declared_shows_as_itself(cast, client_for):
    record(cast.admin, "toy.unheard_of", region_code=testing.VILLAGE_A1, after={"whatever": 1})
    response = client_for("auditor").get("/audit/")
    assert response.status_code == 200
    assert "toy.unheard_of" in rows_of(response) and "whatever</span>：1" in rows_of(response)


def test_reads_of_personal_data_name_the_field_in_words(cast, client_for):
    from anju.audit.actions import record_access

    record_access(cast.officer_a, cast.officer_a, "phone", region_code=testing.VILLAGE_A1, purpose="核实")
    page = rows_of(client_for("auditor").get("/audit/access/"))
    assert "工作电话" in page and '<span class="nowrap">用户</span>' in page


def test_keys_that_are_no_models_fields_read_in_the_words_their_app_declares(cast, client_for):
    record(cast.admin, "calendar.import", after={"file": "days.csv", "created": 3})
    record(
        cast.admin,
        "region.update",
        object_type="disputes.dispute",
        object_id="1",
        after={"due_at": "2026-12-09 23:59:59.999999+08:00"},
    )
    page = rows_of(client_for("auditor").get("/audit/"))
    assert "文件</span>：days.csv" in page and "新增</span>：3" in page
    assert "2026年12月9日 23:59" in page
