"""The main journeys of a county's staff, clicked through in a real browser: a grid worker registers
a dispute on a phone; a village mediator takes it to resolution; a case goes up to the county; a
ledger with a bad row is refused, then imported; the auditor finds who saw a party's number; an
administrator signs in with the second factor, with JavaScript off.

Each test drives the pages as a person would (open, fill, press) and checks what they would see,
with the database as a second witness. A failure leaves screenshots in test-failures/."""

from __future__ import annotations

import pytest

from anju.demo import testing
from anju.disputes.models import Dispute

from .browsing import DESKTOP, PHONE, SCREENSHOTS, _page, skip_without_browser

pytestmark = skip_without_browser


def _submit(page, form_locator) -> None:
    """Press the form's main button and wait for the page it answers with."""
    with page.expect_navigation():
        form_locator.locator("button[type=submit]").last.click()


def _act(page, action: str, fields: dict[str, str] | None = None, *, check: str | None = None) -> None:
    """Open the case page's "what to do next" section for `action`, fill it and send it."""
    section = page.locator(f"#act-{action}")
    section.locator("summary").click()
    form = section.locator("form")
    if check:
        form.locator(f'input[type=checkbox][value="{check}"]').check()
    for name, value in (fields or {}).items():
        field = form.locator(f'[name="{action}-{name}"]')
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    _submit(page, form)


def test_a_grid_worker_registers_a_dispute_with_two_parties_and_a_photo_on_a_phone(browser, site, cast):
    page = _page(browser, site, cast.grid_a1, PHONE)
    page.goto(site + "/disputes/new/")
    page.select_option("#id_channel", "walk_in")
    page.select_option("#id_category", "neighbour")
    page.fill("#id_title", "楼上漏水殃及楼下")
    page.fill("#id_description", "楼上卫生间漏水，楼下天花板发霉，双方协商未果。")
    page.select_option("#id_parties-0-role", "applicant")
    page.fill("#id_parties-0-name", "楼下住户")
    page.fill("#id_parties-0-phone", "13911112222")
    page.select_option("#id_parties-1-role", "respondent")
    page.fill("#id_parties-1-name", "楼上住户")
    page.set_input_files(
        "#id_attachments",
        files=[{"name": "漏水照片.png", "mimeType": "image/png", "buffer": testing.TINY_PNG}],
    )
    _submit(page, page.locator("form.stacked").filter(has=page.locator("#id_title")))
    dispute = Dispute.objects.get(title="楼上漏水殃及楼下")
    assert page.url == f"{site}/disputes/{dispute.pk}/"
    shown = page.locator("main").inner_text()
    assert "楼下住户" in shown and "楼上住户" in shown and "漏水照片.png" in shown
    assert "139****2222" in shown and "13911112222" not in shown
    assert dispute.parties.count() == 2 and dispute.attachments.count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.context.close()


def test_a_village_mediator_takes_a_case_to_resolution(browser, site, cast):
    dispute = cast.dispute()
    page = _page(browser, site, cast.mediator_a1, DESKTOP)
    page.goto(f"{site}/disputes/{dispute.pk}/")
    _act(page, "accept", check=str(cast.mediator_a1.pk))
    _act(
        page,
        "record_session",
        {
            "place": "村委会调解室",
            "participants": "双方当事人、调解员",
            "record_text": "双方各自陈述",
            "outcome": "同意退让",
        },
    )
    _act(
        page,
        "record_agreement",
        {
            "kind": "written",
            "facts": "院墙越界三十厘米",
            "terms": "拆除越界部分",
            "performance": "自行拆除。",
        },
    )
    _act(page, "record_visit", {"performance": "performed"})
    _act(page, "resolve")
    dispute.refresh_from_db()
    assert dispute.status == "resolved" and dispute.resolved_level == "village"
    assert "已化解" in page.locator("main").inner_text()
    page.context.close()


def test_a_case_escalates_from_the_village_to_the_county(browser, site, cast):
    dispute = cast.dispute()
    centre = testing.add_staff("centre_op", "县中心操作员", "centre_operator", testing.COUNTY)
    for who, reason in ((cast.mediator_a1, "涉及多村，村级难以调处"), (cast.officer_a, "涉及县级部门")):
        page = _page(browser, site, who, DESKTOP)
        page.goto(f"{site}/disputes/{dispute.pk}/")
        _act(page, "escalate", {"reason": reason})
        page.context.close()
    dispute.refresh_from_db()
    assert dispute.handling_level == "county"
    page = _page(browser, site, centre, DESKTOP)
    page.goto(site + "/disputes/work/")
    assert testing.DISPUTE_TITLE in page.locator("main").inner_text()
    page.goto(f"{site}/disputes/{dispute.pk}/")
    assert page.locator("#act-accept").count() == 1  # the county centre can take it on
    page.context.close()


def _upload_and_import(page, site, name: str, content: bytes) -> None:
    page.goto(site + "/disputes/ledger/import/")
    page.set_input_files(
        "input[type=file]",
        files=[
            {
                "name": name,
                "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "buffer": content,
            }
        ],
    )
    _submit(page, page.locator("form", has=page.locator("input[type=file]")))
    _submit(page, page.locator("form", has=page.locator("button[type=submit].primary")).last)


def test_a_ledger_with_one_bad_row_is_refused_then_imported(browser, site, cast, settings, tmp_path):
    from anju.disputes.tests.test_ledger import GOOD, HEADERS, row, xlsx

    settings.MEDIA_ROOT = tmp_path / "media"
    bad = row("TZ-2025-009", "2025-06-01", testing.VILLAGE_A1, "吵架", "无名争执", "甲、乙")
    before = Dispute.objects.count()
    page = _page(browser, site, cast.officer_a, DESKTOP)
    _upload_and_import(page, site, "甲镇台账.xlsx", xlsx(HEADERS, [*GOOD, bad]))
    refused = page.locator("main").inner_text()
    assert "吵架" in refused and "纠纷类别" in refused
    assert Dispute.objects.count() == before
    _upload_and_import(page, site, "甲镇台账（改）.xlsx", xlsx(HEADERS, GOOD))
    assert Dispute.objects.count() == before + len(GOOD)
    assert "3" in page.locator("main").inner_text()
    page.context.close()


def test_the_auditor_finds_who_saw_a_partys_phone_number_and_why(browser, site, cast):
    dispute = cast.dispute()
    page = _page(browser, site, cast.mediator_a1, PHONE)
    page.goto(f"{site}/disputes/{dispute.pk}/")
    reveal = page.locator("details.reveal").first
    reveal.locator("summary").click()
    reveal.locator("input[name=purpose]").fill("电话约定调解时间")
    _submit(page, reveal.locator("form"))
    assert testing.PARTY_PHONE in page.locator("main").inner_text()
    page.context.close()
    auditor = _page(browser, site, cast.auditor, DESKTOP)
    auditor.goto(site + "/audit/access/")
    trail = auditor.locator("main").inner_text()
    assert "mediator_a1" in trail and "电话约定调解时间" in trail
    auditor.context.close()


@pytest.mark.parametrize("javascript", [False], ids=["without-javascript"])
def test_an_administrator_signs_in_with_the_second_factor(browser, site, cast, javascript):
    secret = testing.enrol_second_factor(cast.admin)
    page = _page(browser, site, None, PHONE, javascript=javascript)
    page.goto(site + "/staff/")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", testing.PASSWORD)
    _submit(page, page.locator("form", has=page.locator("input[name=password]")))
    assert page.url == site + "/accounts/login/code/"
    page.fill("input[name=code]", "000000")
    _submit(page, page.locator("form", has=page.locator("input[name=code]")))
    assert "验证码错误" in page.locator("main").inner_text()
    page.fill("input[name=code]", testing.totp_code(secret))
    _submit(page, page.locator("form", has=page.locator("input[name=code]")))
    assert page.url == site + "/staff/"
    assert "县管理员" in page.locator("main").inner_text()
    page.context.close()


def test_a_grid_event_travels_the_whole_loop_on_phones(browser, site, cast):
    """Reported by a grid worker with a photo, filed and dispatched by the township's centre from its
    board, handled by the village with a photo of the result, verified on site and evaluated: every
    step on a phone's screen, the page never wider than the phone."""
    from anju.events.models import Event

    def on_phone(user):
        return _page(browser, site, user, PHONE)

    def fits(page):
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    import io

    from PIL import Image

    picture = io.BytesIO()
    Image.new("RGB", (640, 480), (122, 150, 96)).save(picture, "PNG")
    photo = {"name": "现场.png", "mimeType": "image/png", "buffer": picture.getvalue()}
    worker = on_phone(cast.grid_a1)
    worker.goto(site + "/events/new/")
    worker.get_by_role("link", name="乱倒垃圾").click()
    worker.select_option("#id_region", testing.GRID_A1)
    worker.fill("#id_title", "村口路边倾倒建筑垃圾")
    worker.fill("#id_description", "村口路边被倒了一车建筑垃圾，占了半幅路面。")
    worker.select_option("#id_extra_waste", "建筑垃圾")
    worker.set_input_files("#id_photos", files=[photo])
    _submit(worker, worker.locator("form.stacked").filter(has=worker.locator("#id_title")))
    event = Event.objects.get(title="村口路边倾倒建筑垃圾")
    assert worker.url == f"{site}/events/{event.pk}/" and event.status == "reported"
    assert worker.locator("ul.photos img").count() == 1
    fits(worker)
    worker.locator("ul.photos").evaluate("e => e.scrollIntoView({block: 'center'})")
    worker.wait_for_function("[...document.querySelectorAll('ul.photos img')].every(i => i.complete)")
    worker.screenshot(path=str(SCREENSHOTS / "event-journey-reported-phone.png"))
    worker.context.close()

    centre = on_phone(cast.officer_a)
    centre.goto(site + "/events/board/")
    assert event.number in centre.locator("main").inner_text()
    fits(centre)
    centre.get_by_role("link", name=event.number).first.click()
    _act(centre, "file")
    _act(centre, "dispatch")
    event.refresh_from_db()
    assert event.status == "dispatched" and event.handling_unit_id == testing.VILLAGE_A1

    village = on_phone(cast.mediator_a1)
    village.goto(f"{site}/events/{event.pk}/")
    section = village.locator("#act-handle")
    section.locator("summary").click()
    section.locator('[name="handle-report"]').fill("已联系铲车清运，路面恢复通行。")
    section.locator('[name="handle-photos"]').set_input_files(files=[{**photo, "name": "清运后.png"}])
    _submit(village, section.locator("form"))
    fits(village)
    village.context.close()

    centre.goto(f"{site}/events/{event.pk}/")
    _act(centre, "verify_pass", {"note": "现场核查，已清理干净"})
    _act(centre, "evaluate", {"satisfaction": "5", "centre_score": "95"})
    event.refresh_from_db()
    assert event.status == "evaluated" and event.satisfaction == 5 and event.photos.count() == 2
    shown = centre.locator("main").inner_text()
    for words in ("已评价", "已联系铲车清运", "现场核查，已清理干净"):
        assert words in shown
    fits(centre)
    centre.locator("ol.timeline").scroll_into_view_if_needed()
    centre.screenshot(path=str(SCREENSHOTS / "event-journey-evaluated-phone.png"))
    centre.context.close()
