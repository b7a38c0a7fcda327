"""What the dispute forms take, as a tester found them on a phone: empty party blocks, date inputs
in Chinese, dates before the case existed, limits on numbers and long texts, phone-friendly inputs.
Each rule is run through the pages and, where the API takes the same input, through the API."""

import datetime as dt
import html
import re

import pytest
from django.utils import timezone, translation

from anju.demo import testing
from anju.disputes.models import Dispute

from .factories import new_case, post
from .test_pages import act, registration

pytestmark = pytest.mark.django_db

LONG = "长" * 200_000
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def three_blocks(**extra) -> dict:
    """The registration as the page sends it: three party blocks, the third left empty but for the
    selects, which always send their first choice."""
    return registration(
        **{
            "parties-TOTAL_FORMS": "3",
            "parties-2-role": "applicant",
            "parties-2-kind": "person",
            "parties-2-name": "",
            "parties-2-phone": "",
            "parties-2-id_number": "",
            "parties-2-address": "",
            **extra,
        }
    )


def test_the_page_offers_the_two_sides_and_an_empty_block_is_no_party(client_for):
    client = client_for("mediator_a1")
    form = client.get("/disputes/new/").content.decode()
    assert 'name="parties-TOTAL_FORMS" value="2"' in form
    assert 'name="parties-0-role"' in form and 'name="parties-2-role"' not in form
    response = client.post("/disputes/new/", three_blocks())
    assert response.status_code == 302, page_text(response)
    assert Dispute.objects.get(title="工地拖欠工资").parties.count() == 2


def test_any_block_may_be_the_empty_one(client_for):
    data = three_blocks(
        **{
            "parties-0-name": "",
            "parties-0-phone": "",
            "parties-2-role": "respondent",
            "parties-2-name": "王工人",
            "parties-2-phone": "13700001111",
        }
    )
    response = client_for("mediator_a1").post("/disputes/new/", data)
    assert response.status_code == 302, page_text(response)
    parties = Dispute.objects.get(title="工地拖欠工资").parties.all()
    assert sorted(p.name for p in parties) == ["某建筑公司", "王工人"]


def test_a_block_with_a_phone_but_no_name_says_the_name_is_missing(client_for):
    response = client_for("mediator_a1").post(
        "/disputes/new/", three_blocks(**{"parties-2-phone": "13700002222"})
    )
    page = page_text(response)
    assert response.status_code == 400
    assert "请填写当事人姓名或名称。" in page
    # Said at the top of the form too, for a phone whose screen shows the top only.
    assert page.index("填写有误，请按下方各项的提示修改。") < page.index('name="region"')
    assert not Dispute.objects.filter(title="工地拖欠工资").exists()


def test_a_registration_without_any_party_is_refused(client_for):
    data = three_blocks(**{f"parties-{i}-{f}": "" for i in range(2) for f in ("name", "phone")})
    response = client_for("mediator_a1").post("/disputes/new/", data)
    assert response.status_code == 400
    assert "纠纷至少要有一方当事人。" in page_text(response)


def test_a_wrong_identity_number_says_which_party(client_for):
    data = three_blocks(**{"parties-1-kind": "person", "parties-1-id_number": "110105194912310023"})
    response = client_for("mediator_a1").post("/disputes/new/", data)
    page = page_text(response)
    assert response.status_code == 400
    assert "当事人2：身份证号校验位不正确，请再核对。" in page
    assert "填写有误" in page
    # Beside the second block's number field, where it can be put right.
    assert page.index("当事人2：身份证号") > page.index("parties-0-address")


def test_a_party_counts_as_the_page_shows_it_when_a_block_before_is_empty(client_for):
    data = three_blocks(
        **{"parties-2-name": "李四", "parties-2-kind": "person", "parties-2-id_number": "110105194912310023"}
    )
    response = client_for("mediator_a1").post("/disputes/new/", data)
    assert "当事人3：身份证号校验位不正确" in page_text(response)


def test_the_api_still_asks_for_a_name_and_names_the_party(client_for):
    client = client_for("mediator_a1")
    nameless = new_case(parties=[{"role": "applicant", "name": ""}])
    assert post(client, "/api/disputes", nameless).status_code == 422
    wrong = new_case(parties=[{"role": "applicant", "name": "李某", "id_number": "110105194912310023"}])
    answer = post(client, "/api/disputes", wrong)
    assert answer.status_code == 400
    assert "校验位" in answer.json()["errors"]["parties.0.id_number"][0]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_date_inputs_show_iso_dates_in_every_language(client_for, cast, language):
    dispute = cast.dispute()
    client = client_for("mediator_a1")
    act(client, dispute, "accept", {"mediators": [cast.mediator_a1.pk]})
    headers = {"Accept-Language": language}
    # The page's "today" is one of the days before and after it was asked for, even across midnight.
    days = {timezone.localdate().isoformat()}
    page = client.get(f"/disputes/{dispute.pk}/", headers=headers).content.decode()
    days.add(timezone.localdate().isoformat())
    values = dict(re.findall(r'<input type="date" name="([\w-]+)" value="([^"]*)"', page))
    assert values["record_session-held_on"] in days
    assert values["transfer_out-received_on"] == values["record_session-held_on"]
    figures = client_for("leader").get("/reports/disputes/", headers=headers).content.decode()
    dates = re.findall(r'<input type="date" name="date_\w+" value="([^"]*)"', figures)
    assert dates and all(ISO_DAY.match(d) for d in dates), dates


def test_date_inputs_are_iso_whatever_the_active_language():
    from anju.audit.forms import AuditSearchForm
    from anju.disputes import forms
    from anju.reports.forms import FiguresForm
    from anju.worktime.forms import DayForm

    day = dt.date(2026, 11, 28)
    with translation.override("zh-hans"):
        rendered = [
            str(forms.SessionForm(initial={"held_on": day})["held_on"]),
            str(forms.AgreementForm(initial={"signed_on": day})["signed_on"]),
            str(forms.VisitForm(initial={"visited_on": day})["visited_on"]),
            str(forms.TransferForm(initial={"received_on": day})["received_on"]),
            str(forms.FailureForm(initial={"notified_on": day})["notified_on"]),
            str(forms.FilterForm(initial={"date_from": day})["date_from"]),
            str(AuditSearchForm(initial={"date_from": day})["date_from"]),
            str(FiguresForm(initial={"date_from": day}, today=day)["date_to"]),
            str(DayForm(initial={"day": day})["day"]),
        ]
    for field in rendered:
        assert 'type="date"' in field and re.search(r'value="([^"]*)"', field).group(1) == "2026-11-28", field


def mediating(cast, registered_at: dt.datetime) -> Dispute:
    """The cast's case, registered at `registered_at` and accepted."""
    from anju.disputes import actions

    dispute = cast.dispute()
    Dispute.objects.filter(pk=dispute.pk).update(registered_at=registered_at)
    dispute.refresh_from_db()
    return actions.accept(cast.mediator_a1, dispute, mediators=[cast.mediator_a1])


def session(day: str) -> dict:
    return {"held_on": day, "place": "村委会", "participants": "双方", "record_text": "各自陈述"}


def test_a_session_before_the_case_was_registered_is_refused_on_the_page(client_for, cast):
    dispute = mediating(cast, timezone.now())
    client = client_for("mediator_a1")
    response = act(client, dispute, "record_session", session("1900-01-01"))
    registered = timezone.localtime(dispute.registered_at).date().isoformat()
    assert response.status_code == 400
    assert f"日期 1900-01-01 早于本案登记日期（{registered}）。" in page_text(response)
    assert not dispute.sessions.exists()
    # Said at the top too: on a phone the form is screens below.
    page = html.unescape(response.content.decode())
    top = page.index('<ul class="messages">')
    assert top < page.index("未能记录调解：原因见下方表单中的提示。") < page.index('id="act-record_session"')


def test_the_rule_takes_the_local_day_the_case_was_registered(client_for, cast):
    """A case from a ledger, registered at half past midnight in the county (the day before in UTC):
    its own day, however long ago, is the first day its file may name."""
    dispute = mediating(cast, testing.local(2019, 3, 1, 0, 30))
    client = client_for("mediator_a1")
    assert act(client, dispute, "record_session", session("2019-02-28")).status_code == 400
    assert act(client, dispute, "record_session", session("2019-03-01")).status_code == 302


def test_dates_before_the_case_are_refused_by_the_api(client_for, cast):
    dispute = mediating(cast, timezone.now() - dt.timedelta(days=10))
    client = client_for("mediator_a1")
    url = f"/api/disputes/{dispute.pk}"
    day = timezone.localdate()
    early = {"held_on": "1900-01-01", "place": "村委会", "participants": "双方", "record": "谈"}
    answer = post(client, f"{url}/sessions", early)
    assert answer.status_code == 400 and "1900-01-01" in answer.json()["errors"]["held_on"][0]
    assert (
        post(client, f"{url}/sessions", {**early, "held_on": str(day - dt.timedelta(days=8))}).status_code
        == 200
    )
    agreement = {"kind": "written", "facts": "f", "terms": "t", "performance": "p", "signed_on": "2000-01-01"}
    answer = post(client, f"{url}/agreement", agreement)
    assert answer.status_code == 400 and "早于本案登记日期" in answer.json()["errors"]["signed_on"][0]
    signed = day - dt.timedelta(days=5)
    assert post(client, f"{url}/agreement", {**agreement, "signed_on": str(signed)}).status_code == 200
    before = str(day - dt.timedelta(days=7))
    answer = post(client, f"{url}/visits", {"visited_on": before, "performance": "performed"})
    assert answer.status_code == 400
    assert answer.json()["errors"]["visited_on"] == [
        f"回访日期（{before}）早于调解协议生效日期（{signed}）。"
    ]
    assert (
        post(client, f"{url}/visits", {"visited_on": str(signed), "performance": "performed"}).status_code
        == 200
    )


def test_a_visit_before_the_agreement_is_refused_on_the_page(client_for, cast):
    dispute = mediating(cast, timezone.now() - dt.timedelta(days=10))
    client = client_for("mediator_a1")
    day = timezone.localdate()
    act(client, dispute, "record_session", session(str(day - dt.timedelta(days=6))))
    agreement = {"kind": "written", "facts": "f", "terms": "t", "performance": "p", "signed_on": str(day)}
    assert act(client, dispute, "record_agreement", agreement).status_code == 302
    yesterday = str(day - dt.timedelta(days=1))
    response = act(client, dispute, "record_visit", {"visited_on": yesterday, "performance": "performed"})
    assert response.status_code == 400 and "早于调解协议生效日期" in page_text(response)
    assert not dispute.visits.exists()


def test_a_transfer_before_the_case_is_refused(client_for, cast):
    dispute = cast.dispute()
    client = client_for("mediator_a1")
    transfer = {
        "body": "police",
        "body_name": "甲镇派出所",
        "receipt_number": "JS-1",
        "received_on": "2000-01-01",
    }
    response = act(client, dispute, "transfer_out", transfer)
    assert response.status_code == 400 and "早于本案登记日期" in page_text(response)


def test_people_involved_has_a_sensible_limit(client_for):
    client = client_for("mediator_a1")
    response = client.post("/disputes/new/", three_blocks(people_involved="9223372036854775807"))
    page = page_text(response)
    assert response.status_code == 400
    [error] = re.findall(r'<ul class="errorlist"[^>]*>(.*?)</ul>', page)
    assert error == "<li>一起纠纷涉及人数最多 100000 人，请核对。</li>"
    assert client.post("/disputes/new/", three_blocks(people_involved="100000")).status_code == 302
    answer = post(client, "/api/disputes", new_case(people_involved=100_001))
    assert answer.status_code == 422


def test_long_texts_are_capped_on_the_page_and_in_the_api(client_for, cast):
    client = client_for("mediator_a1")
    response = client.post("/disputes/new/", three_blocks(description=LONG))
    assert response.status_code == 400 and "10000" in page_text(response)
    assert client.post("/disputes/new/", three_blocks(description="长" * 10_000)).status_code == 302
    answer = post(client, "/api/disputes", new_case(description=LONG))
    assert answer.status_code == 422
    assert (
        post(client, "/api/disputes", new_case(description="长" * 10_000, check_duplicates=False)).status_code
        == 201
    )
    dispute = mediating(cast, timezone.now())
    today = timezone.localdate().isoformat()
    response = act(client, dispute, "record_session", {**session(today), "record_text": LONG})
    assert response.status_code == 400 and not dispute.sessions.exists()
    response = act(client, dispute, "escalate", {"reason": LONG})
    assert response.status_code == 400
    dispute.refresh_from_db()
    assert dispute.handling_level == "village"


def test_phone_inputs_open_the_keypad_and_the_camera(client_for, cast):
    client = client_for("mediator_a1")
    form = client.get("/disputes/new/").content.decode()
    assert re.search(r'<input type="tel" name="parties-0-phone"', form)
    page = client.get(f"/disputes/{cast.dispute().pk}/").content.decode()
    assert re.search(r'<input type="file" name="file" accept="image/\*,application/pdf"', page)
    # The file's note has its own label, not the dispute's 纠纷情况.
    assert '<label for="id_description">说明：</label>' in page
    english = client.get(f"/disputes/{cast.dispute().pk}/", headers={"Accept-Language": "en"})
    assert '<label for="id_description">note:</label>' in english.content.decode()


def test_djangos_own_form_messages_read_as_plain_chinese(client_for):
    client = client_for("mediator_a1")
    bad = registration(title="长" * 101, people_involved="很多", category="", channel="nowhere")
    response = client.post("/disputes/new/", bad)
    page = html.unescape(response.content.decode())
    assert response.status_code == 400
    assert "最多 100 个字符（现有 101 个）。" in page
    assert "请输入整数。" in page and "此项为必填项。" in page
    assert "请从列表中选择：nowhere 不是可选的值。" in page
    assert "确保该变量" not in page and "这个字段是必填项" not in page


def test_without_javascript_add_a_party_sends_the_form_back_as_typed_with_one_block_more(client_for):
    client = client_for("mediator_a1")
    form = page_text(client.get("/disputes/new/"))
    assert '<button type="submit" name="add_party"' in form and "formnovalidate" in form
    # Typed so far: the summary and the first party; the description is still empty.
    typed = registration(description="", **{"parties-1-name": "", "add_party": "1"})
    response = client.post("/disputes/new/", typed)
    assert response.status_code == 200
    again = page_text(response)
    assert 'name="parties-TOTAL_FORMS" value="3"' in again and 'name="parties-2-name"' in again
    assert 'value="工地拖欠工资"' in again and 'value="王工人"' in again
    assert "errorlist" not in again and "form-summary" not in again, "nothing is judged yet"
    assert not Dispute.objects.filter(title="工地拖欠工资").exists()
    # Filled in and sent, the third block's party is registered with the others.
    done = client.post(
        "/disputes/new/",
        registration(
            **{
                "parties-TOTAL_FORMS": "3",
                "parties-2-role": "respondent",
                "parties-2-kind": "person",
                "parties-2-name": "第三人",
            }
        ),
    )
    assert done.status_code == 302, page_text(done)
    assert Dispute.objects.get(title="工地拖欠工资").parties.count() == 3


def test_add_a_party_stops_at_the_most_blocks_a_form_takes(client_for):
    response = client_for("mediator_a1").post(
        "/disputes/new/", registration(**{"parties-TOTAL_FORMS": "20", "add_party": "1"})
    )
    assert response.status_code == 200 and 'name="parties-TOTAL_FORMS" value="20"' in page_text(response)
    bad = client_for("mediator_a1").post(
        "/disputes/new/", registration(**{"parties-TOTAL_FORMS": "many", "add_party": "1"})
    )
    assert bad.status_code == 200 and 'name="parties-TOTAL_FORMS" value="1"' in page_text(bad)
