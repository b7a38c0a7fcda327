"""The events' maps in a real browser, under the site's Content-Security-Policy and with no tiles
configured: the dispatch board's open events over the township's grids, and an event's point in its
grid, at a phone's and a desktop's size (docs/screenshots/events-board-*.png, event-detail-*.png)."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from anju.accounts.models import User
from anju.demo import testing
from anju.demo.seeding import set_grid_boundaries
from anju.events import actions
from anju.events.models import Event, EventType
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


def _centre(region: Region, shift: float = 0.0) -> tuple[str, str]:
    lat = (region.bbox_south + region.bbox_north) / 2 + shift * (region.bbox_north - region.bbox_south)
    lon = (region.bbox_west + region.bbox_east) / 2
    return f"{lat:.6f}", f"{lon:.6f}"


@pytest.fixture
def mapped_events(cast):
    """Township A's grids with boundaries, and events in them: the cast's (being handled), an urgent
    new one and an overdue one."""
    for village in (testing.VILLAGE_A1, testing.VILLAGE_A2):
        for n in range(2, 4):
            Region.objects.get_or_create(
                code=f"{village}{n:03d}",
                defaults={"name": f"{n}号网格", "level": "grid", "parent_id": village},
            )
    tree = [
        Region.objects.get(code=testing.TOWNSHIP_A),
        *Region.objects.filter(code__in=[testing.VILLAGE_A1, testing.VILLAGE_A2]).order_by("code"),
        *Region.objects.filter(level="grid", code__startswith=testing.TOWNSHIP_A).order_by("code"),
    ]
    set_grid_boundaries(tree, testing.COUNTY)
    for region in tree:
        region.boundary_updated_at = timezone.now()
        region.save()
    grids = {r.code: r for r in tree if r.level == "grid"}
    event = cast.event()
    event.latitude, event.longitude = _centre(grids[testing.GRID_A1])
    event.save(update_fields=["latitude", "longitude"])
    officer = User.objects.get(username="officer_a")
    irrigation = EventType.objects.get(code="irrigation-blocked")

    def report(grid, title, shift=0.0):
        lat, lon = _centre(grids[grid], shift)
        return actions.report_event(
            officer,
            region=grids[grid],
            event_type=irrigation,
            title=title,
            description=title,
            latitude=lat,
            longitude=lon,
            extra={"length": "10"},
            photos=[SimpleUploadedFile("现场.png", testing.TINY_PNG)],
        )

    urgent = report(f"{testing.VILLAGE_A1}002", "甲一村渠道决口")
    actions.mark_urgent(officer, urgent, reason="农田将被淹")
    late = report(f"{testing.VILLAGE_A2}003", "甲二村渠道淤塞")
    Event.objects.filter(pk=late.pk).update(due_at=timezone.now() - dt.timedelta(hours=3))
    return urgent, len(grids)


def test_the_board_and_the_event_page_draw_their_maps_at_phone_and_desktop_size(
    browser,  # noqa: F811
    site,  # noqa: F811
    cast,
    mapped_events,
):
    urgent, grid_count = mapped_events
    officer = cast.user("officer_a")
    refused = []
    for size, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page = _page(browser, site, officer, viewport, bypass_csp=False)
        page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
        page.goto(f"{site}/events/board/")
        page.wait_for_selector("[data-map][data-boundaries][data-points]", timeout=10_000)
        assert page.get_attribute("[data-map]", "data-boundaries") == str(grid_count)
        # The points come in pages and again for the box shown once the boundaries fit the view:
        # wait for the count to settle rather than read the first answer.
        settled = "n => document.querySelector('[data-map]').dataset.points === n"
        page.wait_for_function(settled, arg="3", timeout=10_000)
        page.locator(".map-frame").scroll_into_view_if_needed()
        page.screenshot(path=str(SCREENSHOTS / f"events-board-{size}.png"))
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        # The urgent event, reported in a grid: its point and that grid's boundary.
        page.goto(f"{site}/events/{urgent.pk}/")
        page.wait_for_selector("[data-map][data-boundaries][data-points]", timeout=10_000)
        assert page.get_attribute("[data-map]", "data-boundaries") == "1"
        assert page.get_attribute("[data-map]", "data-points") == "1"
        page.locator(".map-frame").scroll_into_view_if_needed()
        page.screenshot(path=str(SCREENSHOTS / f"event-detail-{size}.png"))
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        assert refused == []
        page.context.close()
    faults = {}
    for path in ("/events/board/", f"/events/{urgent.pk}/"):
        page = _page(browser, site, officer, DESKTOP)
        page.goto(site + path)
        page.wait_for_selector("[data-map][data-boundaries][data-points]", timeout=10_000)
        faults[path] = _serious_violations(page)
        page.context.close()
    assert faults == {"/events/board/": [], f"/events/{urgent.pk}/": []}
