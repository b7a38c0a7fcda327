"""The grid map in a real browser, under the site's Content-Security-Policy: the boundaries of a
village's grids drawn with no tiles configured, at a phone's and a desktop's size (screenshots in
docs/screenshots/region-map-*.png), and the components page's sample points."""

import pytest

from anju.demo import testing
from anju.demo.seeding import set_grid_boundaries
from anju.regions.models import Region
from anju.site.tests.browsing import (  # the site's browser and live server, shared
    DESKTOP,
    PHONE,
    SCREENSHOTS,
    _page,
    browser,  # noqa: F401 (a fixture)
    site,  # noqa: F401 (a fixture)
)
from anju.site.tests.test_browser import _serious_violations

pytestmark = pytest.mark.django_db


@pytest.fixture
def village_with_grids(db):
    for n in range(2, 6):
        Region.objects.create(
            code=f"{testing.VILLAGE_A1}{n:03d}",
            name=f"甲一村第{n}网格",
            level="grid",
            parent_id=testing.VILLAGE_A1,
        )
    tree = [
        Region.objects.get(code=testing.TOWNSHIP_A),
        Region.objects.get(code=testing.VILLAGE_A1),
        *Region.objects.filter(parent_id=testing.VILLAGE_A1).order_by("code"),
    ]
    set_grid_boundaries(tree, testing.COUNTY)
    for region in tree[2:]:
        region.save()
    return tree[2:]


def _watch_policy(page, refused):
    page.on(
        "console",
        lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None,
    )


def test_the_villages_grids_are_drawn_without_tiles_at_phone_and_desktop_size(
    browser,  # noqa: F811
    site,  # noqa: F811
    cast,
    village_with_grids,
):
    for size, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page = _page(browser, site, cast.user("officer_a"), viewport, bypass_csp=False)
        refused = []
        _watch_policy(page, refused)
        page.goto(f"{site}/regions/{testing.VILLAGE_A1}/")
        page.wait_for_selector("[data-map][data-boundaries]", timeout=10_000)
        assert page.get_attribute("[data-map]", "data-boundaries") == str(len(village_with_grids))
        assert page.locator(".leaflet-overlay-pane path").count() == len(village_with_grids)
        # The shapes are on screen, inside the map's box, not a dot in a corner.
        frame = page.locator("[data-map]").bounding_box()
        drawn = page.locator(".leaflet-overlay-pane svg").bounding_box()
        assert drawn["width"] > frame["width"] / 3 and drawn["height"] > frame["height"] / 3
        page.locator(".map-frame").scroll_into_view_if_needed()
        page.screenshot(path=str(SCREENSHOTS / f"region-map-{size}.png"))
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        assert refused == []
        page.context.close()
    page = _page(browser, site, cast.user("officer_a"), DESKTOP)
    page.goto(f"{site}/regions/{testing.VILLAGE_A1}/")
    page.wait_for_selector("[data-map][data-boundaries]", timeout=10_000)
    assert _serious_violations(page) == []
    page.context.close()


def test_the_components_page_draws_points_from_inline_json(browser, site, cast):  # noqa: F811
    page = _page(browser, site, cast.user("admin"), DESKTOP, bypass_csp=False)
    refused = []
    _watch_policy(page, refused)
    page.goto(f"{site}/site/components/")
    page.wait_for_selector(".leaflet-overlay-pane path", timeout=10_000)
    assert page.locator(".leaflet-overlay-pane path").count() == 3
    assert refused == []
    page.context.close()
