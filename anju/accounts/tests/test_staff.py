"""Administrators keep the staff of their own jurisdiction: accounts, roles, deactivation."""

import pytest

from anju.accounts.models import RoleAssignment, User
from anju.audit.models import AuditEvent
from anju.demo import testing

pytestmark = pytest.mark.django_db

NEW = {
    "username": "mediator_a2",
    "full_name": "甲二调解员",
    "phone": "13800001234",
    "password": "Strong-pass-2026",
    "role": "mediator",
    "region": testing.VILLAGE_A2,
}


def test_administrator_creates_an_account_with_its_first_role(client_for):
    response = client_for("admin").post("/staff/", NEW)
    assert response.status_code == 302
    user = User.objects.get(username="mediator_a2")
    assert user.check_password("Strong-pass-2026")
    assert list(user.role_assignments.values_list("role", "region_id")) == [("mediator", testing.VILLAGE_A2)]
    assert set(AuditEvent.objects.filter(object_id=str(user.pk)).values_list("action", flat=True)) == {
        "user.create",
        "role.assign",
    }


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"password": "short"}, "密码"),
        ({"password": "alllowercaseletters"}, "至少包含以下 3 类字符"),
        ({"password": "12345678901"}, "密码"),
        ({"username": "officer_a"}, "已存在"),
        ({"role": "grid_worker"}, "不能分配在"),  # a grid worker on a village... allowed, so use a township
        ({"region": "629902999"}, "没有区划"),
    ],
)
def test_bad_accounts_are_refused_with_a_reason(client_for, change, message):
    data = {**NEW, **change}
    if change.get("role") == "grid_worker":
        data["region"] = testing.TOWNSHIP_A
    response = client_for("admin").post("/staff/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.filter(username="mediator_a2").exists()


def test_a_township_administrator_cannot_grant_roles_in_another_township(client_for, cast):
    client = client_for("admin_b")
    response = client.post("/staff/", {**NEW, "region": testing.VILLAGE_A2})
    assert "没有区划" in response.content.decode()
    assert not User.objects.filter(username="mediator_a2").exists()
    assert client.get(f"/staff/{cast.mediator_a1.pk}/").status_code == 404


def test_the_action_itself_refuses_and_audits_an_out_of_jurisdiction_grant(cast):
    from django.core.exceptions import PermissionDenied

    from anju.accounts.actions import assign_role

    with pytest.raises(PermissionDenied):
        assign_role(cast.admin_b, cast.norole, "mediator", cast.region(testing.VILLAGE_A1))
    assert not RoleAssignment.objects.filter(user=cast.norole).exists()
    refusal = AuditEvent.objects.get(action="role.assign", actor_username="admin_b")
    assert refusal.result == "refused"


def test_grant_and_revoke_a_role_on_the_user_page(client_for, cast):
    client = client_for("admin")
    user = cast.norole
    client.post(f"/staff/{user.pk}/", {"role": "leader", "region": testing.TOWNSHIP_B})
    assignment = RoleAssignment.objects.get(user=user)
    assert (assignment.role, assignment.region_id) == ("leader", testing.TOWNSHIP_B)
    # the new leader now sees township B and nothing of A
    leader_b = client_for("norole")
    assert leader_b.get(f"/regions/{testing.VILLAGE_B1}/").status_code == 200
    assert leader_b.get(f"/regions/{testing.VILLAGE_A1}/").status_code == 404
    client.post(f"/staff/{user.pk}/roles/{assignment.pk}/revoke/")
    assert not RoleAssignment.objects.filter(user=user).exists()
    assert client_for("norole").get(f"/regions/{testing.VILLAGE_B1}/").status_code == 403


def test_deactivating_a_user_signs_them_out_of_everything(client_for, cast):
    officer = client_for("officer_a")
    assert officer.get("/regions/").status_code == 200
    client_for("admin").post(f"/staff/{cast.officer_a.pk}/active/", {"active": "0"})
    assert not User.objects.get(username="officer_a").is_active
    assert officer.get("/regions/").status_code == 302
    assert officer.get("/api/me").status_code == 401


def test_staff_list_is_scoped(client_for):
    page = client_for("admin_b").get("/staff/").content.decode()
    assert "乙镇政法委员" in page and "甲镇政法委员" not in page
    api = client_for("admin_b").get("/api/users").json()
    assert {u["username"] for u in api} == {"officer_b", "admin_b"}


def test_me_tells_a_device_who_it_is(client_for):
    me = client_for("grid_a1").get("/api/me").json()
    assert me["username"] == "grid_a1"
    assert me["assignments"] == [
        {
            "role": "grid_worker",
            "role_label": "网格员",
            "region_code": testing.GRID_A1,
            "region_name": "甲一网格",
        }
    ]
    assert "case.handle" in me["permissions"] and "user.manage" not in me["permissions"]
