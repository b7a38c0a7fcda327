"""Spreadsheet help: every import page offers a template made from its sheet's declaration, the
template imports as it stands, and no problem an import reports names a field the way the code does."""

import io
import re

import pytest
from django.apps import apps as django_apps
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from anju.audit.models import AuditEvent
from anju.demo import testing
from anju.disputes import ledger
from anju.disputes.choices import Category, Channel, HandlingLevel, Risk
from anju.disputes.models import Dispute, Subtype
from anju.regions.importing import REGIONS
from anju.worktime.importing import CALENDAR
from anju.worktime.models import CalendarDay

from .test_ledger import bad_rows, english, import_through_pages, text, xlsx

pytestmark = pytest.mark.django_db

PAGES = [
    ("officer_a", "/disputes/ledger/import/", "/disputes/ledger/import/template/", ledger.LEDGER),
    ("admin", "/regions/import/", "/regions/import/template/", REGIONS),
    ("admin", "/calendar/import/", "/calendar/import/template/", CALENDAR),
]


@pytest.fixture(autouse=True)
def immediate_tasks(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content))


def sheet_rows(sheet) -> list[list[str]]:
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize(("who", "page", "template", "kind"), PAGES)
def test_each_import_page_offers_its_template_and_names_the_required_columns(
    client_for, who, page, template, kind
):
    shown = text(client_for(who).get(page))
    assert f'href="{template}"' in shown
    assert "必填列（模板中以 * 标出）：" in shown
    assert "、".join(c.header for c in kind.columns if c.required) in shown
    headers, example = sheet_rows(workbook(client_for(who).get(template)).worksheets[0])[:2]
    assert headers == [c.header + ("*" if c.required else "") for c in kind.columns]
    assert all(example[i] for i, c in enumerate(kind.columns) if c.required)


def test_the_ledger_template_lists_every_accepted_value_on_its_second_sheet(client_for):
    Subtype.objects.create(code="grassland", name="草场边界", category=Category.FOREST_LAND)
    book = workbook(client_for("officer_a").get("/disputes/ledger/import/template/"))
    assert len(book.worksheets) == 2
    listed = sheet_rows(book.worksheets[1])
    assert listed[0] == ["列", "可填写的值", "说明"]
    by_column: dict[str, set[str]] = {}
    for column, value, _note in listed[1:]:
        by_column.setdefault(column, set()).add(value)
    assert {"纠纷类别", "来源", "风险等级", "是否达成协议", "调解结果", "化解层级"} <= set(by_column)
    assert {str(label) for label in Category.labels} | {"草场边界"} <= by_column["纠纷类别"]
    assert {str(label) for label in Channel.labels} == by_column["来源"]
    assert {str(label) for label in Risk.labels} == by_column["风险等级"]
    assert {str(label) for label in HandlingLevel.labels} == by_column["化解层级"]
    assert ["纠纷类别", "草场边界", "属于“山林土地”的子类"] in listed


@pytest.mark.parametrize("who", ["officer_a", "mediator_a1"])
def test_the_ledger_template_imports_as_it_stands(client_for, who):
    client = client_for(who)
    template = client.get("/disputes/ledger/import/template/").content
    done = import_through_pages(client, "模板.xlsx", template)
    assert done.status_code == 200, text(done)[:3000]
    assert Dispute.objects.filter(title="鸡鸭毁坏菜地").count() == 1


def test_the_region_and_calendar_templates_import_as_they_stand(client_for):
    client = client_for("admin")
    for page, template in (
        ("/regions/import/", "/regions/import/template/"),
        ("/calendar/import/", "/calendar/import/template/"),
    ):
        data = client.get(template).content
        done = client.post(page, {"file": SimpleUploadedFile("模板.xlsx", data)})
        assert done.status_code == 302, text(done)[:3000]
    assert CalendarDay.objects.filter(name="国庆节").exists()


def internal_names() -> set[str]:
    """Every field name of the platform's models: what a clerk must never be shown."""
    return {
        f.name
        for model in django_apps.get_models()
        if model.__module__.startswith("anju.")
        for f in model._meta.get_fields()
    }


def named_internally(texts, names, *, any_word: bool) -> list[str]:
    wanted = names if any_word else {n for n in names if "_" in n}
    return [t for t in texts for n in wanted if re.search(rf"(?<![A-Za-z_]){re.escape(n)}(?![A-Za-z_])", t)]


BAD_EVERYWHERE = {
    "ledger_ref": "X" * 80,
    "registered_on": "去年春天",
    "township": "不存在镇",
    "village": "不存在村",
    "region": "12345",
    "category": "火星",
    "channel": "飞鸽传书",
    "title": "",
    "description": "",
    "location": "地" * 201,
    "parties": "张三、李四",
    "phone": "一二三、四五六、七八九",
    "id_number": "110105194912310021",
    "amount": "很多",
    "people": "好几个",
    "risk": "极高",
    "mediator": "人" * 101,
    "agreement": "也许",
    "performance": "履" * 201,
    "result": "不知道",
    "resolved_on": "明天",
    "resolved_level": "宇宙",
    "remarks": "",
}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_bad_value_in_every_column_is_reported_by_the_columns_name_never_a_fields(client_for, language):
    client = client_for("officer_a")
    if language == "en":
        english(client)
    headers = [c.header for c in ledger.COLUMNS]
    assert set(BAD_EVERYWHERE) == {c.key for c in ledger.COLUMNS}
    row = [BAD_EVERYWHERE[c.key] for c in ledger.COLUMNS]
    response = import_through_pages(client, "台账.xlsx", xlsx(headers, [row]))
    assert response.status_code == 400
    problems = bad_rows(text(response))[2]
    columns = {column for column, _message in problems}
    assert len(columns) >= 12 and columns <= set(headers)
    said = [f"{column} {message}" for column, message in problems]
    assert named_internally(said, internal_names(), any_word=language == "zh-hans") == []


def test_a_problem_with_a_column_the_file_lacks_names_it_as_the_template_does(client_for):
    headers = ["登记日期", "区划代码", "纠纷类别", "简要案由", "当事人", "调解结果"]
    row = ["2025-03-05", testing.VILLAGE_A1, "邻里", "菜地", "张三、李四", "化解"]
    response = import_through_pages(english(client_for("officer_a")), "台账.xlsx", xlsx(headers, [row]))
    assert bad_rows(text(response)) == {
        2: [("化解日期", "A resolved dispute needs the date it was resolved.")]
    }


def test_a_refused_imports_audit_row_is_in_the_countys_language(client_for):
    headers = ["登记日期", "区划代码", "纠纷类别", "简要案由", "当事人"]
    rows = [["2025-03-05", testing.VILLAGE_A1, "火星", "菜地", "张三、李四"]]
    import_through_pages(english(client_for("officer_a")), "台账.xlsx", xlsx(headers, rows))
    refused = AuditEvent.objects.get(action="dispute.import", result="refused")
    assert refused.detail == "台账.xlsx：1 行有误，未导入"
