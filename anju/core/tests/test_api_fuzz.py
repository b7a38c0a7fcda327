"""The API against its own OpenAPI document: schemathesis generates requests for every operation
from the document, sends them with a device token of a cast member, and fails on any 5xx and on any
answer (status, content type, body) the document does not declare. A small, fixed budget: the same
requests every run, within a minute."""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from anju.accounts.choices import Role
from anju.accounts.models import RoleAssignment
from anju.accounts.tokens import create_token
from anju.api import api
from anju.demo import testing

schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
application = get_wsgi_application()
CHECKS = [
    schemathesis.checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def same_connection():
    # The requests go through the WSGI application, which closes the database connection at the start
    # and end of each request; inside the test's transaction (PostgreSQL) that would abandon it.
    # Django's test client keeps the connection the same way.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def token(cast, same_connection):
    # The county administrator (regions, people, calendar), here also a township officer and the
    # auditor, so the requests reach past the role gate of every operation: cases, reports, the log.
    RoleAssignment.objects.create(user=cast.admin, role=Role.TOWNSHIP_OFFICER, region_id=testing.TOWNSHIP_A)
    RoleAssignment.objects.create(user=cast.admin, role=Role.AUDITOR, region_id=testing.COUNTY)
    secret = testing.enrol_second_factor(cast.admin)  # an administrator's token needs the second factor
    return create_token(None, cast.admin, "fuzzer", second_factor_code=testing.totp_code(secret))


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=6,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_its_document_says(case, token):
    case.call_and_validate(app=application, headers=testing.bearer(token), checks=CHECKS)
