"""Device tokens: a phone's every request signs in with one, so each check is read afresh each time."""

import datetime as dt

from django.utils import timezone

from anju.accounts.models import ApiToken, RoleAssignment
from anju.accounts.tokens import create_token
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
