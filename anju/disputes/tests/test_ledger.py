"""Importing county dispute ledgers (台账) and exporting the dispute list in their layout.

Pages are read in English (Accept-Language: en), so the assertions hold before and after the
Chinese translations of the new messages arrive."""

import csv
import datetime as dt
import html
import importlib
import io
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.apps import apps as django_apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone, translation
from openpyxl import Workbook, load_workbook

from anju.audit.models import AuditEvent
from anju.core import tabular
from anju.core.models import ImportJob
from anju.core.urlwalk import MISSING, access_rule, endpoints
from anju.demo import testing
from anju.disputes import ledger
from anju.disputes.models import Alert, CaseCounter, Dispute, Party, TimelineEntry

pytestmark = pytest.mark.django_db

IMPORT = "/disputes/ledger/import/"
RUN = "/disputes/ledger/import/run/"
JOBS = "/disputes/ledger/import/jobs/"
EXPORT = "/disputes/ledger/export/"

HEADERS = [
    "台账编号",
    "受理日期",
    "区划代码",
    "纠纷类别",
    "来源",
    "简要案由",
    "纠纷情况",
    "当事人",
    "身份证号",
    "涉及金额（元）",
    "涉及人数",
    "风险等级",
    "调解结果",
    "结案日期",
]


def row(ref, registered, region, category, title, parties, **extra) -> list[str]:
    """One ledger row in the order of HEADERS; the optional cells by name."""
    cells = {"channel": "", "description": "", "id_number": "", "amount": "", "people": "", "risk": ""}
    cells |= {"result": "", "closed": ""} | extra
    return [
        ref,
        registered,
        region,
        category,
        cells["channel"],
        title,
        cells["description"],
        parties,
        cells["id_number"],
        cells["amount"],
        cells["people"],
        cells["risk"],
        cells["result"],
        cells["closed"],
    ]


# File rows 2-4: a village, a grid, and a township in the 12-digit NBS form.
GOOD = [
    row(
        "TZ-2025-001", "2025/3/5", testing.VILLAGE_A1, "邻里", "鸡鸭毁坏菜地", "张三（13800001111）、李四",
        channel="来访", description="鸡鸭进入邻居菜地。", amount="500", people="2", risk="一般",
        result="化解", closed="2025年3月20日",
    ),
    row(
        "TZ-2025-002", "2025年4月1日", testing.GRID_A1, "劳动争议", "工地拖欠工资", "王五,某建筑公司",
        channel="电话", description="六名工人三个月工资未付。", amount="12,000", people="6", risk="较大",
        result="调解中",
    ),
    row(
        "TZ-2025-003", "2025-05-10", "629902100000", "contract", "买卖合同争议", "赵六(13900002222)、钱七",
        description="货款争议。", id_number="11010519491231002X", risk="重大", result="调解不成",
        closed="2025-05-30",
    ),
]  # fmt: skip
GOOD_TITLES = {"鸡鸭毁坏菜地", "工地拖欠工资", "买卖合同争议"}
PHONES_AND_IDS = ["13800000001", "13800000002", "11010519491231002X", "13800001111", "13900002222"]


@pytest.fixture(autouse=True)
def ledger_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def xlsx(headers, rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def as_csv(headers, rows, encoding="utf-8-sig") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def text(response) -> str:
    return html.unescape(response.content.decode())


class _FormReader(HTMLParser):
    """What a browser submits for the mapping form as shown: hidden fields and selected options."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, str] = {}
        self.select: str | None = None
        self.first: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type") == "hidden" and attrs.get("name") != "csrfmiddlewaretoken":
            self.data[attrs["name"]] = attrs.get("value") or ""
        elif tag == "select":
            self.select, self.first = attrs["name"], None
        elif tag == "option" and self.select:
            if self.first is None:
                self.first = attrs.get("value") or ""
            if "selected" in attrs:
                self.data[self.select] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "select" and self.select:
            self.data.setdefault(self.select, self.first or "")
            self.select = None


def submitted(page: str) -> dict[str, str]:
    reader = _FormReader()
    reader.feed(page)
    return reader.data


def bad_rows(page: str) -> dict[int, list[tuple[str, str]]]:
    """The report's table: row -> [(column, problem)]."""
    found: dict[int, list[tuple[str, str]]] = {}
    label = r'<td data-label="[^"]*">'
    cells = rf"<tr>{label}(\d+)</td>{label}(.*?)</td>{label}(.*?)</td></tr>"
    for row, column, message in re.findall(cells, page):
        found.setdefault(int(row), []).append((column, message))
    return found


def upload(client, name: str, content: bytes):
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, content)})


def import_through_pages(client, name: str, content: bytes, **choices):
    mapping = upload(client, name, content)
    assert mapping.status_code == 200, text(mapping)[:2000]
    return client.post(RUN, {**submitted(text(mapping)), **choices})


def run_command(path, *args, username="officer_a"):
    out, err = io.StringIO(), io.StringIO()
    with translation.override("en"):
        call_command("import_disputes", str(path), "--as", username, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def imported():
    return Dispute.objects.exclude(external_ref="")


def key(number: str, township: str = testing.TOWNSHIP_A, year: int = 2025) -> str:
    """What a numbered row is known by: its number in its township's ledger of that year."""
    return f"ledger:{township}/{year}/{number}"


# --- importing -----------------------------------------------------------------------------------


def test_good_xlsx_imports_through_the_pages(client_for):
    client = english(client_for("officer_a"))
    assert client.get(IMPORT).status_code == 200
    rows = [list(r) for r in GOOD]
    rows[0][1] = dt.date(2025, 3, 5)  # a real Excel date cell
    mapping = upload(client, "甲镇台账.xlsx", xlsx(HEADERS, rows))
    page = text(mapping)
    assert mapping.status_code == 200
    assert "甲镇台账.xlsx: 3 rows." in page and "涉及金额（元）" in page
    # The required mark stays beside its field's name when the table is stacked on a phone.
    assert re.search(r'<td data-label="Field"><label for="[^"]+">[^<]+ \*</label></td>', page)
    choices = submitted(page)
    assert choices["registered_on"] == "1" and choices["region"] == "2" and choices["amount"] == "9"

    done = client.post(RUN, choices)
    assert done.status_code == 200
    assert "3 disputes imported." in text(done)

    first = Dispute.objects.get(external_ref=key("TZ-2025-001"))
    assert first.number.startswith("629902-2025-")
    assert (first.status, first.resolved_level, first.handling_unit_id) == (
        "resolved",
        "village",
        testing.VILLAGE_A1,
    )
    assert timezone.localdate(first.registered_at) == dt.date(2025, 3, 5)
    assert timezone.localdate(first.resolved_at) == dt.date(2025, 3, 20)
    assert first.registered_by.username == "officer_a" and first.amount == Decimal("500")
    assert list(first.parties.values_list("name", "phone", "role")) == [
        ("张三", "13800001111", "applicant"),
        ("李四", "", "respondent"),
    ]
    second = Dispute.objects.get(external_ref=key("TZ-2025-002"))
    assert (second.status, second.origin_level, second.handling_unit_id) == (
        "registered",
        "village",
        testing.VILLAGE_A1,
    )
    assert (second.channel, second.risk, second.amount, second.people_involved) == (
        "hotline",
        "serious",
        12000,
        6,
    )
    assert second.parties.get(name="某建筑公司").kind == "organisation"
    third = Dispute.objects.get(external_ref=key("TZ-2025-003"))
    assert (third.region_id, third.handling_level, third.status) == (testing.TOWNSHIP_A, "township", "failed")
    assert timezone.localdate(third.closed_at) == dt.date(2025, 5, 30)
    assert third.parties.get(name="赵六").id_number == "11010519491231002X"
    # Numbers follow the registration dates; each case's history starts with the import.
    assert [d.number[-6:] for d in (first, second, third)] == ["000001", "000002", "000003"]
    assert TimelineEntry.objects.filter(dispute__in=imported(), transition="imported").count() == 3
    event = AuditEvent.objects.get(action="dispute.import")
    assert (event.result, event.after["created"], event.region_code) == ("ok", 3, testing.TOWNSHIP_A)
    listing = text(client.get("/disputes/"))
    assert set(re.findall("|".join(GOOD_TITLES), listing)) == GOOD_TITLES


def test_csv_from_excel_on_windows_imports_through_the_command(cast, tmp_path):
    path = tmp_path / "台账.csv"
    path.write_bytes(as_csv(HEADERS, GOOD, encoding="gbk"))
    out, err = run_command(path)
    assert "3 new, 0 imported before" in out
    assert "100.0%" in err and "rows/s" in err and "\r[" in err
    assert set(imported().values_list("title", flat=True)) == GOOD_TITLES


def test_importing_the_same_file_again_creates_nothing(client_for, tmp_path):
    path = tmp_path / "台账.xlsx"
    path.write_bytes(xlsx(HEADERS, GOOD))
    run_command(path)
    out, _err = run_command(path)
    assert "0 new, 3 imported before" in out
    again = import_through_pages(english(client_for("officer_a")), "台账.xlsx", path.read_bytes())
    assert again.status_code == 200
    assert "0 disputes imported." in text(again) and "3 rows were imported before" in text(again)
    assert imported().count() == 3 and Party.objects.filter(dispute__in=imported()).count() == 6


def test_a_big_import_refreshes_the_planners_statistics(tmp_path, monkeypatch):
    from anju.core.rows import analyze

    # Statistics of a known moment: on PostgreSQL an earlier test's ANALYZE outlives its rolled-back
    # transaction, and autovacuum cannot overwrite ours mid-test (ANALYZE in a transaction keeps its
    # table lock to the end).
    analyze(Dispute, Party)
    known = testing.planner_rows(Dispute)
    path = tmp_path / "台账.csv"
    path.write_bytes(as_csv(HEADERS, GOOD[:2]))
    monkeypatch.setattr(ledger, "ANALYZE_AFTER", 3)
    assert "2 new" in run_command(path)[0]
    assert testing.planner_rows(Dispute) == known < Dispute.objects.count()
    path.write_bytes(as_csv(HEADERS, GOOD + [[f"9{cells[0]}", *cells[1:]] for cells in GOOD]))
    assert "4 new" in run_command(path)[0]
    assert testing.planner_rows(Dispute) == Dispute.objects.count()
    assert testing.planner_rows(Party) == Party.objects.count()


def test_a_ledger_without_numbers_is_not_imported_twice_either(tmp_path):
    path = tmp_path / "无编号.csv"
    path.write_bytes(as_csv(HEADERS[1:], [row[1:] for row in GOOD]))
    assert "3 new" in run_command(path)[0]
    assert "0 new, 3 imported before" in run_command(path)[0]
    assert imported().count() == 3


def test_a_local_subtype_in_the_category_column_counts_under_its_category(tmp_path):
    path = tmp_path / "台账.csv"
    path.write_bytes(
        as_csv(
            HEADERS,
            [row("TZ-2025-020", "2025-06-01", testing.VILLAGE_A1, "草场边界", "草场越界放牧", "甲、乙")],
        )
    )
    assert "1 new" in run_command(path)[0]
    dispute = Dispute.objects.get(external_ref=key("TZ-2025-020"))
    assert (dispute.category, dispute.subtype.code) == ("forest_land", "pasture_boundary")


A1 = testing.VILLAGE_A1
BAD = [
    row("TZ-2025-005", "2025-06-01", "629902999201", "邻里", "区划不存在", "甲"),
    row("TZ-2025-006", "2025-06-01", A1, "吵架", "类别不明", "甲"),
    row("TZ-2025-007", "2025-13-01", A1, "邻里", "日期错误", "甲"),
    row("TZ-2025-008", "2025-06-01", A1, "邻里", "电话错误", "甲（12345）"),
    row("TZ-2025-009", "2025-06-01", A1, "邻里", "身份证错误", "甲", id_number="110105194912310021"),
    row("TZ-2025-010", "2025-06-01", A1, "邻里", "金额为负", "甲", amount="-5"),
    row("TZ-2025-011", "2025-06-01", A1, "邻里", "先化解后登记", "甲", result="化解", closed="2025-05-01"),
    row("TZ-2025-001", "2025-06-01", A1, "邻里", "编号重复", "甲"),
]


def test_a_bad_file_changes_nothing_and_every_bad_row_is_reported(client_for):
    before = Dispute.objects.count()
    response = import_through_pages(english(client_for("officer_a")), "台账.xlsx", xlsx(HEADERS, GOOD + BAD))
    assert response.status_code == 400
    page = text(response)
    assert "8 bad rows: nothing was imported." in page
    problems = bad_rows(page)
    assert sorted(problems) == list(range(5, 13))  # the header is row 1, the good rows 2-4
    # On a phone the table is stacked and its headings hidden: each cell names its own.
    assert '<td data-label="Row">5</td><td data-label="Column">区划代码</td><td data-label="Problem">' in page
    expected = {
        5: ("区划代码", "629902999201 is not a region of this county's tree."),
        6: ("纠纷类别", "Unknown category 吵架."),
        7: ("受理日期", "2025-13-01 is not a date"),
        8: ("当事人", "甲: 12345 is not a phone number."),
        9: ("身份证号", "甲: The check digit of this identity number is wrong"),
        10: ("涉及金额（元）", "The amount cannot be negative."),
        11: ("结案日期", "The resolution date is before the registration date."),
        12: ("台账编号", "TZ-2025-001 appears again (first on row 2)."),
    }
    for row, (column, reason) in expected.items():
        assert any(c == column and reason in m for c, m in problems[row]), (row, problems[row])
    assert Dispute.objects.count() == before
    assert CaseCounter.objects.filter(year=2025).count() == 0
    assert AuditEvent.objects.filter(action="dispute.import", result="refused").count() == 1
    # The file stays for another choice of columns.
    assert 'name="token"' in page


def test_each_bad_party_is_reported_by_name_and_column(client_for):
    valid_id = "11010519491231002X"
    headers = [*HEADERS, "联系电话"]
    rows = [
        [*row("TZ-2025-030", "2025-06-01", A1, "邻里", "好的一行", "张三、李四"), "13800001111、13800002222"],
        [*row("TZ-2025-031", "2025-06-01", A1, "邻里", "第二人电话错", "张三、李四"), "13800001111、12345"],
        [*row("TZ-2025-032", "2025-06-01", A1, "合同", "公司有身份证", "某建筑公司", id_number=valid_id), ""],
        [*row("TZ-2025-033", "2025-06-01", A1, "邻里", "只有电话", "（13800001111）、李四"), ""],
        [*row("TZ-2025-034", "2025-06-01", A1, "邻里", "没有当事人", ""), ""],
    ]  # fmt: skip
    response = import_through_pages(english(client_for("officer_a")), "台账.xlsx", xlsx(headers, rows))
    assert response.status_code == 400
    page = text(response)
    assert "4 bad rows: nothing was imported." in page
    assert bad_rows(page) == {
        3: [("联系电话", "李四: 12345 is not a phone number.")],
        4: [("身份证号", "某建筑公司: Only a person has an identity number.")],
        5: [("当事人", "party 1: The name is empty.")],
        6: [("当事人", "A dispute needs at least one party.")],
    }
    assert imported().count() == 0


def test_the_command_rejects_a_bad_file_and_lists_the_rows(tmp_path):
    path = tmp_path / "台账.csv"
    path.write_bytes(as_csv(HEADERS, GOOD + BAD))
    err = io.StringIO()
    with translation.override("en"), pytest.raises(CommandError) as failure:
        call_command("import_disputes", str(path), "--as", "officer_a", stdout=io.StringIO(), stderr=err)
    assert "8 bad rows" in str(failure.value) and "nothing was imported" in str(failure.value)
    assert "row 6 [纠纷类别]: Unknown category 吵架." in err.getvalue()
    assert imported().count() == 0


def test_the_command_needs_an_active_account(tmp_path):
    path = tmp_path / "台账.csv"
    path.write_bytes(as_csv(HEADERS, GOOD))
    with pytest.raises(CommandError, match=r"^No active account is named nobody\.$"):
        run_command(path, username="nobody")
    # From a shell no language is active, so a command answers in the default one, Chinese.
    with (
        translation.override("zh-hans"),
        pytest.raises(CommandError, match=r"^没有名为 nobody 的在用账号。$"),
    ):
        call_command("import_disputes", str(path), "--as", "nobody", stdout=io.StringIO())


UNUSUAL = ["序号", "日期（受理）", "村社区编码", "矛盾纠纷类型", "姓名", "事项"]
UNUSUAL_ROWS = [
    ["1", "2025.7.1", testing.VILLAGE_A1, "婚姻家庭纠纷", "孙八、周九", "离婚财产分割"],
    ["2", "20250702", testing.GRID_A1, "物业", "吴十、某物业公司", "物业费争议"],
]


def test_the_mapping_step_lets_people_choose_unusual_columns(client_for):
    client = english(client_for("mediator_a1"))
    mapping = upload(client, "村台账.xlsx", xlsx(UNUSUAL, UNUSUAL_ROWS))
    choices = submitted(text(mapping))
    assert choices["category"] == "3"  # recognised inside 矛盾纠纷类型
    assert choices["registered_on"] == "" and choices["parties"] == ""
    incomplete = client.post(RUN, choices)
    assert incomplete.status_code == 400
    # The code column is found inside 村社区编码; date, parties and summary are left to choose.
    assert text(incomplete).count("Choose the column that holds this.") == 3
    twice = client.post(RUN, {**choices, "registered_on": "1", "region": "1", "parties": "4", "title": "5"})
    assert twice.status_code == 400 and "This column is already chosen for registered at." in text(twice)
    done = client.post(RUN, {**choices, "registered_on": "1", "region": "2", "parties": "4", "title": "5"})
    assert done.status_code == 200 and "2 disputes imported." in text(done)
    family = Dispute.objects.get(title="离婚财产分割")
    assert (family.category, timezone.localdate(family.registered_at)) == (
        "marriage_family",
        dt.date(2025, 7, 1),
    )
    assert (family.description, family.channel, family.status) == ("离婚财产分割", "walk_in", "registered")


def test_the_command_takes_columns_by_header(tmp_path):
    path = tmp_path / "村台账.csv"
    path.write_bytes(as_csv(UNUSUAL, UNUSUAL_ROWS))
    with pytest.raises(CommandError, match="Missing column"):
        run_command(path)
    with pytest.raises(CommandError, match="no column 登记日"):
        run_command(path, "--map", "registered_on=登记日")
    with pytest.raises(CommandError, match="not a column of this sheet"):
        run_command(path, "--map", "date=日期（受理）")
    columns = {"registered_on": "日期（受理）", "region": "村社区编码", "parties": "姓名", "title": "事项"}
    out, _err = run_command(
        path, *[arg for key, header in columns.items() for arg in ("--map", f"{key}={header}")]
    )
    assert "2 new" in out and imported().count() == 2


def test_rows_outside_the_jurisdiction_are_refused(client_for):
    rows = [
        GOOD[0],
        row("TZ-2", "2025-03-06", testing.VILLAGE_A2, "邻里", "甲二村的纠纷", "甲"),
        row("TZ-3", "2025-03-07", testing.VILLAGE_B1, "邻里", "乙镇的纠纷", "乙"),
    ]
    response = import_through_pages(english(client_for("mediator_a1")), "台账.xlsx", xlsx(HEADERS, rows))
    assert response.status_code == 400
    problems = bad_rows(text(response))
    assert problems == {
        3: [("区划代码", f"{testing.VILLAGE_A2} is outside your jurisdiction.")],
        4: [("区划代码", f"{testing.VILLAGE_B1} is outside your jurisdiction.")],
    }
    outsider = import_through_pages(english(client_for("officer_b")), "台账.xlsx", xlsx(HEADERS, GOOD))
    assert outsider.status_code == 400 and sorted(bad_rows(text(outsider))) == [2, 3, 4]
    assert imported().count() == 0


def test_large_files_import_in_the_background_with_progress(client_for, monkeypatch):
    monkeypatch.setattr(ledger, "BACKGROUND_ABOVE", 2)
    client = english(client_for("officer_a"))
    started = import_through_pages(client, "大台账.xlsx", xlsx(HEADERS, GOOD))
    assert started.status_code == 302 and started["Location"].startswith(JOBS + "?job=")
    report = client.get(started["Location"])
    assert report.status_code == 200 and "3 disputes imported." in text(report)
    assert imported().count() == 3
    assert "大台账.xlsx" in text(client.get(IMPORT))  # listed among the recent imports
    # Someone else cannot follow the job; a forged token finds nothing.
    assert english(client_for("mediator_a1")).get(started["Location"]).status_code == 404
    assert client.get(JOBS + "?job=../../settings").status_code == 404
    # While it runs, the page shows how far it has got and reloads itself.
    token = started["Location"].split("=")[1]
    ImportJob.objects.filter(token=token).update(state="importing", done=1, total=3, report=None)
    page = text(client.get(started["Location"]))
    assert "33%" in page and "1 of 3 rows" in page and 'data-reload-after="2000"' in page


def test_a_rejected_background_import_shows_the_bad_rows_and_the_columns_again(client_for, monkeypatch):
    monkeypatch.setattr(ledger, "BACKGROUND_ABOVE", 2)
    client = english(client_for("officer_a"))
    started = import_through_pages(client, "大台账.xlsx", xlsx(HEADERS, GOOD + BAD[:2]))
    report = client.get(started["Location"])
    assert report.status_code == 400
    assert sorted(bad_rows(text(report))) == [5, 6] and 'name="token"' in text(report)
    assert imported().count() == 0


def test_ledger_pages_declare_who_they_are_for(client, client_for):
    ours = [e for e in endpoints() if e.name.startswith("ledger:")]
    assert {e.name for e in ours} == {
        "ledger:import",
        "ledger:run",
        "ledger:job",
        "ledger:export",
        "ledger:template",
    }
    assert all(access_rule(e) is not MISSING and not e.kwargs for e in ours)
    assert client.get(IMPORT).status_code == 302
    assert client_for("leader").get(IMPORT).status_code == 403
    assert client_for("leader").get(EXPORT).status_code == 200
    assert client_for("officer_a").get(RUN).status_code == 405
    assert client_for("officer_a").get(JOBS).status_code == 200
    for name in ("norole", "admin", "auditor"):
        assert client_for(name).get(EXPORT).status_code == 403


# --- ledgers numbered alike ---------------------------------------------------------------------
# Each township numbers its own ledger, and many start again from 1 every year.


def test_two_townships_ledgers_numbered_alike_both_import(client_for, tmp_path):
    ledger_a = _written(
        tmp_path / "甲镇台账.csv",
        as_csv(
            HEADERS,
            [
                row("1", "2026-03-02", A1, "邻里", "甲镇一号", "甲"),
                row("2", "2026-03-03", testing.VILLAGE_A2, "合同", "甲镇二号", "乙"),
            ],
        ),
    )
    # Township B's Excel ledger holds its numbers as number cells.
    ledger_b = xlsx(
        HEADERS,
        [
            row(1, "2026-03-02", testing.VILLAGE_B1, "邻里", "乙镇一号", "丙"),
            row(2, "2026-03-04", testing.TOWNSHIP_B, "物业", "乙镇二号", "丁"),
        ],
    )
    assert "2 new, 0 imported before" in run_command(ledger_a)[0]
    client_b = english(client_for("officer_b"))
    done = import_through_pages(client_b, "乙镇台账.xlsx", ledger_b)
    assert done.status_code == 200 and "2 disputes imported." in text(done)
    assert dict(imported().values_list("title", "region_id")) == {
        "甲镇一号": A1,
        "甲镇二号": testing.VILLAGE_A2,
        "乙镇一号": testing.VILLAGE_B1,
        "乙镇二号": testing.TOWNSHIP_B,
    }
    # Each township imports its file again and nothing new appears.
    assert "0 new, 2 imported before" in run_command(ledger_a)[0]
    again = import_through_pages(client_b, "乙镇台账.xlsx", ledger_b)
    assert again.status_code == 200
    assert "0 disputes imported." in text(again) and "2 rows were imported before" in text(again)
    assert imported().count() == 4


def test_a_villages_ledgers_of_two_years_numbered_alike_both_import(tmp_path):
    files = {
        year: _written(
            tmp_path / f"甲一村{year}年台账.csv",
            as_csv(
                HEADERS,
                [
                    row("1", f"{year}-02-10", A1, "邻里", f"{year}年一号", "甲"),
                    row("2", f"{year}-05-20", testing.GRID_A1, "婚姻家庭", f"{year}年二号", "乙"),
                ],
            ),
        )
        for year in (2025, 2026)
    }
    assert "2 new, 0 imported before" in run_command(files[2025], username="mediator_a1")[0]
    assert "2 new, 0 imported before" in run_command(files[2026], username="mediator_a1")[0]
    for path in files.values():
        assert "0 new, 2 imported before" in run_command(path, username="mediator_a1")[0]
    assert sorted(imported().values_list("title", flat=True)) == [
        "2025年一号",
        "2025年二号",
        "2026年一号",
        "2026年二号",
    ]


def test_a_number_used_twice_in_one_townships_year_is_refused(client_for):
    rows = [
        row("1", "2026-03-02", A1, "邻里", "甲一村一号", "甲"),
        row("1", "2025-03-02", A1, "邻里", "去年的一号", "乙"),
        row("1", "2026-04-01", testing.VILLAGE_A2, "邻里", "甲二村也是一号", "丙"),
    ]
    counters = list(CaseCounter.objects.values_list("county_code", "year", "last"))
    response = import_through_pages(english(client_for("officer_a")), "甲镇台账.xlsx", xlsx(HEADERS, rows))
    assert response.status_code == 400
    assert bad_rows(text(response)) == {4: [("台账编号", "1 appears again (first on row 2).")]}
    assert imported().count() == 0
    assert list(CaseCounter.objects.values_list("county_code", "year", "last")) == counters


def test_a_later_ledger_reusing_a_number_of_the_same_township_and_year_is_refused_not_lost(client_for):
    client = english(client_for("officer_a"))
    first = xlsx(HEADERS, [row("1", "2026-03-02", A1, "邻里", "甲一村一号", "甲")])
    assert "1 dispute imported." in text(import_through_pages(client, "甲一村台账.xlsx", first))
    second = xlsx(HEADERS, [row("1", "2026-04-01", testing.VILLAGE_A2, "邻里", "甲二村一号", "乙")])
    response = import_through_pages(client, "甲二村台账.xlsx", second)
    assert response.status_code == 400
    message = (
        "Number 1 is already used by another dispute of this township in 2026: "
        "within a township and year, each row needs a number of its own."
    )
    assert bad_rows(text(response)) == {2: [("台账编号", message)]}
    assert list(imported().values_list("title", flat=True)) == ["甲一村一号"]


def test_a_ledger_number_may_be_as_long_as_its_key_holds(client_for):
    longest, too_long = "甲" * 42, "乙" * 43
    client = english(client_for("officer_a"))
    rows = [
        row(longest, "2026-03-02", A1, "邻里", "编号最长", "甲"),
        row(too_long, "2026-03-02", A1, "邻里", "编号过长", "乙"),
    ]
    refused = import_through_pages(client, "台账.xlsx", xlsx(HEADERS, rows))
    assert bad_rows(text(refused)) == {3: [("台账编号", "This is longer than 42 characters.")]}
    done = import_through_pages(client, "台账.xlsx", xlsx(HEADERS, rows[:1]))
    assert "1 dispute imported." in text(done)
    assert len(imported().get().external_ref) == 64


# --- disputes imported before the keys were scoped ------------------------------------------------

scoping = importlib.import_module("anju.disputes.migrations.0005_scoped_ledger_refs")
OLD_KEY = re.compile(r"^ledger:\d+/\d{4}/")


def test_files_imported_before_the_keys_were_scoped_are_still_recognised(tmp_path):
    numbered_rows = [
        *GOOD,
        # Registered just after midnight on New Year's Day, in the county (the day before in UTC).
        row("TZ-2026-001", "2026-01-01", A1, "邻里", "元旦凌晨的纠纷", "甲"),
    ]
    numbered = _written(tmp_path / "台账.csv", as_csv(HEADERS, numbered_rows))
    unnumbered = _written(tmp_path / "无编号.csv", as_csv(HEADERS[1:], [r[1:] for r in GOOD]))
    run_command(numbered)
    run_command(unnumbered)
    Dispute.objects.filter(title="元旦凌晨的纠纷").update(registered_at=testing.local(2026, 1, 1, 0, 30))
    # The keys as the import wrote them before: the bare ledger number, or a digest of the content.
    scoped = dict(imported().values_list("pk", "external_ref"))
    for pk, ref in scoped.items():
        Dispute.objects.filter(pk=pk).update(external_ref=OLD_KEY.sub("ledger:", ref))
    old = dict(imported().values_list("pk", "external_ref"))
    assert sorted(v for v in old.values() if "TZ" in v) == [
        "ledger:TZ-2025-001",
        "ledger:TZ-2025-002",
        "ledger:TZ-2025-003",
        "ledger:TZ-2026-001",
    ]

    scoping.scope_refs(django_apps, None)
    assert dict(imported().values_list("pk", "external_ref")) == scoped
    assert "0 new, 4 imported before" in run_command(numbered)[0]
    assert "0 new, 3 imported before" in run_command(unnumbered)[0]
    assert imported().count() == 7

    scoping.unscope_refs(django_apps, None)
    assert dict(imported().values_list("pk", "external_ref")) == old


def test_undoing_the_scoped_keys_keeps_one_dispute_per_number(tmp_path):
    for user, region, title in [("officer_a", A1, "甲镇一号"), ("officer_b", testing.VILLAGE_B1, "乙镇一号")]:
        path = _written(
            tmp_path / f"{title}.csv", as_csv(HEADERS, [row("1", "2026-03-02", region, "邻里", title, "甲")])
        )
        run_command(path, username=user)
    scoping.unscope_refs(django_apps, None)
    # The old keys can hold only one "1": the first imported takes it, the other keeps its own key.
    assert dict(imported().values_list("title", "external_ref")) == {
        "甲镇一号": "ledger:1",
        "乙镇一号": key("1", testing.TOWNSHIP_B, 2026),
    }
    scoping.scope_refs(django_apps, None)
    assert dict(imported().values_list("title", "external_ref")) == {
        "甲镇一号": key("1", testing.TOWNSHIP_A, 2026),
        "乙镇一号": key("1", testing.TOWNSHIP_B, 2026),
    }


# --- exporting -----------------------------------------------------------------------------------


TITLE = ledger.EXPORT_HEADERS.index("简要案由")


def body(response) -> bytes:
    """An export's bytes: exports are streamed."""
    return b"".join(response.streaming_content)


def exported(client, fmt="csv", **filters) -> tabular.Table:
    response = client.get(EXPORT, {"format": fmt, **filters})
    assert response.status_code == 200
    return tabular.read_table(body(response), f"ledger.{fmt}")


def test_export_then_import_round_trips(client_for, tmp_path):
    run_command(_written(tmp_path / "台账.xlsx", xlsx(HEADERS, GOOD)))
    client = english(client_for("officer_a"))
    for fmt in ("xlsx", "csv"):
        table = exported(client, fmt)
        assert table.headers == ledger.EXPORT_HEADERS and len(table.rows) == 4  # the cast's case and 3
        parsed = ledger.parse_ledger(table)
        assert parsed.errors == []
        for row in parsed.rows:
            d = Dispute.objects.get(number=row.ledger_ref)
            assert (row.region_code, row.category, row.channel, row.title, row.risk) == (
                d.region_id,
                d.category,
                d.channel,
                d.title,
                d.risk,
            )
            assert (row.status, row.amount, row.people) == (d.status, d.amount, d.people_involved)
            assert row.registered_on == timezone.localdate(d.registered_at)
            assert row.resolved_on == (timezone.localdate(d.resolved_at) if d.resolved_at else None)
            assert [p["name"] for p in row.parties] == list(d.parties.values_list("name", flat=True))
    # Imported back here, every row is recognised by its case number.
    again = import_through_pages(client, "导出.xlsx", body(client.get(EXPORT)))
    assert again.status_code == 200 and "4 rows were imported before" in text(again)
    # Without the numbers (a ledger passed to another system and back), the rows come in anew, equal.
    table = exported(client)
    unnumbered = as_csv(table.headers[1:], [cells[1:] for _n, cells in table.rows])
    path = _written(tmp_path / "无编号.csv", unnumbered)
    assert "4 new" in run_command(path)[0]
    copy = Dispute.objects.get(title="鸡鸭毁坏菜地", number__endswith="000004")
    original = Dispute.objects.get(external_ref=key("TZ-2025-001"))
    fields = ["region_id", "category", "status", "resolved_level", "amount", "people_involved", "risk"]
    assert [getattr(copy, f) for f in fields] == [getattr(original, f) for f in fields]


def test_the_exported_sheet_opens_ready_to_work_in(client_for, tmp_path):
    run_command(_written(tmp_path / "台账.csv", as_csv(HEADERS, GOOD)))
    content = body(client_for("officer_a").get(EXPORT, {"format": "xlsx"}))
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet.freeze_panes == "A2"  # the header stays in view
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, sheet.max_column).column_letter}5"
    widths = {
        sheet.cell(1, c).value: sheet.column_dimensions[sheet.cell(1, c).column_letter].width
        for c in range(1, sheet.max_column + 1)
    }
    title, description = ledger.EXPORT_HEADERS[TITLE], ledger.EXPORT_HEADERS[TITLE + 1]
    assert widths[title] >= 2 * len("鸡鸭毁坏菜地") and widths[description] <= 50
    assert all(8 <= w <= 50 for w in widths.values())


def _written(path, content: bytes):
    path.write_bytes(content)
    return path


def test_the_export_is_scoped_and_filtered(client_for, tmp_path):
    run_command(_written(tmp_path / "台账.csv", as_csv(HEADERS, GOOD)))
    outsider = exported(client_for("officer_b"))
    assert outsider.headers == ledger.EXPORT_HEADERS and outsider.rows == []
    titles = {cells[TITLE] for _n, cells in exported(client_for("officer_a")).rows}
    assert titles == GOOD_TITLES | {testing.DISPUTE_TITLE}
    assert len(exported(client_for("leader"), "xlsx").rows) == 4
    resolved = exported(client_for("officer_a"), status="resolved")
    assert [cells[TITLE] for _n, cells in resolved.rows] == ["鸡鸭毁坏菜地"]
    bad_filter = client_for("officer_a").get(EXPORT, {"status": "nonsense"})
    assert bad_filter.status_code == 400
    assert AuditEvent.objects.filter(action="dispute.export", actor__username="officer_b").exists()


def test_exports_never_show_phone_or_identity_numbers(client_for, tmp_path):
    description = "请回电13800003333，身份证11010519491231002X。"
    rows = [
        *GOOD,
        row("TZ-9", "2025-08-01", A1, "其他", "电话在情况里", "孙八(13800004444)", description=description),
    ]
    run_command(_written(tmp_path / "台账.csv", as_csv(HEADERS, rows)))
    client = client_for("officer_a")
    csv_text = body(client.get(EXPORT, {"format": "csv"})).decode("utf-8-sig")
    workbook = load_workbook(io.BytesIO(body(client.get(EXPORT))), read_only=True)
    xlsx_text = " ".join(str(v) for row in workbook.worksheets[0].iter_rows(values_only=True) for v in row)
    for content in (csv_text, xlsx_text):
        assert "甲当事人一、甲当事人二" in content and "张三、李四" in content
        assert "138****3333" in content and "110105********002X" in content
        leaked = [n for n in [*PHONES_AND_IDS, "13800003333", "13800004444"] if n in content]
        assert leaked == []


# --- scale ---------------------------------------------------------------------------------------


def test_five_thousand_rows_import_whole_with_their_parties_numbers_and_alerts(tmp_path):
    # How fast is measured in bench/ledger_import.py; here, that a ledger of many batches lands whole.
    places = [testing.VILLAGE_A1, testing.GRID_A1, testing.VILLAGE_A2, testing.TOWNSHIP_A, testing.GROUP_A1]
    categories = ["邻里", "婚姻家庭", "劳动争议", "房屋宅基地", "合同"]
    results = [("化解", "2025-12-31"), ("调解中", ""), ("调解不成", "2025-12-30")]
    rows = []
    for i in range(5000):
        result, closed = results[i % 3]
        registered = dt.date(2024, 1, 1) + dt.timedelta(days=i % 700)
        parties = f"甲{i}（1380000{i:04d}）、乙{i}"
        risk = "重大" if i % 50 == 0 else "一般"
        cells = {"amount": str(i * 10), "risk": risk, "result": result, "closed": closed}
        rows.append(
            row(
                f"BIG-{i:05d}",
                registered.isoformat(),
                places[i % 5],
                categories[i % 5],
                f"纠纷{i}",
                parties,
                **cells,
            )
        )
    path = _written(tmp_path / "大台账.csv", as_csv(HEADERS, rows))
    before = Dispute.objects.count()
    out, err = run_command(path)
    assert "5,000 new" in out and err.rstrip().endswith("rows/s")
    assert Dispute.objects.count() == before + 5000
    assert Party.objects.filter(dispute__external_ref__contains="/BIG-").count() == 10000
    assert TimelineEntry.objects.filter(transition="imported").count() == 5000
    numbers = set(imported().values_list("number", flat=True))
    assert len(numbers) == 5000
    in_2024 = sum(1 for r in rows if r[1] < "2025")
    assert CaseCounter.objects.get(county_code=testing.COUNTY, year=2024).last == in_2024
    open_major = sum(1 for i in range(0, 5000, 50) if i % 3 == 1)
    assert Alert.objects.filter(dispute__external_ref__contains="/BIG-").count() == 2 * open_major


# --- the many ways a ledger writes a value ---------------------------------------------------------


@pytest.mark.parametrize(
    "raw, day",
    [
        ("2026-03-05", dt.date(2026, 3, 5)),
        ("2026/3/5", dt.date(2026, 3, 5)),
        ("2026.3.5", dt.date(2026, 3, 5)),
        ("2026年3月5日", dt.date(2026, 3, 5)),
        ("20260305", dt.date(2026, 3, 5)),
        ("2026-03-05 14:30:00", dt.date(2026, 3, 5)),
    ],
)
def test_dates_in_the_shapes_ledgers_use(raw, day):
    assert ledger.parse_date(raw) == day


@pytest.mark.parametrize("raw", ["2026-02-30", "3/5/2026", "去年", "2026年3月"])
def test_what_is_not_a_date(raw):
    with pytest.raises(ValueError):
        ledger.parse_date(raw)


@pytest.mark.parametrize(
    "cell, expected",
    [
        ("张三", [("张三", "", "")]),
        ("张三（13800001111）、李四", [("张三", "13800001111", ""), ("李四", "", "")]),
        ("张三(13800001111),李四，王五", [("张三", "13800001111", ""), ("李四", "", ""), ("王五", "", "")]),
        ("张三(11010519491231002X)；某公司", [("张三", "", "11010519491231002X"), ("某公司", "", "")]),
        ("某（北京）科技有限公司", [("某（北京）科技有限公司", "", "")]),
    ],
)
def test_parties_in_one_cell(cell, expected):
    parties = ledger.parse_parties(cell)
    assert [(p["name"], p["phone"], p["id_number"]) for p in parties] == expected
    assert [p["role"] for p in parties] == ["applicant"] + ["respondent"] * (len(expected) - 1)


AMOUNTS = [("12000", "12000.00"), ("12,000.5", "12000.50"), ("1.2万", "12000.00"), ("500元", "500.00")]


@pytest.mark.parametrize("raw, amount", AMOUNTS)
def test_amounts(raw, amount):
    assert ledger.parse_amount(raw) == Decimal(amount)


def test_a_row_placed_at_a_county_department_is_refused(tmp_path):
    """A department (县直部门) is where cases are sent, not where a dispute arose: a ledger row giving
    one as its place is refused with the reason, as registering one is."""
    from anju.accounts.choices import Role
    from anju.regions.models import Region

    Region.objects.create(code="629902503", name="县司法局", level="township", parent_id=testing.COUNTY)
    testing.add_staff("centre_county", "县中心值班员", Role.CENTRE_OPERATOR, testing.COUNTY)
    path = tmp_path / "台账.csv"
    path.write_bytes(
        as_csv(HEADERS, [row("TZ-2025-009", "2025/3/5", "629902503", "邻里", "院墙纠纷", "张三、李四")])
    )
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_disputes", str(path), "--as", "centre_county", stdout=io.StringIO(), stderr=err)
    assert "县司法局 (629902503) 是县直部门，不是地点：请选择事情发生的地方。" in err.getvalue()
    assert imported().count() == 0
