"""County departments (县直部门) are units under the county with township-level codes (county +
501-599): the statistics never count or rank them as townships, and the dispute registration form
does not offer them as the place a dispute arose."""

from __future__ import annotations

import pytest

from anju.demo import testing
from anju.demo.testing import local
from anju.disputes.models import Dispute
from anju.regions.codes import department_q, is_department
from anju.regions.models import Region
from anju.tasks.departments import add_department

from .factories import make_dispute

pytestmark = pytest.mark.django_db
POLICE = f"{testing.COUNTY}501"
Q1 = {"period": "2024-Q1"}


@pytest.fixture
def police(cast):
    return add_department(cast.user("admin"), county=cast.region(testing.COUNTY), name="县公安局").unit


def test_the_one_rule_says_which_codes_are_departments(police):
    assert is_department(POLICE) and is_department(f"{testing.COUNTY}599")
    assert not any(
        is_department(code) for code in (testing.TOWNSHIP_A, f"{testing.COUNTY}400", f"{testing.COUNTY}500")
    )
    assert not is_department(testing.VILLAGE_A1) and not is_department(testing.COUNTY)
    # The database reads the rule alike (SQLite and PostgreSQL).
    assert list(Region.objects.filter(department_q()).values_list("code", flat=True)) == [POLICE]


def test_a_department_is_no_township_of_the_assessment_or_the_dashboard(client_for, quarter, police):
    # One dispute registered at the department: it counts above the townships, never as one.
    make_dispute(
        POLICE, category="neighbour", origin="county", status="registered", registered=local(2024, 2, 1)
    )
    client = client_for("leader")
    assessment = client.get("/reports/assessment/", Q1).context["result"]
    assert "县公安局" not in {row.name for row in assessment.rows}
    assert {row.name for row in assessment.rows} == {"甲镇", "乙镇"}
    assert assessment.above_townships == 1
    dashboard = client.get("/reports/", Q1)
    rows = {row.key: row for row in dashboard.context["figures"].by_region}
    assert rows[POLICE].label == "县公安局（县直部门）" and rows[POLICE].found == 1
    assert sum(row.found for row in rows.values()) == dashboard.context["figures"].found
    ranked = [row.label for row in dashboard.context["ranking"].rows]
    assert ranked and not any("县公安局" in str(label) for label in ranked)


def test_the_registration_form_offers_no_department(client_for, cast, police):
    testing.add_staff("centre", "县中心", "centre_operator", testing.COUNTY)
    page = client_for("centre").get("/disputes/new/")
    offered = [code for code, _label in page.context["form"].fields["region"].choices]
    assert testing.TOWNSHIP_A in offered and POLICE not in offered
    assert not Dispute.objects.filter(region_id=POLICE).exists()
