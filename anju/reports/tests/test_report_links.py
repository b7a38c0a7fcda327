"""Downloading a work report from its pages: an issued report as it was issued (its stored text and
figures, its document number), the draft of the work report page from the template chosen; and the
draft's figures link only to lists their reader may open."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from docx import Document as WordDocument

from anju.audit.models import AuditEvent
from anju.demo import testing
from anju.disputes.models import Dispute
from anju.reports import officialdoc
from anju.reports.models import IssuedReport

from .factories import issued_in, template_in
from .test_report_download import immediate  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

URL = reverse("reports:report")


def download(client, **data):
    """Queue the file as the pages' download form does, and fetch it once written."""
    response = client.post(URL, {"period": "2024-Q1", "format": "docx", **data})
    if response.status_code != 302:
        return response
    return client.get(response["Location"] + "&download=1")


def words(content: bytes) -> str:
    word = WordDocument(io.BytesIO(content))
    cells = [cell.text for table in word.tables for row in table.rows for cell in row.cells]
    return " ".join([p.text for p in word.paragraphs] + cells)


def test_an_issued_report_downloads_as_issued_with_its_number(client_for, quarter, immediate):  # noqa: F811
    report = issued_in(testing.TOWNSHIP_A)
    officer = client_for("officer_a")
    page = officer.get(reverse("reports:issued_detail", args=[report.pk]))
    form = page.content.decode()
    assert f'name="issued" value="{report.pk}"' in form and 'value="xlsx"' in form
    # A late correction after issue: the file still says what was issued.
    Dispute.objects.filter(pk=quarter["d1"].pk).delete()
    got = download(officer, region=testing.TOWNSHIP_A, issued=report.pk)
    assert got.status_code == 200
    name = f"report-{testing.TOWNSHIP_A}-2024-Q1-2024-{report.serial}.docx"
    assert got["Content-Disposition"] == f'attachment; filename="{name}"'
    text = words(got.content)
    assert report.number == "〔2024〕1号" and report.number in text
    assert f"摸排{report.figures['disputes.found']['display']}件" in text
    event = AuditEvent.objects.filter(action="report.download").latest("pk")
    assert (event.actor_username, event.region_code) == ("officer_a", testing.TOWNSHIP_A)
    assert event.after["issued"] == report.pk and event.after["number"] == report.number

    book = download(officer, region=testing.TOWNSHIP_A, issued=report.pk, format="xlsx")
    assert book.status_code == 200 and book["Content-Type"] == officialdoc.CONTENT_TYPES["xlsx"]


@pytest.mark.skipif(officialdoc.soffice() is None, reason="LibreOffice is not installed")
def test_an_issued_report_as_pdf(client_for, quarter, immediate):  # noqa: F811
    report = issued_in(testing.TOWNSHIP_A)
    officer = client_for("officer_a")
    assert 'value="pdf"' in officer.get(reverse("reports:issued_detail", args=[report.pk])).content.decode()
    got = download(officer, region=testing.TOWNSHIP_A, issued=report.pk, format="pdf")
    assert got.status_code == 200 and got["Content-Type"] == "application/pdf"
    assert got.content.startswith(b"%PDF")


def test_an_issued_pdf_or_a_clear_message_without_libreoffice(client_for, quarter, immediate, monkeypatch):  # noqa: F811
    report = issued_in(testing.TOWNSHIP_A)
    officer = client_for("officer_a")
    monkeypatch.setattr(officialdoc, "soffice", lambda: None)
    page = officer.get(reverse("reports:issued_detail", args=[report.pk])).content.decode()
    assert 'value="pdf"' not in page and "LibreOffice" in page
    refused = download(officer, region=testing.TOWNSHIP_A, issued=report.pk, format="pdf")
    assert refused.status_code == 400 and "LibreOffice" in refused.content.decode()


def test_issued_downloads_keep_to_the_jurisdiction_and_the_role(client_for, quarter, immediate):  # noqa: F811
    report = issued_in(testing.TOWNSHIP_A)
    # 乙镇's officer names their own township with 甲镇's report: not found, and no job is made.
    assert download(client_for("officer_b"), region=testing.TOWNSHIP_B, issued=report.pk).status_code == 404
    assert download(client_for("officer_b"), region=testing.TOWNSHIP_B, issued=99999).status_code == 404
    for member in ("admin", "auditor"):
        assert download(client_for(member), region=testing.TOWNSHIP_A, issued=report.pk).status_code == 403
    assert download(client_for("officer_a"), region=testing.TOWNSHIP_A, issued="x").status_code == 400
    assert not AuditEvent.objects.filter(action="report.download").exists()


def test_the_draft_downloads_from_the_template_chosen(client_for, quarter, immediate):  # noqa: F811
    template = template_in(testing.TOWNSHIP_A, name="甲镇季度模板")
    officer = client_for("officer_a")
    query = {"period": "2024-Q1", "region": testing.TOWNSHIP_A, "template": template.pk}
    page = officer.get(reverse("reports:report_make"), query).content.decode()
    assert f'name="version" value="{template.current.pk}"' in page
    got = download(officer, region=testing.TOWNSHIP_A, version=template.current.pk)
    assert got.status_code == 200
    text = words(got.content)
    assert "甲镇2024年第1季度报告" in text and "摸排7件" in text
    assert "〔" not in text  # a draft has no number
    # Township B's template is not one 甲镇 writes from.
    other = template_in(testing.TOWNSHIP_B, name="乙镇模板")
    assert download(officer, region=testing.TOWNSHIP_A, version=other.current.pk).status_code == 404
    assert not IssuedReport.objects.filter(region_id=testing.TOWNSHIP_A).exists()


def test_tip_figures_link_only_for_readers_who_may_open_tips(client_for, quarter):
    query = {"period": "2024-Q1", "region": testing.VILLAGE_A1}
    leader = client_for("leader").get(reverse("reports:report_make"), query).content.decode()
    mediator = client_for("mediator_a1").get(reverse("reports:report_make"), query).content.decode()
    tip_link = re.compile(r'<a href="/tips/[^"]*" class="figure" data-figure="tips\.received"')
    assert tip_link.search(leader)
    assert not tip_link.search(mediator) and "/tips/" not in mediator
    assert 'class="figure untraced" data-figure="tips.received"' in mediator
    # The hover says why there is no link: the list exists but is not the mediator's to open.
    untraced = re.search(r'data-figure="tips\.received" title="([^"]*)"', mediator).group(1)
    assert "您的角色无权查看这些案件的清单" in untraced and "暂无案件清单" not in untraced
    # Disputes the mediator sees still link.
    assert 'class="figure" data-figure="disputes.found"' in mediator
