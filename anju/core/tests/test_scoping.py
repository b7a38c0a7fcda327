"""get_scoped_or_404 by primary key reads the row directly and checks it with `covers`; whatever the
route, it must answer exactly as visible_to does."""

import pytest
from django.http import Http404

from anju.audit.actions import record
from anju.audit.models import AuditEvent
from anju.core.scoping import SYSTEM, get_scoped_or_404
from anju.demo.testing import MEMBERS
from anju.disputes.models import Dispute
from anju.regions.models import Region

ACTIONS = {Region: ["view", "case.handle"], Dispute: ["view", "case.handle"], AuditEvent: ["view"]}


def answer(model, user, action, key):
    try:
        return get_scoped_or_404(model, user, action, pk=key).pk
    except Http404:
        return None


@pytest.mark.parametrize("name", list(MEMBERS))
def test_by_key_answers_as_visible_to_for_every_member(cast, name):
    record(SYSTEM, "test.unplaced", None)  # an audit row with no region: county-wide grants only
    user = cast.user(name)
    for model, actions in ACTIONS.items():
        for action in actions:
            visible = set(model.objects.visible_to(user, action).values_list("pk", flat=True))
            for key in model.objects.values_list("pk", flat=True):
                assert (answer(model, user, action, key) == key) == (key in visible), (model, action, key)


@pytest.mark.parametrize("key", ["abc", 2**70, -(2**70), "1\x00", None, ""])
def test_keys_that_name_no_row_are_404(cast, key):
    for model in (Dispute, Region):
        with pytest.raises(Http404):
            get_scoped_or_404(model, cast.leader, "view", pk=key)


def test_the_row_comes_back_whole(cast):
    case = Dispute.objects.get(title="宅基地边界之争")
    found = get_scoped_or_404(Dispute, cast.mediator_a1, "view", pk=str(case.pk))
    assert (found.number, found.region_id, found.registered_at) == (
        case.number,
        case.region_id,
        case.registered_at,
    )
    assert found.region.name == case.region.name
