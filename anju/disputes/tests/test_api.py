"""A dispute from registration to resolution through the API, as a phone app would drive it."""

import datetime as dt

import pytest
from django.utils import timezone

from anju.audit.models import AccessRecord, AuditEvent
from anju.demo import testing
from anju.disputes.models import Alert, Dispute, Subtype

from .factories import new_case, post, registered, resolved, today

pytestmark = pytest.mark.django_db


def test_a_grid_worker_registers_a_dispute_in_the_grid(client_for):
    response = post(client_for("grid_a1"), "/api/disputes", new_case())
    assert response.status_code == 201, response.content
    case = response.json()
    year = timezone.localdate().year
    assert case["number"].startswith(f"629902-{year}-") and len(case["number"]) == 18
    assert case["status"] == "registered"
    assert (case["region"], case["handling_unit"], case["handling_level"]) == (
        testing.GRID_A1,
        testing.VILLAGE_A1,
        "village",
    )
    assert [p["phone"] for p in case["parties"]] == ["139****5678", "139****4321"]
    assert case["parties"][1]["id_number"] == "440524********0014"
    assert case["timeline"][0]["transition"] == "register"
    # the grid worker registers; the village's mediators accept and mediate
    assert case["allowed_actions"] == []


def test_numbers_count_up_per_county_and_year(client_for):
    client = client_for("mediator_a1")
    first = post(client, "/api/disputes", new_case(check_duplicates=False)).json()["number"]
    second = post(client, "/api/disputes", new_case(check_duplicates=False)).json()["number"]
    assert int(second[-6:]) == int(first[-6:]) + 1


def test_a_retry_with_the_same_idempotency_key_creates_one_case(client_for):
    client = client_for("grid_a1")
    first = post(client, "/api/disputes", new_case(), **{"Idempotency-Key": "phone-7-0001"})
    again = post(client, "/api/disputes", new_case(), **{"Idempotency-Key": "phone-7-0001"})
    assert first.status_code == again.status_code == 201
    assert first.json()["number"] == again.json()["number"]
    assert Dispute.objects.filter(title="排水沟堵塞引发邻里争吵").count() == 1
    other = post(client, "/api/disputes", new_case(title="另一件事"), **{"Idempotency-Key": "phone-7-0001"})
    assert other.status_code == 422


def test_possible_duplicates_are_shown_before_saving(client_for):
    client = client_for("mediator_a1")
    assert post(client, "/api/disputes", new_case()).status_code == 201
    same_party = post(client, "/api/disputes", new_case(title="又一次争吵"))
    assert same_party.status_code == 409
    assert same_party.json()["description"] == (
        "可能与已有案件重复：如仍要登记，请以 check_duplicates=false 重新提交。"
    )
    assert same_party.json()["duplicates"][0]["title"] == "排水沟堵塞引发邻里争吵"
    english = client.post(
        "/api/disputes",
        new_case(title="又一次争吵"),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert english.status_code == 409
    assert (
        english.json()["description"]
        == "Possible duplicates: send check_duplicates=false to register anyway."
    )
    assert (
        post(client, "/api/disputes", new_case(title="又一次争吵", check_duplicates=False)).status_code == 201
    )


def test_similar_description_in_the_same_village_is_a_possible_duplicate(client_for):
    client = client_for("mediator_a1")
    parties = [{"role": "applicant", "name": "王某"}]
    case = {**new_case(), "parties": parties, "category": "housing_homestead"}
    case["description"] = "两户因宅基地边界的院墙位置发生争执，双方互不相让。"
    response = post(client, "/api/disputes", case)
    assert response.status_code == 409
    assert response.json()["duplicates"][0]["title"] == testing.DISPUTE_TITLE


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (
            {"parties": [{"role": "applicant", "name": "李某", "id_number": "110105194912310021"}]},
            "parties.0.id_number",
        ),
        ({"parties": [{"role": "applicant", "name": "李某", "phone": "12345"}]}, "parties.0.phone"),
    ],
)
def test_bad_party_details_are_field_errors(client_for, change, field):
    response = post(client_for("mediator_a1"), "/api/disputes", new_case(**change))
    assert response.status_code == 400
    assert field in response.json()["errors"]


@pytest.mark.parametrize(
    "change",
    [
        {"category": "gossip"},
        {"parties": []},
        {"title": ""},
        {"amount": -5},
        {"latitude": 91},
        {"region": 12},
    ],
)
def test_malformed_requests_are_422(client_for, change):
    assert post(client_for("mediator_a1"), "/api/disputes", new_case(**change)).status_code == 422


def test_registering_outside_the_jurisdiction_is_a_404(client_for):
    assert post(client_for("officer_b"), "/api/disputes", new_case()).status_code == 404
    assert post(client_for("leader"), "/api/disputes", new_case()).status_code == 403  # leaders only read


def test_a_case_that_may_turn_criminal_alerts_township_and_county(client_for):
    case = post(
        client_for("grid_a1"), "/api/disputes", new_case(may_turn_criminal=True, check_duplicates=False)
    ).json()
    units = set(Alert.objects.filter(dispute_id=case["id"]).values_list("unit_id", flat=True))
    assert units == {testing.TOWNSHIP_A, testing.COUNTY}


def test_alerts_are_written_in_the_countys_language_whatever_the_callers(client_for):
    body = new_case(may_turn_criminal=True, risk="major", check_duplicates=False)
    case = post(client_for("grid_a1"), "/api/disputes", body, **{"Accept-Language": "en"}).json()
    assert case["risk"] == "major"
    reasons = set(Alert.objects.filter(dispute_id=case["id"]).values_list("reason", flat=True))
    assert reasons == {"【风险】可能激化为治安、刑事案件; 重大风险"}
    page = client_for("officer_a").get("/disputes/work/").content.decode()
    assert "可能激化为治安、刑事案件" in page


def test_only_mediators_of_the_handling_unit_can_be_named_on_accept(client_for, cast):
    from anju.accounts.choices import Role

    testing.add_staff("grid_village_a1", "甲一村网格员", Role.GRID_WORKER, testing.VILLAGE_A1)
    testing.add_staff("retired_a1", "已离职调解员", Role.MEDIATOR, testing.VILLAGE_A1, active=False)
    testing.add_staff("mediator_a2", "甲二村调解员", Role.MEDIATOR, testing.VILLAGE_A2)
    dispute = cast.dispute()
    url = f"/api/disputes/{dispute.pk}/accept"
    client = client_for("mediator_a1")
    # A grid worker handles cases in the village but is not a mediator; nor is someone who has left,
    # nor the next village's mediator.
    for username, full_name in [
        ("grid_village_a1", "甲一村网格员"),
        ("retired_a1", "已离职调解员"),
        ("mediator_a2", "甲二村调解员"),
    ]:
        refused = post(client, url, {"mediators": ["mediator_a1", username], "version": dispute.version})
        assert refused.status_code == 400, username
        [message] = refused.json()["errors"]["mediators"]
        assert message.startswith(f"{full_name} 不能调解 甲一村 ({testing.VILLAGE_A1}) 的案件"), message
    unknown = post(client, url, {"mediators": ["nobody_here"]})
    assert unknown.status_code == 400 and "nobody_here" in unknown.json()["errors"]["mediators"][0]
    dispute.refresh_from_db()
    assert dispute.status == "registered" and not dispute.mediators.exists()
    # The village's mediator and the township's officer above it both mediate.
    accepted = post(client, url, {"mediators": ["mediator_a1", "officer_a"], "version": dispute.version})
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert set(dispute.mediators.values_list("username", flat=True)) == {"mediator_a1", "officer_a"}


def test_from_registration_to_resolution(client_for, cast):
    mediator = client_for("mediator_a1")
    case, url = registered(mediator)
    accepted = post(
        mediator, f"{url}/accept", {"mediators": ["mediator_a1"], "version": case["version"]}
    ).json()
    assert accepted["status"] == "accepted" and accepted["due_at"]
    session = {
        "held_on": today(),
        "place": "村委会",
        "participants": "李某、张某",
        "record": "双方陈述",
        "outcome": "同意疏通",
    }
    assert post(mediator, f"{url}/sessions", session).json()["status"] == "mediating"
    agreement = {
        "kind": "written",
        "facts": "张家排水沟堵塞",
        "terms": "张家三日内疏通",
        "performance": "自行疏通",
        "signed_on": today(),
    }
    assert post(mediator, f"{url}/agreement", agreement).json()["status"] == "agreed"
    refused = post(mediator, f"{url}/resolve", {})
    assert refused.status_code == 400 and "至少" in refused.json()["errors"]["__all__"][0]
    post(mediator, f"{url}/visits", {"visited_on": today(), "performance": "performed"})
    resolved = post(mediator, f"{url}/resolve", {}).json()
    assert resolved["status"] == "resolved" and resolved["resolved_level"] == "village"
    transitions = [t["transition"] for t in resolved["timeline"]]
    assert transitions == [
        "register",
        "accept",
        "record_session",
        "record_agreement",
        "record_visit",
        "resolve",
    ]
    actions = set(AuditEvent.objects.filter(object_id=str(case["id"])).values_list("action", flat=True))
    assert {"dispute.register", "dispute.accept", "dispute.resolve"} <= actions


def test_escalation_moves_the_case_to_the_township(client_for):
    mediator = client_for("mediator_a1")
    case, url = registered(mediator)
    post(mediator, f"{url}/accept", {"mediators": ["mediator_a1"]})
    assert post(mediator, f"{url}/escalate", {"reason": ""}).status_code == 422
    up = post(mediator, f"{url}/escalate", {"reason": "涉及两村，村里调不了"}).json()
    assert (up["status"], up["handling_level"], up["handling_unit"]) == (
        "registered",
        "township",
        testing.TOWNSHIP_A,
    )
    assert Alert.objects.filter(dispute_id=case["id"], unit_id=testing.TOWNSHIP_A).exists()
    # the village mediator still reads the case but no longer handles it
    assert post(mediator, f"{url}/accept", {"mediators": ["mediator_a1"]}).status_code == 403
    officer = client_for("officer_a")
    assert post(officer, f"{url}/accept", {"mediators": ["officer_a"]}).json()["status"] == "accepted"


def test_a_stale_version_is_refused_with_a_clear_message(client_for):
    mediator = client_for("mediator_a1")
    case, url = registered(mediator)
    post(mediator, f"{url}/accept", {"mediators": ["mediator_a1"], "version": case["version"]})
    stale = post(mediator, f"{url}/escalate", {"reason": "x", "version": case["version"]})
    assert stale.status_code == 409 and "已被他人修改" in stale.json()["description"]
    assert Dispute.objects.get(pk=case["id"]).handling_level == "village"


def test_a_transition_from_the_wrong_status_is_a_400(client_for, cast):
    url = f"/api/disputes/{cast.dispute().pk}"
    response = post(client_for("mediator_a1"), f"{url}/resolve", {})
    assert response.status_code == 400
    assert "登记" in response.json()["errors"]["__all__"][0]


def test_failed_mediation_names_the_remaining_remedies(client_for):
    mediator = client_for("mediator_a1")
    case, url = registered(mediator)
    post(mediator, f"{url}/accept", {"mediators": ["mediator_a1"]})
    post(
        mediator,
        f"{url}/sessions",
        {"held_on": today(), "place": "村委会", "participants": "双方", "record": "分歧大"},
    )
    failed = post(
        mediator, f"{url}/failure", {"reason": "分歧过大", "remedies": ["court"], "notified_on": today()}
    )
    assert failed.json()["status"] == "failed"
    assert Dispute.objects.get(pk=case["id"]).failure_notice.remedy_labels() == ["向法院起诉"]


def test_transfer_out_needs_a_receipt(client_for):
    mediator = client_for("mediator_a1")
    case = post(mediator, "/api/disputes", new_case(check_duplicates=False)).json()
    url = f"/api/disputes/{case['id']}/transfer"
    bad = post(
        mediator, url, {"body": "police", "body_name": "派出所", "receipt_number": "", "received_on": today()}
    )
    assert bad.status_code == 422
    ok = post(
        mediator,
        url,
        {"body": "police", "body_name": "甲镇派出所", "receipt_number": "JS-0012", "received_on": today()},
    )
    assert ok.json()["status"] == "transferred"


def test_reopen_only_within_ninety_days(client_for, cast):
    dispute = resolved(cast.mediator_a1, cast.dispute())
    Dispute.objects.filter(pk=dispute.pk).update(resolved_at=timezone.now() - dt.timedelta(days=91))
    url = f"/api/disputes/{dispute.pk}/reopen"
    late = post(client_for("mediator_a1"), url, {"reason": "未履行"})
    assert late.status_code == 400 and "90" in late.json()["errors"]["__all__"][0]
    Dispute.objects.filter(pk=dispute.pk).update(resolved_at=timezone.now() - dt.timedelta(days=10))
    assert post(client_for("mediator_a1"), url, {"reason": "未履行"}).json()["status"] == "mediating"


def test_reveal_gives_the_full_number_and_is_logged(client_for, cast):
    dispute = cast.dispute()
    party = dispute.parties.get(name="甲当事人一")
    url = f"/api/disputes/{dispute.pk}/parties/{party.pk}/reveal"
    response = post(client_for("mediator_a1"), url, {"field": "phone", "purpose": "电话通知调解时间"})
    assert response.json() == {"value": testing.PARTY_PHONE}
    access = AccessRecord.objects.get()
    assert (access.actor.username, access.field, access.purpose) == (
        "mediator_a1",
        "phone",
        "电话通知调解时间",
    )
    assert post(client_for("leader"), url, {"field": "phone", "purpose": "看看"}).status_code == 403
    assert post(client_for("mediator_a1"), url, {"field": "religion", "purpose": "x"}).status_code == 422


def test_list_filters_and_keyset_pages(client_for):
    client = client_for("mediator_a1")
    for i in range(5):
        post(
            client,
            "/api/disputes",
            new_case(title=f"第{i}件", check_duplicates=False, risk="major" if i == 2 else "general"),
        )
    page1 = client.get("/api/disputes", {"limit": 4}).json()
    page2 = client.get("/api/disputes", {"limit": 4, "cursor": page1["next_cursor"]}).json()
    titles = [d["title"] for d in page1["items"] + page2["items"]]
    assert titles[:5] == ["第4件", "第3件", "第2件", "第1件", "第0件"] and len(titles) == 6
    assert page2["next_cursor"] is None
    major = client.get("/api/disputes", {"risk": "major"}).json()["items"]
    assert [d["title"] for d in major] == ["第2件"]
    assert client.get("/api/disputes", {"cursor": "garbage"}).status_code == 400
    assert client.get("/api/disputes", {"status": "nonsense"}).status_code == 422
    assert client_for("officer_b").get("/api/disputes").json()["items"] == []


def test_a_bad_list_query_is_explained_in_the_callers_language(client_for):
    client = client_for("mediator_a1")
    cursor = client.get("/api/disputes", {"cursor": "garbage"})
    assert cursor.status_code == 400
    assert cursor.json()["errors"] == {"query": ["此翻页游标不是服务器给出的，请从第一页重新开始。"]}
    cursor = client.get("/api/disputes", {"cursor": "garbage"}, HTTP_ACCEPT_LANGUAGE="en")
    assert cursor.json()["errors"] == {
        "query": ["This page cursor is not one the server gave out; start again from the first page."]
    }
    day = client.get("/api/disputes", {"date_from": "2024-02-30"})
    assert day.status_code == 400
    assert day.json()["errors"] == {"query": ["2024-02-30 不是日期（格式 YYYY-MM-DD）。"]}
    day = client.get("/api/disputes", {"date_to": "2024-02-30"}, HTTP_ACCEPT_LANGUAGE="en")
    assert day.json()["errors"] == {"query": ["2024-02-30 is not a date (YYYY-MM-DD)."]}


def test_device_tokens_work_and_can_be_revoked(client, cast):
    from anju.accounts.models import ApiToken
    from anju.accounts.tokens import create_token, revoke_token
    from anju.core.scoping import SYSTEM

    token = create_token(SYSTEM, cast.grid_a1, "网格员手机")
    assert post(client, "/api/disputes", new_case(), **testing.bearer(token)).status_code == 201
    assert client.get("/api/disputes", headers=testing.bearer("anju_wrong")).status_code == 401
    revoke_token(SYSTEM, ApiToken.objects.get())
    assert client.get("/api/disputes", headers=testing.bearer(token)).status_code == 401


def test_local_subtypes_count_under_their_category(client_for):
    client = client_for("mediator_a1")
    subtypes = {s["code"]: s["category"] for s in client.get("/api/disputes/subtypes").json()}
    assert subtypes["pasture_boundary"] == "forest_land" and subtypes["wage_arrears"] == "labour"
    wrong = post(client, "/api/disputes", new_case(subtype="pasture_boundary", category="labour"))
    assert wrong.status_code == 400
    assert wrong.json()["errors"]["subtype"] == ["草场边界 属于“山林土地”类。"]
    unknown = post(client, "/api/disputes", new_case(subtype="no_such_thing", category="labour"))
    assert unknown.status_code == 400
    assert unknown.json()["errors"]["subtype"] == ["未知的本地细分类型 no_such_thing。"]
    Subtype.objects.filter(code="wage_arrears").update(active=False)
    retired = post(client, "/api/disputes", new_case(subtype="wage_arrears", category="labour"))
    assert retired.status_code == 400
    assert retired.json()["errors"]["subtype"] == ["劳资（拖欠工资） 已停用。"]
    assert not Dispute.objects.filter(title=new_case()["title"]).exists()
    ok = post(
        client,
        "/api/disputes",
        new_case(subtype="pasture_boundary", category="forest_land", check_duplicates=False),
    )
    assert ok.status_code == 201
    assert Dispute.objects.get(pk=ok.json()["id"]).subtype.name == "草场边界"


def test_a_wrong_subtype_is_said_before_possible_duplicates(client_for):
    client = client_for("mediator_a1")
    assert post(client, "/api/disputes", new_case(check_duplicates=False)).status_code == 201
    wrong = post(client, "/api/disputes", new_case(subtype="pasture_boundary"))
    assert wrong.status_code == 400
    assert wrong.json()["errors"]["subtype"] == ["草场边界 属于“山林土地”类。"]


def test_the_timeline_carries_words_beside_its_codes(client_for):
    client = client_for("mediator_a1")
    _case, url = registered(client)
    entry = client.get(url).json()["timeline"][0]
    assert (entry["transition"], entry["to_status"]) == ("register", "registered")
    assert (entry["transition_label"], entry["to_status_label"]) == ("登记", "已登记")
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").json()["timeline"][0]
    assert (english["transition_label"], english["to_status_label"]) == ("Registered", "Registered")


def test_the_schema_documents_every_transition(client_for):
    from anju.disputes.api import TRANSITION_ENDPOINTS

    schema = client_for("mediator_a1").get("/api/openapi.json").json()
    for _name, path, *_rest in TRANSITION_ENDPOINTS:
        operation = schema["paths"][f"/api/disputes/{{dispute_id}}/{path}"]["post"]
        assert operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]


def test_a_county_department_is_not_a_place_to_register_a_dispute(client, cast):
    """Departments (县直部门) are units that cases are sent to: a dispute registered at one, through
    the API as through the form, is refused with a reason, and nothing is written."""
    from anju.accounts.choices import Role
    from anju.regions.models import Region

    Region.objects.create(code="629902501", name="县自然资源局", level="township", parent_id=testing.COUNTY)
    testing.add_staff("centre_county", "县中心值班员", Role.CENTRE_OPERATOR, testing.COUNTY)
    client.force_login(testing.User.objects.get(username="centre_county"))
    refused = post(client, "/api/disputes", new_case(region="629902501"))
    assert refused.status_code == 400
    reason = "县自然资源局 (629902501) 是县直部门，不是地点：请选择事情发生的地方。"
    assert refused.json()["errors"]["region"] == [reason]
    assert not Dispute.objects.filter(region_id="629902501").exists()
    form = client.get("/disputes/new/")
    assert form.status_code == 200 and "629902501" not in form.content.decode()
    assert post(client, "/api/disputes", new_case(region=testing.TOWNSHIP_A)).status_code == 201
