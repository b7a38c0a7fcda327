"""Work reports through the pages and the API: templates with placeholders, the shipped annual
template filled with the hand count of factories.build_quarter, issuing, and issued reports that do
not move when their cases change."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from anju.audit.models import AuditEvent
from anju.demo import testing
from anju.demo.testing import local
from anju.disputes.models import Dispute
from anju.reports import document, periods
from anju.reports.models import IssuedReport, ReportTemplate
from anju.reports.shipped import ANNUAL_BODY, annual_template

from .factories import issued_in, template_in

pytestmark = pytest.mark.django_db

QUARTER = {"period": "2024-Q1", "region": testing.COUNTY}
WRITTEN = {"write-1": "与邻县签订联调协议。", "write-2": "个别村超期案件较多。", "write-3": "加强督办。"}


def flat(response) -> str:
    return " ".join(response.content.decode().split())


def article(response) -> str:
    text = response.content.decode()
    return text[text.index("<article") : text.index("</article>")]


def issue(client, **extra):
    data = {
        **QUARTER,
        "template": annual_template().pk,
        "version": "1",
        "issuer": "中共测试县委政法委员会",
        "issued_on": "2024-04-10",
        **WRITTEN,
        **extra,
    }
    return client.post(reverse("reports:report_issue"), data)


# --- the template language, at save time ----------------------------------------------------------


def test_an_unknown_placeholder_or_filter_is_refused_when_saved_naming_it_and_its_line(client_for):
    body = "= 报告\n# 纠纷\n摸排{{ disputes.fond }}件，化解率{{ disputes.resolution_rate|pct }}。\n"
    response = client_for("admin").post(reverse("reports:template_new"), {"name": "新模板", "body": body})
    assert response.status_code == 400
    text = response.content.decode()
    assert "第3行：{{ disputes.fond }}：没有名为 disputes.fond 的指标。" in text
    assert "第3行：{{ disputes.resolution_rate|pct }}：没有 pct 这一过滤器" in text
    assert not ReportTemplate.objects.filter(name="新模板").exists()


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("{{ table:disputes.nope }}", "没有名为 disputes.nope 的表格"),
        ("共{{ table:disputes.by_category }}", "表格须单独成行"),
        ("{{ disputes.overdue|previous }}", "没有以前的数值"),
        ("{{ disputes.found|percent }}", "percent 只用于比率"),
        ("{{ disputes.found", "占位符没有闭合"),
    ],
)
def test_each_fault_is_named_in_words(client_for, line, words):
    response = client_for("admin").post(
        reverse("reports:template_new"), {"name": "x", "body": f"# 标题\n{line}"}
    )
    assert response.status_code == 400
    assert "第2行" in response.content.decode() and words in response.content.decode()


def test_editing_makes_a_new_version_and_an_issued_report_keeps_its_own(client_for, quarter):
    template = template_in(testing.COUNTY, name="县季度模板")
    issued = issue(client_for("leader"), template=template.pk)
    assert issued.status_code == 302, issued.content[:2000]
    body = "= {{ region }}报告\n# 纠纷情况\n化解{{ disputes.resolved }}件。\n"
    response = client_for("admin").post(
        reverse("reports:template_edit", args=[template.pk]), {"name": "县季度模板", "body": body}
    )
    assert response.status_code == 302
    assert list(template.versions.order_by("number").values_list("number", flat=True)) == [1, 2]
    report = IssuedReport.objects.get()
    assert report.template_version.number == 1
    assert "摸排<a" in flat(client_for("leader").get(reverse("reports:issued_detail", args=[report.pk])))
    assert AuditEvent.objects.filter(action="report.template.save", object_id=str(template.pk)).count() == 1


def test_the_preview_renders_without_javascript_and_for_the_script(client_for, quarter):
    body = "= {{ region }}{{ period }}报告\n# 纠纷\n摸排{{ disputes.found }}件。\n"
    body += "{{ table:disputes.by_region }}\n"
    body += "<b>粗体</b>不是标记。\n"
    data = {"name": "x", "body": body, "preview-period": "2024-Q1", "preview-region": testing.COUNTY}
    # The administrator keeps templates but sees no cases: each figure shows as its name.
    page = client_for("admin").post(reverse("reports:template_new"), {**data, "preview": "1"})
    assert page.status_code == 200
    assert "摸排〔摸排受理数〕件。" in flat(page)
    assert "&lt;b&gt;粗体&lt;/b&gt;不是标记。" in flat(page)  # text people type is text, never markup
    assert not ReportTemplate.objects.filter(name="x").exists()  # a preview saves nothing
    fragment = client_for("admin").post(reverse("reports:template_preview"), data)
    assert fragment.status_code == 200
    assert "测试县2024年第1季度报告" in fragment.content.decode()
    assert "<html" not in fragment.content.decode()
    bad = client_for("admin").post(reverse("reports:template_preview"), {**data, "body": "{{ x.y }}"})
    assert bad.status_code == 400 and "没有名为 x.y 的指标" in bad.content.decode()


# --- the shipped template filled from the data ----------------------------------------------------


def test_the_annual_template_states_the_hand_count_each_figure_a_link_to_its_cases(client_for, quarter):
    response = client_for("leader").get(reverse("reports:report_make"), QUARTER)
    assert response.status_code == 200
    text = flat(response)
    words = re.sub(r"<[^>]+>", "", article(response))
    assert "测试县2024年第1季度平安建设暨政法工作总结" in words
    # Headings numbered as official documents number them.
    for heading in [
        "一、落实领导责任和会议议事情况",
        "（二）毗邻地区联调联处情况",
        "四、存在的问题和下一步工作",
    ]:
        assert heading in words
    assert "共摸排矛盾纠纷10件，化解5件，化解率50.0%，上年同期为—。" in words
    assert (
        "其中村（社区）化解2件，乡镇（街道）化解2件，县级化解1件；在发生层级就地化解3件，占化解总数的60.0%。"
        in words
    )
    # Joint cases are not built yet: never 0, and no unit after "not counted yet".
    assert "与毗邻县（区）联调联处案件尚未统计。" in words
    # Each dispute figure opens as its cases; a figure no list shows is stated without a link.
    assert (
        'href="/disputes/?date_from=2024-01-01&amp;date_to=2024-03-31&amp;region=629902&amp;figure=found"'
        in text
    )
    assert 'class="figure untraced" data-figure="joint.cases"' in text
    # The townships with the most overdue cases, most first, each linking to them.
    rows = re.findall(
        r"<tr><td>(甲镇|乙镇)</td><td class=\"n\" data-label=\"当前超期\"><a href=\"([^\"]+)\">(\d+)</a>",
        text,
    )
    assert [(name, count) for name, _url, count in rows[-2:]] == [("甲镇", "2"), ("乙镇", "1")]
    assert "overdue=on" in rows[-1][1] and "region=629902101" in rows[-1][1]


def test_build_document_renders_the_template_for_the_writers(quarter):
    leader = testing.Cast().user("leader")
    with translation.override("en"):
        doc = document.build_document(
            leader, periods.parse("2024-Q1"), region_name="测试县", region=testing.COUNTY, written=WRITTEN
        )
    assert doc.title == "测试县2024年第1季度平安建设暨政法工作总结"
    assert document.Heading(1, "一、落实领导责任和会议议事情况") in doc.blocks
    assert document.Paragraph("加强督办。") in doc.blocks
    assert doc.figures["disputes.found"] == "10"
    assert doc.figures["disputes.resolution_rate|last_year"] == "—"
    tables = [b for b in doc.blocks if isinstance(b, document.Table)]
    assert ("邻里", "4", "2", "50.0%") in tables[1].rows  # by category, in the county's language


# --- issuing ------------------------------------------------------------------------------------


def test_an_issued_report_does_not_move_when_its_cases_change(client_for, quarter):
    leader = client_for("leader")
    response = issue(leader)
    assert response.status_code == 302, response.content[:3000]
    report = IssuedReport.objects.get()
    assert (report.number, report.region_id, report.period) == ("〔2024〕1号", testing.COUNTY, "2024-Q1")
    assert report.template_version == annual_template().current
    assert report.figures["disputes.resolved"]["display"] == "5"
    assert AuditEvent.objects.filter(action="report.issue", object_id=str(report.pk)).exists()
    url = reverse("reports:issued_detail", args=[report.pk])
    before = leader.get(url)
    assert "与邻县签订联调协议。" in article(before)
    assert "各项指标与当前数据一致。" in before.content.decode()

    # A late correction: the overdue case of A1 was resolved in March after all.
    Dispute.objects.filter(pk=quarter["d5"].pk).update(
        status="resolved", resolved_at=local(2024, 3, 12), resolved_level="village", due_at=None
    )
    after = leader.get(url)
    assert article(after) == article(before)
    today = flat(after)[flat(after).index('id="today"') :]
    row = '<tr data-figure="{}"><td>{}</td><td class="n">{}</td><td class="n">{}</td></tr>'
    assert row.format("disputes.resolved", "化解数", 5, 6) in today
    assert row.format("disputes.overdue", "当前超期纠纷", 3, 2) in today
    # The next report of the same issuer and year takes the next number.
    assert issue(leader).status_code == 302
    assert IssuedReport.objects.order_by("serial").last().number == "〔2024〕2号"


def test_a_report_is_not_issued_while_a_paragraph_is_unwritten(client_for, quarter):
    response = issue(client_for("leader"), **{"write-3": ""})
    assert response.status_code == 400
    assert not IssuedReport.objects.exists()


# --- the cast --------------------------------------------------------------------------------------


def test_outsiders_and_other_roles_are_refused(client_for, quarter):
    report = issued_in(testing.TOWNSHIP_A)
    county_template = annual_template()
    assert client_for("officer_b").get(reverse("reports:issued_detail", args=[report.pk])).status_code == 404
    assert client_for("officer_a").get(reverse("reports:issued_detail", args=[report.pk])).status_code == 200
    assert "甲镇" not in client_for("officer_b").get(reverse("reports:issued_list")).content.decode()
    # township B asks for township A's report: not found
    asked = client_for("officer_b").get(
        reverse("reports:report_make"), {"period": "2024", "region": testing.TOWNSHIP_A}
    )
    assert asked.status_code in {400, 404}
    assert not testing.a_markers_in(asked.content)
    # the mediator reads reports but does not issue them
    assert issue(client_for("mediator_a1")).status_code == 403
    assert client_for("admin").get(reverse("reports:report_make")).status_code == 403
    assert client_for("leader").get(reverse("reports:template_list")).status_code == 403
    # a township's administrator does not edit the shipped, county-wide template
    edit = reverse("reports:template_edit", args=[county_template.pk])
    assert client_for("admin_b").get(edit).status_code == 404
    assert client_for("admin").get(edit).status_code == 200
    # bad input
    assert (
        client_for("leader")
        .get(reverse("reports:report_make"), {"period": "2024-Q9", "region": testing.COUNTY})
        .status_code
        == 400
    )
    assert issue(client_for("leader"), issued_on="not a day").status_code == 400
    assert not IssuedReport.objects.exclude(pk=report.pk).exists()


# --- the API ---------------------------------------------------------------------------------------


def test_the_api_gives_templates_previews_and_issued_reports(client_for, quarter):
    leader = client_for("leader")
    templates = leader.get("/api/reports/templates").json()
    annual = next(t for t in templates if t["id"] == annual_template().pk)
    assert annual["region_code"] is None and annual["version"] == 1
    detail = leader.get(f"/api/reports/templates/{annual['id']}").json()
    assert detail["body"] == ANNUAL_BODY and detail["versions"] == [1]
    # A township writes from the shipped template and its county's, not from another township's.
    county = template_in(testing.COUNTY, name="县模板")
    b_only = template_in(testing.TOWNSHIP_B, name="乙镇模板")
    officer_a = client_for("officer_a")
    assert officer_a.get(f"/api/reports/templates/{annual['id']}").status_code == 200
    assert officer_a.get(f"/api/reports/templates/{county.pk}").status_code == 200
    assert officer_a.get(f"/api/reports/templates/{b_only.pk}").status_code == 404
    own = officer_a.get("/api/reports/preview", {"period": "2024-Q1", "template": county.pk})
    assert own.status_code == 200 and own.json()["region_code"] == testing.TOWNSHIP_A
    assert own.json()["figures"]["disputes.found"]["value"] == 7

    preview = leader.get("/api/reports/preview", QUARTER)
    assert preview.status_code == 200, preview.content
    body = preview.json()
    assert body["title"] == "测试县2024年第1季度平安建设暨政法工作总结"
    assert body["figures"]["disputes.found"]["value"] == 10
    assert body["figures"]["joint.cases"]["display"] == "尚未统计"
    found = next(
        part
        for block in body["blocks"]
        if block["type"] == "paragraph"
        for part in block["parts"]
        if part.get("figure") == "disputes.found"
    )
    assert found["cases_url"].endswith("figure=found")

    issue(leader)
    issued = leader.get("/api/reports/issued").json()
    assert [r["number"] for r in issued] == ["〔2024〕1号"]
    one = leader.get(f"/api/reports/issued/{issued[0]['id']}").json()
    assert one["figures"]["disputes.resolved"]["display"] == "5" and one["differences"] == []

    assert client_for("officer_b").get(f"/api/reports/issued/{issued[0]['id']}").status_code == 404
    assert client_for("admin").get("/api/reports/issued").status_code == 403
    assert leader.get("/api/reports/preview", {"period": "2024-Q9"}).status_code in {400, 422}
    assert (
        client_for("officer_b").get("/api/reports/preview", {"region": testing.TOWNSHIP_A}).status_code == 404
    )
