"""Device tokens: a phone's every request signs in with one, so each check is read afresh each time."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone, translation

from anju.accounts.models import ApiToken, RoleAssignment
from anju.accounts.tokens import create_token, revoke_token, user_for_token
from anju.audit.models import AuditEvent
from anju.core.scoping import SYSTEM
from anju.demo import testing
from anju.demo.testing import bearer
from anju.disputes.tests.factories import new_case, post
from anju.regions.models import Region


def test_a_token_carries_its_users_jurisdiction(client, cast):
    token = create_token(SYSTEM, cast.grid_a1, "网格员手机")
    inside = post(client, "/api/disputes", new_case(), **bearer(token))
    assert inside.status_code == 201, inside.content
    outside = post(client, "/api/disputes", new_case(region=testing.VILLAGE_B1), **bearer(token))
    assert outside.status_code == 404


def test_a_role_granted_or_removed_counts_from_the_next_request(client, cast):
    token = create_token(SYSTEM, cast.grid_a1, "网格员手机")
    case = new_case(region=testing.VILLAGE_B1)
    assert post(client, "/api/disputes", case, **bearer(token)).status_code == 404
    grant = RoleAssignment.objects.create(
        user=cast.grid_a1, role="grid_worker", region=Region.objects.get(code=testing.VILLAGE_B1)
    )
    assert post(client, "/api/disputes", case, **bearer(token)).status_code == 201
    grant.delete()
    assert post(client, "/api/disputes", case, **bearer(token)).status_code == 404
    RoleAssignment.objects.filter(user=cast.grid_a1).delete()
    assert post(client, "/api/disputes", case, **bearer(token)).status_code == 403


def test_a_deactivated_users_token_stops_working(client, cast):
    worker = cast.grid_a1
    token = create_token(SYSTEM, worker, "网格员手机")
    assert client.get("/api/disputes", headers=bearer(token)).status_code == 200
    worker.is_active = False
    worker.save(update_fields=["is_active"])
    assert client.get("/api/disputes", headers=bearer(token)).status_code == 401


def test_last_use_is_written_at_most_every_five_minutes(client, cast):
    token = create_token(SYSTEM, cast.grid_a1, "网格员手机")
    row = ApiToken.objects.get(user=cast.grid_a1)
    assert row.last_used_at is None
    client.get("/api/disputes", headers=bearer(token))
    row.refresh_from_db()
    first = row.last_used_at
    assert first is not None and timezone.now() - first < dt.timedelta(minutes=1)
    client.get("/api/disputes", headers=bearer(token))
    row.refresh_from_db()
    assert row.last_used_at == first
    ApiToken.objects.filter(pk=row.pk).update(last_used_at=first - dt.timedelta(minutes=6))
    client.get("/api/disputes", headers=bearer(token))
    row.refresh_from_db()
    assert row.last_used_at > first


def _works(client, token) -> bool:
    return client.get("/api/disputes", headers=bearer(token)).status_code == 200


def test_revoked_and_expired_tokens_are_answered_like_unknown_ones(client, cast):
    revoked, expired = (create_token(SYSTEM, cast.grid_a1, name) for name in ("旧手机", "过期手机"))
    unknown = client.get("/api/disputes", headers=bearer("anju_never-made"))
    assert unknown.status_code == 401
    revoke_token(SYSTEM, ApiToken.objects.get(name="旧手机"))
    ApiToken.objects.filter(name="过期手机").update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    for token in (revoked, expired):
        answer = client.get("/api/disputes", headers=bearer(token))
        assert (answer.status_code, answer.content) == (401, unknown.content)


def test_a_token_lives_the_configured_number_of_days(client, cast, settings):
    settings.ANJU_TOKEN_DAYS = 30
    token = create_token(SYSTEM, cast.grid_a1, "网格员手机")
    row = ApiToken.objects.get(user=cast.grid_a1)
    assert dt.timedelta(days=29, hours=23) < row.expires_at - timezone.now() <= dt.timedelta(days=30)
    assert _works(client, token)
    ApiToken.objects.filter(pk=row.pk).update(expires_at=timezone.now() + dt.timedelta(minutes=1))
    assert _works(client, token)
    ApiToken.objects.filter(pk=row.pk).update(expires_at=timezone.now())
    assert not _works(client, token)


def test_the_address_of_the_last_use_is_kept_with_its_time(client, cast):
    token = create_token(SYSTEM, cast.grid_a1, "网格员手机")
    client.get("/api/disputes", headers=bearer(token), REMOTE_ADDR="10.1.2.3")
    row = ApiToken.objects.get(user=cast.grid_a1)
    first = row.last_used_at
    assert row.last_used_ip == "10.1.2.3"
    client.get("/api/disputes", headers=bearer(token), REMOTE_ADDR="10.9.9.9")
    row.refresh_from_db()
    assert (row.last_used_at, row.last_used_ip) == (first, "10.1.2.3")  # within five minutes: no write
    ApiToken.objects.filter(pk=row.pk).update(last_used_at=first - dt.timedelta(minutes=6))
    client.get("/api/disputes", headers=bearer(token), REMOTE_ADDR="10.9.9.9")
    row.refresh_from_db()
    assert row.last_used_ip == "10.9.9.9" and row.last_used_at > first


def test_signing_in_with_a_token_reads_one_query_and_writes_rarely(cast, django_assert_num_queries):
    worker = cast.grid_a1
    token = create_token(SYSTEM, worker, "网格员手机")
    with django_assert_num_queries(2):  # the first use is written
        assert user_for_token(token) == worker
    with django_assert_num_queries(1):
        assert user_for_token(token) == worker
    with django_assert_num_queries(1):
        assert user_for_token("anju_never-made") is None


def test_a_person_sees_and_revokes_their_own_devices(client, client_for, cast):
    phone = create_token(SYSTEM, cast.grid_a1, "网格员手机")
    create_token(SYSTEM, cast.mediator_a1, "调解员平板")
    client.get("/api/disputes", headers=bearer(phone), REMOTE_ADDR="10.1.2.3")
    worker = client_for("grid_a1")
    page = worker.get("/accounts/devices/").content.decode()
    assert "网格员手机" in page and "10.1.2.3" in page and "在用" in page
    assert "调解员平板" not in page
    row = ApiToken.objects.get(user=cast.grid_a1)
    response = worker.post(f"/accounts/devices/{row.pk}/revoke/", follow=True)
    assert "设备“网格员手机”已不能再登录。" in response.content.decode()
    assert "已撤销" in response.content.decode()
    assert not _works(client, phone)
    audit = AuditEvent.objects.get(action="token.revoke")
    assert (audit.actor, audit.object_id, audit.before["device"]) == (
        cast.grid_a1,
        str(cast.grid_a1.pk),
        "网格员手机",
    )


def test_nobody_revokes_another_persons_device_from_their_own_page(client, client_for, cast):
    tablet = create_token(SYSTEM, cast.mediator_a1, "调解员平板")
    row = ApiToken.objects.get(user=cast.mediator_a1)
    for member in ("grid_a1", "admin", "officer_a"):
        assert client_for(member).post(f"/accounts/devices/{row.pk}/revoke/").status_code == 404
    assert _works(client, tablet)


def test_an_administrator_revokes_the_devices_of_their_own_staff_only(client, client_for, cast):
    tablet = create_token(SYSTEM, cast.mediator_a1, "调解员平板")
    row = ApiToken.objects.get(user=cast.mediator_a1)
    admin_b = client_for("admin_b")
    listing = admin_b.get("/staff/devices/")
    assert listing.status_code == 200
    assert "调解员平板" not in listing.content.decode() and not testing.a_markers_in(listing.content)
    assert admin_b.post(f"/staff/devices/{row.pk}/revoke/").status_code == 404
    assert _works(client, tablet)

    admin = client_for("admin")
    listing = admin.get("/staff/devices/", {"q": "平板"}).content.decode()
    assert "调解员平板" in listing and "甲调解员" in listing
    assert "调解员平板" in admin.get(f"/staff/{cast.mediator_a1.pk}/").content.decode()
    response = admin.post(f"/staff/devices/{row.pk}/revoke/", {"back": "user"})
    assert response["Location"] == f"/staff/{cast.mediator_a1.pk}/"
    assert not _works(client, tablet)
    assert AuditEvent.objects.filter(action="token.revoke", actor=cast.admin, result="ok").count() == 1
    again = admin.post(f"/staff/devices/{row.pk}/revoke/", follow=True)
    assert "设备“调解员平板”此前已撤销。" in again.content.decode()
    assert AuditEvent.objects.filter(action="token.revoke").count() == 1


def test_a_role_in_another_township_does_not_open_a_device_to_its_administrator(client_for, cast):
    create_token(SYSTEM, cast.mediator_a1, "调解员平板")
    row = ApiToken.objects.get(user=cast.mediator_a1)
    assert client_for("admin_b").post(f"/staff/devices/{row.pk}/revoke/").status_code == 404
    RoleAssignment.objects.create(user=cast.mediator_a1, role="mediator", region_id=testing.VILLAGE_B1)
    # Now the person works in B as well, so B's administrator keeps them too (as on the staff pages).
    assert "调解员平板" in client_for("admin_b").get("/staff/devices/").content.decode()


def test_the_revoke_action_refuses_and_records_an_outsider(cast):
    create_token(SYSTEM, cast.mediator_a1, "调解员平板")
    row = ApiToken.objects.get(user=cast.mediator_a1)
    with pytest.raises(PermissionDenied):
        revoke_token(cast.admin_b, row)
    row.refresh_from_db()
    assert row.revoked_at is None
    refused = AuditEvent.objects.get(action="token.revoke")
    assert (refused.actor, refused.result) == (cast.admin_b, "refused")


def command(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue().strip()


def refusal(*args) -> str:
    with pytest.raises(CommandError) as failure:
        command(*args)
    return str(failure.value)


def test_create_and_revoke_from_the_command_line_are_audited(client, cast):
    with translation.override("zh-hans"):
        phone = command("create_token", "grid_a1", "--device", "网格员手机")
        assert _works(client, phone)
        row = ApiToken.objects.get(user=cast.grid_a1)
        assert command("revoke_token", "--user", "grid_a1", "--device", "网格员手机") == (
            f"已撤销 网格员手机（grid_a1，编号 {row.pk}）的令牌。"
        )
        assert not _works(client, phone)
        assert (
            command("revoke_token", str(row.pk)) == f"网格员手机（grid_a1，编号 {row.pk}）的令牌此前已撤销。"
        )
    created, revoked = AuditEvent.objects.filter(action__startswith="token.").order_by("pk")
    assert (created.action, created.actor_username, created.after["device"]) == (
        "token.create",
        "system",
        "网格员手机",
    )
    assert (revoked.action, revoked.before["token"]) == ("token.revoke", row.pk)


def test_the_command_names_what_it_cannot_find(cast):
    create_token(SYSTEM, cast.grid_a1, "网格员手机")
    create_token(SYSTEM, cast.grid_a1, "网格员手机")
    ids = ", ".join(
        str(pk) for pk in ApiToken.objects.order_by("-created_at", "-pk").values_list("pk", flat=True)
    )
    with translation.override("zh-hans"):
        assert refusal("revoke_token", "999999") == "没有编号为 999999 的设备令牌。"
        assert refusal("revoke_token", "--user", "nobody", "--device", "x") == "没有名为 nobody 的账号。"
        assert (
            refusal("revoke_token", "--user", "grid_a1", "--device", "平板")
            == "grid_a1 没有名为 平板 的设备。"
        )
        assert refusal("revoke_token", "--user", "grid_a1", "--device", "网格员手机") == (
            f"grid_a1 有 2 台名为 网格员手机 的设备在用（编号 {ids}），请用编号指定其中一台。"
        )
        assert refusal("revoke_token") == "请指定令牌编号，或用 --user 用户名 和 --device 设备名 指定。"
        assert (
            refusal("revoke_token", "1", "--user", "grid_a1")
            == "请只用一种方式指定令牌：编号，或 --user 和 --device。"
        )
    with translation.override("en"):
        assert refusal("revoke_token", "999999") == "No device token has the number 999999."
    assert not ApiToken.objects.filter(revoked_at__isnull=False).exists()
