"""Issue 14, item 2: the report on a batch is one click, in the source's own layout: a sample sheet
from the source sets its columns, headers and order; columns the platform cannot fill (the informant
among them) stay empty, so no layout can carry an informant or a subject out."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from anju.accounts.choices import Role
from anju.audit.models import AuditEvent
from anju.demo import testing
from anju.tips.models import Source

pytestmark = pytest.mark.django_db

SAMPLE = "市委政法委线索办理情况反馈表\n序号,举报人,被反映人,核查结论,处理结果,刑事立案数,办结日期,备注\n"


def rows_of(response) -> list[list]:
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [[c if c is not None else "" for c in row] for row in book.active.iter_rows(values_only=True)]


@pytest.fixture
def county_dispatcher(cast):
    user = testing.add_staff("centre", "县中心", Role.CENTRE_OPERATOR, testing.COUNTY)
    client = Client()
    client.force_login(user)
    testing.pass_second_factor(client)
    return client


def test_a_source_sample_sets_the_report_layout_and_never_brings_out_the_informant(
    client_for, cast, county_dispatcher
):
    tip = cast.tip()
    batch_report = f"/tips/batches/{tip.batch_id}/report.xlsx"
    before = rows_of(client_for("officer_a").get(batch_report))
    assert len(before[0]) == 15  # the platform's own layout
    sample = SimpleUploadedFile("反馈表.csv", SAMPLE.encode("utf-8"))
    # Only the county sets a source's layout; the township reads it.
    refused = client_for("officer_a").post(
        "/tips/sources/layouts/", {"kind": "higher_authority", "file": sample}
    )
    assert refused.status_code == 403
    sample.seek(0)
    sent = county_dispatcher.post("/tips/sources/layouts/", {"kind": "higher_authority", "file": sample})
    assert sent.status_code == 302
    layout = Source.objects.get(kind="higher_authority").report_layout
    assert [(c["header"], c["field"]) for c in layout] == [
        ("序号", "source_ref"),
        ("举报人", ""),
        ("被反映人", ""),
        ("核查结论", "result"),
        ("处理结果", "outcome"),
        ("刑事立案数", "criminal_cases"),
        ("办结日期", "closed_on"),
        ("备注", ""),
    ]
    assert AuditEvent.objects.filter(action="tip.source.layout").count() == 1
    page = client_for("officer_a").get("/tips/sources/layouts/").content.decode()
    assert "举报人" in page and "留空" in page
    report = rows_of(client_for("officer_a").get(batch_report))
    assert report[0] == [
        "序号",
        "举报人",
        "被反映人",
        "核查结论",
        "处理结果",
        "刑事立案数",
        "办结日期",
        "备注",
    ]
    assert len(report) == 2 and report[1][1:3] == ["", ""]
    everything = " ".join(str(c) for row in report for c in row)
    assert testing.TIP_INFORMANT not in everything and testing.TIP_SUBJECT not in everything
    # Bad samples are a clear 400; the platform's layout comes back on request.
    empty = SimpleUploadedFile("x.csv", "备注,其他\n".encode())
    assert (
        county_dispatcher.post(
            "/tips/sources/layouts/", {"kind": "higher_authority", "file": empty}
        ).status_code
        == 400
    )
    assert (
        county_dispatcher.post("/tips/sources/layouts/", {"kind": "nonsense", "reset": "on"}).status_code
        == 400
    )
    assert (
        county_dispatcher.post(
            "/tips/sources/layouts/", {"kind": "higher_authority", "reset": "on"}
        ).status_code
        == 302
    )
    assert rows_of(client_for("officer_a").get(batch_report))[0] == before[0]
    assert client_for("officer_b").get(batch_report).status_code == 404
