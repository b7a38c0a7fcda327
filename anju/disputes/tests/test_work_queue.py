"""What the tester found walking the workflow: my work, alerts, extensions, transfers, list
filters, reveals and reopened cases, each through the pages or the API."""

import datetime as dt
import html
import re

import pytest
from django.utils import timezone, translation

from anju.accounts.choices import Role
from anju.accounts.models import RoleAssignment, User
from anju.demo import testing
from anju.disputes import actions
from anju.disputes.models import Alert, Dispute, ExtensionRequest
from anju.worktime.calendar import deadline_text

pytestmark = pytest.mark.django_db


def new_case(cast, *, region=testing.VILLAGE_A1, title="院墙漏水", **fields) -> Dispute:
    return actions.register_dispute(
        cast.mediator_a1 if region.startswith(testing.TOWNSHIP_A + "2") else cast.officer_a,
        region=cast.region(region),
        channel="walk_in",
        category="neighbour",
        title=title,
        description=title,
        parties=[{"role": "applicant", "name": "王某"}],
        **fields,
    )


def alerts_about(client, title: str) -> list[str]:
    """The lines of the alert groups on the client's my-work page that name the case `title`."""
    page = text(client.get("/disputes/work/"))
    cards = re.findall(r'<section class="card alerts [^"]*"[^>]*>(.*?)</section>', page, re.S)
    lines = [line for card in cards for line in re.findall(r"<li>(.*?)</li>", card, re.S)]
    return [line for line in lines if title in line]


def text(response) -> str:
    return html.unescape(response.content.decode())


# --- alerts ------------------------------------------------------------------------------------


def test_a_major_risk_case_alerts_each_unit_once(client_for, cast):
    dispute = new_case(cast, title="重大风险之争", risk="major")
    # One row for each unit it is addressed to: the township and the county centre.
    assert sorted(dispute.alerts.values_list("unit_id", flat=True)) == [testing.COUNTY, testing.TOWNSHIP_A]
    for name in ("leader", "officer_a"):
        lines = alerts_about(client_for(name), "重大风险之争")
        assert len(lines) == 1 and "重大风险" in lines[0], name
    # The village does not hear of it.
    assert not alerts_about(client_for("mediator_a1"), "重大风险之争")


def test_someone_working_at_township_and_county_sees_one_line_and_clears_both(client_for, cast):
    RoleAssignment.objects.create(user=cast.officer_a, role=Role.CENTRE_OPERATOR, region_id=testing.COUNTY)
    dispute = new_case(cast, title="重大风险之争", risk="major")
    client = client_for("officer_a")
    lines = alerts_about(client, "重大风险之争")
    assert len(lines) == 1
    alert_id = re.search(r"/disputes/alerts/(\d+)/acknowledge/", lines[0]).group(1)
    assert client.post(f"/disputes/alerts/{alert_id}/acknowledge/").status_code == 302
    assert not dispute.alerts.filter(acknowledged_at__isnull=True).exists()
    assert not alerts_about(client, "重大风险之争")


def test_seeing_an_alert_is_on_record_and_only_for_its_unit(client_for, cast):
    from anju.audit.models import AuditEvent

    dispute = new_case(cast, title="重大风险之争", risk="major")
    alert = dispute.alerts.get(unit_id=testing.TOWNSHIP_A)
    # Township B cannot see, let alone clear, township A's alert.
    assert client_for("officer_b").post(f"/disputes/alerts/{alert.pk}/acknowledge/").status_code == 404
    assert client_for("officer_a").post(f"/disputes/alerts/{alert.pk}/acknowledge/").status_code == 302
    seen = AuditEvent.objects.get(action="dispute.alert.acknowledge")
    assert (seen.actor_username, seen.object_id, seen.region_code) == (
        "officer_a",
        str(alert.pk),
        "629902100",
    )
    # The county's own alert about the same case is still there for the county.
    assert dispute.alerts.get(unit_id=testing.COUNTY).acknowledged_at is None


def test_a_superuser_sees_one_line_and_clears_both(client, cast):
    admin = User.objects.get(username="admin")
    User.objects.filter(pk=admin.pk).update(is_superuser=True)
    dispute = new_case(cast, title="重大风险之争", risk="major")
    client.force_login(User.objects.get(pk=admin.pk))
    lines = alerts_about(client, "重大风险之争")
    assert len(lines) == 1
    alert_id = re.search(r"/disputes/alerts/(\d+)/acknowledge/", lines[0]).group(1)
    assert client.post(f"/disputes/alerts/{alert_id}/acknowledge/").status_code == 302
    assert not dispute.alerts.filter(acknowledged_at__isnull=True).exists()


def accepted_case(cast, **kwargs) -> Dispute:
    dispute = new_case(cast, **kwargs)
    mediator = cast.mediator_a1 if dispute.handling_level == "village" else cast.officer_a
    return actions.accept(mediator, dispute, mediators=[mediator])


@pytest.mark.parametrize("approve", ["1", "0"])
def test_deciding_a_request_for_more_time_clears_its_alert(client_for, cast, approve):
    dispute = accepted_case(cast, title="需延期之争")
    mediator = client_for("mediator_a1")
    asked = mediator.post(
        f"/disputes/{dispute.pk}/extensions/",
        {"extension-working_days": 3, "extension-reason": "当事人外出"},
        headers={"accept-language": "en"},
    )
    assert asked.status_code == 302
    alert = Alert.objects.get(dispute=dispute, unit_id=testing.TOWNSHIP_A)
    assert alert.reason == "【延期】申请延长 3 个工作日：当事人外出"  # the county's language, whoever asked
    officer = client_for("officer_a")
    assert alerts_about(officer, "需延期之争")
    request = ExtensionRequest.objects.get(dispute=dispute)
    decided = officer.post(f"/disputes/extensions/{request.pk}/decide/", {"approve": approve})
    assert decided.status_code == 302
    alert.refresh_from_db()
    assert alert.acknowledged_at is not None and alert.acknowledged_by == cast.officer_a
    assert not alerts_about(officer, "需延期之争")


def test_deciding_through_the_api_clears_the_alert_too(client_for, cast):
    dispute = accepted_case(cast, title="需延期之争")
    asked = client_for("mediator_a1").post(
        f"/api/disputes/{dispute.pk}/extensions",
        {"working_days": 2, "reason": "鉴定未出"},
        content_type="application/json",
    )
    assert asked.status_code == 201
    decided = client_for("officer_a").post(
        f"/api/disputes/extensions/{asked.json()['id']}/decide",
        {"approve": True},
        content_type="application/json",
    )
    assert decided.status_code == 200
    assert not Alert.objects.filter(
        dispute=dispute, unit_id=testing.TOWNSHIP_A, acknowledged_at__isnull=True
    ).exists()
    # The handlers hear of the decision in their own queue.
    told = Alert.objects.get(dispute=dispute, unit_id=testing.VILLAGE_A1, acknowledged_at__isnull=True)
    assert told.reason == "【延期】延长 2 个工作日已获批准。"


# --- extensions: who decides -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("region", "asker", "approver"),
    [(testing.VILLAGE_A1, "mediator_a1", "甲镇"), (testing.TOWNSHIP_A, "officer_a", "测试县")],
)
def test_the_request_for_more_time_names_the_unit_that_decides(client_for, cast, region, asker, approver):
    dispute = accepted_case(cast, region=region, title="需延期之争")
    response = client_for(asker).post(
        f"/disputes/{dispute.pk}/extensions/",
        {"extension-working_days": 3, "extension-reason": "当事人外出"},
        follow=True,
    )
    request = ExtensionRequest.objects.get(dispute=dispute)
    assert request.approver_unit.name == approver
    assert f"延期申请已报送 {request.approver_unit}。" in text(response)
    assert f"延期申请已报送 {dispute.handling_unit}。" not in text(response)


# --- transfers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "label"), [("zh-hans", "其他行政机关（有关部门）"), ("en", "Other administrative body")]
)
def test_a_case_goes_to_a_government_department_as_such(client_for, cast, language, label):
    dispute = new_case(cast, title="违建之争")
    client = client_for("mediator_a1")
    form = text(client.get(f"/disputes/{dispute.pk}/", headers={"accept-language": language}))
    assert f'<option value="administrative">{label}</option>' in form
    for old in ("court", "police", "petition", "labour_arbitration"):
        assert f'<option value="{old}">' in form
    sent = client.post(
        f"/disputes/{dispute.pk}/act/transfer_out/",
        {
            "transfer_out-version": dispute.version,
            "transfer_out-body": "administrative",
            "transfer_out-body_name": "县住房和城乡建设局",
            "transfer_out-receipt_number": "住建收〔2026〕8号",
            "transfer_out-received_on": timezone.localdate().isoformat(),
        },
    )
    assert sent.status_code == 302
    page = text(client.get(f"/disputes/{dispute.pk}/", headers={"accept-language": language}))
    assert f"<li>{label} · 县住房和城乡建设局 ·" in page


def test_the_api_takes_and_documents_the_other_administrative_body(client_for, cast):
    dispute = new_case(cast, title="违建之争")
    client = client_for("mediator_a1")
    answer = client.post(
        f"/api/disputes/{dispute.pk}/transfer",
        {
            "body": "administrative",
            "body_name": "县住房和城乡建设局",
            "receipt_number": "住建收〔2026〕8号",
            "received_on": timezone.localdate().isoformat(),
        },
        content_type="application/json",
    )
    assert answer.status_code == 200 and answer.json()["status"] == "transferred"
    assert dispute.transfers.get().body == "administrative"
    schema = client.get("/api/openapi.json").json()["components"]["schemas"]["TransferBody"]
    assert schema["enum"] == ["court", "police", "petition", "labour_arbitration", "administrative"]


# --- reopening ---------------------------------------------------------------------------------


def resolved_case(cast, **fields) -> Dispute:
    mediator = cast.mediator_a1
    dispute = accepted_case(cast, title="复发之争", **fields)
    today = timezone.localdate()
    dispute = actions.record_session(
        mediator, dispute, held_on=today, place="村委会", participants="双方", record_text="陈述"
    )
    dispute = actions.record_agreement(
        mediator, dispute, kind="written", facts="越界", terms="拆除", performance="自行拆除", signed_on=today
    )
    dispute = actions.record_visit(mediator, dispute, visited_on=today, performance="performed")
    return actions.resolve(mediator, dispute)


@pytest.mark.parametrize("risk", ["general", "major"])
def test_a_reopened_case_gets_a_new_time_limit_from_the_reopen_day(client_for, cast, risk):
    from anju.disputes import deadlines

    dispute = resolved_case(cast, risk=risk)
    old_due = timezone.now() - dt.timedelta(days=20)
    Dispute.objects.filter(pk=dispute.pk).update(due_at=old_due, warned_at=old_due, overdue_at=old_due)
    dispute.refresh_from_db()
    before = timezone.now()
    reopened = client_for("mediator_a1").post(
        f"/disputes/{dispute.pk}/act/reopen/",
        {"reopen-version": dispute.version, "reopen-reason": "对方未拆除院墙"},
        headers={"accept-language": "en"},
    )
    assert reopened.status_code == 302
    dispute.refresh_from_db()
    assert dispute.status == "mediating"
    assert deadlines.due_for(dispute, before) <= dispute.due_at <= deadlines.due_for(dispute, timezone.now())
    assert dispute.warned_at is None and dispute.overdue_at is None
    assert deadlines.colour(dispute) != "red"
    entry = dispute.timeline.filter(transition="reopen").get()
    with translation.override("zh-hans"):
        due = deadline_text(dispute.due_at)
    # Stored in the county's language whatever the reopener's, after the reason they gave.
    assert entry.note == f"对方未拆除院墙\n办理期限重新起算，至 {due} 届满。"
    assert "办理期限重新起算" in text(client_for("leader").get(f"/disputes/{dispute.pk}/"))


# --- list filters ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "language", "said"),
    [
        ({"date_from": "2026-02-30"}, "zh-hans", "登记起："),
        ({"region": "6" * 18}, "zh-hans", "区划代码："),
        ({"status": "bogus"}, "zh-hans", "状态："),
        ({"region": "6" * 18}, "en", "region code: "),
        ({"date_from": "2026-03-01", "date_to": "2026-02-01"}, "zh-hans", "结束日期不能早于开始日期。"),
        ({"date_from": "2026-03-01", "date_to": "2026-02-01"}, "en", "The period must end on or after"),
        ({"cursor": "x"}, "zh-hans", "翻页游标"),
    ],
)
def test_a_filter_error_names_the_field_and_lists_nothing(client_for, cast, query, language, said):
    response = client_for("leader").get("/disputes/", query, headers={"accept-language": language})
    page = text(response)
    errors = re.search(r'<ul class="errors">(.*?)</ul>', page, re.S).group(1)
    assert response.status_code == 400 and said in errors
    # Not Django's list keyed by field names ("date_from 输入一个有效的日期。").
    assert "errorlist" not in page
    if language == "zh-hans":
        assert not re.search(r"date_from|date_to|region|status|cursor", errors)
    assert testing.DISPUTE_TITLE not in page and 'href="/disputes/' + str(cast.dispute().pk) not in page


def test_a_date_range_in_order_still_lists(client_for, cast):
    today = timezone.localtime(cast.dispute().registered_at).date().isoformat()
    response = client_for("leader").get("/disputes/", {"date_from": today, "date_to": today})
    assert response.status_code == 200 and testing.DISPUTE_TITLE in text(response)


@pytest.mark.parametrize(
    ("language", "said"), [("zh-hans", "结束日期不能早于开始日期。"), ("en", "The period must end")]
)
def test_the_api_refuses_a_reversed_date_range(client_for, cast, language, said):
    answer = client_for("leader").get(
        "/api/disputes",
        {"date_from": "2026-03-01", "date_to": "2026-02-01"},
        headers={"accept-language": language},
    )
    assert answer.status_code == 400
    assert said in answer.json()["errors"]["date_to"][0]


# --- my work -----------------------------------------------------------------------------------


def test_a_cut_list_says_its_total_and_links_to_all_of_it(client_for, cast, monkeypatch):
    from anju.disputes import queries, views

    monkeypatch.setattr(views, "WORK_LIST_SIZE", 2)
    for n in range(3):
        new_case(cast, title=f"待受理之争{n}")
    client = client_for("mediator_a1")
    waiting = set(queries.work_queue(cast.mediator_a1)["to_accept"].values_list("number", flat=True))
    assert len(waiting) == 4  # the cast's case and the three new ones
    page = text(client.get("/disputes/work/"))
    card = re.search(r"<h2>待受理 (.*?)</section>", page, re.S).group(1)
    assert "共 4 件" in card and len(re.findall(r"<li ", card)) == 2
    link = re.search(r'<a href="([^"]+)">在纠纷列表中查看全部 4 件</a>', card).group(1)
    assert link == "/disputes/?queue=to_accept"
    listed = text(client.get(link))
    assert set(re.findall(r">(629902-\d{4}-\d{6})</a>", listed)) == waiting
    assert '<option value="to_accept" selected>待受理</option>' in listed
    # A list that fits says its total and links nowhere.
    mediate = re.search(r"<h2>待调解 (.*?)</section>", page, re.S).group(1)
    assert "共 0 件" in mediate and "查看全部" not in mediate


def test_cases_to_accept_show_their_risk_and_the_limit_acceptance_starts(client_for, cast):
    new_case(cast, title="重大风险之争", risk="major")
    for language, words in [
        ("zh-hans", ['<span class="tag risk-major">重大</span>', "受理后 3 个工作日内办结"]),
        ("en", ['<span class="tag risk-major">Major</span>', "3 working days to conclude once accepted"]),
    ]:
        page = text(client_for("mediator_a1").get("/disputes/work/", headers={"accept-language": language}))
        line = next(line for line in re.findall(r"<li .*?</li>", page, re.S) if "重大风险之争" in line)
        assert all(word in line for word in words), (language, line)


def test_a_county_case_waiting_is_told_the_limit_its_month_allows(client_for, cast):
    # 30 working days at the county, but never past one month from acceptance: the page must say
    # the working days that month holds, not 30.
    centre = testing.add_staff("centre", "县中心值班员", Role.CENTRE_OPERATOR, testing.COUNTY)
    actions.register_dispute(
        centre,
        region=cast.region(testing.COUNTY),
        channel="walk_in",
        category="neighbour",
        title="跨乡镇用水之争",
        description="跨乡镇用水之争",
        parties=[{"role": "applicant", "name": "王某"}],
    )
    client = client_for("leader")
    client.force_login(centre)
    page = text(client.get("/disputes/work/"))
    line = next(line for line in re.findall(r"<li .*?</li>", page, re.S) if "跨乡镇用水之争" in line)
    today = timezone.localdate()
    in_a_month = sum(1 for n in range(1, 31) if (today + dt.timedelta(days=n)).weekday() < 5)
    assert f"受理后 {in_a_month} 个工作日内办结" in line, line


# --- reveals and forms sent back ---------------------------------------------------------------


def test_a_reveal_redirects_and_a_reload_neither_posts_nor_audits_again(client_for, cast, monkeypatch):
    from anju.audit.models import AccessRecord
    from anju.workflow import personal

    dispute = cast.dispute()
    party = dispute.parties.get(name="甲当事人一")
    client = client_for("mediator_a1")
    revealed = client.post(
        f"/disputes/{dispute.pk}/parties/{party.pk}/reveal/", {"field": "phone", "purpose": "约调解时间"}
    )
    assert revealed.status_code == 302 and revealed["Location"] == f"/disputes/{dispute.pk}/"
    for _reload in range(2):
        page = text(client.get(revealed["Location"]))
        assert f"<strong>{testing.PARTY_PHONE}</strong>" in page
        assert "110105********002X" in page  # only the number asked for
    assert AccessRecord.objects.filter(field="phone", actor__username="mediator_a1").count() == 1
    # Shown to that person only, and for a while only.
    assert testing.PARTY_PHONE not in text(client_for("officer_a").get(f"/disputes/{dispute.pk}/"))
    monkeypatch.setattr(personal, "REVEAL_SECONDS", -1)
    client.post(
        f"/disputes/{dispute.pk}/parties/{party.pk}/reveal/", {"field": "id_number", "purpose": "核实身份"}
    )
    page = text(client.get(f"/disputes/{dispute.pk}/"))
    assert "11010519491231002X" not in page and "110105********002X" in page


def test_a_form_sent_back_with_errors_takes_the_cases_address(client_for, cast):
    dispute = accepted_case(cast, title="回访之争")
    client = client_for("mediator_a1")
    sent_back = client.post(
        f"/disputes/{dispute.pk}/act/record_session/",
        {"record_session-version": dispute.version, "record_session-place": "村委会"},
    )
    assert sent_back.status_code == 400
    assert f'data-replace-url="/disputes/{dispute.pk}/"' in sent_back.content.decode()
    assert "data-replace-url" not in client.get(f"/disputes/{dispute.pk}/").content.decode()


def test_cases_to_accept_are_those_the_persons_own_unit_handles(client_for, cast):
    village_case = new_case(cast, title="村里待受理")
    township_case = new_case(cast, title="镇里待受理")
    actions.escalate(cast.mediator_a1, township_case, reason="村里调不动")
    listed = {
        name: text(client_for(name).get("/disputes/?queue=to_accept"))
        for name in ("mediator_a1", "officer_a", "leader")
    }
    assert "村里待受理" in listed["mediator_a1"] and "镇里待受理" not in listed["mediator_a1"]
    # The township accepts what it handles itself, not every village's case in the township.
    assert "镇里待受理" in listed["officer_a"] and "村里待受理" not in listed["officer_a"]
    assert village_case.pk != township_case.pk


def test_the_navigation_counts_a_long_queue_only_so_far(client_for, cast, monkeypatch):
    from anju.disputes import nav

    monkeypatch.setattr(nav, "COUNT_CAP", 2)
    for n in range(3):
        new_case(cast, title=f"待受理{n}")
    waiting = Dispute.objects.filter(handling_unit_id=testing.VILLAGE_A1, status="registered").count()
    unseen = Alert.objects.filter(unit_id=testing.VILLAGE_A1, acknowledged_at__isnull=True).count()
    assert waiting >= 4 and unseen >= 1  # the cast's case and alert, and these three
    # Four cases to accept count as 2; nothing to mediate or visit; the alerts up to 2.
    assert nav.waiting(cast.mediator_a1) == 2 + min(unseen, 2)
