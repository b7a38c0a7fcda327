"""What the disputes tests share: a case as a phone registers it through the API, and the
mediation steps a test needs behind it when they are not what it checks."""

from __future__ import annotations

from django.utils import timezone

from anju.demo import testing
from anju.disputes import actions
from anju.disputes.models import Dispute


def today() -> str:
    return timezone.localdate().isoformat()


def new_case(**extra) -> dict:
    return {
        "region": testing.GRID_A1,
        "channel": "grid_visit",
        "category": "neighbour",
        "title": "排水沟堵塞引发邻里争吵",
        "description": "张家排水沟堵塞，雨水流入李家院内。",
        "parties": [
            {"role": "applicant", "name": "李某", "phone": "13912345678"},
            {"role": "respondent", "name": "张某", "phone": "13987654321", "id_number": "440524188001010014"},
        ],
        **extra,
    }


def post(client, url, data, **headers):
    return client.post(url, data, content_type="application/json", headers=headers)


def registered(client) -> tuple[dict, str]:
    """A new case registered through the API by `client`, and the URL its actions hang under."""
    case = post(client, "/api/disputes", new_case(check_duplicates=False)).json()
    return case, f"/api/disputes/{case['id']}"


def agreed(mediator, dispute: Dispute) -> Dispute:
    """An accepted case mediated to a written agreement signed today: one session, then the agreement."""
    day = timezone.localdate()
    actions.record_session(
        mediator, dispute, held_on=day, place="村委会", participants="双方", record_text="谈"
    )
    return actions.record_agreement(
        mediator, dispute, kind="written", facts="f", terms="t", performance="p", signed_on=day
    )


def resolved(mediator, dispute: Dispute) -> Dispute:
    """A registered case taken through accept, a session, an agreement and a visit to resolved."""
    actions.accept(mediator, dispute, mediators=[mediator])
    agreed(mediator, dispute)
    actions.record_visit(mediator, dispute, visited_on=timezone.localdate(), performance="performed")
    return actions.resolve(mediator, dispute)
