"""Security headers (issue 11, item 5): scripts only from the site itself and no framing on every
answer, stored files in a sandbox, nothing with personal data kept by a browser or proxy, HSTS behind
HTTPS; and no template asks for an inline script the policy would block."""

import re
from pathlib import Path

import pytest
from django.test import override_settings

import anju

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/", "/disputes/", "/disputes/work/", "/reports/disputes/", "/login/"])
def test_every_page_says_where_scripts_may_come_from_and_is_not_kept(client_for, url):
    answer = client_for("officer_a").get(url)
    policy = answer["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert "no-store" in answer["Cache-Control"]


def test_the_api_answer_about_a_case_is_not_kept(client_for, cast):
    answer = client_for("officer_a").get(f"/api/disputes/{cast.dispute().pk}")
    assert answer.status_code == 200
    assert "no-store" in answer["Cache-Control"]
    assert "Content-Security-Policy" in answer


def test_a_stored_file_keeps_its_own_sandbox(client_for, cast):
    dispute = cast.dispute()
    attachment = dispute.attachments.first()
    served = client_for("officer_a").get(f"/disputes/{dispute.pk}/attachments/{attachment.pk}/")
    assert served["Content-Security-Policy"].startswith("sandbox")


@override_settings(SECURE_HSTS_SECONDS=31536000)
def test_hsts_is_sent_over_https_when_set(client_for):
    assert "max-age=31536000" in client_for("officer_a").get("/", secure=True)["Strict-Transport-Security"]
    assert "Strict-Transport-Security" not in client_for("officer_a").get("/")


def test_no_template_asks_for_an_inline_script_or_style():
    root = Path(anju.__file__).parent
    inline = re.compile(
        r"<script(?![^>]*\bsrc=)[^>]*>|\son(click|submit|change|load|input)=|\sstyle=\"|<style", re.I
    )
    found = [
        f"{path.relative_to(root)}: {match.group(0)}"
        for path in root.rglob("*.html")
        if "tests" not in path.parts
        for match in inline.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []
