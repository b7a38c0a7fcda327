"""A mediator takes a dispute from registration to resolution in the browser."""

import datetime as dt
import html
import re

import pytest
from django.utils import timezone

from anju.accounts.models import User
from anju.audit.models import AccessRecord, AuditEvent
from anju.demo import testing
from anju.disputes.models import Dispute, Subtype

pytestmark = pytest.mark.django_db

# The printed forms' stylesheet: A4 with the official margins on paper, readable on a screen.
PRINT_CSS = '<link rel="stylesheet" href="/static/anju/print.css">'


def test_the_print_stylesheet_lays_out_a4_and_screen():
    from pathlib import Path

    import anju

    css = (Path(anju.__file__).parent / "static" / "anju" / "print.css").read_text(encoding="utf-8")
    assert "@page { size: A4; margin: 37mm 26mm 35mm 28mm; }" in css and "@media print" in css


def registration(**extra) -> dict:
    data = {
        "region": testing.GRID_A1,
        "channel": "walk_in",
        "category": "labour",
        "title": "工地拖欠工资",
        "description": "某工地拖欠六名工人三个月工资。",
        "people_involved": 6,
        "risk": "serious",
        "parties-TOTAL_FORMS": "2",
        "parties-INITIAL_FORMS": "0",
        "parties-MIN_NUM_FORMS": "1",
        "parties-MAX_NUM_FORMS": "20",
        "parties-0-role": "applicant",
        "parties-0-kind": "person",
        "parties-0-name": "王工人",
        "parties-0-phone": "13700001111",
        "parties-1-role": "respondent",
        "parties-1-kind": "organisation",
        "parties-1-name": "某建筑公司",
    }
    data.update(extra)
    return data


def act(client, dispute, action, data):
    dispute.refresh_from_db()
    payload = {f"{action}-{k}": v for k, v in {"version": dispute.version, **data}.items()}
    return client.post(f"/disputes/{dispute.pk}/act/{action}/", payload)


def agree_in_pages(client, dispute, mediator) -> dt.date:
    """Accept, one session and a written agreement signed today, each through its page; the day
    they were dated (a test that reads the date again later might read the next day)."""
    day = timezone.localdate()
    today = day.isoformat()
    assert act(client, dispute, "accept", {"mediators": [mediator.pk]}).status_code == 302
    session = {"held_on": today, "place": "村委会", "participants": "双方", "record_text": "各自陈述"}
    assert act(client, dispute, "record_session", {**session, "outcome": "同意退让"}).status_code == 302
    by = (day + dt.timedelta(days=10)).isoformat()
    agreement = {"kind": "written", "facts": "院墙越界", "terms": "拆除越界部分", "performance": "自行拆除。"}
    signed = {**agreement, "signed_on": today, "perform_by": by}
    assert act(client, dispute, "record_agreement", signed).status_code == 302
    return day


def test_register_in_the_browser(client_for):
    client = client_for("mediator_a1")
    form = client.get("/disputes/new/")
    assert form.status_code == 200 and "甲一网格" in form.content.decode()
    assert "姓名或名称" in form.content.decode()  # a party is a person or an organisation
    response = client.post("/disputes/new/", registration())
    assert response.status_code == 302
    dispute = Dispute.objects.get(title="工地拖欠工资")
    assert response["Location"] == f"/disputes/{dispute.pk}/"
    assert dispute.parties.count() == 2 and dispute.risk == "serious"


def test_a_subtype_must_count_under_the_chosen_category(client_for):
    client = client_for("mediator_a1")
    pasture = Subtype.objects.get(code="pasture_boundary")
    wrong = client.post("/disputes/new/", registration(subtype=pasture.pk, category="labour"))
    assert wrong.status_code == 400
    assert "草场边界 属于“山林土地”类。" in html.unescape(wrong.content.decode())
    assert not Dispute.objects.filter(title="工地拖欠工资").exists()
    right = client.post("/disputes/new/", registration(subtype=pasture.pk, category="forest_land"))
    assert right.status_code == 302
    assert Dispute.objects.get(title="工地拖欠工资").subtype == pasture


def test_a_wrong_subtype_is_said_before_possible_duplicates(client_for):
    client = client_for("mediator_a1")
    assert client.post("/disputes/new/", registration()).status_code == 302
    pasture = Subtype.objects.get(code="pasture_boundary")
    wrong = client.post("/disputes/new/", registration(title="再次反映拖欠工资", subtype=pasture.pk))
    page = html.unescape(wrong.content.decode())
    assert wrong.status_code == 400
    assert "草场边界 属于“山林土地”类。" in page and "可能重复" not in page
    assert not Dispute.objects.filter(title="再次反映拖欠工资").exists()


def test_a_possible_duplicate_asks_before_saving(client_for):
    client = client_for("mediator_a1")
    client.post("/disputes/new/", registration())
    again = client.post("/disputes/new/", registration(title="再次反映拖欠工资"))
    assert again.status_code == 200 and "可能重复" in again.content.decode()
    assert Dispute.objects.filter(title="再次反映拖欠工资").count() == 0
    confirmed = client.post("/disputes/new/", registration(title="再次反映拖欠工资", confirm_new="on"))
    assert confirmed.status_code == 302


def test_bad_registration_is_a_400_with_reasons(client_for):
    response = client_for("mediator_a1").post("/disputes/new/", registration(**{"parties-0-phone": "123"}))
    assert response.status_code == 400
    assert "不是有效的电话号码" in response.content.decode()


def test_the_case_file_masks_and_reveals_with_a_reason(client_for, cast):
    dispute = cast.dispute()
    client = client_for("mediator_a1")
    page = client.get(f"/disputes/{dispute.pk}/").content.decode()
    assert "138****0001" in page and testing.PARTY_PHONE not in page
    assert "110105********002X" in page
    party = dispute.parties.get(name="甲当事人一")
    shown = client.post(
        f"/disputes/{dispute.pk}/parties/{party.pk}/reveal/",
        {"field": "phone", "purpose": "约调解时间"},
        follow=True,
    )
    assert testing.PARTY_PHONE in shown.content.decode()
    assert AccessRecord.objects.filter(field="phone", actor__username="mediator_a1").count() == 1
    # The auditor reads who saw the number and why.
    trail = " ".join(client_for("auditor").get("/audit/access/").content.decode().split())
    assert "mediator_a1" in trail and "约调解时间" in trail
    leader_page = client_for("leader").get(f"/disputes/{dispute.pk}/").content.decode()
    assert "138****0001" in leader_page and "reveal" not in leader_page


def test_mediate_to_resolution_in_the_browser(client_for, cast):
    dispute = cast.dispute()
    client = client_for("mediator_a1")
    signed_on = agree_in_pages(client, dispute, cast.mediator_a1)
    today = signed_on.isoformat()
    by = (signed_on + dt.timedelta(days=10)).isoformat()
    assert f"<dt>履行期限</dt><dd>{by}</dd>" in client.get(f"/disputes/{dispute.pk}/").content.decode()
    early = act(client, dispute, "resolve", {})
    assert early.status_code == 400 and "至少回访一次" in early.content.decode()
    act(client, dispute, "record_visit", {"visited_on": today, "performance": "performed"})
    assert act(client, dispute, "resolve", {}).status_code == 302
    dispute.refresh_from_db()
    assert dispute.status == "resolved" and dispute.resolved_level == "village"
    for document in ("registration", "record", "agreement"):
        printed = client.get(f"/disputes/{dispute.pk}/print/{document}/")
        assert printed.status_code == 200 and PRINT_CSS in printed.content.decode()
    agreement = client.get(f"/disputes/{dispute.pk}/print/agreement/").content.decode()
    assert "司法确认" in agreement
    # Art. 28/29: every party and the mediator sign, under the committee's seal, one copy each.
    assert "申请人（签名或盖章）" in agreement and "被申请人（签名或盖章）" in agreement
    assert "甲一村人民调解委员会（印章）" in agreement and "本协议一式三份" in agreement
    assert "甲调解员" not in agreement  # signed by hand, not typed in
    assert "履行方式、时限：自行拆除，于" in agreement  # the writer's full stop does not end up as "。，"
    record = client.get(f"/disputes/{dispute.pk}/print/record/").content.decode()
    assert record.count("记录人（签名）") == dispute.sessions.count() == 1


def test_two_mediators_do_not_overwrite_each_other(client_for, cast):
    dispute = cast.dispute()
    first = client_for("mediator_a1")
    second = client_for("officer_a")
    stale_version = dispute.version
    act(first, dispute, "accept", {"mediators": [cast.mediator_a1.pk]})
    response = second.post(
        f"/disputes/{dispute.pk}/act/escalate/",
        {"escalate-version": stale_version, "escalate-reason": "上报"},
    )
    assert response.status_code == 409
    assert "已被他人修改" in response.content.decode()
    dispute.refresh_from_db()
    assert dispute.handling_level == "village"


def test_the_accept_form_says_who_each_mediator_is(client_for, cast):
    page = html.unescape(client_for("mediator_a1").get(f"/disputes/{cast.dispute().pk}/").content.decode())
    assert "甲调解员（调解员 · 甲一村）" in page
    assert "甲镇政法委员（乡镇政法委员 · 甲镇）" in page
    english = client_for("mediator_a1").get(f"/disputes/{cast.dispute().pk}/", HTTP_ACCEPT_LANGUAGE="en")
    page = html.unescape(english.content.decode())
    assert "甲调解员 (Mediator · 甲一村)" in page


def test_the_accept_form_offers_the_people_the_api_accepts(client_for, cast):
    from anju.accounts.choices import Role
    from anju.disputes import actions

    testing.add_staff("grid_village_a1", "甲一村网格员", Role.GRID_WORKER, testing.VILLAGE_A1)
    testing.add_staff("retired_a1", "已离职调解员", Role.MEDIATOR, testing.VILLAGE_A1, active=False)
    testing.add_staff("mediator_a2", "甲二村调解员", Role.MEDIATOR, testing.VILLAGE_A2)
    client = client_for("mediator_a1")
    page = client.get(f"/disputes/{cast.dispute().pk}/").content.decode()
    offered = {int(pk) for pk in re.findall(r'name="accept-mediators" value="(\d+)"', page)}
    accepted_by_api = set()
    for user in User.objects.all():
        # A fresh case for each person, so one acceptance does not stand in the way of the next.
        dispute = actions.register_dispute(
            cast.mediator_a1,
            region=cast.region(testing.VILLAGE_A1),
            channel="walk_in",
            category="neighbour",
            title="院墙漏水",
            description="院墙漏水",
            parties=[{"role": "applicant", "name": "王某"}],
        )
        answer = client.post(
            f"/api/disputes/{dispute.pk}/accept",
            {"mediators": [user.username]},
            content_type="application/json",
        )
        if answer.status_code == 200:
            accepted_by_api.add(user.pk)
    assert offered == accepted_by_api == {cast.mediator_a1.pk, cast.officer_a.pk}


def test_unknown_action_is_a_404(client_for, cast):
    response = client_for("mediator_a1").post(f"/disputes/{cast.dispute().pk}/act/explode/", {})
    assert response.status_code == 404


def test_my_work_lists_what_to_accept_and_alerts(client_for, cast):
    page = client_for("mediator_a1").get("/disputes/work/").content.decode()
    assert testing.DISPUTE_TITLE in page and "甲一村提示" in page
    assert testing.DISPUTE_TITLE not in client_for("officer_b").get("/disputes/work/").content.decode()


def test_list_filters_and_colours(client_for, cast):
    client = client_for("leader")
    assert (
        testing.DISPUTE_TITLE in client.get("/disputes/", {"category": "housing_homestead"}).content.decode()
    )
    assert testing.DISPUTE_TITLE not in client.get("/disputes/", {"category": "labour"}).content.decode()
    assert client.get("/disputes/", {"date_from": "not-a-date"}).status_code == 400
    assert client.get("/disputes/", {"cursor": "x"}).status_code == 400


def test_attach_a_photo_and_download_it_with_a_logged_read(client_for, cast):
    from django.core.files.uploadedfile import SimpleUploadedFile

    dispute = cast.dispute()
    client = client_for("mediator_a1")
    photo = SimpleUploadedFile("院墙.png", testing.TINY_PNG, content_type="image/png")
    assert client.post(f"/disputes/{dispute.pk}/attachments/", {"file": photo}).status_code == 302
    attachment = dispute.attachments.get(original_name="院墙.png")
    download = client_for("leader").get(f"/disputes/{dispute.pk}/attachments/{attachment.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == testing.TINY_PNG
    assert AccessRecord.objects.filter(actor__username="leader", field="file").exists()
    assert (
        client_for("officer_b").get(f"/disputes/{dispute.pk}/attachments/{attachment.pk}/").status_code == 404
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [("伪装.png", b"MZ\x90\x00 not an image"), ("note.txt", b"hello")],
)
def test_files_that_are_not_photos_or_pdfs_are_refused(client_for, cast, name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    dispute = cast.dispute()
    response = client_for("mediator_a1").post(
        f"/disputes/{dispute.pk}/attachments/", {"file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 400 and "只能上传" in response.content.decode()
    assert not dispute.attachments.filter(original_name=name).exists()


def test_oversized_files_are_refused(client_for, cast, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.ANJU_ATTACHMENT_MAX_BYTES = 100
    dispute = cast.dispute()
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4" + b"0" * 200)
    response = client_for("mediator_a1").post(f"/disputes/{dispute.pk}/attachments/", {"file": big})
    assert response.status_code == 400 and "超过" in response.content.decode()


def test_filters_keep_what_was_chosen(client_for, cast):
    response = client_for("leader").get("/disputes/", {"category": "housing_homestead", "q": "宅基地"})
    page = response.content.decode()
    assert '<option value="housing_homestead" selected>房屋宅基地</option>' in page
    assert 'value="宅基地"' in page


@pytest.mark.parametrize(("language", "risk_word"), [("zh-hans", "重大"), ("en", "Major")])
def test_list_rows_and_my_work_name_status_category_and_risk_in_the_readers_language(
    client_for, cast, language, risk_word
):
    from django.utils import translation

    dispute = cast.dispute()
    Dispute.objects.filter(pk=dispute.pk).update(risk="major")
    client = client_for("mediator_a1")
    page = client.get("/disputes/", headers={"accept-language": language}).content.decode()
    with translation.override(language):
        status, category = str(dispute.get_status_display()), str(dispute.get_category_display())
    assert re.search(rf'<td data-label="[^"]+">{status}</td><td data-label="[^"]+">{category}</td>', page)
    assert f'<span class="tag risk-major">{risk_word}</span>' in page
    work = client.get("/disputes/work/", headers={"accept-language": language}).content.decode()
    assert f"{testing.DISPUTE_TITLE} · {status}" in work


@pytest.mark.parametrize(
    ("due_in", "colour"), [(dt.timedelta(hours=-1), "red"), (dt.timedelta(hours=1), "yellow")]
)
def test_lists_and_my_work_show_the_deadline_colour(client_for, cast, due_in, colour):
    dispute = cast.dispute()
    client = client_for("mediator_a1")
    client.post(
        f"/disputes/{dispute.pk}/act/accept/", {"mediators": ["mediator_a1"], "version": dispute.version}
    )
    Dispute.objects.filter(pk=dispute.pk).update(due_at=timezone.now() + due_in)
    listed = client.get("/disputes/").content.decode()
    assert re.search(rf'<tr class="deadline-{colour}"><td [^>]*><a href="/disputes/{dispute.pk}/">', listed)
    work = client.get("/disputes/work/").content.decode()
    assert f'<li class="deadline-{colour}"><a href="/disputes/{dispute.pk}/">' in work


def test_the_list_reads_its_rows_in_one_query_however_many_there_are(client_for, cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("leader")
    client.get("/disputes/")  # the session and roles are read once, as on any first request
    with CaptureQueriesContext(connection) as one:
        client.get("/disputes/")
    template = cast.dispute()
    for n in range(20):
        Dispute.objects.create(
            **{
                f.attname: getattr(template, f.attname)
                for f in Dispute._meta.concrete_fields
                if not f.primary_key
            }
            | {"number": f"629901-2026-9{n:05}"}
        )
    with CaptureQueriesContext(connection) as many:
        page = client.get("/disputes/").content.decode()
    assert page.count(f"{testing.DISPUTE_TITLE}") >= 21
    assert len(many) == len(one)


def test_subtype_changes_in_the_admin_are_audited(client_for, cast):
    from anju.audit.models import AuditEvent
    from anju.disputes.models import Subtype

    client = client_for("admin")
    pasture = Subtype.objects.get(code="pasture_boundary")
    form = {"code": pasture.code, "name": pasture.name, "category": pasture.category, "_save": "1"}
    assert client.post(f"/admin/disputes/subtype/{pasture.pk}/change/", form).status_code == 302
    assert not Subtype.objects.get(pk=pasture.pk).active  # the box left unticked: taken out of use
    change = AuditEvent.objects.get(action="subtype.update", object_id=str(pasture.pk))
    assert change.actor_username == "admin" and change.before["active"] and not change.after["active"]
    new = {"code": "water_rights", "name": "用水纠纷", "category": "other", "active": "on", "_save": "1"}
    assert client.post("/admin/disputes/subtype/add/", new).status_code == 302
    created = AuditEvent.objects.get(action="subtype.create")
    assert created.before is None and created.after["name"] == "用水纠纷"


def timeline_of(page: str) -> list[tuple[str, str]]:
    """The timeline as shown: (what happened, the status it led to or "") for each row."""
    timeline = page[
        page.index('<ol class="timeline">') : page.index("</ol>", page.index('<ol class="timeline">'))
    ]
    return re.findall(
        r'<strong class="what">(.*?)</strong>(?: → <span class="status">(.*?)</span>)?',
        html.unescape(timeline),
    )


OTHER_KINDS = {"events", "tips", "tasks"}


def timeline_names_in_the_code() -> set[str]:
    """Every name the code writes on a timeline row: the transitions, and the literal names passed
    to actions.timeline, the shared machinery's add_timeline and note_row (anju.workflow.engine)
    and TimelineEntry(transition=...)."""
    import ast
    from pathlib import Path

    import anju
    from anju.disputes.choices import TRANSITIONS

    names = set(TRANSITIONS)
    root = Path(anju.__file__).parent
    # The disputes' own code and the shared machinery: other kinds write rows of their own words.
    for path in [*(root / "disputes").rglob("*.py"), *(root / "workflow").rglob("*.py")]:
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        if OTHER_KINDS & set(path.parts):
            continue  # the later kinds write their own rows, checked by their own tests
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            called = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            argument = {"timeline": 2, "add_timeline": 3, "note_row": 3}.get(called)
            found = []
            if argument is not None and len(node.args) > argument:
                found.append(node.args[argument])
            if called == "TimelineEntry":
                found += [k.value for k in node.keywords if k.arg == "transition"]
            for expression in found:
                names |= {
                    c.value
                    for c in ast.walk(expression)
                    if isinstance(c, ast.Constant) and isinstance(c.value, str)
                }
    return names


def test_every_timeline_name_the_code_writes_has_words():
    from anju.disputes.choices import TIMELINE_LABELS

    names = timeline_names_in_the_code()
    # The scan finds the rows that change no status too, or it would prove nothing.
    assert {"register", "attach", "extension_request", "merged_in", "warn", "imported"} <= names
    assert names - set(TIMELINE_LABELS) == set()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_timeline_says_what_happened_in_words_not_codes(client_for, cast, language):
    from django.utils import translation

    from anju.disputes.actions import timeline
    from anju.disputes.choices import TIMELINE_LABELS, Status

    dispute = cast.dispute()
    statuses = list(Status)
    names = sorted(TIMELINE_LABELS)
    for n, name in enumerate(names):
        timeline(dispute, cast.mediator_a1, name, "", statuses[n % len(statuses)])
    page = client_for("mediator_a1").get(f"/disputes/{dispute.pk}/", headers={"accept-language": language})
    shown = timeline_of(page.content.decode())
    with translation.override(language):
        expected = [
            (str(TIMELINE_LABELS[name]), str(statuses[n % len(statuses)].label))
            for n, name in enumerate(names)
        ]
    for row in expected:
        assert row in shown
    codes = set(TIMELINE_LABELS) | set(Status.values)
    assert [row for row in shown if codes & set(row)] == []
    if language == "zh-hans":
        assert [row for row in shown if re.search("[A-Za-z]", "".join(row))] == []


def test_what_the_worker_did_is_shown_as_the_systems(client_for, cast):
    from anju.disputes.actions import timeline

    dispute = cast.dispute()
    timeline(dispute, None, "warn", dispute.status, dispute.status, "")
    page = html.unescape(client_for("mediator_a1").get(f"/disputes/{dispute.pk}/").content.decode())
    assert re.search(r"系统 · <strong class=\"what\">黄牌预警", page)


def test_printed_forms_are_in_chinese_for_a_reader_browsing_in_english(client_for, cast):
    dispute = cast.dispute()
    client = client_for("mediator_a1")
    agree_in_pages(client, dispute, cast.mediator_a1)
    assert dispute.agreements.exists()
    for document in ("registration", "record", "agreement"):
        printed = client.get(f"/disputes/{dispute.pk}/print/{document}/", headers={"accept-language": "en"})
        page = printed.content.decode()
        assert printed.status_code == 200
        assert "Applicant" not in page and "Respondent" not in page and "Print" not in page
        if document != "record":  # the record names the sessions, not the parties
            assert "申请人" in page
        # Readable on a phone's screen, with a button of normal size; A4 only on paper.
        assert 'name="viewport" content="width=device-width' in page and PRINT_CSS in page
    registration_form = client.get(
        f"/disputes/{dispute.pk}/print/registration/", headers={"accept-language": "en"}
    ).content.decode()
    assert "房屋宅基地" in registration_form and "来访" in registration_form
    assert "Housing" not in registration_form and "Walk-in" not in registration_form


def test_list_cells_carry_their_headings_for_a_phone(client_for, cast):
    dispute = cast.dispute()
    Dispute.objects.filter(pk=dispute.pk).update(due_at=timezone.now() + dt.timedelta(days=20))
    client = client_for("mediator_a1")
    chinese = client.get("/disputes/").content.decode()
    assert '<td data-label="办理期限">' in chinese and '<td data-label="发生地">' in chinese
    english = client.get("/disputes/", headers={"accept-language": "en"}).content.decode()
    assert '<td data-label="Due">' in english and '<td data-label="Category">' in english
    work = client.get("/disputes/work/").content.decode()
    assert "受理期限：" in work  # a case waiting to be accepted: its limit is acceptance's


def test_labels_take_the_colon_of_the_language(client_for, cast):
    client = client_for("mediator_a1")
    home = html.unescape(client.get("/").content.decode())
    assert "待受理：<strong>" in home and "待受理:" not in home
    english_home = html.unescape(client.get("/", headers={"accept-language": "en"}).content.decode())
    assert "To accept: <strong>" in english_home and "Alerts: <strong>" in english_home
    form = client.get("/disputes/new/").content.decode()
    assert "发生地：</label>" in form and "发生地:" not in form
    detail = client.get(f"/disputes/{cast.dispute().pk}/").content.decode()
    assert "电话：" in detail and "电话:" not in detail


def test_english_headings_start_with_a_capital(client_for, cast):
    page = client_for("mediator_a1").get(f"/disputes/{cast.dispute().pk}/", headers={"accept-language": "en"})
    headings = re.findall(r"<h2>([^<]+)</h2>", page.content.decode())
    assert "Timeline" in headings and "Attachments" in headings
    assert [h for h in headings if h[0].islower()] == []
    assert "<dt>Category</dt>" in page.content.decode()


@pytest.mark.parametrize("status", ["resolved", "transferred", "failed", "merged"])
def test_a_closed_case_shows_no_running_time_limit(client_for, cast, status):
    dispute = cast.dispute()
    client = client_for("mediator_a1")
    Dispute.objects.filter(pk=dispute.pk).update(due_at=timezone.now() - dt.timedelta(days=1))
    assert 'class="due red"' in client.get(f"/disputes/{dispute.pk}/").content.decode()
    Dispute.objects.filter(pk=dispute.pk).update(status=status)
    page = client.get(f"/disputes/{dispute.pk}/").content.decode()
    assert 'class="due' not in page


def test_the_favicon_is_served(client, client_for):
    from django.contrib.staticfiles import finders

    answer = client.get("/favicon.ico")
    assert answer.status_code == 301 and answer["Location"] == "/static/anju/favicon.svg"
    assert finders.find("anju/favicon.svg")
    assert 'rel="icon"' in client_for("mediator_a1").get("/").content.decode()


def upload(name: str, content: bytes = testing.TINY_PNG):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def test_the_registration_form_takes_photos_from_a_phone(client_for):
    page = client_for("grid_a1").get("/disputes/new/").content.decode()
    assert 'enctype="multipart/form-data"' in page
    field = r'<input type="file" name="attachments" accept="image/\*,application/pdf" multiple'
    assert re.search(field, page)
    assert "最多 9 张照片" in page


def test_photos_sent_with_the_registration_are_on_the_case_and_its_timeline(client_for):
    client = client_for("grid_a1")
    photos = [upload("院墙裂缝.png"), upload("调解申请书.pdf", b"%PDF-1.4 scan")]
    response = client.post("/disputes/new/", registration(attachments=photos))
    assert response.status_code == 302
    dispute = Dispute.objects.get(title="工地拖欠工资")
    files = {a.original_name: a.content_type for a in dispute.attachments.all()}
    assert files == {"院墙裂缝.png": "image/png", "调解申请书.pdf": "application/pdf"}
    assert AuditEvent.objects.filter(action="dispute.attach", object_id=str(dispute.pk)).count() == 2
    page = client.get(response["Location"]).content.decode()
    assert "院墙裂缝.png" in page and "调解申请书.pdf" in page
    assert timeline_of(page).count(("上传附件", "")) == 2


def test_a_bad_file_registers_nothing_and_says_which_and_why(client_for):
    from anju.disputes.models import Attachment, CaseCounter

    counters = list(CaseCounter.objects.values_list("last", flat=True))
    photos = [upload("现场.png"), upload("伪装.png", b"just some text, renamed")]
    response = client_for("grid_a1").post("/disputes/new/", registration(attachments=photos))
    page = html.unescape(response.content.decode())
    assert response.status_code == 400
    assert "伪装.png：只能上传照片（JPEG、PNG、WebP）和 PDF 文件。" in page and "现场.png：" not in page
    assert not Dispute.objects.filter(title="工地拖欠工资").exists()
    assert not Attachment.objects.filter(original_name__in=["现场.png", "伪装.png"]).exists()
    # No case number was taken for it either.
    assert list(CaseCounter.objects.values_list("last", flat=True)) == counters


def test_an_oversized_or_empty_file_is_refused_at_registration(client_for, settings):
    settings.ANJU_ATTACHMENT_MAX_BYTES = 2**20
    client = client_for("grid_a1")
    for photo, said in [
        (upload("空.png", b""), "空.png：所提交的是空文件。"),
        (upload("big.pdf", b"%PDF-1.4" + b"0" * 2**20), "big.pdf：文件超过 1 MB。"),
    ]:
        response = client.post("/disputes/new/", registration(attachments=[photo]))
        assert response.status_code == 400 and said in html.unescape(response.content.decode())
    assert not Dispute.objects.filter(title="工地拖欠工资").exists()


def test_too_many_files_at_registration_are_refused(client_for):
    from anju.disputes.choices import REGISTRATION_FILES_MAX

    photos = [upload(f"照片{n}.png") for n in range(REGISTRATION_FILES_MAX + 1)]
    response = client_for("grid_a1").post("/disputes/new/", registration(attachments=photos))
    assert response.status_code == 400
    assert "登记时最多上传 9 个文件" in html.unescape(response.content.decode())
    assert not Dispute.objects.filter(title="工地拖欠工资").exists()
    photos = photos[:REGISTRATION_FILES_MAX]
    for photo in photos:
        photo.seek(0)
    assert client_for("grid_a1").post("/disputes/new/", registration(attachments=photos)).status_code == 302
    assert Dispute.objects.get(title="工地拖欠工资").attachments.count() == REGISTRATION_FILES_MAX


@pytest.mark.parametrize(("language", "said"), [("zh-hans", "请重新选择"), ("en", "choose them again")])
def test_the_duplicate_warning_says_the_photos_must_be_chosen_again(client_for, language, said):
    client = client_for("grid_a1")
    assert client.post("/disputes/new/", registration()).status_code == 302
    again = registration(title="再次反映拖欠工资", attachments=[upload("a.png"), upload("b.png")])
    response = client.post("/disputes/new/", again, headers={"Accept-Language": language})
    page = html.unescape(response.content.decode())
    assert response.status_code == 200 and 'class="card warning"' in page
    assert said in page
    assert not Dispute.objects.filter(title="再次反映拖欠工资").exists()
    # Without files there is nothing to choose again.
    plain = client.post("/disputes/new/", registration(title="再次反映拖欠工资"))
    assert plain.status_code == 200 and "请重新选择" not in html.unescape(plain.content.decode())


def test_the_api_registers_as_before_without_files(client_for):
    from .factories import new_case, post

    response = post(client_for("grid_a1"), "/api/disputes", new_case())
    assert response.status_code == 201, response.content
    case = response.json()
    assert [t["transition"] for t in case["timeline"]] == ["register"]
    assert not Dispute.objects.get(pk=case["id"]).attachments.exists()


def test_each_subtype_option_says_its_category(client_for):
    page = client_for("grid_a1").get("/disputes/new/").content.decode()
    start = page.index('<select name="subtype"')
    select = page[start : page.index("</select>", start)]
    options = dict(re.findall(r'<option value="(\d+)" data-category="(\w+)"', select))
    expected = {str(s.pk): s.category for s in Subtype.objects.filter(active=True)}
    assert expected and options == expected
    # The empty choice belongs to every category; the page's script follows the category.
    assert re.search(r'<option value="" selected>', select)
    assert 'data-filter-by="id_category"' in page and "/static/anju/behaviours.js" in page


def test_the_accept_form_offers_the_person_accepting_first_then_the_units_own_people(client_for, cast):
    from anju.accounts.models import RoleAssignment

    dispute = cast.dispute()
    # A mediator at the county, whose account name sorts before everyone's.
    aaa = testing.add_staff("aaa_mediator", "县调解员", "mediator", testing.COUNTY)
    assert RoleAssignment.objects.filter(user=aaa).exists()

    def offered(name: str) -> list[str]:
        page = client_for(name).get(f"/disputes/{dispute.pk}/").content.decode()
        return re.findall(r'name="accept-mediators" value="(\d+)"', page)

    ids = {u.username: str(u.pk) for u in (cast.officer_a, cast.mediator_a1, aaa)}
    assert offered("officer_a")[:3] == [ids["officer_a"], ids["mediator_a1"], ids["aaa_mediator"]]
    assert offered("mediator_a1")[:3] == [ids["mediator_a1"], ids["officer_a"], ids["aaa_mediator"]]


def test_the_second_party_starts_as_the_respondent(client_for):
    page = client_for("grid_a1").get("/disputes/new/").content.decode()

    def chosen(index: int | str) -> str:
        start = page.index(f'name="parties-{index}-role"')
        select = page[start : page.index("</select>", start)]
        found = re.search(r'<option value="(\w+)" selected>', select)
        return found.group(1) if found else "applicant"  # no choice marked: the first is shown

    # The page starts with the two sides; a block added with "add a party" starts as an applicant.
    assert [chosen(0), chosen(1), chosen("__prefix__")] == ["applicant", "respondent", "applicant"]
