"""Phones show the API's error descriptions to the people using them: Chinese unless the request's
Accept-Language asks for English, with the status code and the field names left for programs."""

import re

import pytest
from django.test import Client

from anju.audit.models import AuditEvent
from anju.demo import testing
from anju.disputes.models import Dispute
from anju.disputes.tests.factories import new_case, post, registered

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_a_signed_out_caller_is_asked_to_sign_in(client):
    assert client.get("/api/disputes").json() == {"code": 401, "description": "请先登录。"}
    assert client.get("/api/disputes", **EN).json() == {"code": 401, "description": "Sign in first."}


def test_a_role_without_the_permission_is_told_so(client_for):
    client = client_for("norole")
    assert client.get("/api/disputes").json() == {"code": 403, "description": "您的角色无权进行此操作。"}
    assert client.get("/api/disputes", **EN).json() == {
        "code": 403,
        "description": "Not permitted for your role.",
    }


def test_a_case_outside_the_jurisdiction_is_not_found(client_for, cast):
    client = client_for("officer_b")
    url = f"/api/disputes/{cast.dispute().pk}"
    assert client.get(url).json() == {"code": 404, "description": "未找到。"}
    assert client.get(url, **EN).json() == {"code": 404, "description": "Not found."}


def test_an_address_no_endpoint_has_answers_json(client_for):
    client = client_for("grid_a1")
    for url in ("/api/no-such-thing", "/api/disputes/1/no-such-action"):
        response = client.get(url)
        assert response.status_code == 404 and response["Content-Type"] == "application/json"
        assert response.json() == {"code": 404, "description": "未找到。"}
    assert client.get("/api/no-such-thing", **EN).json() == {"code": 404, "description": "Not found."}
    # A header set by middleware below the one that writes this body (settings.MIDDLEWARE) stays.
    assert client.get("/api/no-such-thing")["X-Frame-Options"] == "DENY"
    # Pages keep their HTML 404.
    assert client.get("/no-such-page/")["Content-Type"].startswith("text/html")


def test_a_method_an_endpoint_does_not_take_is_named_with_the_ones_it_does(client_for):
    client = client_for("grid_a1")
    response = client.delete("/api/disputes/subtypes")
    assert response.status_code == 405 and response["Allow"] == "GET"
    assert response.json() == {"code": 405, "description": "此地址不接受 DELETE 请求，请使用 GET。"}
    english = client.delete("/api/disputes/subtypes", **EN).json()
    assert english["description"] == "DELETE is not accepted here; use GET."


def test_invalid_input_names_the_fields_in_every_language(client_for):
    client = client_for("grid_a1")
    bad_phone = new_case(parties=[{"role": "applicant", "name": "李某", "phone": "12345"}])
    chinese = post(client, "/api/disputes", bad_phone)
    english = client.post("/api/disputes", bad_phone, content_type="application/json", **EN)
    assert chinese.status_code == english.status_code == 400
    assert chinese.json()["description"] == "提交的内容有误。"
    assert english.json()["description"] == "Invalid input."
    assert list(chinese.json()["errors"]) == list(english.json()["errors"]) == ["parties.0.phone"]


# --- what pydantic refuses (422): one sentence per field, in the caller's language -------------


def errors_of(response) -> list[tuple[list, str, str]]:
    assert response.status_code == 422, response.content
    body = response.json()
    # `detail` is the key ninja's own 422 used; it carries the same list for older clients.
    assert body["code"] == 422 and body["detail"] == body["errors"]
    return [(error["loc"], error["type"], error["msg"]) for error in body["errors"]]


def both_languages(client, case: dict):
    chinese = post(client, "/api/disputes", case)
    english = client.post("/api/disputes", case, content_type="application/json", **EN)
    assert chinese.json()["description"] == "提交的内容有误。"
    assert english.json()["description"] == "Invalid input."
    return errors_of(chinese), errors_of(english)


TITLE = ["body", "payload", "title"]


def test_a_missing_field_is_named_as_required(client_for):
    case = new_case()
    del case["title"]
    chinese, english = both_languages(client_for("grid_a1"), case)
    assert chinese == [(TITLE, "missing", "此项为必填项。")]
    assert english == [(TITLE, "missing", "This field is required.")]


def test_an_empty_text_reads_as_a_blank_required_field_on_a_page(client_for):
    from anju.disputes.tests.test_pages import registration

    client = client_for("grid_a1")
    page = client.post("/disputes/new/", registration(title=""))
    [from_page] = re.findall(r'<ul class="errorlist"[^>]*><li>([^<]*)</li>', page.content.decode())
    chinese, english = both_languages(client, new_case(title=""))
    assert chinese == [(TITLE, "string_too_short", from_page)] and from_page == "此项为必填项。"
    assert english == [(TITLE, "string_too_short", "This field is required.")]


def test_a_string_that_is_too_long_gives_the_limit(client_for):
    chinese, english = both_languages(client_for("grid_a1"), new_case(title="长" * 101))
    assert chinese == [(TITLE, "string_too_long", "最多填写 100 个字符。")]
    assert english == [(TITLE, "string_too_long", "Enter at most 100 characters.")]


def test_a_value_of_the_wrong_type_says_what_is_expected(client_for):
    field = ["body", "payload", "people_involved"]
    chinese, english = both_languages(client_for("grid_a1"), new_case(people_involved="many"))
    assert chinese == [(field, "int_parsing", "请输入整数。")]
    assert english == [(field, "int_parsing", "Enter a whole number.")]
    in_path = errors_of(client_for("grid_a1").get("/api/disputes/abc"))
    assert in_path == [(["path", "dispute_id"], "int_parsing", "请输入整数。")]


@pytest.mark.parametrize(("language", "said"), [("zh-hans", "请输入整数。"), ("en", "Enter a whole number.")])
def test_a_page_and_the_api_say_a_bad_whole_number_in_the_same_words(client_for, language, said):
    from anju.disputes.tests.test_pages import registration

    client = client_for("grid_a1")
    headers = {"accept-language": language}
    page = client.post("/disputes/new/", registration(people_involved="很多"), headers=headers)
    [from_page] = re.findall(r'<ul class="errorlist"[^>]*><li>([^<]*)</li>', page.content.decode())
    answer = client.post(
        "/api/disputes", new_case(people_involved="很多"), content_type="application/json", headers=headers
    )
    [(_, _, from_api)] = errors_of(answer)
    assert from_page == from_api == said


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_bound_reads_as_a_pages_bound(language):
    from django import forms
    from django.utils import translation

    from anju.core.field_errors import message

    with translation.override(language):
        for field, value, error in (
            (forms.IntegerField(max_value=5), 6, {"type": "less_than_equal", "ctx": {"le": 5}}),
            (forms.FloatField(min_value=0), -1, {"type": "greater_than_equal", "ctx": {"ge": 0.0}}),
        ):
            with pytest.raises(forms.ValidationError) as refused:
                field.clean(value)
            assert refused.value.messages == [message(error)]


def test_an_unknown_choice_lists_the_allowed_ones(client_for):
    field = ["body", "payload", "risk"]
    chinese, english = both_languages(client_for("grid_a1"), new_case(risk="apocalyptic"))
    assert chinese == [(field, "enum", "只能是以下之一：general、serious、major。")]
    assert english == [(field, "enum", "Choose one of: general, serious, major.")]
    client = client_for("grid_a1")
    [(loc, kind, msg)] = errors_of(client.get("/api/disputes", {"status": "nonsense"}, **EN))
    assert (loc, kind) == (["query", "status"], "enum")
    assert msg.startswith("Choose one of: registered, ")


def test_a_validators_own_reason_is_kept_without_pydantics_prefix(client_for):
    client = client_for("auditor")
    backwards = {"date_from": "2026-02-01", "date_to": "2026-01-01"}
    [(_, kind, msg)] = errors_of(client.get("/api/audit/events", backwards))
    assert (kind, msg) == ("value_error", "结束日期不能早于开始日期。")
    [(_, _, msg)] = errors_of(client.get("/api/audit/events", backwards, **EN))
    assert msg == "The period must end on or after the day it starts."


CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize(
    "change",
    [
        {"title": ""},
        {"parties": []},
        {"parties": "everyone"},
        {"parties": [{"role": "judge", "name": "李某"}]},
        {"amount": "1.005"},
        {"amount": "-5"},
        {"amount": "123456789012345"},
        {"latitude": 91},
        {"latitude": "north"},
        {"region": 12},
        {"may_turn_criminal": "perhaps"},
        {"check_duplicates": [1]},
    ],
)
def test_no_refusal_is_left_in_english(client_for, change):
    errors = errors_of(post(client_for("grid_a1"), "/api/disputes", new_case(**change)))
    assert errors and all(CJK.search(msg) for _, _, msg in errors), errors


@pytest.mark.parametrize("body", ['{"title": ', "{'title': 'x'}", b"\xff\xfe{}", "{}{}"])
def test_a_body_that_is_not_json_is_refused_in_the_callers_language(client_for, body):
    client = client_for("grid_a1")
    chinese = client.post("/api/disputes", body, content_type="application/json")
    english = client.post("/api/disputes", body, content_type="application/json", **EN)
    assert chinese.json() == {"code": 400, "description": "请求正文不是有效的 JSON。"}
    assert english.json() == {"code": 400, "description": "The request body is not valid JSON."}
    assert chinese.status_code == english.status_code == 400


@pytest.mark.parametrize("body", ["[1, 2]", "null", '"a case"', "7"])
def test_json_that_is_not_an_object_is_a_422_not_a_500(client_for, body):
    response = client_for("grid_a1").post("/api/disputes", body, content_type="application/json")
    assert all(CJK.search(msg) for _, _, msg in errors_of(response))


def test_a_session_call_without_its_csrf_token_is_told_why(cast):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.user("grid_a1"))
    chinese = post(client, "/api/disputes", new_case())
    english = client.post("/api/disputes", new_case(), content_type="application/json", **EN)
    assert chinese.status_code == english.status_code == 403
    assert chinese.json()["description"] == "此请求未通过安全校验（CSRF）。请刷新页面后重试。"
    assert english.json()["description"] == (
        "This request failed the security check (CSRF). Reload the page and try again."
    )
    assert not Dispute.objects.filter(title=new_case()["title"]).exists()


# --- refusals (403): an action's own reason is told, a jurisdiction's never --------------------


def test_an_actions_own_reason_for_refusing_reaches_the_caller(client_for):
    mediator = client_for("mediator_a1")
    _, url = registered(mediator)
    post(mediator, f"{url}/accept", {"mediators": ["mediator_a1"]})
    post(mediator, f"{url}/escalate", {"reason": "涉及两村"})
    chinese = post(mediator, f"{url}/resolve", {})
    english = mediator.post(f"{url}/resolve", {}, content_type="application/json", **EN)
    assert chinese.json() == {"code": 403, "description": f"此案由 甲镇 ({testing.TOWNSHIP_A}) 承办。"}
    assert english.json() == {
        "code": 403,
        "description": f"This case is handled by 甲镇 ({testing.TOWNSHIP_A}).",
    }


def test_a_write_outside_the_jurisdiction_gets_only_the_general_refusal(client_for):
    client = client_for("admin_b")
    inside_a = {"code": "629902100201002", "name": "越权"}
    chinese = client.post("/api/regions", inside_a, content_type="application/json")
    english = client.post("/api/regions", inside_a, content_type="application/json", **EN)
    assert chinese.json() == {"code": 403, "description": "您的角色无权进行此操作。"}
    assert english.json() == {"code": 403, "description": "Not permitted for your role."}


def test_the_recheck_after_a_write_says_nothing_of_what_it_found(client_for, cast, monkeypatch):
    # The re-check inside the transaction refuses as it would for a case that ended up outside the
    # caller's jurisdiction; its message names the case and is for the audit trail only.
    from anju.core import scoping
    from anju.disputes import actions

    def recheck_as_another_township(obj, user, action):
        scoping.require_in_scope(obj, cast.user("officer_b"), action)

    monkeypatch.setattr(actions, "require_in_scope", recheck_as_another_township)
    response = post(client_for("grid_a1"), "/api/disputes", new_case(title="越界的案件"))
    assert response.json() == {"code": 403, "description": "您的角色无权进行此操作。"}
    assert not Dispute.objects.filter(title="越界的案件").exists()
    refusal = AuditEvent.objects.get(action="dispute.register", result="refused")
    assert "outside the jurisdiction" in refusal.detail


def test_a_case_outside_the_jurisdiction_is_still_not_found_for_writes(client_for, cast):
    url = f"/api/disputes/{cast.dispute().pk}/escalate"
    response = post(client_for("officer_b"), url, {"reason": "看看"})
    assert response.json() == {"code": 404, "description": "未找到。"}
