"""The shell as a person meets it: the navigation their roles allow, the place they are in, what waits
for them, the forms' look, and the error pages in their language."""

from __future__ import annotations

import re

import pytest
from django.test import RequestFactory
from django.utils import translation

from anju.site.errors import server_error
from anju.site.navigation import GROUPS, entries


def nav_of(page: str) -> str:
    return page[page.index('<nav class="sidenav"') : page.index("</nav>", page.index('<nav class="sidenav"'))]


def labels(nav: str) -> list[str]:
    return re.findall(r'<span class="nav-label">([^<]+)</span>', nav)


@pytest.mark.parametrize(
    ("member", "shown", "absent"),
    [
        (
            "grid_a1",
            ["首页", "我的待办", "纠纷列表", "登记纠纷", "矛盾纠纷统计", "区划"],
            ["人员", "审计日志", "界面组件"],
        ),
        ("leader", ["我的待办", "纠纷列表", "矛盾纠纷统计"], ["登记纠纷", "导入台账", "人员", "审计日志"]),
        ("auditor", ["首页", "审计日志", "个人信息查阅记录"], ["纠纷列表", "区划", "人员"]),
        ("admin", ["区划", "人员", "系统配置", "工作日历", "界面组件"], ["纠纷列表", "我的待办", "审计日志"]),
        ("norole", ["首页"], ["我的待办", "纠纷列表", "区划", "审计日志"]),
    ],
)
def test_the_navigation_offers_only_what_the_roles_allow(client_for, member, shown, absent):
    nav = labels(nav_of(client_for(member).get("/").content.decode()))
    assert all(label in nav for label in shown), nav
    assert not any(label in nav for label in absent), nav


def test_modules_not_built_yet_are_absent_and_groups_follow_the_countys_order(client_for):
    nav = nav_of(client_for("officer_a").get("/").content.decode())
    groups = re.findall(r"<h2>([^<]+)</h2>", nav)
    assert groups == [
        "工作台",
        "矛盾纠纷",
        "网格事件",
        "线索",
        "督办",
        "统计与报告",
        "区划与人员",
        "系统设置",
    ]
    # Tips are the political-legal roles' work: a mediator is not shown the group at all.
    assert "线索" not in nav_of(client_for("mediator_a1").get("/").content.decode())


def test_every_entry_comes_from_an_apps_nav_module_and_names_a_known_group():
    declared = entries()
    assert {e.app for e in declared} >= {
        "site",
        "disputes",
        "reports",
        "regions",
        "accounts",
        "worktime",
        "audit",
    }
    assert all(e.group in GROUPS for e in declared)


def test_the_current_place_is_marked_and_the_breadcrumb_leads_back(client_for, cast):
    page = client_for("mediator_a1").get(f"/disputes/{cast.dispute().pk}/").content.decode()
    nav = nav_of(page)
    assert re.findall(r'<a href="([^"]+)" aria-current="page">', nav) == ["/disputes/"]
    crumbs = page[page.index('<nav class="crumbs"') :]
    assert '<li><a href="/disputes/">纠纷列表</a></li>' in crumbs[: crumbs.index("</nav>")]
    home = client_for("mediator_a1").get("/").content.decode()
    assert re.findall(r'<a href="([^"]+)" aria-current="page">', nav_of(home)) == ["/"]


def test_the_work_queue_entry_counts_what_waits(client_for, cast):
    from anju.disputes.queries import work_queue

    mediator = cast.user("mediator_a1")
    waiting = sum(q.count() for q in work_queue(mediator).values())
    assert waiting > 0
    nav = nav_of(client_for("mediator_a1").get("/").content.decode())
    assert re.search(rf'我的待办</span><span class="nav-count"[^>]*>{waiting}</span>', nav)
    # Someone with nothing waiting sees no count at all, not a zero.
    nav = nav_of(client_for("officer_b").get("/").content.decode())
    assert "nav-count" not in nav


def test_the_phone_tabs_are_four_and_the_rest_is_behind_more(client_for):
    page = client_for("officer_a").get("/").content.decode()
    tabbar = page[page.index('<nav class="tabbar"') :]
    tabbar = tabbar[: tabbar.index("</nav>")]
    assert re.findall(r"<a href=\"([^\"]+)\"", tabbar) == [
        "/",
        "/disputes/work/",
        "/disputes/new/",
        "/disputes/",
    ]
    assert 'aria-controls="site-nav"' in tabbar and "更多" in tabbar


def test_the_persons_menu_holds_their_unit_role_language_and_sign_out(client_for, settings):
    settings.ANJU_COUNTY_NAME = "测试县"
    page = client_for("officer_a").get("/").content.decode()
    assert '<span class="brand-county">测试县</span>' in page
    menu = page[page.index('<details class="menu">') : page.index("</details>")]
    assert "甲镇政法委员" in menu and "甲镇 · 乡镇政法委员" in menu
    assert 'name="language" value="en"' in menu and "退出" in menu


def test_a_select_starts_with_please_choose_and_required_fields_are_marked(client_for):
    page = client_for("mediator_a1").get("/disputes/new/").content.decode()
    assert "---------" not in page and ">请选择</option>" in page
    assert re.search(
        r'<label for="id_title"><span class="req" aria-hidden="true">\*</span>简要案由：</label>', page
    )


def test_a_form_sent_back_lists_its_errors_at_the_top_and_beside_each_field(client_for):
    client = client_for("mediator_a1")
    page = client.post("/disputes/new/", {"parties-TOTAL_FORMS": "0", "parties-INITIAL_FORMS": "0"})
    text = page.content.decode()
    assert page.status_code == 400
    summary = text[text.index('<div class="form-summary" role="alert">') :]
    summary = summary[: summary.index("</div>")]
    assert '<a href="#id_title">简要案由</a>：此项为必填项。' in summary
    [field] = re.findall(r'<input [^>]*id="id_title"[^>]*>', text)
    assert 'aria-invalid="true"' in field


def test_the_components_page_is_for_administrators(client_for):
    assert client_for("mediator_a1").get("/site/components/").status_code == 403
    page = client_for("admin").get("/site/components/").content.decode()
    pieces = ['class="page-head"', "button primary", 'class="due red"', "form-grid", 'table class="list"']
    pieces += ['class="empty"', 'class="message success"', 'class="helptext"', "form-summary"]
    for piece in pieces:
        assert piece in page, piece
    saved = client_for("admin").post(
        "/site/components/",
        {"title": "示例", "category": "neighbour", "registered_on": "2026-01-05", "description": "示例"},
    )
    assert "已保存。" in saved.content.decode()


def test_not_found_and_refused_pages_are_in_the_site_and_the_persons_language(client_for, client):
    english = client_for("mediator_a1").get("/disputes/999999/", headers={"accept-language": "en"})
    page = english.content.decode()
    assert english.status_code == 404 and "Not Found" in page and '<nav class="sidenav"' in page
    assert 'lang="en"' in page
    refused = client_for("mediator_a1").get("/audit/")
    assert refused.status_code == 403
    assert (
        "不属于您的职责范围" in refused.content.decode()
        and '<nav class="sidenav"' in refused.content.decode()
    )
    anonymous = client.get("/no-such-page/")
    assert anonymous.status_code == 404 and "<h1>未找到</h1>" in anonymous.content.decode()
    assert '<nav class="sidenav"' not in anonymous.content.decode()


def test_the_server_error_page_speaks_the_persons_language_without_the_database():
    request = RequestFactory().get("/")
    with translation.override("en"):
        english = server_error(request).content.decode()
    with translation.override("zh-hans"):
        chinese = server_error(request).content.decode()
    assert "Server Error" in english and 'lang="en"' in english
    assert "服务器错误" in chinese and "请稍后再试" in chinese and "anju.css" in chinese


def test_every_action_ends_with_a_message_saying_what_was_done(client_for, cast):
    admin = client_for("admin")
    worker = cast.user("grid_a1")
    page = admin.post(f"/staff/{worker.pk}/active/", {"active": "0"}, follow=True).content.decode()
    assert "已停用甲网格员的账号，不能再登录。" in page
    page = admin.post(f"/staff/{worker.pk}/active/", {"active": "1"}, follow=True).content.decode()
    assert "已启用甲网格员的账号，可以重新登录。" in page
    from anju.disputes.queries import open_alerts

    mediator = client_for("mediator_a1")
    alert = open_alerts(cast.user("mediator_a1")).first()
    page = mediator.post(f"/disputes/alerts/{alert.pk}/acknowledge/", follow=True).content.decode()
    assert f"{alert.dispute.number} 的提示已标为已阅。" in page


def test_the_sign_in_page_names_the_county_and_the_platform(client, settings):
    settings.ANJU_COUNTY_NAME = "测试县"
    page = client.get("/accounts/login/").content.decode()
    card = page[page.index('<section class="card narrow">') :]
    assert card.index("测试县") < card.index("安居 anju 基层治理平台") < card.index("<h1>登录</h1>")
    english = client.get("/accounts/login/", headers={"accept-language": "en"}).content.decode()
    assert "安居 anju Grassroots Governance Platform" in english


def test_the_brand_reads_anju_in_every_language(client_for, settings):
    settings.ANJU_COUNTY_NAME = ""
    for language, platform in (("zh-hans", "基层治理平台"), ("en", "Grassroots Governance Platform")):
        page = client_for("officer_a").get("/", headers={"accept-language": language}).content.decode()
        assert '<span class="brand-county">安居 anju</span>' in page
        assert f"安居 anju {platform}" in page and "· 安居 anju</title>" in page
    admin = client_for("admin").get("/admin/").content.decode()
    assert "安居 anju 系统管理" in admin


def test_english_page_headings_and_navigation_are_in_title_case(client_for):
    english = client_for("mediator_a1").get("/disputes/work/", headers={"accept-language": "en"})
    page = english.content.decode()
    assert "<h1>My Work</h1>" in page
    nav = nav_of(page)
    for entry in ("My Work", "Dispute List", "Register a Dispute", "Import a Ledger"):
        assert entry in nav
    assert (
        "<h1>Register a Dispute</h1>"
        in client_for("mediator_a1").get("/disputes/new/", headers={"accept-language": "en"}).content.decode()
    )
    # Chinese is as it was.
    chinese = client_for("mediator_a1").get("/disputes/work/").content.decode()
    assert "<h1>我的待办</h1>" in chinese
