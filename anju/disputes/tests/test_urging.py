"""催办 (issue 10, item 1): a unit above the handlers reminds them of a case; the reminder reaches
the handling unit's work queue and the case's timeline, and counts in the figures."""

import pytest
from django.utils import timezone

from anju.demo import testing
from anju.disputes.models import Alert

from .factories import post

pytestmark = pytest.mark.django_db


def test_the_township_urges_a_village_case_and_the_village_hears_of_it(client_for, cast):
    dispute = cast.dispute()
    officer = client_for("officer_a")
    page = officer.get(f"/disputes/{dispute.pk}/").content.decode()
    assert 'name="urge-reason"' in page  # offered to the unit above
    answer = officer.post(
        f"/disputes/{dispute.pk}/act/urge/",
        {"urge-version": dispute.version, "urge-reason": "请本周内约谈双方"},
    )
    assert answer.status_code == 302
    alert = Alert.objects.get(dispute=dispute, reason__startswith="【催办】")
    assert alert.unit_id == testing.VILLAGE_A1 and "请本周内约谈双方" in alert.reason
    work = client_for("mediator_a1").get("/disputes/work/").content.decode()
    assert "【催办】请本周内约谈双方" in work
    case_page = client_for("mediator_a1").get(f"/disputes/{dispute.pk}/").content.decode()
    assert "上级催办" in case_page
    assert 'name="urge-reason"' not in case_page  # the handlers cannot urge themselves


def test_only_a_unit_above_may_urge(client_for, cast):
    dispute = cast.dispute()
    said = post(client_for("mediator_a1"), f"/api/disputes/{dispute.pk}/urge", {"reason": "自己催自己"})
    assert said.status_code == 403
    outsider = post(client_for("officer_b"), f"/api/disputes/{dispute.pk}/urge", {"reason": "隔壁镇"})
    assert outsider.status_code == 404
    empty = post(client_for("officer_a"), f"/api/disputes/{dispute.pk}/urge", {"reason": "  "})
    assert empty.status_code == 400
    done = post(client_for("officer_a"), f"/api/disputes/{dispute.pk}/urge", {"reason": "抓紧办理"})
    assert done.status_code == 200 and "urge" in done.json()["allowed_actions"]  # may urge again
    # Once the township handles the case itself, the township cannot urge it; the county could.
    escalated = post(
        client_for("mediator_a1"), f"/api/disputes/{dispute.pk}/escalate", {"reason": "需要协调"}
    )
    assert escalated.status_code == 200
    assert (
        post(client_for("officer_a"), f"/api/disputes/{dispute.pk}/urge", {"reason": "x"}).status_code == 403
    )


def test_urging_counts_in_the_figures_of_its_period(client_for, cast):
    dispute = cast.dispute()
    for reason in ("抓紧", "再催"):
        post(client_for("officer_a"), f"/api/disputes/{dispute.pk}/urge", {"reason": reason})
    today = timezone.localdate().isoformat()
    figures = client_for("leader").get(f"/api/reports/disputes?date_from={today}&date_to={today}").json()
    assert figures["urged"] == 2
    outside = client_for("officer_b").get(f"/api/reports/disputes?date_from={today}&date_to={today}").json()
    assert outside["urged"] == 0
    page = client_for("leader").get("/reports/disputes/").content.decode()
    assert "催办次数" in page
