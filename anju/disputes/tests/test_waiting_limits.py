"""No case waits unnoticed (issue 10, item 1): waiting to be accepted is a stage with a limit of
its own, counted again from each escalation or assignment, carded and swept like mediation; and
cases written before that rule get their stage's limit from the sweep."""

import datetime as dt
import os
import re
from unittest import mock

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from anju.demo import testing
from anju.disputes import actions, deadlines, tasks
from anju.disputes.models import Dispute

pytestmark = pytest.mark.django_db
LOCAL = timezone.get_default_timezone()
MONDAY = dt.datetime(2030, 3, 4, 10, 0, tzinfo=LOCAL)


def registered(cast, at=MONDAY, region=testing.VILLAGE_A1) -> Dispute:
    with mock.patch("django.utils.timezone.now", return_value=at):
        return actions.register_dispute(
            cast.mediator_a1 if region.startswith(testing.VILLAGE_A1) else cast.officer_a,
            region=cast.region(region),
            channel="walk_in",
            category="neighbour",
            title="院墙漏水",
            description="院墙漏水",
            parties=[{"role": "applicant", "name": "王某"}],
        )


def local_day(instant) -> dt.date:
    return timezone.localtime(instant).date()


def test_a_registered_case_must_be_accepted_within_its_levels_limit(cast):
    dispute = registered(cast)
    assert local_day(dispute.due_at) == dt.date(2030, 3, 7)  # three working days after Monday
    with mock.patch.dict(os.environ, {"ANJU_ACCEPTANCE_DAYS": '{"village": 1}'}):
        assert local_day(registered(cast).due_at) == dt.date(2030, 3, 5)


def test_acceptance_then_gives_the_mediation_limit(cast):
    dispute = registered(cast)
    with mock.patch("django.utils.timezone.now", return_value=MONDAY + dt.timedelta(days=1)):
        accepted = actions.accept(cast.mediator_a1, dispute, mediators=[cast.mediator_a1])
    assert local_day(accepted.due_at) == dt.date(2030, 3, 14)  # seven working days after Tuesday


def test_an_escalated_case_waits_at_the_next_level_with_a_limit_counted_afresh(cast):
    dispute = registered(cast)
    wednesday = MONDAY + dt.timedelta(days=2)
    with mock.patch("django.utils.timezone.now", return_value=wednesday):
        up = actions.escalate(cast.mediator_a1, dispute, reason="村里调不动")
    assert (up.handling_unit_id, up.status) == (testing.TOWNSHIP_A, "registered")
    assert local_day(up.due_at) == dt.date(2030, 3, 11)  # three working days after Wednesday
    with (
        mock.patch("django.utils.timezone.now", return_value=wednesday),
        mock.patch.dict(os.environ, {"ANJU_ACCEPTANCE_DAYS": '{"township": 5}'}),
    ):
        down = actions.assign_down(cast.officer_a, up, level="village", note="交村里办")
    assert local_day(down.due_at) == dt.date(2030, 3, 11)  # the village's own three days again


def test_a_case_nobody_accepts_is_carded_and_goes_up(cast):
    dispute = registered(cast)
    friday = dt.datetime(2030, 3, 8, 9, 0, tzinfo=LOCAL)
    with mock.patch("django.utils.timezone.now", return_value=friday):
        report = tasks.sweep(friday)
    assert report.overdue >= 1 and report.escalated >= 1  # the cast's own case is long overdue too
    dispute.refresh_from_db()
    assert dispute.handling_unit_id == testing.TOWNSHIP_A
    assert local_day(dispute.due_at) == dt.date(2030, 3, 13)  # the township's three days from Friday
    assert "overdue" in list(dispute.timeline.values_list("transition", flat=True))


def test_cases_from_before_the_rule_get_their_stages_limit_once(cast, client_for):
    waiting = registered(cast)
    Dispute.objects.filter(pk=waiting.pk).update(due_at=None)
    assert Dispute.objects.filter(status__in=["registered"], due_at__isnull=True).count() >= 1
    first = tasks.sweep(MONDAY)
    assert first.limited >= 1
    waiting.refresh_from_db()
    assert local_day(waiting.due_at) == dt.date(2030, 3, 7)  # from its registration
    assert tasks.sweep(MONDAY).limited == 0
    open_statuses = deadlines._kind().open_statuses
    assert not Dispute.objects.filter(status__in=open_statuses, due_at__isnull=True).exists()
    # Its row in my work now says when acceptance is due as well as what acceptance will give.
    page = client_for("mediator_a1").get("/disputes/work/").content.decode()
    line = next(line for line in re.findall(r"<li .*?</li>", page, re.S) if "院墙漏水" in line)
    assert "受理期限：2030年3月7日 17:30" in line and "个工作日内办结" in line, line
    case_page = client_for("mediator_a1").get(f"/disputes/{waiting.pk}/").content.decode()
    assert "受理期限：2030年3月7日 17:30" in case_page


@pytest.mark.parametrize("value", ['{"village": 0}', '{"hamlet": 2}', '{"village": true}', "3"])
def test_a_bad_acceptance_setting_stops_with_its_name(value):
    with (
        mock.patch.dict(os.environ, {"ANJU_ACCEPTANCE_DAYS": value}),
        pytest.raises(ImproperlyConfigured, match="ANJU_ACCEPTANCE_DAYS"),
    ):
        deadlines.acceptance_limits()
