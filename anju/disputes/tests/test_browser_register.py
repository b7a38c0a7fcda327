"""The registration form in a real browser: a desktop uses its width, and "add a party" adds a block
in place, whose party is registered with the others."""

from __future__ import annotations

from anju.disputes.models import Dispute
from anju.site.tests.browsing import _page, browser, site, skip_without_browser  # noqa: F401 (fixtures)

pytestmark = skip_without_browser

WIDE = {"width": 1280, "height": 800}


def test_the_desktop_registration_form_uses_two_columns(browser, site, cast, tmp_path):  # noqa: F811
    page = _page(browser, site, cast.user("grid_a1"), WIDE)
    page.goto(site + "/disputes/new/")
    # Kept for a person to look at when the assertions below fail.
    page.screenshot(path=str(tmp_path / "register-1280.png"), full_page=True)
    region, channel = page.locator("#id_region").bounding_box(), page.locator("#id_channel").bounding_box()
    assert abs(region["y"] - channel["y"]) < 4 and region["x"] < channel["x"], "one field a row"
    first, second = (page.locator("fieldset.party").nth(i).bounding_box() for i in (0, 1))
    assert abs(first["y"] - second["y"]) < 4, "the two sides sit side by side"
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 2200, f"the form is {height} px long"
    page.context.close()


def test_add_a_party_adds_a_block_in_place_and_registers_its_party(browser, site, cast):  # noqa: F811
    page = _page(browser, site, cast.user("grid_a1"), WIDE, bypass_csp=False)
    page.goto(site + "/disputes/new/")
    assert page.locator("fieldset.party").count() == 2
    page.get_by_role("button", name="添加当事人").click()
    assert page.locator("fieldset.party").count() == 3
    assert page.url.endswith("/disputes/new/"), "the block was added without sending the form"
    page.fill("#id_title", "三户争水")
    page.fill("#id_description", "三户人家为灌溉用水争执。")
    for index, name in enumerate(["张三", "李四", "王五"]):
        page.fill(f"#id_parties-{index}-name", name)
    page.get_by_role("button", name="登记", exact=True).click()
    page.wait_for_url("**/disputes/*/")
    dispute = Dispute.objects.get(title="三户争水")
    assert sorted(dispute.parties.values_list("name", flat=True)) == ["张三", "李四", "王五"]
    page.context.close()
