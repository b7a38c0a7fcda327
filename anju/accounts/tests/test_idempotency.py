"""A phone that loses its connection sends the same request again with the same Idempotency-Key:
it must get the first answer, and never a second case."""

import datetime as dt

from anju.accounts.models import IdempotencyRecord
from anju.disputes.models import Dispute
from anju.disputes.tests.factories import new_case, post

KEY = {"Idempotency-Key": "phone-7-0002"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
STILL_RUNNING = "使用此 Idempotency-Key 的第一个请求仍在处理中。"


def test_the_retry_gets_the_first_answer_whole(client_for):
    client = client_for("grid_a1")
    first = post(client, "/api/disputes", new_case(), **KEY)
    again = post(client, "/api/disputes", new_case(), **KEY)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert IdempotencyRecord.objects.get(key=KEY["Idempotency-Key"]).status == 201


def test_a_refused_request_frees_its_key_for_the_corrected_one(client_for):
    client = client_for("grid_a1")
    wrong_id = [{"role": "applicant", "name": "李某", "id_number": "110105194912310022"}]
    bad = post(client, "/api/disputes", new_case(parties=wrong_id), **KEY)
    assert bad.status_code == 400 and "parties.0.id_number" in bad.json()["errors"]
    assert not IdempotencyRecord.objects.filter(key=KEY["Idempotency-Key"]).exists()
    good = post(client, "/api/disputes", new_case(), **KEY)
    assert good.status_code == 201


def test_a_copy_arriving_while_the_first_runs_is_told_to_wait(client_for):
    client = client_for("grid_a1")
    assert post(client, "/api/disputes", new_case(), **KEY).status_code == 201
    # As the claim looks while the first copy is still working.
    claim = IdempotencyRecord.objects.get(key=KEY["Idempotency-Key"])
    IdempotencyRecord.objects.filter(pk=claim.pk).update(status=0, body={})
    response = post(client, "/api/disputes", new_case(), **KEY)
    assert response.status_code == 409 and response.json()["description"] == STILL_RUNNING
    english = client.post("/api/disputes", new_case(), content_type="application/json", headers=KEY, **EN)
    assert english.status_code == 409
    assert english.json()["description"] == "The first request with this Idempotency-Key is still running."
    assert Dispute.objects.filter(title=new_case()["title"]).count() == 1


def test_keys_belong_to_their_caller_and_have_a_length_limit(client_for):
    assert post(client_for("grid_a1"), "/api/disputes", new_case(), **KEY).status_code == 201
    other = post(client_for("mediator_a1"), "/api/disputes", new_case(check_duplicates=False), **KEY)
    assert other.status_code == 201
    assert Dispute.objects.filter(title=new_case()["title"]).count() == 2
    long_key = post(client_for("grid_a1"), "/api/disputes", new_case(), **{"Idempotency-Key": "k" * 101})
    assert long_key.json() == {"code": 400, "description": "Idempotency-Key 超过 100 个字符。"}
    long_key = client_for("grid_a1").post(
        "/api/disputes",
        new_case(),
        content_type="application/json",
        headers={"Idempotency-Key": "k" * 101},
        **EN,
    )
    assert long_key.json() == {
        "code": 400,
        "description": "The Idempotency-Key is longer than 100 characters.",
    }


def test_a_key_reused_for_another_request_is_refused_in_the_callers_language(client_for):
    client = client_for("grid_a1")
    assert post(client, "/api/disputes", new_case(), **KEY).status_code == 201
    other = new_case(title="另一件事")
    chinese = post(client, "/api/disputes", other, **KEY)
    assert chinese.json() == {"code": 422, "description": "此 Idempotency-Key 已用于另一个请求。"}
    english = client.post("/api/disputes", other, content_type="application/json", headers=KEY, **EN)
    assert english.json() == {
        "code": 422,
        "description": "This Idempotency-Key was used for a different request.",
    }


def stale(monkeypatch, **fields):
    """Make the one claim look like a request whose worker was killed before it answered."""
    from anju.accounts import idempotency

    monkeypatch.setattr(idempotency, "STALE_AFTER", dt.timedelta(0))
    IdempotencyRecord.objects.filter(key=KEY["Idempotency-Key"]).update(status=0, body={}, **fields)


def test_a_request_killed_after_its_work_committed_is_answered_from_the_audit_trail(client_for, monkeypatch):
    client = client_for("grid_a1")
    first = post(client, "/api/disputes", new_case(), **KEY)
    stale(monkeypatch)
    again = post(client, "/api/disputes", new_case(), **KEY)
    assert again.status_code == 201 and again.json()["number"] == first.json()["number"]
    assert Dispute.objects.filter(title=new_case()["title"]).count() == 1
    assert IdempotencyRecord.objects.get(key=KEY["Idempotency-Key"]).status == 201


def test_a_request_killed_before_its_work_committed_is_taken_over(client_for, monkeypatch):
    client = client_for("grid_a1")
    post(client, "/api/disputes", new_case(check_duplicates=False), **KEY)
    stale(monkeypatch, request_id="killed-before-commit")  # no audit row names this request
    again = post(client, "/api/disputes", new_case(check_duplicates=False), **KEY)
    assert again.status_code == 201
    claim = IdempotencyRecord.objects.get(key=KEY["Idempotency-Key"])
    assert claim.status == 201 and claim.request_id not in {"", "killed-before-commit"}
    assert post(client, "/api/disputes", new_case(check_duplicates=False), **KEY).json() == again.json()


def test_a_killed_request_with_no_trail_is_not_done_twice(client_for, monkeypatch):
    client = client_for("grid_a1")
    post(client, "/api/disputes", new_case(), **KEY)
    stale(monkeypatch, request_id="")  # a claim kept before request ids were
    again = post(client, "/api/disputes", new_case(), **KEY)
    assert again.status_code == 409
    assert again.json()["description"] == (
        "使用此 Idempotency-Key 的第一个请求中断且未得到答复，可能已经完成；"
        "请先查找其结果，再换用新的 Key 重新发送。"
    )
    english = client.post("/api/disputes", new_case(), content_type="application/json", headers=KEY, **EN)
    assert english.status_code == 409
    assert english.json()["description"] == (
        "The first request with this Idempotency-Key stopped unanswered and may have finished; "
        "look for its result before sending it again with a new key."
    )
    assert Dispute.objects.filter(title=new_case()["title"]).count() == 1


def test_of_two_retries_taking_over_a_killed_request_one_does_the_work(client_for, monkeypatch):
    from django.utils import timezone

    from anju.accounts import idempotency

    client = client_for("grid_a1")
    post(client, "/api/disputes", new_case(check_duplicates=False), **KEY)
    stale(monkeypatch, request_id="killed-before-commit")

    def other_retry_first(claim):  # the other retry takes the claim between our read and our update
        IdempotencyRecord.objects.filter(pk=claim.pk).update(created_at=timezone.now(), request_id="other")

    monkeypatch.setattr(idempotency, "_work_of", other_retry_first)
    again = post(client, "/api/disputes", new_case(check_duplicates=False), **KEY)
    assert again.status_code == 409 and again.json()["description"] == STILL_RUNNING
    assert Dispute.objects.filter(title=new_case()["title"]).count() == 1
