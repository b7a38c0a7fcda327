"""The demo's transferred batch: tips in every stage, taken through the tips' own actions."""

import pytest

from anju.demo.seeding import seed_county, seed_tips
from anju.tips.models import Batch

pytestmark = pytest.mark.django_db


def test_the_demo_batch_has_tips_in_every_stage_and_is_seeded_once():
    seed_county(county_code="629905", county_name="演示县", townships=1)
    assert seed_tips(county_code="629905") == 6
    batch = Batch.objects.get(reference="扫黑督〔2026〕1号")
    statuses = sorted(batch.tips.values_list("status", flat=True))
    assert statuses == ["assigned", "closed", "closed", "registered", "verified", "verifying"]
    assert batch.cleared_on is None
    assert all("（虚构）" in t.informant_name for t in batch.tips.filter(anonymous=False))
    assert seed_tips(county_code="629905") == 0
