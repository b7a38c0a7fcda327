"""The tips' figures in the one statistics module: received, verified by result, outcomes and
their counts, batches cleared and cleared on time, in the caller's jurisdiction only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from anju.demo import testing
from anju.reports import metrics
from anju.tips import actions

pytestmark = pytest.mark.django_db


def _handle(officer, tip, result, outcome, **counts):
    tip = actions.assign(officer, tip, unit=testing.TOWNSHIP_A, handler=officer)
    tip = actions.start_verification(officer, tip)
    number = "公立〔2026〕3号" if outcome == "police" else ""
    tip = actions.verify(officer, tip, result=result, outcome=outcome, police_case_number=number, **counts)
    return actions.close(officer, tip)


def test_figures_count_a_cleared_batch_and_its_outcomes(cast):
    officer = cast.officer_a
    today = timezone.localdate()
    batch = actions.create_batch(
        officer,
        source_kind="national_platform",
        reference="国家平台〔2026〕9号",
        received_on=today,
        deadline=today + dt.timedelta(days=10),
        region=cast.region(testing.TOWNSHIP_A),
    )
    common = {
        "region": cast.region(testing.VILLAGE_A2),
        "source_kind": "national_platform",
        "batch": batch,
        "received_on": today,
    }
    first = actions.register_tip(officer, content="一", subject_name="甲", anonymous=True, **common)
    second = actions.register_tip(officer, content="二", subject_name="乙", anonymous=True, **common)
    _handle(officer, first, "substantiated", "police", criminal_cases=1, persons_dealt_with=2)
    _handle(officer, second, "unsubstantiated", "discipline", admonishment_talks=1, self_criticisms=1)

    start, end = today, today + dt.timedelta(days=1)
    figures = metrics.tip_figures(officer, start=start, end=end)
    # The cast's own tip is received today too, still being verified.
    assert figures.received == 3
    assert figures.verified == 2 and figures.verified_on_time == 2
    assert figures.by_result == {"substantiated": 1, "partly": 0, "unsubstantiated": 1}
    assert figures.by_outcome == {"police": 1, "discipline": 1, "closed": 0}
    assert figures.measures["criminal_cases"] == 1 and figures.measures["persons_dealt_with"] == 2
    assert figures.measures["admonishment_talks"] == 1 and figures.measures["self_criticisms"] == 1
    assert (
        figures.batches_received == 2
        and figures.batches_cleared == 1
        and figures.batches_cleared_on_time == 1
    )
    # Narrowed to a village, and for another township: only what lies there.
    assert metrics.tip_figures(officer, start=start, end=end, region=testing.VILLAGE_A2).received == 2
    elsewhere = metrics.tip_figures(cast.officer_b, start=start, end=end)
    assert elsewhere.received == 0 and elsewhere.batches_cleared == 0
    assert metrics.tip_figures(cast.leader, start=start, end=end).verified == 2


def test_a_bad_period_is_refused(cast):
    today = timezone.localdate()
    with pytest.raises(ValueError):
        metrics.tip_figures(cast.leader, start=today, end=today - dt.timedelta(days=3))
