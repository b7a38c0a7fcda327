"""Ledgers as county clerks keep them, through the one spreadsheet engine: a township's sheet with
merged title rows, a 填报单位 row, Chinese headers, village names instead of codes, Excel date cells
and a totals row; a GBK CSV; and exports that are text, never formulas."""

import csv
import datetime as dt
import html
import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from openpyxl import Workbook, load_workbook

from anju.core.models import ImportJob
from anju.demo import testing
from anju.disputes import ledger
from anju.disputes.models import CategoryName, Dispute
from anju.regions.models import Region

pytestmark = pytest.mark.django_db

IMPORT = "/disputes/ledger/import/"
RUN = "/disputes/ledger/import/run/"
EXPORT = "/disputes/ledger/export/"

TITLE = "甲镇2026年矛盾纠纷排查化解台账"
HEADERS = [
    "序号",
    "排查时间",
    "乡镇",
    "村(社区)",
    "当事人姓名",
    "联系电话",
    "纠纷类型",
    "简要情况",
    "调解员",
    "是否达成协议",
    "履行情况",
    "办结日期",
    "化解结果",
    "来源",
    "备注",
    "包村领导",
]
ROWS = [
    [1, dt.date(2026, 3, 2), "甲镇", "甲一村民委员会", "张大山、李小河", "13800001111", "邻里纠纷",
     "宅基地旁排水沟堵塞引发争吵", "王调解", "是", "当场履行", dt.date(2026, 3, 5), "调解成功", "群众来访",
     "", "赵书记"],
    [2, dt.date(2026, 3, 9), "甲镇", "甲二村", "孙二、周三", "", "婚姻家庭纠纷",
     "赡养老人费用分摊", "王调解", "否", "", None, "调解中", "网格员排查", "下周再调", "赵书记"],
    [3, dt.date(2026, 3, 20), "甲镇", "甲一村", "吴四、某建筑公司", "", "民间借贷纠纷",
     "借款到期未还", "", "", "", None, "", "电话", "", ""],
]  # fmt: skip
TITLES = {"宅基地旁排水沟堵塞引发争吵", "赡养老人费用分摊", "借款到期未还"}


def township_sheet(rows=ROWS, headers=HEADERS) -> bytes:
    """A clerk's sheet: merged title, 填报单位 and 日期, headers on row 3, a totals row and a
    signature line below the data."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([TITLE])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    sheet.append(
        [
            "填报单位：甲镇综治中心（盖章）",
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            "填报日期：2026年3月31日",
        ]
    )
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    sheet.append(["合计", None, None, None, None, None, f"共{len(rows)}件"])
    sheet.append(["填报人：刘文书", None, None, None, "审核人：陈主任"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def text(response) -> str:
    return html.unescape(response.content.decode())


def selected(page: str) -> dict[str, str]:
    """The mapping form as a browser would submit it: hidden fields and selected options."""
    data = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page))
    data.pop("csrfmiddlewaretoken", None)
    for name, options in re.findall(r'<select name="(\w+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', options)
        data[name] = chosen.group(1) if chosen else ""
    return data


def upload(client, name, content):
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, content)})


def run_command(path, *args, username="officer_a", language="en"):
    out, err = io.StringIO(), io.StringIO()
    with translation.override(language):
        call_command("import_disputes", str(path), "--as", username, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def bad_rows(page: str) -> dict[int, list[tuple[str, str]]]:
    found: dict[int, list[tuple[str, str]]] = {}
    label = r'<td data-label="[^"]*">'
    for row, column, message in re.findall(
        rf"<tr>{label}(\d+)</td>{label}(.*?)</td>{label}(.*?)</td></tr>", page
    ):
        found.setdefault(int(row), []).append((column, message))
    return found


def test_a_township_clerks_sheet_imports_as_it_is_through_the_pages(client_for):
    client = english(client_for("officer_a"))
    mapping = upload(client, "甲镇台账.xlsx", township_sheet())
    page = text(mapping)
    assert mapping.status_code == 200, page[:3000]
    # The title and 填报单位 rows are passed over; the headers are found on row 3.
    assert "甲镇台账.xlsx: 3 rows." in page and "The headers are on row 3." in page
    choices = selected(page)
    index = {h: str(i) for i, h in enumerate(HEADERS)}
    assert choices["registered_on"] == index["排查时间"] and choices["resolved_on"] == index["办结日期"]
    assert choices["township"] == index["乡镇"] and choices["village"] == index["村(社区)"]
    assert choices["parties"] == index["当事人姓名"] and choices["mediator"] == index["调解员"]
    assert choices["agreement"] == index["是否达成协议"] and choices["remarks"] == index["备注"]
    # What will not be imported is said before anything is saved; the totals and signature rows too.
    assert "These columns of the file will not be imported: 序号、包村领导" in page
    assert "Totals and signature rows skipped: 7, 8" in page
    assert Dispute.objects.filter(title__in=TITLES).count() == 0

    done = client.post(RUN, choices)
    assert done.status_code == 200, text(done)[:3000]
    assert "3 disputes imported." in text(done)
    first = Dispute.objects.get(title="宅基地旁排水沟堵塞引发争吵")
    assert first.region_id == testing.VILLAGE_A1  # 甲一村民委员会 is 甲一村
    assert (first.status, first.category, first.channel) == ("resolved", "neighbour", "walk_in")
    assert (first.mediator_name, first.agreement_reached, first.performance_note, first.source) == (
        "王调解",
        True,
        "当场履行",
        "群众来访",
    )
    second = Dispute.objects.get(title="赡养老人费用分摊")
    assert (second.region_id, second.category, second.agreement_reached, second.remarks) == (
        testing.VILLAGE_A2,
        "marriage_family",
        False,
        "下周再调",
    )
    assert Dispute.objects.get(title="借款到期未还").category == "contract"  # 民间借贷纠纷

    # The same file again creates nothing new.
    again = client.post(RUN, selected(text(upload(client, "甲镇台账.xlsx", township_sheet()))))
    assert "0 disputes imported." in text(again) and "3 rows were imported before" in text(again)
    assert Dispute.objects.filter(title__in=TITLES).count() == 3


def test_the_page_lets_the_clerk_pick_the_header_row(client_for):
    client = english(client_for("officer_a"))
    page = text(upload(client, "甲镇台账.xlsx", township_sheet()))
    choices = selected(page)
    # Row 2 (填报单位…) read as headers: nothing is recognised there, so the date is left to choose.
    reread = client.post(RUN, {**choices, "header_row": "2", "reread": "1"})
    assert reread.status_code == 200 and "The headers are on row 2." in text(reread)
    assert selected(text(reread))["registered_on"] == ""
    back = client.post(RUN, {**selected(text(reread)), "header_row": "3", "reread": "1"})
    assert "The headers are on row 3." in text(back)
    done = client.post(RUN, selected(text(back)))
    assert "3 disputes imported." in text(done)


def test_every_bad_row_is_named_as_the_sheet_shows_it_and_nothing_is_saved(client_for):
    # 甲一村 also exists in township B: without a township the name is ambiguous.
    Region.objects.create(code="629902101203", name="甲一村", level="village", parent_id=testing.TOWNSHIP_B)
    rows = [list(r) for r in ROWS]
    rows[0][3] = "红旗村"  # no such village
    rows[1][2], rows[1][3] = "", "甲一村"  # ambiguous without the township
    rows[2][1] = "2026年13月1日"  # no such date
    rows.append(
        [4, "2026.3.25", "乙镇", "乙一村", "郑五、王六", "", "吵架", "小事", "", "", "", None, "", "", "", ""]
    )
    client = english(client_for("officer_a"))
    response = client.post(RUN, selected(text(upload(client, "甲镇台账.xlsx", township_sheet(rows)))))
    assert response.status_code == 400
    problems = bad_rows(text(response))
    assert sorted(problems) == [4, 5, 6, 7]  # the rows as Excel numbers them
    assert (
        problems[4][0][0] == "村(社区)"
        and "甲镇 has no village or community called 红旗村" in problems[4][0][1]
    )
    assert problems[5][0][0] == "村(社区)" and "more than one place" in problems[5][0][1]
    assert "629902100201" in problems[5][0][1] and "629902101203" in problems[5][0][1]  # the candidates
    assert problems[6] == [
        ("排查时间", "2026年13月1日 is not a date (YYYY-MM-DD, YYYY/M/D, YYYY.M.D or YYYY年M月D日).")
    ]
    assert ("纠纷类型", "Unknown category 吵架.") in problems[7]
    assert Dispute.objects.filter(title__in=TITLES).count() == 0


def test_a_name_beside_a_code_is_checked_against_it(client_for):
    headers = ["登记日期", "村(社区)", "区划代码", "当事人", "纠纷类别", "案由"]
    rows = [
        ["2026/3/5", "甲二村", testing.VILLAGE_A1, "甲、乙", "邻里", "名码不符"],
        ["2026/3/6", "甲一村", testing.GRID_A1, "丙、丁", "邻里", "网格在村内"],
    ]
    client = english(client_for("officer_a"))
    response = client.post(RUN, selected(text(upload(client, "台账.xlsx", township_sheet(rows, headers)))))
    problems = bad_rows(text(response))
    assert list(problems) == [4]
    assert problems[4][0][0] == "区划代码" and "甲二村" in problems[4][0][1]


def test_the_countys_own_category_names_are_read(client_for, tmp_path):
    rows = [list(ROWS[0])]
    rows[0][6] = "土地流转纠纷"
    path = tmp_path / "台账.xlsx"
    path.write_bytes(township_sheet(rows))
    with pytest.raises(CommandError):
        run_command(path)
    CategoryName.objects.create(name="土地流转", category="forest_land")
    assert "1 new" in run_command(path)[0]
    assert Dispute.objects.get(title=ROWS[0][7]).category == "forest_land"


def test_a_gbk_csv_with_a_title_row_through_the_command(tmp_path):
    lines = [
        "甲镇矛盾纠纷排查化解台账,,,,,",
        "受理日期,乡镇,村居,当事人,纠纷类别,案由",
        "2026/3/5,甲镇,甲一村委会,张三、李四,邻里纠纷,鸡鸭毁坏菜地",
        "2026年3月6日,甲镇,甲二村,王五、赵六,房屋宅基地纠纷,院墙越界",
        "合计,,,,,共2件",
    ]
    path = tmp_path / "台账.csv"
    path.write_bytes("\r\n".join(lines).encode("gbk"))
    out, err = run_command(path)
    assert "headers on row 2" in out and "Totals and signature rows skipped: 5" in out
    assert "2 new, 0 imported before" in out and "rows/s" in err
    assert set(
        Dispute.objects.filter(title__in=["鸡鸭毁坏菜地", "院墙越界"]).values_list("region_id", flat=True)
    ) == {
        testing.VILLAGE_A1,
        testing.VILLAGE_A2,
    }
    # The summary is in the county's language when nobody asks for another.
    chinese, _err = run_command(path, language="zh-hans")
    assert "新增 0 件" in chinese and "此前已导入 2 件" in chinese


def test_the_command_takes_a_header_row_and_names_unused_columns(tmp_path):
    path = tmp_path / "甲镇台账.xlsx"
    path.write_bytes(township_sheet())
    with pytest.raises(CommandError, match="Missing column"):
        run_command(path, "--header-row", "2")
    out, _err = run_command(path, "--header-row", "3", "--map", "remarks=")
    assert "Not imported: 序号、备注、包村领导" in out and "3 new" in out


# --- exports ------------------------------------------------------------------------------------


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_exported_cells_are_text_never_formulas(client_for, tmp_path):
    rows = [list(ROWS[0])]
    rows[0][7] = '=HYPERLINK("http://evil.example","点我")'
    rows[0][14] = "@SUM(1+1)"
    # A CSV keeps the text as typed (a workbook would hold it as a formula).
    buffer = io.StringIO()
    csv.writer(buffer).writerows([HEADERS, *[["" if v is None else v for v in r] for r in rows]])
    path = tmp_path / "台账.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8-sig")
    run_command(path)
    # A control character stored before imports refused them must not break the export.
    Dispute.objects.filter(remarks__startswith="@").update(remarks="@SUM(1+1)\x07")
    client = client_for("officer_a")
    csv_text = body(client.get(EXPORT, {"format": "csv"})).decode("utf-8-sig")
    assert "'=HYPERLINK(" in csv_text and "'@SUM(1+1)" in csv_text and "\x07" not in csv_text
    assert ",=" not in csv_text and ",@" not in csv_text
    content = body(client.get(EXPORT))
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "\x07" not in sheet_xml
    sheet = load_workbook(io.BytesIO(content)).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value]
    assert all(c.data_type == "s" for c in cells)  # dates, amounts and codes too
    assert any(c.value.startswith("=HYPERLINK(") for c in cells)


def test_the_export_reads_as_the_clerks_sheet(client_for, tmp_path):
    path = tmp_path / "台账.xlsx"
    path.write_bytes(township_sheet())
    run_command(path)
    sheet = load_workbook(io.BytesIO(body(client_for("officer_a").get(EXPORT)))).active
    headers = [c.value for c in sheet[1]]
    assert headers == ledger.EXPORT_HEADERS
    assert sheet.freeze_panes == "A2"
    rows = {
        r[headers.index("简要案由")]: dict(zip(headers, r, strict=True))
        for r in sheet.iter_rows(min_row=2, values_only=True)
    }
    first = rows["宅基地旁排水沟堵塞引发争吵"]
    assert (first["乡镇"], first["村（社区）"], first["调解员"], first["是否达成协议"]) == (
        "甲镇",
        "甲一村",
        "王调解",
        "是",
    )
    assert (first["履行情况"], first["来源"], first["登记日期"]) == ("当场履行", "群众来访", "2026-03-02")


def test_the_export_reads_in_chunks_with_labels_looked_up_once(client_for, tmp_path, monkeypatch):
    path = tmp_path / "台账.xlsx"
    path.write_bytes(township_sheet())
    run_command(path)
    client = client_for("leader")

    def queries(chunk: int, rows: int) -> int:
        original = ledger.export_rows
        monkeypatch.setattr(ledger, "export_rows", lambda qs: original(qs, chunk=chunk))
        with CaptureQueriesContext(connection) as captured:
            lines = body(client.get(EXPORT, {"format": "csv"})).decode("utf-8-sig").strip().splitlines()
        monkeypatch.setattr(ledger, "export_rows", original)
        assert len(lines) == rows + 1
        return len(captured)

    queries(100, 4)  # the first request of a session reads what later ones find cached
    few = queries(100, 4)  # the cast's case and 3
    more = [[n + 3, *cells[1:7], f"{cells[7]}（续{n}）", *cells[8:]] for n, cells in enumerate(ROWS * 3)]
    path.write_bytes(township_sheet(more))
    run_command(path)
    # Thirteen rows cost the queries four did: labels and names are not looked up row by row.
    assert queries(100, 13) == few
    # Read in chunks: a smaller chunk takes more reads, never more memory.
    assert queries(1, 13) > few


def test_a_background_import_keeps_its_file_and_progress_in_the_database(
    client_for, settings, tmp_path, monkeypatch
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    monkeypatch.setattr(ledger, "BACKGROUND_ABOVE", 2)
    seen = []
    original = ledger.importjobs.Progress.__call__

    def watched(self, done, total):
        original(self, done, total)
        seen.append(ImportJob.objects.values_list("state", "done", "total").get(pk=self.job.pk))

    monkeypatch.setattr(ledger.importjobs.Progress, "__call__", watched)
    client = english(client_for("officer_a"))
    started = client.post(RUN, selected(text(upload(client, "甲镇台账.xlsx", township_sheet()))))
    assert started.status_code == 302
    job = ImportJob.objects.get(token=started["Location"].split("=")[1])
    assert (job.state, job.done, job.total, bytes(job.data)) == ("done", 3, 3, b"")
    assert ("importing", 3, 3) in seen and any(state == "checking" for state, *_n in seen)
    assert "3 disputes imported." in text(client.get(started["Location"]))
    assert not (tmp_path / "media").exists()  # nothing on the disk the worker and the web share


def test_a_cell_with_a_control_character_is_refused_by_row(tmp_path):
    lines = ["受理日期,村居,当事人,纠纷类别,案由", "2026/3/5,甲一村,张三、李四,邻里,鸡鸭\x01毁坏菜地"]
    path = tmp_path / "台账.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError), translation.override("en"):
        call_command("import_disputes", str(path), "--as", "officer_a", stdout=io.StringIO(), stderr=err)
    assert "row 2 [案由]: This cell holds a control character; retype it." in err.getvalue()
