"""A tip's life through the pages and the API: intake (one by one and as a transferred batch from
a spreadsheet), assignment, verification with its outcome counts, closing, the batch cleared and
reported; the deadline's cards and the extension decided one level up; and the refusals."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.utils import timezone

from anju.accounts.choices import Role
from anju.core.export import xlsx_bytes
from anju.demo import testing
from anju.tips import actions
from anju.tips.kind import TIP
from anju.tips.models import Batch, Source, Tip
from anju.workflow import sweep

pytestmark = pytest.mark.django_db

HEADERS = ["序号", "交办日期", "所属地区", "线索内容", "被反映对象", "举报人", "联系方式", "是否匿名"]


def sheet(rows) -> io.BytesIO:
    data = io.BytesIO(xlsx_bytes(HEADERS, rows, title="线索"))
    data.name = "批次.xlsx"
    return data


def import_page(client, file, reference="乙督办〔2026〕7号", **extra):
    today = timezone.localdate()
    return client.post(
        "/tips/batches/import/",
        {
            "source_kind": "inspection_team",
            "reference": reference,
            "received_on": today.isoformat(),
            "deadline": (today + dt.timedelta(days=20)).isoformat(),
            "region": testing.TOWNSHIP_A,
            "file": file,
            **extra,
        },
    )


GOOD_ROWS = [
    ["1", "2026-01-05", "甲一村", "某人欺行霸市。", "某甲", "匿名群众", "13900000101", ""],
    ["2", "2026-01-06", testing.VILLAGE_A2, "某公司垄断砂石。", "某公司", "", "", "是"],
]


def test_a_transferred_batch_is_imported_verified_cleared_and_reported(client_for, cast):
    officer = client_for("officer_a")
    response = import_page(officer, sheet(GOOD_ROWS))
    assert response.status_code == 302, response.content[:500]
    batch = Batch.objects.get(reference="乙督办〔2026〕7号")
    tips = list(batch.tips.order_by("source_ref"))
    assert [t.source_ref for t in tips] == ["1", "2"]
    assert tips[1].anonymous and tips[1].informant_name == ""
    assert tips[0].handling_unit_id == testing.TOWNSHIP_A
    # The batch's deadline is each tip's.
    assert timezone.localtime(tips[0].due_at).date() == batch.deadline
    page = officer.get(f"/tips/batches/{batch.pk}/").content.decode()
    assert "0 / 2" in page or "0" in page

    for tip, (result, outcome, counts) in zip(
        tips,
        [
            ("substantiated", "police", {"criminal_cases": 1, "persons_dealt_with": 3}),
            ("partly", "discipline", {"sanctions": 1, "admonishment_talks": 2, "warnings": 1}),
        ],
        strict=True,
    ):
        assign = officer.post(
            f"/tips/{tip.pk}/act/assign/",
            {
                "assign-version": tip.version,
                "assign-unit": testing.TOWNSHIP_A,
                "assign-handler": cast.officer_a.pk,
            },
        )
        assert assign.status_code == 302, assign.content[:300]
        tip.refresh_from_db()
        assert (
            officer.post(
                f"/tips/{tip.pk}/act/start_verification/", {"start_verification-version": tip.version}
            ).status_code
            == 302
        )
        tip.refresh_from_db()
        assert (
            officer.post(
                f"/tips/{tip.pk}/act/add_note/",
                {"add_note-version": tip.version, "add_note-note": "走访三户"},
            ).status_code
            == 302
        )
        tip.refresh_from_db()
        form = {
            "verify-version": tip.version,
            "verify-result": result,
            "verify-outcome": outcome,
            **{
                f"verify-{name}": 0
                for name in (
                    "criminal_cases",
                    "persons_dealt_with",
                    "sanctions",
                    "admonishment_talks",
                    "probation_extended",
                    "warnings",
                    "self_criticisms",
                )
            },
            **{f"verify-{name}": value for name, value in counts.items()},
        }
        if outcome == "police":
            # Handed to the police without their case number: refused, nothing changes.
            assert officer.post(f"/tips/{tip.pk}/act/verify/", form).status_code == 400
            form["verify-police_case_number"] = "公(刑)立字〔2026〕12号"
        assert officer.post(f"/tips/{tip.pk}/act/verify/", form).status_code == 302
        tip.refresh_from_db()
        assert tip.status == "verified" and tip.result == result
        batch.refresh_from_db()
        assert batch.cleared_on is None
        assert officer.post(f"/tips/{tip.pk}/act/close/", {"close-version": tip.version}).status_code == 302

    batch.refresh_from_db()
    assert batch.cleared_on == timezone.localdate() and batch.cleared_on_time
    closed = Tip.objects.filter(batch=batch)
    assert sum(t.criminal_cases for t in closed) == 1 and sum(t.persons_dealt_with for t in closed) == 3
    assert sum(t.admonishment_talks for t in closed) == 2
    page = officer.get(f"/tips/batches/{batch.pk}/").content.decode()
    assert batch.cleared_on.isoformat() in page
    report = officer.get(f"/tips/batches/{batch.pk}/report.xlsx")
    assert report.status_code == 200
    with zipfile.ZipFile(io.BytesIO(b"".join(report.streaming_content))) as book:
        text = "".join(book.read(n).decode() for n in book.namelist())
    assert "公(刑)立字〔2026〕12号" in text and tips[0].number in text


def test_bad_rows_are_named_by_the_sheets_columns_and_nothing_is_imported(client_for):
    rows = [
        ["1", "2026-13-45", "甲一村", "内容", "某甲", "某乙", "", ""],
        ["2", "2026-01-06", "乙一村", "", "", "", "", ""],
    ]
    response = import_page(client_for("officer_a"), sheet(rows), reference="坏批次")
    assert response.status_code == 400
    page = response.content.decode()
    for column in ("交办日期", "所属地区", "线索内容", "被反映对象", "举报人"):
        assert column in page
    assert not Batch.objects.filter(reference="坏批次").exists()


def test_a_file_that_is_not_a_sheet_is_refused(client_for):
    bad = io.BytesIO(b"\x00\x01not a sheet")
    bad.name = "x.xlsx"
    assert import_page(client_for("officer_a"), bad, reference="坏文件").status_code == 400


def test_registering_a_tip_by_hand_takes_the_sources_period(client_for, cast):
    Source.objects.filter(kind="hotline").delete()
    actions.sources()
    Source.objects.filter(kind="hotline").update(verification_days=15)
    officer = client_for("officer_a")
    today = timezone.localdate()
    data = {
        "region": testing.VILLAGE_A1,
        "source_kind": "hotline",
        "received_on": today.isoformat(),
        "content": "电话反映有人放高利贷。",
        "subject_kind": "person",
        "subject_name": "某丙",
        "informant_name": "来电人",
        "informant_contact": "13900000202",
    }
    assert (
        officer.post("/tips/new/", {**data, "informant_name": "", "informant_contact": ""}).status_code == 400
    )
    response = officer.post("/tips/new/", data)
    assert response.status_code == 302
    tip = Tip.objects.get(content="电话反映有人放高利贷。")
    assert timezone.localtime(tip.due_at).date() == today + dt.timedelta(days=15)
    assert tip.handling_unit_id == testing.TOWNSHIP_A


def test_only_the_county_sets_a_sources_period(client_for, cast):
    assert (
        client_for("officer_a")
        .post("/tips/sources/", {"kind": "letter", "verification_days": 10})
        .status_code
        == 403
    )
    testing.add_staff("centre_county", "县综治中心", Role.CENTRE_OPERATOR, testing.COUNTY)
    county = client_for("centre_county")
    assert county.post("/tips/sources/", {"kind": "letter", "verification_days": 0}).status_code == 400
    assert county.post("/tips/sources/", {"kind": "letter", "verification_days": 10}).status_code == 302
    assert Source.objects.get(kind="letter").verification_days == 10


def test_cards_come_as_the_deadline_nears_and_passes(cast):
    tip = cast.tip()
    now = timezone.now()
    Tip.objects.filter(pk=tip.pk).update(due_at=now + dt.timedelta(hours=20))
    report = sweep.cards(TIP, now)
    assert report.warned == 1
    assert sweep.cards(TIP, now).warned == 0  # once per limit
    Tip.objects.filter(pk=tip.pk).update(due_at=now - dt.timedelta(hours=1))
    assert sweep.cards(TIP, now).overdue == 1
    reasons = list(tip.alerts.values_list("unit_id", flat=True))
    assert testing.COUNTY in reasons  # the red card goes to the level above


def test_an_extension_is_decided_one_level_up(client_for, cast):
    tip = cast.tip()
    officer = client_for("officer_a")
    # The cast's request is waiting for the county: the township itself cannot decide it.
    ask = tip.extensions.get()
    assert officer.post(f"/tips/extensions/{ask.pk}/decide/", {"approve": "1"}).status_code == 404
    testing.add_staff("centre_county", "县综治中心", Role.CENTRE_OPERATOR, testing.COUNTY)
    due = tip.due_at
    assert (
        client_for("centre_county").post(f"/tips/extensions/{ask.pk}/decide/", {"approve": "1"}).status_code
        == 302
    )
    tip.refresh_from_db()
    assert tip.due_at > due


def test_the_api_runs_the_same_workflow_and_refuses_bad_input(client_for, cast):
    officer = client_for("officer_a")
    bad = officer.post("/api/tips", {"region": "x"}, content_type="application/json")
    assert bad.status_code == 422
    created = officer.post(
        "/api/tips",
        {
            "region": testing.VILLAGE_A1,
            "source_kind": "online",
            "received_on": timezone.localdate().isoformat(),
            "content": "网上反映。",
            "subject_name": "某丁",
            "anonymous": True,
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    tip = created.json()
    assert "informant_name" not in tip and "informant" not in tip
    assign = officer.post(
        f"/api/tips/{tip['id']}/assign",
        {
            "version": tip["version"],
            "unit": testing.TOWNSHIP_A,
            "handler": "officer_a",
        },
        content_type="application/json",
    )
    assert assign.status_code == 200, assign.content
    assert assign.json()["status"] == "assigned"
    stale = officer.post(
        f"/api/tips/{tip['id']}/start-verification", {"version": 1}, content_type="application/json"
    )
    assert stale.status_code == 409
    wrong = officer.post(f"/api/tips/{tip['id']}/close", {"version": 2}, content_type="application/json")
    assert wrong.status_code == 400
    # Another township's officer: the tip does not exist for them; a mediator has no tips at all.
    assert client_for("officer_b").get(f"/api/tips/{tip['id']}").status_code == 404
    assert client_for("mediator_a1").get("/api/tips").status_code == 403
    assert client_for("officer_a").get("/api/tips?cursor=nonsense").status_code == 400


def test_the_list_pages_with_filters_and_refuses_a_forged_cursor(client_for, cast):
    officer = client_for("officer_a")
    tip = cast.tip()
    row = f'href="/tips/{tip.pk}/">{tip.number}</a></td>'  # a row of the list, not the alert above it
    assert row in officer.get("/tips/?status=verifying").content.decode()
    assert row not in officer.get("/tips/?status=closed").content.decode()
    assert officer.get("/tips/?cursor=forged").status_code == 400
    assert officer.get("/tips/?date_from=2026-99-01").status_code == 400
