"""Time limits: counted on the working calendar, warned and escalated exactly once, extended by the
level above, and the judicial-confirmation reminder."""

import datetime as dt
import io
import os
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from anju.demo import testing
from anju.disputes import actions, deadlines, tasks
from anju.disputes.models import Agreement, Alert, Dispute, ExtensionRequest
from anju.worktime.models import CalendarDay

from .factories import agreed

pytestmark = pytest.mark.django_db
LOCAL = timezone.get_default_timezone()


def accepted(cast, at: dt.datetime, risk: str = "general") -> Dispute:
    dispute = cast.dispute()
    Dispute.objects.filter(pk=dispute.pk).update(risk=risk)
    with mock.patch("django.utils.timezone.now", return_value=at):
        return actions.accept(
            cast.mediator_a1, Dispute.objects.get(pk=dispute.pk), mediators=[cast.mediator_a1]
        )


def test_a_village_case_has_seven_working_days(cast):
    monday = dt.datetime(2030, 3, 4, 10, 0, tzinfo=LOCAL)
    dispute = accepted(cast, monday)
    assert timezone.localtime(dispute.due_at).date() == dt.date(2030, 3, 13)  # Wednesday of the next week


def test_holidays_push_the_limit_and_make_up_days_count(cast):
    CalendarDay.objects.create(day=dt.date(2030, 3, 6), kind="holiday", name="测试假日")
    CalendarDay.objects.create(day=dt.date(2030, 3, 9), kind="workday", name="调休")
    dispute = accepted(cast, dt.datetime(2030, 3, 4, 10, 0, tzinfo=LOCAL))
    # 5, (6 off), 7, 8, 9 (Saturday worked), 11, 12, 13 -> the 7th working day is the 13th again
    assert timezone.localtime(dispute.due_at).date() == dt.date(2030, 3, 13)


def test_major_risk_is_shorter(cast):
    dispute = accepted(cast, dt.datetime(2030, 3, 4, 10, 0, tzinfo=LOCAL), risk="major")
    assert timezone.localtime(dispute.due_at).date() == dt.date(2030, 3, 7)


def test_the_one_month_rule_caps_a_long_limit(cast):
    with mock.patch.dict(os.environ, {"ANJU_DISPUTE_LIMITS": '{"village": {"general": 60}}'}):
        dispute = accepted(cast, dt.datetime(2030, 3, 4, 10, 0, tzinfo=LOCAL))
    assert dispute.due_at == dt.datetime(2030, 4, 3, 10, 0, tzinfo=LOCAL)


def test_the_sweep_warns_then_escalates_once(cast):
    dispute = accepted(cast, dt.datetime(2030, 3, 4, 10, 0, tzinfo=LOCAL))
    before_warning = dt.datetime(2030, 3, 8, 9, 0, tzinfo=LOCAL)
    assert tasks.sweep(before_warning).warned == 0
    in_warning = dt.datetime(2030, 3, 11, 9, 0, tzinfo=LOCAL)
    assert deadlines.colour(Dispute.objects.get(pk=dispute.pk), in_warning) == "yellow"
    assert tasks.sweep(in_warning).warned == 1
    assert tasks.sweep(in_warning).warned == 0  # once
    late = dt.datetime(2030, 3, 14, 9, 0, tzinfo=LOCAL)
    # The sweep escalates at `late`: the township's acceptance limit starts then.
    with mock.patch("django.utils.timezone.now", return_value=late):
        report = tasks.sweep(late)
    assert (report.overdue, report.escalated) == (1, 1)
    dispute.refresh_from_db()
    assert (dispute.handling_level, dispute.handling_unit_id, dispute.status) == (
        "township",
        testing.TOWNSHIP_A,
        "registered",
    )
    with mock.patch("django.utils.timezone.now", return_value=late + dt.timedelta(hours=1)):
        again = tasks.sweep(late + dt.timedelta(hours=1))
    assert (again.overdue, again.escalated) == (0, 0)  # never twice
    transitions = list(dispute.timeline.values_list("transition", flat=True))
    assert transitions.count("escalate") == 1 and "warn" in transitions and "overdue" in transitions
    assert Alert.objects.filter(dispute=dispute, unit_id=testing.TOWNSHIP_A).exists()


def test_flag_instead_of_escalate_alerts_the_level_above(cast):
    dispute = accepted(cast, dt.datetime(2030, 3, 4, 10, 0, tzinfo=LOCAL))
    with mock.patch.dict(os.environ, {"ANJU_OVERDUE_ACTION": "flag"}):
        report = tasks.sweep(dt.datetime(2030, 3, 20, 9, 0, tzinfo=LOCAL))
    assert (report.overdue, report.escalated) == (1, 0)
    dispute.refresh_from_db()
    assert dispute.handling_level == "village" and dispute.overdue_at is not None
    assert Alert.objects.filter(dispute=dispute, unit_id=testing.TOWNSHIP_A, reason__contains="红牌").exists()


def test_the_sweep_writes_cards_in_the_countys_language_whatever_the_thread_last_spoke(cast):
    dispute = accepted(cast, dt.datetime(2030, 3, 4, 10, 0, tzinfo=LOCAL))
    with translation.override("en"), mock.patch.dict(os.environ, {"ANJU_OVERDUE_ACTION": "flag"}):
        tasks.sweep(dt.datetime(2030, 3, 20, 9, 0, tzinfo=LOCAL))
    reason = Alert.objects.get(dispute=dispute, unit_id=testing.TOWNSHIP_A).reason
    assert reason.startswith("【红牌】") and "Red card" not in reason


def test_the_sweep_command_runs_once(cast):
    accepted(cast, dt.datetime(2030, 3, 4, 10, 0, tzinfo=LOCAL))
    out = io.StringIO()
    with mock.patch("django.utils.timezone.now", return_value=dt.datetime(2030, 3, 20, 9, 0, tzinfo=LOCAL)):
        call_command("sweep_deadlines", stdout=out)
    assert "escalated 1" in out.getvalue()


def test_extension_is_asked_of_and_approved_by_the_level_above(cast, client_for):
    dispute = accepted(cast, timezone.now())
    pending = ExtensionRequest.objects.get(dispute=dispute)  # the cast's own request, made before acceptance
    assert (
        client_for("mediator_a1")
        .post(
            f"/disputes/{dispute.pk}/extensions/", {"extension-working_days": 5, "extension-reason": "再申请"}
        )
        .status_code
        == 400
    )  # one pending request at a time
    pending.delete()
    due = dispute.due_at
    mediator = client_for("mediator_a1")
    response = mediator.post(
        f"/disputes/{dispute.pk}/extensions/",
        {"extension-working_days": 5, "extension-reason": "当事人外出务工"},
    )
    assert response.status_code == 302
    request = ExtensionRequest.objects.filter(dispute=dispute, decision="pending").latest("requested_at")
    assert request.approver_unit_id == testing.TOWNSHIP_A
    assert mediator.post(f"/disputes/extensions/{request.pk}/decide/", {"approve": "1"}).status_code == 403
    assert (
        client_for("officer_b")
        .post(f"/disputes/extensions/{request.pk}/decide/", {"approve": "1"})
        .status_code
        == 404
    )
    assert (
        client_for("officer_a")
        .post(f"/disputes/extensions/{request.pk}/decide/", {"approve": "1"})
        .status_code
        == 302
    )
    dispute.refresh_from_db()
    assert dispute.due_at > due
    assert (
        client_for("officer_a")
        .post(f"/disputes/extensions/{request.pk}/decide/", {"approve": "0"})
        .status_code
        == 400
    )


def test_extension_requests_need_a_reason_and_a_limit(cast, client_for):
    dispute = cast.dispute()  # not accepted: no time limit yet
    response = client_for("mediator_a1").post(
        f"/api/disputes/{dispute.pk}/extensions",
        {"working_days": 3, "reason": "x"},
        content_type="application/json",
    )
    assert response.status_code == 400
    accepted(cast, timezone.now())
    bad = client_for("mediator_a1").post(
        f"/api/disputes/{dispute.pk}/extensions",
        {"working_days": 99, "reason": "x"},
        content_type="application/json",
    )
    assert bad.status_code == 422


def test_judicial_confirmation_reminder_comes_once_before_the_window_closes(cast):
    dispute = agreed(cast.mediator_a1, accepted(cast, timezone.now()))
    # Signed 24 days ago: the 30-day window for judicial confirmation closes within the week.
    signed = timezone.localdate() - dt.timedelta(days=24)
    Agreement.objects.filter(dispute=dispute).update(signed_on=signed)
    assert tasks.remind_confirmation(timezone.now()) == 1
    assert tasks.remind_confirmation(timezone.now()) == 0
    assert Alert.objects.filter(dispute=dispute, reason__contains="司法确认").exists()
