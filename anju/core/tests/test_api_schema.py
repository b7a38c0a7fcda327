"""What a client generated from /api/openapi.json can rely on: the device token and every refusal
are in the document, a body that is not JSON is refused as such, and a date from a typo (year 0202)
is refused rather than answered with Shanghai's local mean time of the 1890s."""

import pytest
from django.test import Client

from anju.accounts.tokens import create_token
from anju.demo import testing
from anju.disputes.tests.factories import new_case

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def phone(cast):
    """A handler's phone: a client signed in with a device token only."""
    token = create_token(None, cast.officer_a, "phone")
    return Client(headers=testing.bearer(token))


@pytest.fixture
def document(client_for):
    response = client_for("admin").get("/api/openapi.json")
    assert response.status_code == 200
    return response.json()


def operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield method, path, operation


def test_the_document_declares_the_device_token(document):
    schemes = document["components"]["securitySchemes"]
    bearer = [name for name, scheme in schemes.items() if scheme.get("scheme") == "bearer"]
    assert bearer and schemes[bearer[0]]["type"] == "http"
    for method, path, operation in operations(document):
        assert {bearer[0]: []} in operation["security"], (method, path)


def test_every_refusal_is_declared_with_the_one_error_body(document):
    error = document["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"code", "description"} and "errors" in error["properties"]
    body = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for method, path, operation in operations(document):
        answers = operation["responses"]
        for status in ("400", "401", "403", "422"):
            assert answers[status]["content"] == body, (method, path, status)
        if method != "get":
            assert answers["409"]["content"] == body, (method, path)
        if "requestBody" in operation:
            assert {"404", "415"} <= answers.keys(), (method, path)
    transitions = document["paths"]["/api/disputes/{dispute_id}/accept"]["post"]["responses"]
    assert {"400", "403", "404", "409", "422"} <= transitions.keys()


def test_the_create_that_honours_an_idempotency_key_declares_it(document):
    def headers(operation):
        return [p["name"] for p in operation.get("parameters", []) if p["in"] == "header"]

    assert headers(document["paths"]["/api/disputes"]["post"]) == ["Idempotency-Key"]
    # Only there: elsewhere the header would be ignored.
    assert headers(document["paths"]["/api/regions"]["post"]) == []


def test_a_body_that_is_not_json_is_refused_as_such(phone):
    form = phone.post("/api/disputes", {"title": "a"})
    assert form.status_code == 415
    assert form.json() == {
        "code": 415,
        "description": "请以 JSON 格式发送请求内容（Content-Type: application/json）。",
    }
    text = phone.post("/api/disputes", '{"title": "a"}', content_type="text/plain", **EN)
    assert text.status_code == 415
    assert text.json()["description"] == "Send the request body as JSON (Content-Type: application/json)."
    # JSON itself goes on to be read.
    assert phone.post("/api/disputes", new_case(), content_type="application/json").status_code != 415


def test_a_date_outside_1900_to_2100_is_refused(phone, cast, client_for):
    dispute = cast.dispute()
    answers = {
        "session": phone.post(
            f"/api/disputes/{dispute.pk}/sessions",
            {"held_on": "0202-03-02", "place": "村委会", "participants": "双方", "record": "记录"},
            content_type="application/json",
        ),
        "calendar": phone.get("/api/calendar", {"start": "2101-01-01"}),
        "deadline": phone.get("/api/calendar/deadline", {"start": "1900-06-01T09:00", "working_days": 1}),
        "audit": client_for("auditor").get("/api/audit/events", {"date_from": "1899-12-31"}),
    }
    for name, response in answers.items():
        assert response.status_code == 422, name
        assert "请填写1900年至2100年之间的日期" in str(response.json()["errors"]) or (
            name == "deadline" and "1901年至2100年" in str(response.json()["errors"])
        ), name
    for url in ("/api/disputes", "/api/reports/disputes"):
        response = phone.get(url, {"date_from": "0001-01-01"}, **EN)
        assert 400 <= response.status_code < 500, url
        assert "between the years 1900 and 2100" in str(response.json()), url
    # The years at the edges are fine.
    assert phone.get("/api/calendar", {"start": "2100-01-01"}).status_code == 200
    assert phone.get("/api/disputes", {"date_from": "1900-01-01"}).status_code == 200
