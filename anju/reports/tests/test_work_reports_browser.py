"""Work reports in a real browser, under the site's Content-Security-Policy: the template's preview
follows the text as it is typed (the script fetches the preview), and the report reads on a phone
without sideways scrolling; the screenshots are docs/screenshots/work-report-*.png."""

import pytest

from anju.site.tests.browsing import (  # the site's browser and live server, shared
    DESKTOP,
    PHONE,
    SCREENSHOTS,
    _page,
    browser,  # noqa: F401 (a fixture)
    site,  # noqa: F401 (a fixture)
    skip_without_browser,
)

from .factories import build_quarter

pytestmark = [pytest.mark.django_db, skip_without_browser]


def test_the_preview_follows_the_text_as_it_is_typed(browser, site, cast):  # noqa: F811
    refused = []
    page = _page(browser, site, cast.user("admin"), DESKTOP, bypass_csp=False)
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda error: refused.append(str(error)))
    assert page.goto(f"{site}/reports/templates/new/").status == 200
    page.fill("#id_name", "季度模板")
    page.fill("#id_body", "= {{ region }}季度报告\n# 纠纷情况\n摸排{{ disputes.found }}件。")
    # Waiting through the page's own elements: the policy refuses a script evaluated from a string.
    page.locator("#template-preview h3", has_text="一、纠纷情况").wait_for()
    assert "摸排〔摸排受理数〕件。" in page.inner_text("#template-preview")
    page.fill("#id_body", "# 纠纷情况\n摸排{{ disputes.fond }}件。")
    page.locator("#template-preview [role=alert]").wait_for()
    assert "disputes.fond" in page.inner_text("#template-preview")
    assert refused == []
    page.context.close()


@pytest.mark.parametrize(("size", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_the_report_reads_on_a_phone_and_a_desktop(browser, site, cast, size, viewport):  # noqa: F811
    build_quarter()
    page = _page(browser, site, cast.user("leader"), viewport)
    response = page.goto(f"{site}/reports/work/?period=2024-Q1&region=629902")
    assert response.status == 200
    page.screenshot(path=str(SCREENSHOTS / f"work-report-{size}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    page.context.close()
