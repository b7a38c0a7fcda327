"""Phones show the API's error descriptions to the people using them: Chinese unless the request's
Accept-Language asks for English, with the status code and the field names left for programs."""

import pytest

from anju.disputes.tests.test_api import new_case, post

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


def test_invalid_input_names_the_fields_in_every_language(client_for):
    client = client_for("grid_a1")
    bad_phone = new_case(parties=[{"role": "applicant", "name": "李某", "phone": "12345"}])
    chinese = post(client, "/api/disputes", bad_phone)
    english = client.post("/api/disputes", bad_phone, content_type="application/json", **EN)
    assert chinese.status_code == english.status_code == 400
    assert chinese.json()["description"] == "提交的内容有误。"
    assert english.json()["description"] == "Invalid input."
    assert list(chinese.json()["errors"]) == list(english.json()["errors"]) == ["parties.0.phone"]
