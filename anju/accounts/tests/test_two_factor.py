"""Two-factor sign-in as staff meet it: the code after the password, enrolment with a QR code,
recovery codes, the lockout, an administrator's reset, and device tokens for the roles that need it."""

import io
import re
import time
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.test import Client

from anju.accounts import otp
from anju.accounts.models import RecoveryCode, SecondFactor
from anju.accounts.tokens import create_token
from anju.audit.models import AuditEvent
from anju.core.scoping import SYSTEM
from anju.demo.testing import PASSWORD, bearer, enrol_second_factor, totp_code

pytestmark = pytest.mark.django_db

CODE_URL = "/accounts/login/code/"
ENROL_URL = "/accounts/login/enrol/"


def password_step(client, username, password=PASSWORD):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_an_administrator_gives_a_code_after_the_password_and_only_then_is_signed_in(cast):
    secret = enrol_second_factor(cast.admin)
    client = Client()
    response = password_step(client, "admin")
    assert response.status_code == 302 and response["Location"] == CODE_URL
    # the password alone opens nothing: no page, no staff list, no API
    for url in ("/", "/staff/", "/audit/", "/accounts/devices/", "/accounts/two-factor/"):
        assert client.get(url)["Location"].startswith("/accounts/login/"), url
    assert client.get("/api/me").status_code == 401
    page = client.get(CODE_URL)
    assert page.status_code == 200 and "验证码" in page.content.decode()
    done = client.post(CODE_URL, {"code": totp_code(secret)})
    assert done.status_code == 302 and done["Location"] == "/"
    assert client.get("/staff/").status_code == 200
    login = AuditEvent.objects.get(action="auth.login", actor_username="admin")
    assert login.after == {"second_factor": True}
    assert secret not in str(list(AuditEvent.objects.values_list("before", "after", "detail")))


def test_the_second_step_keeps_where_the_person_was_going(cast):
    secret = enrol_second_factor(cast.auditor)
    client = Client()
    client.post("/accounts/login/", {"username": "auditor", "password": PASSWORD, "next": "/audit/"})
    assert client.post(CODE_URL, {"code": totp_code(secret)})["Location"] == "/audit/"


def test_a_code_is_refused_when_reused_and_outside_one_step_either_side(cast):
    secret = enrol_second_factor(cast.admin)
    # The server's clock held in the middle of a step, so no step ends between two requests.
    now = (int(time.time()) // 30) * 30 + 15
    with mock.patch("anju.accounts.otp.time.time", return_value=now):
        for steps, accepted in ((-2, False), (2, False), (-1, True)):
            client = Client()
            password_step(client, "admin")
            response = client.post(CODE_URL, {"code": totp_code(secret, steps, at=now)})
            assert (response.status_code == 302) is accepted, steps
        # -1 was used: neither it nor an older step is accepted again; the current one still is
        client = Client()
        password_step(client, "admin")
        refused = client.post(CODE_URL, {"code": totp_code(secret, -1, at=now)})
        assert refused.status_code == 200 and "已使用" in refused.content.decode()
        assert client.post(CODE_URL, {"code": totp_code(secret, at=now)}).status_code == 302
        again = Client()
        password_step(again, "admin")
        assert again.post(CODE_URL, {"code": totp_code(secret, at=now)}).status_code == 200


def test_wrong_codes_count_toward_the_password_lockout(cast):
    secret = enrol_second_factor(cast.admin)
    client = Client()
    password_step(client, "admin")
    for _ in range(5):
        assert client.post(CODE_URL, {"code": "000000"}).status_code == 200
    locked = client.post(CODE_URL, {"code": totp_code(secret)}, follow=True)
    assert "锁定" in locked.content.decode() and not locked.wsgi_request.user.is_authenticated
    # the lock holds for the password too, and another desk is not affected
    assert "锁定" in password_step(Client(), "admin").content.decode()
    assert password_step(Client(REMOTE_ADDR="10.20.0.7"), "admin").status_code == 302
    assert AuditEvent.objects.filter(action="auth.login_failed", actor_username="admin").count() == 5
    assert AuditEvent.objects.filter(action="auth.locked_out", actor_username="admin").exists()


def test_the_second_step_lapses_after_five_minutes(cast):
    secret = enrol_second_factor(cast.admin)
    client = Client()
    password_step(client, "admin")
    later = time.time() + 301
    with mock.patch("anju.accounts.views.time.time", return_value=later):
        assert client.post(CODE_URL, {"code": totp_code(secret)})["Location"] == "/accounts/login/"


def _enrol_page_secret(response) -> str:
    match = re.search(r'data-testid="totp-secret">([A-Z2-7 ]+)<', response.content.decode())
    return match.group(1).replace(" ", "")


def test_a_required_role_without_an_authenticator_is_sent_to_enrol_and_reaches_nothing_else(cast):
    client = Client()
    response = password_step(client, "admin")
    assert response["Location"] == ENROL_URL
    page = client.get(ENROL_URL)
    body = page.content.decode()
    assert "<svg" in body and "otpauth" not in body  # the QR code is drawn, not linked
    secret = _enrol_page_secret(page)
    assert _enrol_page_secret(client.get(ENROL_URL)) == secret  # a reload keeps what the app scanned
    assert client.get("/staff/")["Location"].startswith("/accounts/login/")
    assert client.get(CODE_URL)["Location"] == ENROL_URL
    wrong = client.post(ENROL_URL, {"code": "123456"})
    assert wrong.status_code == 200 and not SecondFactor.objects.filter(user=cast.admin).exists()
    assert AuditEvent.objects.filter(action="auth.login_failed", actor_username="admin").count() == 1
    done = client.post(ENROL_URL, {"code": totp_code(secret)})
    codes = re.findall(
        r"<code>([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})</code>", done.content.decode()
    )
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/staff/").status_code == 200
    # the key and the codes are never shown again, nor kept readable
    assert secret not in client.get("/accounts/two-factor/").content.decode()
    assert not RecoveryCode.objects.filter(code_hash__in=codes).exists()
    enrolled = AuditEvent.objects.get(action="otp.enrol", actor_username="admin")
    assert secret not in str(enrolled.after) and not any(c in str(enrolled.after) for c in codes)


def test_centre_operators_and_auditors_must_enrol_and_others_need_not(cast):
    from anju.demo.testing import COUNTY, add_staff

    add_staff("centre", "县中心操作员", "centre_operator", COUNTY).set_password(PASSWORD)
    centre = cast.user("centre")
    centre.set_password(PASSWORD)
    centre.save()
    assert password_step(Client(), "centre")["Location"] == ENROL_URL
    assert password_step(Client(), "auditor")["Location"] == ENROL_URL
    for name in ("officer_a", "mediator_a1", "grid_a1", "leader"):
        assert password_step(Client(), name)["Location"] == "/", name


def test_recovery_codes_work_once_each_and_new_ones_cancel_the_old(cast):
    secret = enrol_second_factor(cast.mediator_a1)
    client = Client()
    client.force_login(cast.mediator_a1)
    first = re.findall(
        r"<code>([\w-]+)</code>", client.post("/accounts/two-factor/recovery-codes/").content.decode()
    )
    assert len(first) == 10
    signing_in = Client()
    password_step(signing_in, "mediator_a1")  # an optional role that turned it on is asked too
    assert signing_in.post(CODE_URL, {"code": first[0].upper()}).status_code == 302
    reused = Client()
    password_step(reused, "mediator_a1")
    assert reused.post(CODE_URL, {"code": first[0]}).status_code == 200
    assert "9 " in client.get("/accounts/two-factor/").content.decode()
    second = re.findall(
        r"<code>([\w-]+)</code>", client.post("/accounts/two-factor/recovery-codes/").content.decode()
    )
    old = Client()
    password_step(old, "mediator_a1")
    assert old.post(CODE_URL, {"code": first[1]}).status_code == 200
    assert old.post(CODE_URL, {"code": second[1]}).status_code == 302
    assert (
        AuditEvent.objects.filter(action="otp.recovery_code_used", actor_username="mediator_a1").count() == 2
    )
    assert secret


def test_an_optional_role_turns_it_on_and_off_but_a_required_one_cannot_turn_it_off(cast):
    client = Client()
    client.force_login(cast.grid_a1)
    page = client.get("/accounts/two-factor/")
    secret = _enrol_page_secret(page)
    done = client.post("/accounts/two-factor/enrol/", {"code": totp_code(secret)})
    assert done.status_code == 200 and SecondFactor.objects.filter(user=cast.grid_a1).exists()
    assert client.post("/accounts/two-factor/off/").status_code == 302
    assert not SecondFactor.objects.filter(user=cast.grid_a1).exists()
    enrol_second_factor(cast.admin)
    admin = Client()
    admin.force_login(cast.admin)
    assert admin.post("/accounts/two-factor/off/").status_code == 403
    assert SecondFactor.objects.filter(user=cast.admin).exists()


def test_an_administrator_resets_a_second_factor_with_a_reason_in_the_audit_log(cast):
    enrol_second_factor(cast.officer_a)
    admin = Client()
    admin.force_login(cast.admin)
    url = f"/staff/{cast.officer_a.pk}/second-factor/reset/"
    assert admin.post(url, {"reason": ""}).status_code == 302
    assert SecondFactor.objects.filter(user=cast.officer_a).exists()
    assert admin.post(url, {"reason": "手机丢失"}).status_code == 302
    assert not SecondFactor.objects.filter(user=cast.officer_a).exists()
    row = AuditEvent.objects.get(action="otp.reset", result="ok")
    assert row.actor_username == "admin" and row.after == {"reason": "手机丢失"}
    # outside the administrator's jurisdiction: not found; not an administrator: refused
    enrol_second_factor(cast.officer_a)
    outsider = Client()
    outsider.force_login(cast.admin_b)
    assert outsider.post(url, {"reason": "x"}).status_code == 404
    officer = Client()
    officer.force_login(cast.officer_b)
    assert officer.post(url, {"reason": "x"}).status_code == 403
    assert SecondFactor.objects.filter(user=cast.officer_a).exists()
    assert "重置" in admin.get(f"/staff/{cast.officer_a.pk}/").content.decode()


def test_device_tokens_for_required_roles_need_a_current_code(cast):
    with pytest.raises(PermissionDenied, match=r"two-factor|双因素"):
        create_token(SYSTEM, cast.admin, "laptop")
    secret = enrol_second_factor(cast.admin)
    with pytest.raises(PermissionDenied, match=r"code|验证码"):
        create_token(SYSTEM, cast.admin, "laptop", second_factor_code="000000")
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("create_token", "admin", "--device", "laptop", stdout=out)
    call_command("create_token", "admin", "--device", "laptop", "--code", totp_code(secret), stdout=out)
    token = out.getvalue().strip()
    assert Client().get("/api/me", headers=bearer(token)).json()["username"] == "admin"
    # a person whose role does not require it still gets a token as before
    assert create_token(SYSTEM, cast.grid_a1, "phone").startswith("anju_")
    assert AuditEvent.objects.filter(action="token.create", result="refused").count() >= 2


def test_the_helper_signs_tests_in_past_the_second_factor(cast):
    enrol_second_factor(cast.admin)
    client = Client()
    client.force_login(cast.admin)
    assert client.get("/staff/").status_code == 200
    assert otp.is_required(cast.admin) and not otp.is_required(cast.grid_a1)


def test_a_signed_in_session_that_owes_the_second_factor_is_ended(cast, client):
    # A session from before the second factor was required: signed in without the mark.
    from django.contrib.auth import SESSION_KEY

    from anju.accounts.middleware import SECOND_FACTOR_GIVEN

    client.force_login(cast.auditor)
    session = client.session
    del session[SECOND_FACTOR_GIVEN]
    session.save()
    assert client.session[SESSION_KEY] == str(cast.auditor.pk)
    response = client.get("/audit/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.get("/api/me").status_code == 401
    assert AuditEvent.objects.filter(action="auth.second_factor_missing", actor_username="auditor").exists()


def test_someone_granted_a_role_that_needs_it_signs_in_again_to_set_it_up(cast):
    from anju.accounts import actions
    from anju.demo.testing import TOWNSHIP_A

    officer = Client()
    assert password_step(officer, "officer_a")["Location"] == "/"
    assert officer.get("/").status_code == 200
    actions.assign_role(cast.admin, cast.officer_a, "centre_operator", cast.region(TOWNSHIP_A))
    assert officer.get("/")["Location"].startswith("/accounts/login/")
    assert password_step(officer, "officer_a")["Location"] == ENROL_URL


def test_the_authenticator_secret_is_not_in_the_database_in_clear(cast):
    """A dump of the database alone cannot make a person's codes: the secret is stored encrypted
    under the field keys kept outside it, and read back whole."""
    from django.db import connection

    secret = enrol_second_factor(cast.admin)
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM accounts_secondfactor WHERE user_id = %s", [cast.admin.pk])
        stored = cursor.fetchone()[0]
    assert secret not in stored and secret.lower() not in stored.lower()
    assert SecondFactor.objects.get(user=cast.admin).secret == secret
