"""Importing and exporting the tree from the files counties keep: all rows or none."""

import io
import subprocess
import sys

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook, load_workbook

from anju.audit.models import AuditEvent
from anju.demo import testing
from anju.regions.models import Region

pytestmark = pytest.mark.django_db

GOOD_CSV = (
    "代码,名称,级别,网格类型,户数\n"
    "629902102000,丙镇,乡镇,,\n"  # 12-digit NBS form of a township
    "629902102201,丙一村,村,,\n"
    "629902102201001,丙一村第1网格,网格,综合,320\n"
    "62990210220100101,丙一村第1网格1组,联防组,,10\n"
)


def upload(client, name: str, content: bytes):
    return client.post("/regions/import/", {"file": SimpleUploadedFile(name, content)})


def xlsx(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_good_csv_imports_and_a_second_import_changes_nothing(client_for):
    client = client_for("admin")
    response = upload(client, "tree.csv", GOOD_CSV.encode("utf-8-sig"))
    assert response.status_code == 302
    assert Region.objects.get(code="629902102").name == "丙镇"
    grid = Region.objects.get(code="629902102201001")
    assert (grid.parent_id, grid.grid_type, grid.households) == ("629902102201", "general", 320)
    again = upload(client, "tree.csv", GOOD_CSV.encode("utf-8-sig"))
    assert again.status_code == 302
    imports = AuditEvent.objects.filter(action="region.import", result="ok").order_by("id")
    assert [e.after["created"] for e in imports] == [4, 0]
    assert imports.last().after["unchanged"] == 4


def test_gbk_csv_from_excel_on_windows_is_read(client_for):
    response = upload(client_for("admin"), "tree.csv", GOOD_CSV.encode("gbk"))
    assert response.status_code == 302
    assert Region.objects.filter(code="629902102201", name="丙一村").exists()


def test_xlsx_with_parent_codes_imports(client_for):
    content = xlsx(
        [
            ["code", "name", "parent_code"],
            [629902102, "丙镇", 629902],  # numbers, as Excel stores them
            ["629902102201", "丙一村", "629902102"],
        ]
    )
    assert upload(client_for("admin"), "tree.xlsx", content).status_code == 302
    assert Region.objects.get(code="629902102201").parent_id == "629902102"


def test_one_bad_row_imports_nothing_and_every_bad_row_is_reported(client_for):
    bad = GOOD_CSV + "629902102201000,坏网格,网格,,\n" + "629902102202,,村,,\n" + "629902103201,孤村,村,,\n"
    response = upload(client_for("admin"), "tree.csv", bad.encode())
    assert response.status_code == 400
    page = response.content.decode()
    assert "未导入任何内容" in page
    assert "网格段 000" in page  # row 6: the grid segment
    assert "名称为空" in page  # row 7: no name
    assert "上级区划 629902103" in page  # row 8: parent neither in file nor tree
    assert not Region.objects.filter(code__startswith="629902102").exists()
    assert AuditEvent.objects.filter(action="region.import", result="refused").exists()


def test_a_row_with_two_problems_counts_as_one_bad_row(client_for):
    bad = GOOD_CSV + "629902102202,,村,,很多\n"
    response = upload(client_for("admin"), "tree.csv", bad.encode())
    page = response.content.decode()
    assert response.status_code == 400
    assert "名称为空" in page and "很多" in page
    assert "1 行有错误" in page
    refused = AuditEvent.objects.get(action="region.import", result="refused")
    assert refused.detail == "tree.csv：1 行有误，未导入"  # in the county's language, as every row


def test_rows_outside_the_importers_jurisdiction_are_refused(client_for):
    response = upload(client_for("admin_b"), "tree.csv", GOOD_CSV.encode())
    assert response.status_code == 400
    assert "不在您的辖区内" in response.content.decode()
    assert not Region.objects.filter(code__startswith="629902102").exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("tree.pdf", b"%PDF-1.4", "只能导入"),
        ("tree.xlsx", b"not a workbook", "不是可读取的 .xlsx"),
        ("tree.csv", b"", "空文件"),
        ("tree.csv", "名称\n丙镇\n".encode(), "缺少列"),
    ],
)
def test_unreadable_files_get_a_clear_message(client_for, name, content, message):
    response = upload(client_for("admin"), name, content)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Region.objects.filter(code__startswith="629902102").exists()


def test_export_then_import_is_a_round_trip(client_for):
    client = client_for("admin")
    exported = client.get("/regions/export.xlsx", {"root": testing.TOWNSHIP_A})
    assert exported.status_code == 200
    sheet = load_workbook(io.BytesIO(exported.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("code", "name", "level", "parent_code")
    assert [r[0] for r in rows[1:]] == [
        testing.TOWNSHIP_A,
        testing.VILLAGE_A1,
        testing.GRID_A1,
        testing.GROUP_A1,
        testing.VILLAGE_A2,
    ]
    assert upload(client, "back.xlsx", exported.content).status_code == 302
    assert AuditEvent.objects.filter(action="region.import").last().after["unchanged"] == 5


def test_export_is_scoped_to_the_jurisdiction(client_for):
    csv = client_for("officer_b").get("/regions/export.csv").content.decode("utf-8-sig")
    assert "乙一村" in csv and "甲" not in csv


def test_command_line_import_reports_bad_rows_and_exits_non_zero(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name,level\n629902102,丙镇,township\n629902102999,错村,village\n", encoding="utf-8")
    # A fresh process on the developer's SQLite file would not see the test database, so the
    # command is exercised in-process; `anju --help` below checks the console entry point.
    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match=r"1 bad rows \(1 problems\)"), translation.override("en"):
        call_command("import_regions", str(bad))
    assert not Region.objects.filter(code="629902102").exists()
    good = tmp_path / "good.csv"
    good.write_text(GOOD_CSV, encoding="utf-8")
    out = io.StringIO()
    call_command("import_regions", str(good), stdout=out)
    assert "新增 4 个" in out.getvalue()  # the county's language


def test_console_command_lists_the_platform_commands():
    result = subprocess.run(
        [sys.executable, "-m", "anju.cli", "--help"], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    for command in ("import-regions", "export-regions", "demo", "seed"):
        assert command in result.stdout


def test_the_statistics_bureaus_plain_list_imports_with_the_level_read_from_the_code(client_for):
    # As published: a title row, 12-digit codes padded with zeros, an urban-rural class code that is
    # not a region's, and no level or parent column.
    published = (
        "2025年统计用区划代码和城乡划分代码（甲县）,,\n"
        "统计用区划代码,城乡分类代码,名称\n"
        "629902102000,,丙镇\n"
        "629902102201,220,丙一村民委员会\n"
        "629902102202,111,丙镇社区居民委员会\n"
    )
    response = upload(client_for("admin"), "统计用区划代码.csv", published.encode("gbk"))
    assert response.status_code == 302
    township, village, community = (
        Region.objects.get(code=c) for c in ("629902102", "629902102201", "629902102202")
    )
    assert (township.level, township.parent_id) == ("township", "629902")
    assert (village.level, village.parent_id, village.name) == ("village", "629902102", "丙一村民委员会")
    assert community.level == "village"


def test_the_command_names_the_columns_it_does_not_import(tmp_path):
    from django.core.management import call_command

    path = tmp_path / "list.csv"
    path.write_text("统计用区划代码,城乡分类代码,名称\n629902102000,,丙镇\n", encoding="utf-8")
    out = io.StringIO()
    with translation.override("en"):
        call_command("import_regions", str(path), stdout=out)
    assert "Not imported: 城乡分类代码" in out.getvalue() and "1 new" in out.getvalue()
