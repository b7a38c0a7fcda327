"""The duplicate search at registration compares phones and ID numbers with the cases on file. A
guessed number must never get another answer than a refusal would, every match is an access to
personal data on record, and a person may search only so often (issue 11, item 1)."""

import pytest
from django.test import override_settings

from anju.audit.models import AccessRecord, AuditEvent
from anju.demo import testing
from anju.regions.models import Region

from .factories import new_case, post

pytestmark = pytest.mark.django_db

KNOWN = {"role": "applicant", "name": "猜测", "phone": testing.PARTY_PHONE}  # the cast party's phone
GUESS = {"role": "applicant", "name": "猜测", "phone": "13800000009"}


def retired_village() -> str:
    import datetime as dt

    Region.objects.create(
        code="629902100203",
        name="甲三村",
        level="village",
        parent_id=testing.TOWNSHIP_A,
        retired_on=dt.date(2020, 1, 1),
    )
    return "629902100203"


@pytest.mark.parametrize("party", [KNOWN, GUESS])
def test_a_registration_refused_for_another_reason_says_nothing_of_duplicates(client_for, cast, party):
    # Before the fix a right guess answered 409 listing the case and a wrong one 400.
    region = retired_village()
    answer = post(client_for("officer_a"), "/api/disputes", new_case(region=region, parties=[party]))
    assert answer.status_code == 400
    assert "duplicates" not in answer.json() and "region" in answer.json()["errors"]
    assert not AccessRecord.objects.exists()


def test_a_match_on_a_phone_is_an_access_on_record(client_for, cast):
    answer = post(client_for("officer_a"), "/api/disputes", new_case(parties=[KNOWN]))
    assert answer.status_code == 409
    assert [d["title"] for d in answer.json()["duplicates"]] == [testing.DISPUTE_TITLE]
    access = AccessRecord.objects.get()
    party = cast.dispute().parties.get(phone=testing.PARTY_PHONE)
    assert (access.actor.username, access.object_id, access.field) == ("officer_a", str(party.pk), "phone")
    assert "查重" in access.purpose
    search = AuditEvent.objects.get(action="dispute.duplicate_search")
    assert search.actor_username == "officer_a" and search.after["personal_matches"] == 1
    # A search that matches no one's number reads no personal data: a search row, no access.
    assert post(client_for("officer_a"), "/api/disputes", new_case(parties=[GUESS])).status_code == 201
    assert AccessRecord.objects.count() == 1
    assert AuditEvent.objects.filter(action="dispute.duplicate_search").count() == 2


@override_settings(ANJU_DUPLICATE_SEARCHES_PER_HOUR=2)
def test_searches_are_limited_per_person_and_hour_and_the_refusal_is_on_record(client_for, cast):
    client = client_for("mediator_a1")
    for _ in range(2):
        assert post(client, "/api/disputes", new_case(parties=[GUESS])).status_code in (201, 409)
    accesses = AccessRecord.objects.count()
    refused = post(client, "/api/disputes", new_case(parties=[KNOWN]))
    assert refused.status_code == 429
    assert "1 小时" in refused.json()["description"] or "一小时" in refused.json()["description"]
    assert AuditEvent.objects.filter(action="dispute.duplicate_search", result="refused").count() == 1
    assert AccessRecord.objects.count() == accesses  # the refused search read nothing
    # Registering without the search still works, and another person's searches are their own.
    assert post(client, "/api/disputes", new_case(parties=[KNOWN], check_duplicates=False)).status_code == 201
    assert post(client_for("officer_a"), "/api/disputes", new_case(parties=[GUESS])).status_code == 409


@override_settings(ANJU_DUPLICATE_SEARCHES_PER_HOUR=1)
def test_the_page_says_the_limit_too(client_for, cast):
    client = client_for("mediator_a1")
    form = {
        "region": testing.VILLAGE_A1,
        "channel": "walk_in",
        "category": "neighbour",
        "title": "又一件",
        "description": "又一件",
        "risk": "general",
        "people_involved": 2,
        "parties-TOTAL_FORMS": 1,
        "parties-INITIAL_FORMS": 0,
        "parties-0-kind": "person",
        "parties-0-role": "applicant",
        "parties-0-name": "猜测",
        "parties-0-phone": "13800000009",
    }
    assert client.post("/disputes/new/", form).status_code == 302
    refused = client.post("/disputes/new/", {**form, "title": "再一件"})
    assert refused.status_code == 429
    assert "最多" in refused.content.decode()
