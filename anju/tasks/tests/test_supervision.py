"""Issue 14, items 4-5: a meeting's decision becomes a supervised task that is carried to completion
with its cards, through the pages and the API, by the cast; refused where it must be."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from anju.audit.models import AuditEvent, Result
from anju.demo import testing
from anju.tasks.kind import TASK, end_of_day
from anju.tasks.models import Alert, Decision, Meeting, Task
from anju.workflow import sweep

pytestmark = pytest.mark.django_db


def post_json(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_a_decision_becomes_a_task_supervised_to_completion_through_the_pages(client_for, cast):
    officer, mediator = client_for("officer_a"), client_for("mediator_a1")
    answer = officer.post(
        "/tasks/meetings/new/",
        {
            "region": testing.TOWNSHIP_A,
            "kind": "plc_plenary",
            "held_on": timezone.localdate().isoformat(),
            "title": "甲镇政法委全体会议",
            "topics": "矛盾纠纷排查",
            "attendees": "甲镇政法办、派出所、司法所",
        },
    )
    assert answer.status_code == 302
    meeting = Meeting.objects.get(title="甲镇政法委全体会议")
    assert (
        officer.post(f"/tasks/meetings/{meeting.pk}/decisions/", {"text": "甲一村限期化解积案"}).status_code
        == 302
    )
    decision = Decision.objects.get(meeting=meeting)
    page = officer.get(f"/tasks/meetings/{meeting.pk}/").content.decode()
    assert f"/tasks/new/?decision={decision.pk}" in page
    # One click: the task form comes filled in from the decision.
    form = officer.get(f"/tasks/new/?decision={decision.pk}").content.decode()
    assert "甲一村限期化解积案" in form and 'value="decision" selected' in form.replace("\n", " ")
    deadline = timezone.localdate() + dt.timedelta(days=20)
    answer = officer.post(
        f"/tasks/new/?decision={decision.pk}",
        {
            "assigner_unit": testing.TOWNSHIP_A,
            "unit": testing.VILLAGE_A1,
            "title": "甲一村限期化解积案",
            "description": "逐案化解",
            "deadline": deadline.isoformat(),
            "origin": "decision",
        },
    )
    assert answer.status_code == 302
    task = Task.objects.get(decision=decision)
    assert task.due_at == end_of_day(deadline) and task.assigner_unit_id == testing.TOWNSHIP_A
    assert Alert.objects.filter(task=task, unit_id=testing.VILLAGE_A1).exists()
    assert task.title in mediator.get("/tasks/mine/").content.decode()
    assert task.title in mediator.get(f"/tasks/units/{testing.VILLAGE_A1}/").content.decode()

    def act(client, name, **fields):
        task.refresh_from_db()
        data = {f"{name}-version": task.version, **{f"{name}-{k}": v for k, v in fields.items()}}
        return client.post(f"/tasks/{task.pk}/act/{name}/", data)

    assert act(mediator, "start").status_code == 302
    photo = SimpleUploadedFile("进度.png", testing.TINY_PNG, content_type="image/png")
    assert act(mediator, "report_progress", progress="已化解两件", file=photo).status_code == 302
    assert task.attachments.count() == 1
    assert act(mediator, "report_done", progress="全部化解").status_code == 302
    # The handlers do not accept their own work; the assigning township does, or sends it back.
    assert act(mediator, "accept").status_code == 403
    assert Task.objects.get(pk=task.pk).status == "reported"
    assert act(officer, "send_back", reason="还有一件未回访").status_code == 302
    task.refresh_from_db()
    assert task.status == "in_progress" and task.reported_done_at is None
    assert act(mediator, "report_done", progress="回访完毕").status_code == 302
    assert act(officer, "accept", note="验收通过").status_code == 302
    task.refresh_from_db()
    assert task.status == "accepted" and task.on_time is True
    timeline = list(task.timeline.values_list("transition", flat=True))
    assert timeline == [
        "assign",
        "start",
        "report_progress",
        "attach",
        "report_done",
        "send_back",
        "report_done",
        "accept",
    ]
    audited = set(AuditEvent.objects.filter(object_id=str(task.pk)).values_list("action", flat=True))
    assert {"task.assign", "task.start", "task.report_done", "task.send_back", "task.accept"} <= audited
    assert {"meeting.record", "meeting.decide"} <= set(AuditEvent.objects.values_list("action", flat=True))
    detail = officer.get(f"/tasks/{task.pk}/").content.decode()
    assert "还有一件未回访" in detail and "甲镇政法委全体会议" in detail


def test_the_handlers_cannot_accept_their_own_task(client_for, cast):
    task = cast.task()
    answer = client_for("mediator_a1").post(
        f"/api/tasks/{task.pk}/done", {"progress": "完成"}, content_type="application/json"
    )
    assert answer.status_code == 200
    refused = post_json(client_for("mediator_a1"), f"/api/tasks/{task.pk}/accept", {})
    assert refused.status_code == 403
    # The leader reads everything and changes nothing.
    assert post_json(client_for("leader"), f"/api/tasks/{task.pk}/accept", {}).status_code == 403
    assert (
        post_json(client_for("officer_a"), f"/api/tasks/{task.pk}/accept", {}).json()["status"] == "accepted"
    )


def test_cards_come_as_the_deadline_nears_and_passes_and_never_twice(cast):
    task = cast.task()
    due = task.due_at
    # The cast's task is due in 30 days: nothing yet.
    assert sweep.cards(TASK, timezone.now()).warned == 0
    day_before = due - dt.timedelta(days=1)
    report = sweep.cards(TASK, day_before)
    assert (report.warned, report.overdue) == (1, 0)
    assert sweep.cards(TASK, day_before + dt.timedelta(hours=2)).warned == 0
    after = due + dt.timedelta(days=1)
    report = sweep.cards(TASK, after)
    assert (report.warned, report.overdue) == (0, 1)
    assert sweep.cards(TASK, after + dt.timedelta(days=1)).overdue == 0
    yellow, red = Alert.objects.filter(task=task, reason__contains="牌").order_by("id")
    # The yellow card reaches the handlers, the red card the unit that assigned the task.
    assert (yellow.unit_id, red.unit_id) == (testing.VILLAGE_A1, testing.TOWNSHIP_A)
    assert list(
        task.timeline.filter(transition__in=["warn", "overdue"]).values_list("transition", flat=True)
    ) == [
        "warn",
        "overdue",
    ]
    # Every kind's sweep runs it, once per limit.
    assert sweep.run(after + dt.timedelta(days=2))["task"].overdue == 0


def test_a_task_reported_done_is_not_carded_while_the_assigner_decides(client_for, cast):
    task = cast.task()
    post_json(client_for("mediator_a1"), f"/api/tasks/{task.pk}/done", {"progress": "完成"})
    report = sweep.cards(TASK, task.due_at + dt.timedelta(days=1))
    assert (report.warned, report.overdue) == (0, 0)


def test_extensions_are_decided_by_the_assigning_unit(client_for, cast):
    task = cast.task()
    ask = task.extensions.get()
    assert ask.approver_unit_id == testing.TOWNSHIP_A  # the assigner, not merely the unit above
    url = f"/api/tasks/extensions/{ask.pk}/decide"
    assert post_json(client_for("mediator_a1"), url, {"approve": True}).status_code == 403
    assert post_json(client_for("officer_b"), url, {"approve": True}).status_code == 404
    assert post_json(client_for("officer_a"), url, {"approve": True}).status_code == 200
    moved = Task.objects.get(pk=task.pk)
    assert moved.due_at > task.due_at and moved.version == task.version + 1


def test_a_county_task_is_decided_by_the_county_not_the_township(cast):
    from anju.accounts.choices import Role
    from anju.tasks import actions

    centre = testing.add_staff("centre", "县中心", Role.CENTRE_OPERATOR, testing.COUNTY)
    task = actions.assign_task(
        centre,
        assigner_unit=cast.region(testing.COUNTY),
        unit=cast.region(testing.VILLAGE_A1),
        title="县级督办",
        description="县委交办",
        deadline=timezone.localdate() + dt.timedelta(days=5),
        origin="instruction",
        source_note="县委书记批示",
    )
    task = actions.start(cast.mediator_a1, task)
    ask = actions.request_extension(cast.mediator_a1, task, working_days=2, reason="等材料")
    assert ask.approver_unit_id == testing.COUNTY
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        actions.decide_extension(cast.officer_a, ask, approve=True)
    actions.decide_extension(centre, ask, approve=False)
    # The township above the village cannot accept or send back a county task either.
    actions.report_done(cast.mediator_a1, Task.objects.get(pk=task.pk), progress="完成")
    with pytest.raises(PermissionDenied):
        actions.accept(cast.officer_a, Task.objects.get(pk=task.pk))
    refusal = AuditEvent.objects.get(action="task.accept", result=Result.REFUSED)
    assert refusal.actor_username == "officer_a"


def test_outsiders_and_wrong_roles_are_refused_and_bad_input_is_a_4xx(client_for, cast):
    task, meeting = cast.task(), cast.meeting()
    for url in (f"/tasks/{task.pk}/", f"/tasks/meetings/{meeting.pk}/", f"/api/tasks/{task.pk}"):
        assert client_for("officer_b").get(url).status_code == 404
        assert client_for("auditor").get(url).status_code == 403
    assert client_for("leader").get("/tasks/new/").status_code == 403
    assert client_for("mediator_a1").get("/tasks/meetings/new/").status_code == 403
    assert testing.a_markers_in(client_for("officer_b").get("/tasks/").content) == []
    assert testing.a_markers_in(client_for("officer_b").get("/api/meetings").content) == []
    officer = client_for("officer_a")
    bad_deadline = {
        "assigner_unit": testing.TOWNSHIP_A,
        "unit": testing.VILLAGE_A1,
        "title": "过期",
        "description": "x",
        "deadline": "2020-01-01",
        "origin": "instruction",
    }
    assert officer.post("/tasks/new/", bad_deadline).status_code == 400
    assert post_json(officer, "/api/tasks", bad_deadline).status_code == 400
    elsewhere = {**bad_deadline, "deadline": "2099-01-01", "unit": testing.VILLAGE_B1}
    assert post_json(officer, "/api/tasks", elsewhere).status_code == 404
    # A village's task goes to the village or below, not to its neighbour.
    upward = {**bad_deadline, "deadline": (timezone.localdate() + dt.timedelta(days=3)).isoformat()}
    upward.update(assigner_unit=testing.VILLAGE_A1, unit=testing.VILLAGE_A2)
    assert post_json(officer, "/api/tasks", upward).status_code == 400
    assert post_json(officer, f"/api/tasks/{task.pk}/send-back", {"reason": ""}).status_code == 422
    assert officer.get("/tasks/?cursor=nonsense").status_code == 400
    assert officer.get("/api/tasks?cursor=nonsense").status_code == 400
    assert officer.post(f"/tasks/{task.pk}/act/nonsense/", {}).status_code == 404
    stale = post_json(
        client_for("mediator_a1"), f"/api/tasks/{task.pk}/progress", {"progress": "x", "version": 1}
    )
    assert stale.status_code == 409
    assert officer.post("/tasks/meetings/new/", {"region": testing.TOWNSHIP_A}).status_code == 400


def test_lists_page_by_keyset(client_for, cast):
    from anju.tasks import actions

    for n in range(5):
        actions.assign_task(
            cast.officer_a,
            assigner_unit=cast.region(testing.TOWNSHIP_A),
            unit=cast.region(testing.VILLAGE_A2),
            title=f"任务{n}",
            description="x",
            deadline=timezone.localdate() + dt.timedelta(days=9),
            origin="instruction",
        )
    client = client_for("officer_a")
    first = client.get("/api/tasks?limit=4").json()
    second = client.get(f"/api/tasks?limit=4&cursor={first['next_cursor']}").json()
    titles = [t["title"] for t in first["items"] + second["items"]]
    assert len(titles) == len(set(titles)) == 6 and second["next_cursor"] is None
    back = client.get(f"/api/tasks?limit=4&before={second['prev_cursor']}").json()
    assert [t["id"] for t in back["items"]] == [t["id"] for t in first["items"]]
    page = client.get(f"/tasks/?cursor={first['next_cursor']}")
    assert page.status_code == 200 and "任务0" in page.content.decode()
    red = client.get("/api/tasks?supervision=red").json()["items"]
    assert red == []
