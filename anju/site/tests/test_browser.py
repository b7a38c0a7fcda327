"""The site in a real browser: the main pages at a phone's and a desktop's size, as screenshots in
docs/screenshots/, checked by axe-core for serious accessibility faults; and a grid worker's
registration form, which must fit a phone's width with its first field in view.

Runs the system's Chromium (Debian's `chromium` package) through playwright's Python package; skipped
when either is missing. The server runs in a thread on the test's own database connection, so the
pages see the cast and the test's data without a transactional test (which would empty the tables
other tests rely on)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core import signals
from django.db import close_old_connections
from django.test import Client

from .browsing import DESKTOP, PHONE, SCREENSHOTS, _page, skip_without_browser

playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
pytestmark = skip_without_browser
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"


def _serious_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations
              .filter(v => v.impact === "serious" || v.impact === "critical")
              .map(v => v.id + ": " + v.help + " — "
                        + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", "));
        }"""
    )
    return found


def _main_pages(cast):
    dispute = cast.dispute()
    return [
        ("login", None, "/accounts/login/"),
        ("home", "grid_a1", "/"),
        ("register", "grid_a1", "/disputes/new/"),
        ("work", "mediator_a1", "/disputes/work/"),
        ("leader-home", "leader", "/"),
        ("notifications", "mediator_a1", "/accounts/notifications/"),
        ("disputes", "mediator_a1", "/disputes/"),
        ("dispute", "mediator_a1", f"/disputes/{dispute.pk}/"),
        ("figures", "leader", "/reports/disputes/"),
        ("import", "mediator_a1", "/disputes/ledger/import/"),
        ("regions", "admin", "/regions/"),
        ("staff", "admin", "/staff/"),
        ("calendar", "admin", "/calendar/"),
        ("audit", "auditor", "/audit/"),
        ("components", "admin", "/site/components/"),
        ("two-factor", "grid_a1", "/accounts/two-factor/"),
        ("not-found", "mediator_a1", "/disputes/999999/"),
    ]


def test_main_pages_at_phone_and_desktop_sizes_pass_the_accessibility_check(browser, site, cast):
    pages = _main_pages(cast)
    users = {name: cast.user(name) for _, name, _ in pages if name}
    faults = {}
    for size, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        for name, user, path in pages:
            page = _page(browser, site, users.get(user), viewport)
            response = page.goto(site + path)
            assert response.status == (404 if name == "not-found" else 200), (name, response.status)
            page.screenshot(path=str(SCREENSHOTS / f"{name}-{size}.png"))
            # Nothing wider than the screen: a phone never scrolls sideways.
            assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"], (name, size)
            violations = _serious_violations(page)
            if violations:
                faults[f"{name} ({size})"] = violations
            page.context.close()
    assert faults == {}


def test_no_page_breaks_the_content_security_policy(browser, site, cast):
    printed = ("print", "mediator_a1", f"/disputes/{cast.dispute().pk}/print/registration/")
    casefile = ("casefile", "mediator_a1", f"/disputes/{cast.dispute().pk}/casefile/")
    pages = [*_main_pages(cast), printed, casefile]
    users = {name: cast.user(name) for _, name, _ in pages if name}
    refused = []
    for name, user, path in pages:
        page = _page(browser, site, users.get(user), DESKTOP, bypass_csp=False)
        page.on(
            "console",
            lambda message, name=name: (
                refused.append((name, message.text)) if "Content Security Policy" in message.text else None
            ),
        )
        page.goto(site + path)
        page.wait_for_load_state("load")
        page.context.close()
    assert refused == []


def test_a_grid_workers_registration_form_fits_a_phone(browser, site, cast):
    page = _page(browser, site, cast.user("grid_a1"), PHONE)
    page.goto(site + "/disputes/new/")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    first = page.locator("form.stacked :is(input, select, textarea):visible").first
    box = first.bounding_box()
    tabbar = page.locator(".tabbar").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert box["y"] + box["height"] <= tabbar["y"], "the first field is hidden below the fold"
    page.context.close()


def test_the_phone_shell_is_a_short_top_bar_and_four_tabs_with_the_rest_behind_more(browser, site, cast):
    page = _page(browser, site, cast.user("mediator_a1"), PHONE)
    page.goto(site + "/disputes/")
    assert page.locator(".topbar").bounding_box()["height"] <= 56
    tabs = page.locator(".tabbar a")
    assert tabs.count() == 4
    assert page.locator(".tabbar a[aria-current]").inner_text().strip().startswith("纠纷列表")
    assert not page.locator("#site-nav").is_visible()
    page.get_by_role("button", name="更多").click()
    assert page.locator("#site-nav").is_visible()
    assert page.locator("#site-nav").get_by_role("link", name="导入台账").is_visible()
    page.screenshot(path=str(SCREENSHOTS / "navigation-phone.png"))
    # The person's menu holds their unit and role, the language switch and sign-out.
    page.keyboard.press("Escape")
    page.locator("details.menu > summary").click()
    menu = page.locator(".menu-panel")
    assert "甲一村 · 调解员" in menu.inner_text() and menu.get_by_role("button", name="退出").is_visible()
    for tab in tabs.all():
        assert tab.bounding_box()["height"] >= 44
    page.context.close()


def test_the_desktop_shell_marks_where_you_are_and_counts_what_waits(browser, site, cast):
    page = _page(browser, site, cast.user("mediator_a1"), DESKTOP)
    page.goto(site + f"/disputes/{cast.dispute().pk}/")
    nav = page.locator("#site-nav")
    assert nav.is_visible() and not page.locator(".tabbar").is_visible()
    assert nav.locator("a[aria-current]").inner_text().strip() == "纠纷列表"
    assert page.locator(".crumbs").inner_text().split() == ["矛盾纠纷", "纠纷列表"]
    waiting = nav.locator("a", has_text="我的待办").locator(".nav-count")
    assert int(waiting.inner_text()) >= 1
    page.context.close()


def test_the_page_behaviours_work_under_the_policy(browser, site, cast):
    page = _page(browser, site, cast.user("grid_a1"), DESKTOP, bypass_csp=False)
    page.goto(site + "/disputes/new/")
    page.select_option("#id_category", "labour")
    offered = page.eval_on_selector_all(
        "#id_subtype option:not([value=''])",
        "options => options.filter(o => !o.disabled).map(o => o.dataset.category)",
    )
    assert offered and set(offered) == {"labour"}
    page.context.close()


def test_the_case_file_prints_each_document_on_its_own_a4_sheet(browser, site, cast):
    from anju.disputes.tests.test_casefile import agreed

    client = Client()
    client.force_login(cast.mediator_a1)
    dispute = agreed(client, cast.dispute(), cast.mediator_a1)
    # The test client connects Django's "close old connections" handlers again after each request it
    # makes; the site's thread shares this test's connection, which they would close (PostgreSQL).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    page = _page(browser, site, cast.mediator_a1, DESKTOP)
    page.goto(site + f"/disputes/{dispute.pk}/casefile/")
    page.set_viewport_size({"width": 794, "height": 1123})  # an A4 sheet at 96 dpi
    page.emulate_media(media="print")
    assert not page.get_by_role("button", name="打印").is_visible()  # the button stays off the paper
    page.screenshot(path=str(SCREENSHOTS / "casefile-print.png"), full_page=True)
    # Printed to PDF as the browser's print dialog would: six documents, six sheets at least, A4.
    pdf = page.pdf(prefer_css_page_size=True)
    sheets = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert sheets >= 6
    box = re.search(rb"/MediaBox\s*\[\s*0 0 ([0-9.]+) ([0-9.]+)", pdf)
    assert box and (round(float(box[1])), round(float(box[2]))) == (595, 842)  # A4 in points
    page.context.close()
