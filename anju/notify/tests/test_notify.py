"""Notifications through the channels a county sets up, against a fake HTTP server on this machine:
who is told, what the message says (never a party's name, phone or ID number), the DingTalk
signature, retries after a failure, the record administrators read, and each person's mutes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail
from django.utils import timezone

from anju.audit.models import AuditEvent
from anju.demo import testing
from anju.disputes import actions
from anju.notify import channels, tasks
from anju.notify.models import Delivery, Mute

pytestmark = pytest.mark.django_db

# A party no message may ever name.
PARTY = {"role": "applicant", "name": "欧阳翠花", "phone": "13987654321", "id_number": "110101199003071233"}
SECRET = "SECtest-dingtalk-secret"
STAFF_PHONE = "13700001111"


class FakeGateway:
    """An HTTP server in a thread: records every POST and answers from a script per path (the
    default, 200 with errcode 0)."""

    def __init__(self):
        self.requests: list[dict] = []
        self.script: dict[str, list[tuple[int, dict]]] = {}
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                url = urllib.parse.urlsplit(self.path)
                gateway.requests.append(
                    {
                        "path": url.path,
                        "query": dict(urllib.parse.parse_qsl(url.query)),
                        "headers": dict(self.headers),
                        "raw": body.decode(),
                        "json": json.loads(body),
                    }
                )
                answers = gateway.script.get(url.path) or [(200, {"errcode": 0, "errmsg": "ok"})]
                status, answer = answers.pop(0) if len(answers) > 1 else answers[0]
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def to(self, path: str) -> list[dict]:
        return [r for r in self.requests if r["path"] == path]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway():
    server = FakeGateway()
    yield server
    server.close()


@pytest.fixture
def channels_on(settings, gateway, cast):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.ANJU_SITE_URL = "https://anju.example.gov.cn"
    settings.ANJU_NOTIFY_EMAIL = "anju@example.gov.cn"
    settings.ANJU_SMS_URL = f"{gateway.url}/sms"
    settings.ANJU_SMS_BODY = '{"mobile": "{phone}", "content": "{text}", "sign": "安居"}'
    settings.ANJU_SMS_AUTH = "Bearer sms-token"
    settings.ANJU_WECOM_WEBHOOK = f"{gateway.url}/wecom?key=abc"
    settings.ANJU_DINGTALK_WEBHOOK = f"{gateway.url}/dingtalk?access_token=xyz"
    settings.ANJU_DINGTALK_SECRET = SECRET
    mediator = cast.user("mediator_a1")
    mediator.email, mediator.phone = "mediator@example.gov.cn", STAFF_PHONE
    mediator.save(update_fields=["email", "phone"])
    return gateway


def case_with_a_named_party(cast):
    return actions.register_dispute(
        cast.officer_a,
        region=cast.region(testing.VILLAGE_A1),
        channel="walk_in",
        category="neighbour",
        title="欧阳翠花家院墙",
        description="欧阳翠花（13987654321）与邻居",
        parties=[PARTY, {"role": "respondent", "name": "司马大壮", "phone": "13811112222"}],
    )


def everything_sent(gateway) -> list[str]:
    return [r["raw"] for r in gateway.requests] + [f"{m.subject}\n{m.body}" for m in mail.outbox]


def fan_out(**values) -> int:
    """The worker's task, run here and now."""
    return tasks.fan_out.call(**values)


def assert_no_personal_data(texts: list[str]) -> None:
    for text in texts:
        for secret in ("欧阳", "翠花", "司马", "大壮", "13987654321", "13811112222", "110101199003071233"):
            assert secret not in text, text


def test_an_urged_case_reaches_every_channel_with_the_number_and_a_link_only(
    client_for, cast, channels_on, django_capture_on_commit_callbacks
):
    dispute = case_with_a_named_party(cast)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        answer = client_for("officer_a").post(
            f"/disputes/{dispute.pk}/act/urge/",
            {"urge-version": dispute.version, "urge-reason": "请本周约谈欧阳翠花（13987654321）"},
        )
    assert answer.status_code == 302
    gateway = channels_on
    link = f"https://anju.example.gov.cn/disputes/{dispute.pk}/"
    # The village's mediator: one e-mail, one SMS; each robot posts once to its group.
    [email] = mail.outbox
    assert email.to == ["mediator@example.gov.cn"] and dispute.number in email.subject
    assert dispute.number in email.body and "催办" in email.body and link in email.body
    [sms] = gateway.to("/sms")
    assert sms["json"]["mobile"] == STAFF_PHONE and sms["json"]["sign"] == "安居"
    assert sms["headers"]["Authorization"] == "Bearer sms-token"
    assert dispute.number in sms["json"]["content"] and link in sms["json"]["content"]
    [wecom] = gateway.to("/wecom")
    assert wecom["json"]["msgtype"] == "text" and "催办" in wecom["json"]["text"]["content"]
    [ding] = gateway.to("/dingtalk")
    assert ding["json"]["msgtype"] == "text" and dispute.number in ding["json"]["text"]["content"]
    assert_no_personal_data(everything_sent(gateway))
    rows = Delivery.objects.filter(case_number=dispute.number)
    assert sorted(rows.values_list("channel", flat=True)) == ["dingtalk", "email", "sms", "wecom"]
    assert set(rows.values_list("status", "attempts")) == {("sent", 1)}
    assert_no_personal_data(list(rows.values_list("text", flat=True)))


def test_dingtalk_is_signed_with_the_secret(cast, channels_on, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        fan_out(
            unit_code=testing.VILLAGE_A1,
            topic="red_card",
            topic_label="红牌",
            case_number="629902-2030-000001",
            kind_label="纠纷",
            path="/disputes/1/",
        )
    [ding] = channels_on.to("/dingtalk")
    timestamp, sign = ding["query"]["timestamp"], ding["query"]["sign"]
    expected = base64.b64encode(
        hmac.new(SECRET.encode(), f"{timestamp}\n{SECRET}".encode(), hashlib.sha256).digest()
    ).decode()
    assert sign == expected and ding["query"]["access_token"] == "xyz"
    assert abs(int(timestamp) - timezone.now().timestamp() * 1000) < 60_000
    assert "【安居】纠纷 629902-2030-000001：红牌" in ding["json"]["text"]["content"]


def test_a_failed_send_is_recorded_and_succeeds_on_retry(
    cast, channels_on, settings, django_capture_on_commit_callbacks
):
    settings.ANJU_SMS_URL = settings.ANJU_NOTIFY_EMAIL = settings.ANJU_DINGTALK_WEBHOOK = ""
    channels_on.script["/wecom"] = [(502, {}), (200, {"errcode": 0, "errmsg": "ok"})]
    with django_capture_on_commit_callbacks(execute=True):
        fan_out(
            unit_code=testing.VILLAGE_A1,
            topic="escalation",
            topic_label="上报",
            case_number="629902-2030-000002",
            kind_label="纠纷",
            path="/disputes/2/",
        )
    row = Delivery.objects.get(case_number="629902-2030-000002")
    assert (row.status, row.attempts, row.last_error) == ("pending", 1, "HTTP 502")
    assert row.next_attempt_at > row.last_attempt_at
    # Not due yet: nothing is tried.
    assert tasks.retry_due(timezone.now()) == 0
    assert tasks.retry_due(row.next_attempt_at) == 0  # the worker's deferred task has its turn first
    assert tasks.retry_due(row.next_attempt_at + tasks.STALE) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == ("sent", 2, "")
    assert len(channels_on.to("/wecom")) == 2
    # Sending again (a task run twice) does not post twice.
    assert tasks.send.call(row.pk) == "skipped"
    assert len(channels_on.to("/wecom")) == 2


def test_each_wait_doubles_and_the_deferred_retry_is_queued(cast, channels_on, settings):
    from django_tasks import default_task_backend

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.ANJU_SMS_URL = settings.ANJU_NOTIFY_EMAIL = settings.ANJU_DINGTALK_WEBHOOK = ""
    channels_on.script["/wecom"] = [(200, {"errcode": 93000, "errmsg": "invalid webhook url"})]
    row = Delivery.objects.create(
        channel="wecom", unit_code=testing.VILLAGE_A1, case_number="N-1", topic="urging", text="t"
    )
    waits = []
    for attempt in range(1, tasks.MAX_ATTEMPTS + 1):
        tasks.send.call(row.pk)
        row.refresh_from_db()
        assert row.attempts == attempt and row.last_error.startswith("errcode 93000")
        if row.next_attempt_at:
            waits.append((row.next_attempt_at - row.last_attempt_at).total_seconds())
    assert waits == [60, 120, 240, 480]
    assert row.status == "failed" and row.next_attempt_at is None
    queued = [r for r in default_task_backend.results if r.task.name == "send"]
    assert len(queued) == 4 and all(r.task.run_after is not None for r in queued)


def test_no_channel_set_up_sends_nothing_and_queues_nothing(
    client_for, cast, django_capture_on_commit_callbacks
):
    dispute = case_with_a_named_party(cast)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        actions.urge(cast.officer_a, dispute, reason="抓紧")
    assert callbacks == [] and not Delivery.objects.exists()


def test_people_who_only_read_are_not_messaged_and_nor_are_other_units(cast, channels_on):
    leader = cast.user("leader")
    leader.email = "leader@example.gov.cn"
    leader.save(update_fields=["email"])
    assert list(tasks.recipients(testing.VILLAGE_A1)) == [cast.user("mediator_a1")]
    assert cast.user("leader") not in tasks.recipients(testing.COUNTY)
    assert cast.user("officer_a") in tasks.recipients(testing.TOWNSHIP_A)


# --- the person's own settings -------------------------------------------------------------------


def test_a_person_mutes_sms_on_their_page_and_gets_e_mail_only(
    client_for, cast, channels_on, django_capture_on_commit_callbacks
):
    client = client_for("mediator_a1")
    page = client.get("/accounts/notifications/").content.decode()
    assert "137****1111" in page and STAFF_PHONE not in page  # their own number, masked
    assert 'name="sms" checked' in page and 'name="email" checked' in page
    saved = client.post("/accounts/notifications/", {"email": "on"}, follow=True)
    assert "通知设置已保存" in saved.content.decode()
    assert list(Mute.objects.filter(user=cast.user("mediator_a1")).values_list("channel", flat=True)) == [
        "sms"
    ]
    event = AuditEvent.objects.get(action="notify.mute")
    assert event.actor_username == "mediator_a1"
    assert 'name="sms" checked' not in client.get("/accounts/notifications/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        fan_out(
            unit_code=testing.VILLAGE_A1,
            topic="urging",
            topic_label="催办",
            case_number="N-2",
            kind_label="纠纷",
            path="",
        )
    assert sorted(Delivery.objects.filter(case_number="N-2").values_list("channel", flat=True)) == [
        "dingtalk",
        "email",
        "wecom",
    ]
    assert not channels_on.to("/sms")
    # Ticking it again turns it back on.
    client.post("/accounts/notifications/", {"email": "on", "sms": "on"})
    assert not Mute.objects.filter(user=cast.user("mediator_a1")).exists()


def test_the_settings_page_says_when_a_channel_is_not_set_up(client_for, cast, client):
    page = client_for("leader").get("/accounts/notifications/").content.decode()
    assert page.count("本县未开通") == 2
    assert client.get("/accounts/notifications/").status_code == 302  # signed out: to sign in


def test_administrators_read_the_record_of_deliveries(client_for, cast):
    Delivery.objects.create(
        channel="sms",
        unit_code=testing.VILLAGE_A1,
        case_number="N-3",
        topic="red_card",
        text="t",
        attempts=2,
        last_error="HTTP 503",
    )
    page = client_for("admin").get("/admin/notify/delivery/")
    assert page.status_code == 200 and "HTTP 503" in page.content.decode()
    assert client_for("admin_b").get("/admin/notify/delivery/").status_code == 403
    assert client_for("leader").get("/admin/notify/delivery/").status_code != 200


def test_the_sms_body_template_keeps_json_valid_whatever_the_text(settings):
    settings.ANJU_SMS_BODY = '{"to": ["{phone}"], "msg": "{text}"}'
    filled = channels._fill(json.loads(settings.ANJU_SMS_BODY), {"phone": "1", "text": 'a "quoted" text'})
    assert filled == {"to": ["1"], "msg": 'a "quoted" text'}


def test_nothing_is_sent_while_the_page_answers_only_once_the_change_is_saved(
    client_for, cast, channels_on, django_capture_on_commit_callbacks
):
    dispute = case_with_a_named_party(cast)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        answer = client_for("officer_a").post(
            f"/disputes/{dispute.pk}/act/urge/", {"urge-version": dispute.version, "urge-reason": "抓紧"}
        )
    assert answer.status_code == 302
    assert channels_on.requests == [] and not Delivery.objects.exists()
    assert len(callbacks) == 1  # the worker's task, queued on commit
    with django_capture_on_commit_callbacks(execute=True):
        callbacks[0]()
    assert {r["path"] for r in channels_on.requests} == {"/sms", "/wecom", "/dingtalk"}
