"""The shared machinery driven through a kind that exists only here: whatever a new kind of case
declares, it gets transitions with permission, lock, version and history; refusals on record; time
limits with yellow and red cards given once; extensions decided one level up; a sweep that can run
twice, or alongside another, and act once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError

from anju.audit.models import AuditEvent, Result
from anju.demo.testing import TOWNSHIP_A, VILLAGE_A1, local
from anju.workflow import alerts, engine, extensions, kinds, limits, sweep
from anju.workflow.transitions import table, transition

from .toy import ToyAlert, ToyCase, ToyStatus, ToyTimeline

pytestmark = pytest.mark.django_db

# A week with no holiday in it: Monday 4 March 2030. Three working days from Monday end on Thursday.
MONDAY = local(2030, 3, 4, 9)
TUESDAY, THURSDAY_NIGHT, FRIDAY = MONDAY + dt.timedelta(days=1), local(2030, 3, 7, 23), local(2030, 3, 8, 9)


def new_case() -> ToyCase:
    return ToyCase.objects.create(region_id=VILLAGE_A1, handling_unit_id=VILLAGE_A1)


def started(toy, cast, at=MONDAY) -> ToyCase:
    case = new_case()
    return engine.apply(
        toy, cast.mediator_a1, case, "start", version=1, change=lambda c: limits.start_limit(toy, c, at)
    )


def timeline_of(case) -> list[str]:
    return list(ToyTimeline.objects.filter(case=case).values_list("transition", flat=True))


def test_a_transition_moves_the_status_and_leaves_its_history(toy, cast):
    case = started(toy, cast)
    assert (case.status, case.version) == (ToyStatus.WORKING, 2)
    assert case.due_at == local(2030, 3, 7, 0).replace(hour=23, minute=59, second=59, microsecond=999999)
    assert timeline_of(case) == ["start"]
    row = ToyTimeline.objects.get(case=case)
    assert (row.from_status, row.to_status, row.actor.username) == ("new", "working", "mediator_a1")
    assert row.transition_label == "Started"
    audit = AuditEvent.objects.get(action="toy.start", object_id=str(case.pk))
    assert audit.before["status"] == "new" and audit.after["status"] == "working"
    # A transition with no target keeps the status and still counts as a change.
    noted = engine.apply(toy, cast.mediator_a1, case, "note", version=2, note="called the family")
    assert (noted.status, noted.version) == (ToyStatus.WORKING, 3)
    assert ToyTimeline.objects.filter(case=case).last().note == "called the family"


def test_what_a_person_is_offered_follows_status_and_role(toy, cast):
    case = new_case()
    assert engine.allowed(toy, case, cast.mediator_a1) == ["start"]
    assert engine.allowed(toy, case, cast.officer_b) == []
    done = engine.apply(toy, cast.mediator_a1, started(toy, cast), "finish", version=2)
    # Reopening needs the dispatching permission: the township officer has it, the mediator not.
    assert engine.allowed(toy, done, cast.mediator_a1) == []
    assert engine.allowed(toy, done, cast.officer_a) == ["reopen"]


def test_a_stale_version_is_refused_and_nothing_is_written(toy, cast):
    case = started(toy, cast)
    with pytest.raises(engine.StaleVersion):
        engine.apply(toy, cast.mediator_a1, case, "finish", version=1)
    case.refresh_from_db()
    assert (case.status, case.version) == (ToyStatus.WORKING, 2)
    assert timeline_of(case) == ["start"]


def test_a_transition_from_the_wrong_status_is_refused(toy, cast):
    case = new_case()
    with pytest.raises(ValidationError) as refused:
        engine.apply(toy, cast.mediator_a1, case, "finish", version=None)
    assert refused.value.code == "invalid_transition"
    assert ToyCase.objects.get(pk=case.pk).status == ToyStatus.NEW
    assert timeline_of(case) == []


def test_a_refusal_for_permission_is_on_record_and_changes_nothing(toy, cast):
    case = new_case()
    with pytest.raises(PermissionDenied):
        engine.apply(toy, cast.officer_b, case, "start", version=1)
    refusal = AuditEvent.objects.get(action="toy.start", object_id=str(case.pk))
    assert (refusal.result, refusal.actor_username) == (Result.REFUSED, "officer_b")
    assert ToyCase.objects.get(pk=case.pk).version == 1 and timeline_of(case) == []


def test_cards_come_once_each_and_the_overdue_case_reaches_the_unit_above(toy, cast):
    case = started(toy, cast)
    assert sweep.cards(toy, MONDAY).warned == 0  # Thursday is three working days away
    assert limits.colour(toy, case, MONDAY) == "green"
    assert limits.colour(toy, case, TUESDAY) == "yellow"
    report = sweep.cards(toy, TUESDAY)
    assert (report.warned, report.overdue) == (1, 0)
    assert sweep.cards(toy, TUESDAY + dt.timedelta(hours=1)).warned == 0
    yellow = ToyAlert.objects.get(case=case)
    assert yellow.unit_id == VILLAGE_A1 and "黄牌" in yellow.reason  # in the county's language
    report = sweep.cards(toy, FRIDAY)
    assert (report.warned, report.overdue, report.escalated) == (0, 1, 0)
    assert sweep.cards(toy, FRIDAY + dt.timedelta(days=3)).overdue == 0
    red = ToyAlert.objects.filter(case=case).exclude(pk=yellow.pk).get()
    assert red.unit_id == TOWNSHIP_A and "红牌" in red.reason
    assert limits.colour(toy, ToyCase.objects.get(pk=case.pk), FRIDAY) == "red"
    assert timeline_of(case) == ["start", "warn", "overdue"]
    # A closed case is no longer carded, however late.
    finished = engine.apply(toy, cast.mediator_a1, ToyCase.objects.get(pk=case.pk), "finish", version=2)
    assert limits.colour(toy, finished, FRIDAY) == ""


def test_two_sweeps_at_once_card_a_case_once(toy, cast):
    case = started(toy, cast)
    threshold = toy.limits.warning_threshold(TUESDAY)
    first = sweep.yellow_candidates(toy, TUESDAY, threshold)
    second = sweep.yellow_candidates(toy, TUESDAY, threshold)
    assert first == second == [case.pk]
    assert sweep.give_yellow(toy, case.pk, TUESDAY, threshold) is not None
    assert sweep.give_yellow(toy, case.pk, TUESDAY, threshold) is None
    assert sweep.give_red(toy, case.pk, FRIDAY) is not None
    assert sweep.give_red(toy, case.pk, FRIDAY) is None
    assert ToyAlert.objects.filter(case=case).count() == 2
    assert timeline_of(case) == ["start", "warn", "overdue"]


def test_an_extension_approved_while_a_sweep_runs_is_not_carded_for_the_old_limit(toy, cast):
    case = started(toy, cast)
    threshold = toy.limits.warning_threshold(TUESDAY)
    listed = sweep.yellow_candidates(toy, TUESDAY, threshold)
    red_listed = sweep.red_candidates(toy, FRIDAY)
    assert listed == [case.pk] and red_listed == [case.pk]
    # Between the sweep listing the case and claiming it, the township gives it five more days.
    ask = extensions.request(toy, cast.mediator_a1, case, working_days=5, reason="等鉴定结果")
    extensions.decide(toy, cast.officer_a, ask, approve=True)
    assert sweep.give_yellow(toy, case.pk, TUESDAY, threshold) is None
    assert sweep.give_red(toy, case.pk, FRIDAY) is None
    assert ToyAlert.objects.filter(case=case, reason__contains="牌").count() == 0
    assert "warn" not in timeline_of(case) and "overdue" not in timeline_of(case)


def test_an_extension_is_asked_by_the_handlers_and_decided_one_level_up(toy, cast):
    case = started(toy, cast)
    sweep.cards(toy, TUESDAY)
    assert ToyCase.objects.get(pk=case.pk).warned_at is not None
    with pytest.raises(PermissionDenied):
        extensions.request(toy, cast.officer_b, case, working_days=2, reason="x")
    with pytest.raises(ValidationError):
        extensions.request(toy, cast.mediator_a1, case, working_days=31, reason="太久")
    ask = extensions.request(toy, cast.mediator_a1, case, working_days=2, reason="当事人外出")
    assert ask.approver_unit_id == TOWNSHIP_A
    with pytest.raises(ValidationError):  # one pending request at a time
        extensions.request(toy, cast.mediator_a1, case, working_days=1, reason="再等等")
    asking = ToyAlert.objects.get(extension=ask)
    assert asking.unit_id == TOWNSHIP_A and asking.acknowledged_at is None
    # The village mediator cannot approve their own request; the township officer can.
    with pytest.raises(PermissionDenied):
        extensions.decide(toy, cast.mediator_a1, ask, approve=True)
    extensions.decide(toy, cast.officer_a, ask, approve=True, note="同意")
    moved = ToyCase.objects.get(pk=case.pk)
    assert moved.due_at.date() == dt.date(2030, 3, 11)  # Thursday + two working days: Monday
    assert moved.warned_at is None and moved.version == 3  # the new limit gets its own cards
    assert ToyAlert.objects.get(pk=asking.pk).acknowledged_at is not None
    with pytest.raises(ValidationError):
        extensions.decide(toy, cast.officer_a, ask, approve=False)
    assert timeline_of(case) == ["start", "warn", "extension_request", "extension_approved"]


def test_an_alert_is_acknowledged_by_someone_at_its_unit_and_that_is_on_record(toy, cast):
    case = started(toy, cast)
    with alerts.county_language():
        alert = alerts.raise_alert(toy, case, TOWNSHIP_A, "需要关注")
    assert list(alerts.open_for(toy, cast.officer_a)) == [alert]
    assert list(alerts.open_for(toy, cast.mediator_a1)) == []  # not the village's alert
    from django.http import Http404

    with pytest.raises(Http404):
        alerts.acknowledge(toy, cast.officer_b, alert.pk)
    assert alerts.acknowledge(toy, cast.officer_a, alert.pk) == (alert, 1)
    assert list(alerts.open_for(toy, cast.officer_a)) == []
    seen = AuditEvent.objects.get(action="toy.alert.acknowledge")
    assert (seen.actor_username, seen.region_code) == ("officer_a", TOWNSHIP_A)
    assert alerts.acknowledge(toy, cast.officer_a, alert.pk) == (alert, 0)


def test_a_declaration_the_machinery_could_not_run_is_refused_at_start(toy):
    from dataclasses import replace

    unknown_target = table(transition("go", {ToyStatus.NEW}, "nowhere", "case.handle", "Go", "Gone"))
    with pytest.raises(ImproperlyConfigured, match="unknown statuses"):
        kinds.register(replace(toy, name="broken", transitions=unknown_target))
    wordless = table(transition("go", {ToyStatus.NEW}, ToyStatus.DONE, "case.handle", "Go", ""))
    with pytest.raises(ImproperlyConfigured, match="timeline words"):
        kinds.register(replace(toy, name="broken", transitions=wordless))
    with pytest.raises(ImproperlyConfigured, match="unit above"):
        kinds.register(replace(toy, name="broken", unit_above=None))
    with pytest.raises(ValueError, match="twice"):
        table(transition("a", {"x"}, None, "p", "A", "A"), transition("a", {"y"}, None, "p", "A", "A"))
    assert "broken" not in [k.name for k in kinds.all_kinds()]


def test_the_sweep_command_sweeps_every_kind_once(toy, cast):
    import io
    from unittest import mock

    from django.core.management import call_command

    started(toy, cast)
    for expected in ("toy: warned 0, overdue 1, escalated 0", "toy: warned 0, overdue 0, escalated 0"):
        out = io.StringIO()
        with mock.patch("django.utils.timezone.now", return_value=FRIDAY):
            call_command("sweep_deadlines", stdout=out)
        lines = out.getvalue().splitlines()
        assert expected in lines
        assert any(line.startswith("dispute: warned") and "reminded" in line for line in lines)


def test_a_kind_may_name_another_unit_to_decide_extensions(toy, cast):
    from dataclasses import replace

    from anju.demo.testing import VILLAGE_A1

    # A kind whose cases are decided where they were assigned (supervised tasks: the assigner),
    # here the village itself rather than the township above it.
    assigned_here = replace(toy, extension_decider=lambda case: VILLAGE_A1)
    case = started(assigned_here, cast)
    ask = extensions.request(assigned_here, cast.mediator_a1, case, working_days=2, reason="等材料")
    assert ask.approver_unit_id == VILLAGE_A1
    assert ToyAlert.objects.get(extension=ask).unit_id == VILLAGE_A1
    # The township officer holds the deciding permission over the village, so decides; the township
    # B officer does not.
    with pytest.raises(PermissionDenied):
        extensions.decide(assigned_here, cast.officer_b, ask, approve=True)
    extensions.decide(assigned_here, cast.officer_a, ask, approve=True)
    assert ToyCase.objects.get(pk=case.pk).due_at.date() == dt.date(2030, 3, 11)
