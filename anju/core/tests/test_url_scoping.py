"""Every URL the project defines, run against the whole cast with township A's objects.

Generated from the URL list: a new page or endpoint is covered the moment it is wired, and fails
here until it declares who it is for. Outsiders (township B's officer and administrator, the
no-role user) must get 403/404 for A's objects and must find none of A's names in any list."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.urls import reverse

from anju.accounts.choices import ROLE_PERMS
from anju.accounts.models import RoleAssignment
from anju.core.urlwalk import MISSING, Endpoint, access_rule, endpoints, post_only
from anju.demo import testing

ALL_ENDPOINTS = [e for e in endpoints() if e.name and not e.name.endswith(":")]
APP_ENDPOINTS = [e for e in ALL_ENDPOINTS if not e.is_admin]
ADMIN_ENDPOINTS = [e for e in ALL_ENDPOINTS if e.is_admin]
OUTSIDERS = ["officer_b", "admin_b", "norole"]
# Kwargs that name a format or a page, not an object: such URLs are lists.
# A calendar day is county-wide, not township A's; an alert topic names a group of the caller's own.
NOT_OBJECTS = {"fmt", "day", "topic"}
# The region that every object used to fill a URL belongs to.
OBJECT_REGION = testing.VILLAGE_A1


def fill(endpoint: Endpoint, cast) -> str:
    mediator = cast.user("mediator_a1")
    dispute = cast.dispute()
    tip = cast.tip()
    event = cast.event()
    values = {
        "tip_id": tip.pk,
        "tip_alert_id": tip.alerts.first().pk,
        "tip_extension_id": tip.extensions.first().pk,
        "tip_attachment_id": tip.attachments.first().pk,
        "batch_id": tip.batch_id,
        "dispute_id": dispute.pk,
        "event_id": event.pk,
        "photo_id": event.photos.first().pk,
        "event_extension_id": event.extensions.first().pk,
        "event_alert_id": event.alerts.first().pk,
        "party_id": dispute.parties.first().pk,
        "alert_id": dispute.alerts.first().pk,
        "extension_id": dispute.extensions.first().pk,
        "attachment_id": dispute.attachments.first().pk,
        "action": "accept",
        "document": "registration",
        "day": "2030-02-04",
        "code": testing.VILLAGE_A1,
        "neighbour": testing.VILLAGE_A2,
        "user_id": mediator.pk,
        "assignment_id": RoleAssignment.objects.get(user=mediator).pk,
        # Made before every URL, so the device lists have a township-A device an outsider must not see.
        "token_id": _township_a_device(mediator).pk,
        "fmt": "csv",
        "topic": "risk",
        **_supervision(cast),
    }
    if {"template_id", "issued_id"} & set(endpoint.kwargs):  # issuing a report costs: only when asked
        values.update(_work_reports())
    unknown = [k for k in endpoint.kwargs if k not in values]
    assert not unknown, f"{endpoint.name}: teach this test which township-A object fills {unknown}"
    return reverse(endpoint.name, kwargs={k: values[k] for k in endpoint.kwargs})


def _supervision(cast) -> dict:
    task, meeting = cast.task(), cast.meeting()
    return {
        "task_id": task.pk,
        "task_file_id": task.attachments.first().pk,
        "task_alert_id": task.alerts.first().pk,
        "task_extension_id": task.extensions.first().pk,
        "meeting_id": meeting.pk,
        "meeting_file_id": meeting.files.first().pk,
        "matter_report_id": cast.report().pk,
        "document_review_id": cast.review().pk,
        "report_file_id": cast.report().files.first().pk,
        "activity_id": cast.activity().pk,
        "activity_file_id": cast.activity().files.first().pk,
        "rectification_id": cast.rectification().pk,
    }


def _work_reports() -> dict:
    from anju.reports.tests.factories import issued_in, template_in

    return {"template_id": template_in(OBJECT_REGION).pk, "issued_id": issued_in(OBJECT_REGION).pk}


def _township_a_device(mediator):
    from anju.accounts.models import ApiToken
    from anju.accounts.tokens import create_token
    from anju.core.scoping import SYSTEM

    device = ApiToken.objects.filter(user=mediator).first()
    if device is None:
        create_token(SYSTEM, mediator, "甲调解员的手机")
        device = ApiToken.objects.get(user=mediator)
    return device


def member_perms(name: str) -> set[str]:
    _full, role, _region = testing.MEMBERS[name]
    return set(ROLE_PERMS.get(role, ())) if role else set()


def member_covers(name: str, code: str) -> bool:
    _full, role, region = testing.MEMBERS[name]
    return bool(role) and code.startswith(region)


def expected_get(endpoint: Endpoint, member: str, rule) -> set[int]:
    # A POST-only action answers GET with "method not allowed" before it looks at anything, which
    # tells nobody anything; its POST is checked below. Any other URL owes a real answer.
    if post_only(endpoint):
        return {405}
    if rule == "public":
        return {200, 302, 404}  # sign-in redirects signed-in users; the API root is a 404
    if rule == "":
        return {200}
    if rule not in member_perms(member):
        return {403}
    is_object = any(k not in NOT_OBJECTS for k in endpoint.kwargs)
    if is_object and not member_covers(member, OBJECT_REGION):
        return {404}
    if not is_object:
        return {200, 422}  # 422: an endpoint that needs query parameters (a deadline calculation)
    return {200}


@pytest.mark.parametrize("endpoint", APP_ENDPOINTS, ids=lambda e: e.name)
def test_every_endpoint_declares_who_it_is_for(endpoint):
    rule = access_rule(endpoint)
    assert rule is not MISSING, (
        f"{endpoint.name} ({endpoint.route}) declares nobody: wrap it in public, signed_in or "
        "role_required(perm), or give the API operation auth=perm_auth(perm)"
    )


@pytest.mark.parametrize("endpoint", APP_ENDPOINTS, ids=lambda e: e.name)
def test_signed_out_callers_get_nothing(client, cast, endpoint):
    rule = access_rule(endpoint)
    if rule == "public":
        return
    response = client.get(fill(endpoint, cast))
    if post_only(endpoint):
        assert response.status_code == 405
    elif endpoint.is_api and response.status_code != 302:  # the API's docs pages redirect to sign-in
        assert response.status_code == 401, response.content[:200]
    else:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    assert not testing.a_markers_in(_body(response))


# A URL that offers no GET (a POST-only API path) has its POST checked below instead.
GET_ENDPOINTS = [e for e in APP_ENDPOINTS if access_rule(e) is not None]


@pytest.mark.parametrize("member", list(testing.MEMBERS))
@pytest.mark.parametrize("endpoint", GET_ENDPOINTS, ids=lambda e: e.name)
def test_get_as_each_cast_member(client_for, cast, endpoint, member):
    rule = access_rule(endpoint)
    response = client_for(member).get(fill(endpoint, cast))
    expected = expected_get(endpoint, member, rule)
    assert response.status_code in expected, (
        f"{member} GET {endpoint.name}: {response.status_code}, expected {sorted(expected)}"
    )
    if member in OUTSIDERS:
        assert not testing.a_markers_in(_body(response)), (
            f"{member} sees township A's data on {endpoint.name}"
        )


@pytest.mark.parametrize("member", OUTSIDERS)
@pytest.mark.parametrize(
    "endpoint",
    [e for e in APP_ENDPOINTS if any(k not in NOT_OBJECTS for k in e.kwargs)],
    ids=lambda e: e.name,
)
@pytest.mark.parametrize("method", ["post", "patch"])
def test_outsiders_cannot_write_township_a_objects(client_for, cast, endpoint, member, method):
    url = fill(endpoint, cast)
    before = _state()
    data = {"name": "改名", "active": "0", "neighbour_code": testing.VILLAGE_B1, "households": 1}
    if endpoint.is_api:
        response = getattr(client_for(member), method)(url, data=data, content_type="application/json")
    elif method == "post":
        response = client_for(member).post(url, data=data)
    else:
        body = urlencode(data)
        response = client_for(member).patch(url, data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code in {400, 403, 404, 405, 422}, (
        f"{member} {method} {endpoint.name}: {response.status_code}"
    )
    assert _state() == before, f"{member} changed township A's data through {endpoint.name}"


def _state():
    from anju.accounts.models import ApiToken, User
    from anju.regions.models import Region, RegionBorder

    return (
        list(Region.objects.order_by("code").values_list("code", "name", "households", "retired_on")),
        list(RegionBorder.objects.order_by("pk").values_list("region_id", "neighbour_code")),
        list(RoleAssignment.objects.order_by("pk").values_list("user_id", "role", "region_id")),
        list(User.objects.order_by("pk").values_list("username", "is_active")),
        list(ApiToken.objects.order_by("pk").values_list("user_id", "revoked_at")),
    )


ADMIN_OBJECTS = {
    "regions_region": lambda cast: testing.VILLAGE_A1,
    "regions_regionborder": lambda cast: cast.region(testing.VILLAGE_A1).borders.first().pk,
    "accounts_user": lambda cast: cast.user("mediator_a1").pk,
    "accounts_roleassignment": lambda cast: RoleAssignment.objects.get(user=cast.user("mediator_a1")).pk,
    "disputes_subtype": lambda cast: _subtype_pk(),
    "disputes_categoryname": lambda cast: _category_name_pk(),
    # The event catalogue is county-wide configuration, like the subtypes.
    "events_eventclass": lambda cast: _first_pk("events", "EventClass"),
    "events_eventtype": lambda cast: _first_pk("events", "EventType"),
    "events_routingrule": lambda cast: _routing_rule_pk(),
    "notify_delivery": lambda cast: _delivery_pk(cast),
    # Open311 keys are county-wide, kept by county administrators.
    "open311_apikey": lambda cast: _open311_key_pk(cast),
    # The township assessment's weights: one scheme for the installation.
    "reports_assessmentscheme": lambda cast: _assessment_scheme_pk(),
}


def _assessment_scheme_pk() -> int:
    from anju.reports.models import AssessmentScheme

    return AssessmentScheme.objects.get_or_create(pk=1)[0].pk


def _open311_key_pk(cast) -> int:
    from anju.open311 import keys

    key, _secret = keys.create_key(
        cast.user("admin"), name="县便民小程序", channel="resident", account=cast.user("leader")
    )
    return key.pk


def _first_pk(app: str, model: str) -> int:
    from django.apps import apps

    return apps.get_model(app, model).objects.order_by("pk").first().pk


def _routing_rule_pk() -> int:
    from anju.events.models import EventType, RoutingRule

    rule, _made = RoutingRule.objects.get_or_create(
        event_type=EventType.objects.get(code="road-damage"),
        region_id=testing.COUNTY,
        defaults={"level": "county"},
    )
    return rule.pk


def _body(response) -> bytes:
    """A page's bytes; exports are streamed."""
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def _delivery_pk(cast) -> int:
    from anju.notify.models import Delivery

    row = Delivery.objects.create(
        channel="wecom", unit_code=testing.VILLAGE_A1, case_number="X-1", topic="urging", text="x"
    )
    return row.pk


def _category_name_pk() -> int:
    from anju.disputes.models import CategoryName

    return CategoryName.objects.get_or_create(name="民间借贷", defaults={"category": "contract"})[0].pk


def _subtype_pk() -> int:
    from anju.disputes.models import Subtype

    return Subtype.objects.order_by("pk").first().pk


def fill_admin(endpoint: Endpoint, cast) -> str | None:
    kwargs = {}
    for key in endpoint.kwargs:
        if key == "object_id":
            model = endpoint.name.split(":")[1].rsplit("_", 1)[0]
            assert model in ADMIN_OBJECTS, f"{endpoint.name}: teach this test which township-A object to open"
            kwargs[key] = ADMIN_OBJECTS[model](cast)
        elif key == "app_label":
            kwargs[key] = "regions"
        else:
            return None  # view_on_site and the catch-all take no object of ours
    return reverse(endpoint.name, kwargs=kwargs)


@pytest.mark.parametrize("member", list(testing.MEMBERS))
@pytest.mark.parametrize("endpoint", ADMIN_ENDPOINTS, ids=lambda e: e.name)
def test_admin_is_for_administrators_and_scoped(client_for, cast, endpoint, member):
    url = fill_admin(endpoint, cast)
    if url is None or endpoint.name in {"admin:logout", "admin:login", "admin:jsi18n"}:
        return
    response = client_for(member).get(url)
    if "user.manage" not in member_perms(member):
        assert response.status_code in {302, 403, 404}
        if response.status_code == 302:
            assert response["Location"].startswith(("/accounts/login/", "/admin/login/"))
    elif member_covers(member, OBJECT_REGION):
        allowed = {200, 403} if endpoint.name.endswith(("_add", "_delete")) else {200}
        if endpoint.name.endswith(
            ("_add", "_delete", "password_change", "password_change_done", "autocomplete")
        ):
            allowed |= {403, 302}
        assert response.status_code in allowed, f"{member} {endpoint.name}: {response.status_code}"
    else:
        # Another township's administrator: A's objects are not found, lists do not show them.
        assert response.status_code in {200, 302, 403, 404}
    if member in OUTSIDERS:
        assert not testing.a_markers_in(_body(response)), (
            f"{member} sees township A's data on {endpoint.name}"
        )


def _faulty(name: str) -> Endpoint:
    return next(e for e in endpoints() if e.name == name)


@pytest.mark.urls("anju.core.tests.leaky_urls")
def test_the_walker_catches_a_view_that_forgot_visible_to(client_for, cast):
    endpoint = _faulty("leaky")
    rule = access_rule(endpoint)
    assert rule == "region.view"
    response = client_for("officer_b").get(fill(endpoint, cast))
    assert response.status_code not in expected_get(endpoint, "officer_b", rule)
    assert testing.a_markers_in(_body(response)) == ["甲一村"]


@pytest.mark.urls("anju.core.tests.leaky_urls")
def test_the_walker_catches_a_page_that_answers_get_with_405(client_for, cast):
    endpoint = _faulty("refuses_get")
    rule = access_rule(endpoint)
    response = client_for("officer_a").get(fill(endpoint, cast))
    assert response.status_code == 405
    assert response.status_code not in expected_get(endpoint, "officer_a", rule)
    # The same refusal from a page marked post_only is its answer, so the mark is what tells them apart.
    endpoint = _faulty("acts")
    response = client_for("officer_a").get(fill(endpoint, cast))
    assert response.status_code == 405
    assert response.status_code in expected_get(endpoint, "officer_a", access_rule(endpoint))
