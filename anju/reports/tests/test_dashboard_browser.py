"""The dashboard in a real browser, under the site's Content-Security-Policy: the charts drawn by
ECharts from the page's JSON, nothing wider than a phone, no serious accessibility fault; the
screenshots at a phone's and a desktop's size are docs/screenshots/dashboard-*.png. On a phone the
breakdowns and the headline figures of every kind but disputes are folded, so the disputes' figures
come first and the page stays short."""

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
from anju.site.tests.test_browser import _serious_violations

from .factories import build_quarter

pytestmark = [pytest.mark.django_db, skip_without_browser]


@pytest.mark.parametrize(("size", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_the_dashboard_draws_its_charts_within_the_policy(browser, site, cast, size, viewport):  # noqa: F811
    build_quarter()
    refused = []
    page = _page(browser, site, cast.user("leader"), viewport, bypass_csp=False)
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda error: refused.append(str(error)))
    response = page.goto(f"{site}/reports/?period=2024-Q1")
    assert response.status == 200
    if size == "phone":
        # Folded: 11,782 px at 390 px wide before the breakdowns folded, 3,741 before the headline
        # figures folded by kind (only the disputes' stay open); 2,930 now.
        assert page.evaluate("document.documentElement.scrollHeight") < 3200
        opened = page.evaluate(
            "[...document.querySelectorAll('details.fold')].filter(d => d.open).map(d => d.id)"
        )
        assert opened == ["figures-disputes"]
        page.click("#figures-tasks > summary")
        assert page.is_visible("#figures-tasks [data-figure='tasks.assigned']")
        page.click("#figures-tasks > summary")
        page.click("#table-month > summary")
        page.wait_for_function("document.querySelector('#table-month [data-chart] svg')?.clientWidth > 300")
        page.click("#table-month > summary")
    else:
        page.wait_for_function("document.querySelectorAll('[data-chart] svg').length === 5")
    page.screenshot(path=str(SCREENSHOTS / f"dashboard-{size}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert refused == []
    page.context.close()
    checked = _page(browser, site, cast.user("leader"), viewport)
    checked.goto(f"{site}/reports/?period=2024-Q1")
    assert _serious_violations(checked) == []
    checked.context.close()


@pytest.mark.parametrize(("size", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_the_assessment_fits_and_has_no_serious_fault(browser, site, cast, size, viewport):  # noqa: F811
    build_quarter()
    page = _page(browser, site, cast.user("leader"), viewport)
    assert page.goto(f"{site}/reports/assessment/?period=2024-Q1").status == 200
    page.screenshot(path=str(SCREENSHOTS / f"assessment-{size}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert _serious_violations(page) == []
    page.context.close()
