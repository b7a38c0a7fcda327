"""Signing in as staff meet it: the login page, lockout, idle timeout, password rules."""

import datetime as dt
import time
from unittest import mock

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from anju.accounts.middleware import KEY as LAST_SEEN
from anju.audit.models import AuditEvent
from anju.demo.testing import PASSWORD

pytestmark = pytest.mark.django_db


def sign_in(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_login_page_is_chinese_first_and_english_on_request(client):
    assert "登录" in client.get("/accounts/login/").content.decode()
    english = Client(headers={"accept-language": "en"}).get("/accounts/login/").content.decode()
    assert "Sign In" in english and "登录" not in english


def test_switching_language_sticks(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert "Sign In" in client.get("/accounts/login/").content.decode()


def test_good_password_signs_in_and_is_audited(client):
    response = sign_in(client, "officer_a", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    assert "甲镇" in client.get("/").content.decode()
    assert AuditEvent.objects.filter(action="auth.login", actor_username="officer_a", result="ok").exists()


def test_five_failures_lock_the_account_even_for_the_right_password(client):
    for _ in range(5):
        response = sign_in(client, "officer_a", "wrong-password")
        assert response.status_code == 200
    assert "锁定" in response.content.decode()
    locked = sign_in(client, "officer_a", PASSWORD)
    assert locked.status_code == 200 and "锁定" in locked.content.decode()
    actions = list(AuditEvent.objects.filter(actor_username="officer_a").values_list("action", flat=True))
    assert actions.count("auth.login_failed") == 5
    assert "auth.locked_out" in actions and "auth.login_refused_locked" in actions
    # another account is not affected
    assert sign_in(Client(), "officer_b", PASSWORD).status_code == 302


def test_failures_from_one_address_do_not_lock_the_account_elsewhere(client):
    for _ in range(5):
        sign_in(client, "officer_a", "wrong-password")
    assert "锁定" in sign_in(client, "officer_a", PASSWORD).content.decode()
    desk = Client(REMOTE_ADDR="10.20.0.7")
    assert sign_in(desk, "officer_a", PASSWORD).status_code == 302


@override_settings(ANJU_LOCKOUT_ATTEMPTS=2)
def test_failures_spread_over_many_addresses_lock_the_account_everywhere(client):
    for n in range(19):  # the account-wide limit is ten times the per-address one
        sign_in(Client(REMOTE_ADDR=f"10.30.0.{n + 1}"), "officer_a", "wrong-password")
    assert sign_in(Client(REMOTE_ADDR="10.40.0.1"), "officer_a", PASSWORD).status_code == 302
    sign_in(Client(REMOTE_ADDR="10.30.0.20"), "officer_a", "wrong-password")
    refused = sign_in(Client(REMOTE_ADDR="10.40.0.2"), "officer_a", PASSWORD)
    assert refused.status_code == 200 and "锁定" in refused.content.decode()
    assert AuditEvent.objects.filter(action="auth.locked_out", actor_username="officer_a").count() == 1


def test_the_lock_lifts_after_the_window(client):
    for _ in range(5):
        sign_in(client, "officer_a", "wrong-password")
    later = timezone.now() + dt.timedelta(minutes=16)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert sign_in(client, "officer_a", PASSWORD).status_code == 302


@override_settings(ANJU_LOCKOUT_ATTEMPTS=2)
def test_lockout_threshold_is_configurable(client):
    sign_in(client, "officer_a", "wrong-password")
    sign_in(client, "officer_a", "wrong-password")
    assert sign_in(client, "officer_a", PASSWORD).status_code == 200


def test_failures_for_unknown_accounts_are_audited_too(client):
    sign_in(client, "nobody-here", "whatever-password")
    event = AuditEvent.objects.get(action="auth.login_failed", actor_username="nobody-here")
    assert event.actor is None and event.result == "refused" and event.ip == "127.0.0.1"


def test_idle_sessions_are_signed_out(client):
    sign_in(client, "officer_a", PASSWORD)
    assert client.get("/").status_code == 200
    session = client.session
    session[LAST_SEEN] = time.time() - 31 * 60
    session.save()
    response = client.get("/regions/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.get("/").status_code == 302  # really signed out
    assert AuditEvent.objects.filter(action="auth.idle_timeout", actor_username="officer_a").exists()


def test_active_sessions_stay_signed_in(client):
    sign_in(client, "officer_a", PASSWORD)
    session = client.session
    session[LAST_SEEN] = time.time() - 29 * 60
    session.save()
    assert client.get("/regions/").status_code == 200


@override_settings(ANJU_SESSION_IDLE_MINUTES=5)
def test_idle_timeout_is_configurable(client):
    sign_in(client, "officer_a", PASSWORD)
    session = client.session
    session[LAST_SEEN] = time.time() - 6 * 60
    session.save()
    assert client.get("/regions/").status_code == 302


def test_deactivated_accounts_cannot_sign_in(client, cast):
    user = cast.officer_a
    user.is_active = False
    user.save()
    assert sign_in(client, "officer_a", PASSWORD).status_code == 200


def test_passwords_are_stored_with_argon2(cast):
    assert cast.officer_a.password.startswith("argon2$")


@pytest.mark.django_db
def test_the_admin_refuses_a_signed_in_user_without_the_right_instead_of_going_round(client_for, client):
    refused = client_for("mediator_a1").get("/admin/", follow=True)
    assert refused.status_code == 403 and len(refused.redirect_chain) <= 1
    assert client_for("admin").get("/admin/").status_code == 200
    # Not signed in: the platform's one sign-in page.
    signed_out = client.get("/admin/", follow=True)
    assert signed_out.status_code == 200 and signed_out.redirect_chain[-1][0].startswith("/accounts/login/")
