"""A refused request leaves one line in the server log and no traceback; a fault keeps its traceback."""

import logging

import pytest

pytestmark = pytest.mark.django_db

CASES = [
    ("page 403", "grid_a1", "get", "/staff/", None, 403),
    ("page 404", "grid_a1", "get", "/disputes/999999/", None, 404),
    ("page 400", "grid_a1", "get", "/disputes/?q=%00", None, 400),
    ("api 403", "grid_a1", "get", "/api/users", None, 403),
    ("api 404", "grid_a1", "get", "/api/disputes/999999", None, 404),
    ("api 400", "admin", "post", "/api/regions", "{not json", 400),
    ("api 401", None, "get", "/api/me", None, 401),
]


@pytest.mark.parametrize(("what", "who", "method", "url", "body", "status"), CASES, ids=[c[0] for c in CASES])
def test_each_refusal_is_logged_once_without_a_traceback(
    client, client_for, caplog, what, who, method, url, body, status
):
    browser = client_for(who) if who else client
    caplog.clear()
    with caplog.at_level(logging.INFO):
        if body is None:
            response = getattr(browser, method)(url)
        else:
            response = getattr(browser, method)(url, body, content_type="application/json")
    assert response.status_code == status, what
    records = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(records) == 1, [r.getMessage() for r in records]
    (record,) = records
    assert record.exc_info is None and record.exc_text is None
    assert str(status) in f"{getattr(record, 'status_code', '')}"
    assert "Traceback" not in caplog.text


def test_a_server_fault_keeps_its_traceback(client_for, caplog, settings):
    from django.urls import clear_url_caches

    settings.ROOT_URLCONF = "anju.core.tests.broken_urls"
    clear_url_caches()
    officer = client_for("officer_a")
    officer.raise_request_exception = False
    with caplog.at_level(logging.ERROR):
        assert officer.get("/broken/").status_code == 500
    assert any(r.exc_info for r in caplog.records if getattr(r, "status_code", 0) == 500)
