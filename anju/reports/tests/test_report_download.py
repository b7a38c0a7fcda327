"""The work report from the browser (a background job, its progress, the file to the person who
asked) and from the command line, run by the cast on the first quarter of 2024."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from docx import Document as WordDocument

from anju.audit.models import AuditEvent
from anju.demo import testing
from anju.reports import officialdoc

pytestmark = pytest.mark.django_db

URL = reverse("reports:report")


@pytest.fixture
def immediate(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def queued(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def ask(client, **data):
    return client.post(URL, {"period": "2024-Q1", "region": testing.COUNTY, "format": "docx", **data})


def table_rows(word) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for table in word.tables for row in table.rows]


def test_the_leader_asks_for_the_report_and_downloads_it_once_written(client_for, quarter, immediate):
    leader = client_for("leader")
    form = leader.get(URL, {"period": "2024-Q1", "region": testing.COUNTY})
    assert form.status_code == 200
    assert 'value="2024-Q1"' in form.content.decode()
    response = ask(leader)
    assert response.status_code == 302
    page = leader.get(response["Location"])
    text = page.content.decode()
    assert page.status_code == 200 and "下载" in text and 'http-equiv="refresh"' not in text
    download = leader.get(response["Location"] + "&download=1")
    assert download.status_code == 200
    assert download["Content-Type"] == officialdoc.DOCX_TYPE
    assert download["Content-Disposition"] == f'attachment; filename="report-{testing.COUNTY}-2024-Q1.docx"'
    word = WordDocument(io.BytesIO(download.content))
    assert word.paragraphs[0].text == "测试县2024年第1季度平安建设暨政法工作总结"
    assert ["摸排受理数", "10", "1", "0"] in table_rows(word)
    event = AuditEvent.objects.filter(action="report.download").latest("pk")
    assert (event.actor_username, event.region_code) == ("leader", testing.COUNTY)
    assert event.after["format"] == "docx" and event.after["period"] == "2024-Q1"


def test_the_statistical_tables_as_a_workbook(client_for, quarter, immediate):
    import openpyxl

    leader = client_for("leader")
    response = ask(leader, format="xlsx", region=testing.TOWNSHIP_A)
    download = leader.get(response["Location"] + "&download=1")
    assert download.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(download.content))
    rows = [[c.value for c in row] for row in book["2024年第1季度主要数据"].iter_rows()]
    assert ["摸排受理数", "7", "1", "0"] in rows  # township A's seven of the quarter's ten


def test_while_the_job_runs_the_page_refreshes_itself_without_javascript(client_for, quarter, queued):
    officer = client_for("officer_a")
    response = ask(officer, region=testing.TOWNSHIP_A)
    page = officer.get(response["Location"])
    text = page.content.decode()
    assert page.status_code == 200
    assert '<meta http-equiv="refresh" content="2">' in text and "<progress" in text
    # Nothing to download yet.
    assert officer.get(response["Location"] + "&download=1").status_code == 404
    # The recent reports list it.
    assert "report-629902100-2024-Q1.docx" in officer.get(URL).content.decode()


def test_the_file_goes_only_to_the_person_who_asked(client_for, quarter, immediate):
    response = ask(client_for("leader"))
    job_url = response["Location"]
    for other in ("officer_a", "officer_b", "mediator_a1"):
        assert client_for(other).get(job_url).status_code == 404
        assert client_for(other).get(job_url + "&download=1").status_code == 404
    assert client_for("leader").get(URL, {"job": "not-a-token"}).status_code == 404


def test_a_region_outside_the_jurisdiction_is_not_found(client_for, quarter, immediate):
    assert ask(client_for("officer_b"), region=testing.TOWNSHIP_A).status_code == 404
    assert ask(client_for("officer_b"), region="629999").status_code == 404
    form = client_for("officer_b").get(URL)
    assert not testing.a_markers_in(form.content)


@pytest.mark.parametrize("member", ["auditor", "admin", "norole"])
def test_roles_that_do_not_see_cases_are_refused(client_for, member):
    assert client_for(member).get(URL).status_code == 403
    assert ask(client_for(member)).status_code == 403


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"period": "2024-Q5"}, "2024-Q5 不是有效的统计期"),
        ({"region": "12"}, "12 不是区划代码"),
        ({"format": "odt"}, "odt"),
    ],
)
def test_bad_input_is_a_400_that_says_what_is_wrong(client_for, data, words):
    response = ask(client_for("leader"), **data)
    assert response.status_code == 400
    assert words in response.content.decode()


def test_without_libreoffice_pdf_is_refused_with_a_message(client_for, monkeypatch):
    monkeypatch.setattr(officialdoc, "soffice", lambda: None)
    leader = client_for("leader")
    assert officialdoc.pdf_missing_message() in leader.get(URL).content.decode()
    response = ask(leader, format="pdf")
    assert response.status_code == 400
    assert officialdoc.pdf_missing_message() in response.content.decode()
    with pytest.raises(CommandError, match=officialdoc.pdf_missing_message()[:10]):
        call_command("report", region=testing.COUNTY, period="2024-Q1", format="pdf", output="unused.pdf")


def test_the_command_writes_the_report_as_the_system(quarter, tmp_path, capsys):
    out = tmp_path / "report.docx"
    call_command("report", region=testing.COUNTY, period="2024-Q1", output=str(out), number="〔2024〕3号")
    word = WordDocument(io.BytesIO(out.read_bytes()))
    assert "〔2024〕3号" in [p.text for p in word.paragraphs]
    assert ["摸排受理数", "10", "1", "0"] in table_rows(word)
    assert str(out) in capsys.readouterr().out
    assert AuditEvent.objects.filter(action="report.export", actor_username="system").exists()


def test_the_command_refuses_a_region_not_in_the_tree_or_outside_the_account(tmp_path):
    with pytest.raises(CommandError, match="620123"):
        call_command("report", region="620123", period="2026", output=str(tmp_path / "r.docx"))
    with pytest.raises(CommandError, match=testing.TOWNSHIP_A):
        call_command(
            "report",
            region=testing.TOWNSHIP_A,
            period="2026",
            output=str(tmp_path / "r.docx"),
            as_user="officer_b",
        )
    with pytest.raises(CommandError):
        call_command("report", region=testing.COUNTY, period="2026-13", output=str(tmp_path / "r.docx"))
    with pytest.raises(CommandError, match="--format"):
        call_command(
            "report", region=testing.COUNTY, period="2026", format="pdf", output=str(tmp_path / "r.docx")
        )
    assert not (tmp_path / "r.docx").exists()


def test_the_dashboard_links_to_the_report_of_what_it_shows(client_for, quarter):
    page = client_for("leader").get(
        reverse("reports:dashboard"), {"period": "2024-Q1", "region": testing.TOWNSHIP_A}
    )
    assert f'href="{URL}?period=2024-Q1&amp;region={testing.TOWNSHIP_A}"' in page.content.decode()


def test_a_job_whose_asker_lost_the_region_writes_nothing(client_for, quarter, queued):
    from anju.accounts.models import RoleAssignment
    from anju.core.models import ImportJob
    from anju.reports import reportjobs

    response = ask(client_for("officer_a"), region=testing.TOWNSHIP_A)
    token = response["Location"].split("job=")[1]
    RoleAssignment.objects.filter(user__username="officer_a").delete()
    assert reportjobs.write_report.call(token)["state"] == ImportJob.State.FAILED
    job = ImportJob.objects.get(token=token)
    assert (job.state, bytes(job.data)) == (ImportJob.State.FAILED, b"")


def test_a_pdf_that_libreoffice_cannot_make_fails_with_its_reason(
    client_for, quarter, immediate, monkeypatch
):
    def refuse(document, **kwargs):
        raise officialdoc.PdfUnavailable("LibreOffice 生成 PDF 超过 120 秒，已停止。")

    monkeypatch.setattr(officialdoc, "soffice", lambda: "/usr/bin/soffice")
    monkeypatch.setattr(officialdoc, "render_pdf", refuse)
    leader = client_for("leader")
    response = ask(leader, format="pdf", region=testing.TOWNSHIP_B)
    page = leader.get(response["Location"])
    assert page.status_code == 200
    assert "LibreOffice 生成 PDF 超过 120 秒，已停止。" in page.content.decode()
    assert leader.get(response["Location"] + "&download=1").status_code == 404
