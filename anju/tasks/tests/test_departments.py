"""Issue 14, item 5: supervised tasks addressed to county departments (县直部门). A department is a
unit under the county: the county assigns it tasks, its staff see them and nothing of the
townships, and the townships see nothing of its tasks."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from anju.accounts.choices import Role
from anju.audit.models import AuditEvent
from anju.demo import testing
from anju.tasks import actions
from anju.tasks.departments import add_department

pytestmark = pytest.mark.django_db


def post_json(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_a_department_is_added_assigned_a_task_and_its_staff_see_only_theirs(client_for, cast):
    admin = client_for("admin")
    testing.pass_second_factor(admin)
    added = admin.post("/tasks/departments/new/", {"county": testing.COUNTY, "name": "县公安局"})
    assert added.status_code == 302
    police = cast.region(f"{testing.COUNTY}501")
    assert police.name == "县公安局" and police.parent_id == testing.COUNTY
    answer = post_json(admin, "/api/departments", {"county": testing.COUNTY, "name": "县司法局"})
    assert answer.status_code == 201 and answer.json()["code"] == f"{testing.COUNTY}502"
    assert (
        post_json(admin, "/api/departments", {"county": testing.COUNTY, "name": "县公安局"}).status_code
        == 400
    )
    assert AuditEvent.objects.filter(action="department.add").count() == 2
    # Only the tree's keepers add departments; the township's administrator keeps no county.
    assert client_for("officer_a").get("/tasks/departments/new/").status_code == 403
    assert (
        post_json(
            client_for("admin_b"), "/api/departments", {"county": testing.COUNTY, "name": "x"}
        ).status_code
        == 404
    )

    county = testing.add_staff("centre", "县中心", Role.CENTRE_OPERATOR, testing.COUNTY)
    task = actions.assign_task(
        county,
        assigner_unit=cast.region(testing.COUNTY),
        unit=police,
        title="打击整治专项行动",
        description="县公安局牵头",
        deadline=timezone.localdate() + dt.timedelta(days=3),
        origin="instruction",
    )
    officer = testing.add_staff("police_officer", "公安局联络员", Role.TOWNSHIP_OFFICER, police.code)
    staff = Client()
    staff.force_login(officer)
    mine = staff.get("/tasks/mine/").content.decode()
    assert "打击整治专项行动" in mine and testing.a_markers_in(mine) == []
    assert post_json(staff, f"/api/tasks/{task.pk}/start", {}).json()["status"] == "in_progress"
    assert staff.get(f"/tasks/{cast.task().pk}/").status_code == 404
    # The townships do not see the department's task; the county sees it on the departments page.
    assert client_for("officer_a").get(f"/api/tasks/{task.pk}").status_code == 404
    leader = client_for("leader").get("/tasks/departments/").content.decode()
    assert "县公安局" in leader and "县司法局" in leader
    assert [d["unfinished"] for d in client_for("leader").get("/api/departments").json()] == [1, 0]
    form = client_for("officer_a").get(f"/tasks/new/?unit={police.code}").content.decode()
    assert 'list="task-departments"' in form
    # Departments belong to a county.
    with pytest.raises(ValidationError):
        add_department(county, county=cast.region(testing.TOWNSHIP_A), name="x")
    assert client_for("auditor").get("/tasks/departments/").status_code == 403
