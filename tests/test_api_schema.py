"""Schemathesis against the API's own OpenAPI schema, in process (WSGI): every operation with generated valid and
invalid input (stateless), and sequences along the schema's links from a created assessment (stateful), with no
server error, no undocumented status, no wrong content type and no response outside its schema."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings

from accounts.api_tokens import create_token

from .factories import completed, make_member

pytestmark = pytest.mark.django_db
CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
]
EXAMPLES = 25  # per operation; enough to reach every documented answer, small enough for two shared cores


@pytest.fixture
def api_world(django_user_model, published, queued_renders, settings):
    settings.API_ASSESS_RATE = "100000/m"  # the limit has its own test; here it would only answer 429
    owner, organisation = make_member(django_user_model, "alice")
    organisation.name_confirmed = True
    organisation.save()
    assessment = completed(organisation, owner, "T06")
    secret = create_token(organisation, name="schemathesis", scope="write", days=30, user=owner)[1]
    return {"headers": {"Authorization": f"Bearer {secret}"}, "assessment": assessment}


@pytest.fixture
def api_schema(api_world):
    """The schema, read from the app in process. As Django's test client does, requests do not close the database
    connection (it holds the test's transaction)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_stateless(api_schema, api_world):
    """Each operation in turn (schemathesis' pytest plugin does not run under this pytest: its `_nodeid`)."""
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 14
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def run(case):
            case.call_and_validate(headers=api_world["headers"], checks=CHECKS)

        run()


def test_stateful_along_the_assessment_links(api_schema, api_world):
    machine = api_schema.as_state_machine()
    headers = api_world["headers"]

    class Flow(machine):
        def get_call_kwargs(self, case):
            return {"headers": headers}

        def validate_response(self, response, case, **kwargs):
            case.validate_response(response, checks=CHECKS)

    Flow.run(settings=settings(max_examples=15, stateful_step_count=6, deadline=None,
                               suppress_health_check=list(HealthCheck)))


def test_the_schema_has_links_for_the_assessment_flow(client, published):
    schema = client.get("/api/v1/openapi.json").json()
    created = schema["paths"]["/api/v1/assessments"]["post"]["responses"]["201"]
    assert {"AnswerSection", "Complete", "Result"} <= set(created["links"])
