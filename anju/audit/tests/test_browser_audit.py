"""The audit log in a browser at a phone's and a desktop's width: times, accounts, addresses and
object kinds each keep to one line, and the page does not scroll sideways."""

from __future__ import annotations

import os

import pytest

from anju.audit.actions import record
from anju.demo import testing
from anju.site.tests.browsing import DESKTOP, PHONE, _page, browser, site, skip_without_browser  # noqa: F401

pytestmark = skip_without_browser


@pytest.mark.parametrize(("size", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_names_and_addresses_keep_to_one_line(browser, site, cast, tmp_path, size, viewport):  # noqa: F811
    record(
        cast.admin,
        "region.update",
        region_code=testing.GRID_A1,
        object_type="regions.region",
        object_id=testing.GRID_A1,
        before={"name": "甲一网格", "households": 120},
        after={"name": "甲一网格（东片）", "households": 135},
    )
    page = _page(browser, site, cast.user("auditor"), viewport)
    page.goto(site + "/audit/")
    # Kept for a person to look at (ANJU_SHOTS names a folder to keep it in after the test).
    shot = os.path.join(os.environ.get("ANJU_SHOTS", str(tmp_path)), f"audit-{size}.png")
    page.screenshot(path=shot, full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    heights = page.eval_on_selector_all(
        "table.audit td.nowrap, table.audit span.nowrap",
        """cells => cells.filter(c => c.textContent.trim()).map(c => {
            const r = document.createRange(); r.selectNodeContents(c);
            return r.getClientRects().length;
        })""",
    )
    assert heights and max(heights) == 1, "a name, time or address broke over two lines"
    page.context.close()
