"""The access matrix of the API, walked from its OpenAPI schema so that a new endpoint cannot be missed: without a
token 401; with a revoked or expired token 401; with a token of another organisation 404 (nothing of ours is
seen, and lists are empty); with a read-only token every write 403 and nothing changes."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone
from ninja import NinjaAPI

from accounts.api_tokens import create_token
from accounts.models import ApiToken
from questionnaire.api.main import api
from questionnaire.models import AnswerRevision, Assessment, GapItem, GapRevision

from .factories import completed, make_member

pytestmark = pytest.mark.django_db
WRITES = {"POST", "PUT", "PATCH", "DELETE"}
# writes a read-only token may make: asking for the report renders what it may already read
READ_SCOPE_POSTS = {("POST", "/api/v1/assessments/{assessment_id}/report")}
PUBLIC = {("POST", "/api/v1/assess")}


def operations():
    schema = NinjaAPI.get_openapi_schema(api, path_prefix="/api/v1")  # without the examples (read from the database)
    return [(method.upper(), path, op) for path, item in schema["paths"].items() for method, op in item.items()]


def test_every_operation_needs_a_token_but_assess():
    open_ones = {(m, p) for m, p, op in operations() if not op.get("security")}
    assert open_ones == PUBLIC


@pytest.fixture
def world(django_user_model, published, queued_renders):
    owner, organisation = make_member(django_user_model, "alice")
    organisation.name_confirmed = True
    organisation.save()
    assessment = completed(organisation, owner, "T06")
    mallory, other = make_member(django_user_model, "mallory")
    return {
        "assessment": assessment,
        "owner": owner,
        "organisation": organisation,
        "kwargs": {"assessment_id": str(assessment.pk), "model_id": str(assessment.ai_model_id), "section": "role",
                   "measure": "TR-1.1"},
        "read": create_token(organisation, name="read", scope="read", days=30, user=owner)[1],
        "other": create_token(other, name="theirs", scope="write", days=365, user=mallory)[1],
    }


BODIES = {"PUT": {"revision": 0, "answers": {}}, "PATCH": {"revision": 0, "notes": "x"},
          "POST": {"model_name": "Sneaky"}}


def call(client, method, path, kwargs, secret=None):
    url = path.format(**kwargs)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"} if secret else {}
    if method == "GET":
        return client.get(url, **headers)
    body = json.dumps(BODIES.get(method, {}))
    return getattr(client, method.lower())(url, data=body, content_type="application/json", **headers)


def state(assessment):
    return (Assessment.objects.filter(organisation=assessment.organisation_id).count(),
            AnswerRevision.objects.filter(assessment__organisation=assessment.organisation_id).count(),
            GapRevision.objects.count(),
            sorted(GapItem.objects.filter(assessment=assessment).values_list("measure", "revision")))


@pytest.mark.parametrize(("method", "path"), [(m, p) for m, p, _ in operations() if (m, p) not in PUBLIC])
def test_the_api_access_matrix(client, world, method, path):
    kwargs = world["kwargs"]
    before = state(world["assessment"])
    no_token = call(client, method, path, kwargs)
    assert no_token.status_code == 401 and no_token["Content-Type"] == "application/problem+json"
    assert "Bearer" in no_token["WWW-Authenticate"]
    other = call(client, method, path, kwargs, world["other"])
    if "{" in path:
        assert other.status_code == 404, (method, path, other.content[:200])
    elif method == "GET":
        assert other.status_code == 200 and other.json()["count"] == 0, (method, path)
    assert state(world["assessment"]) == before
    if method in WRITES and (method, path) not in READ_SCOPE_POSTS:
        refused = call(client, method, path, kwargs, world["read"])
        assert refused.status_code == 403, (method, path, refused.content[:200])
        assert refused["Content-Type"] == "application/problem+json"
        assert state(world["assessment"]) == before
    else:
        assert call(client, method, path, kwargs, world["read"]).status_code in (200, 202, 404), (method, path)
    for token in ApiToken.objects.filter(name="read"):
        token.revoked_at = timezone.now()
        token.save()
    assert call(client, method, path, kwargs, world["read"]).status_code == 401
    ApiToken.objects.filter(name="read").update(revoked_at=None, expires_at=timezone.now() - dt.timedelta(seconds=1))
    expired = call(client, method, path, kwargs, world["read"])
    assert expired.status_code == 401 and "expired" in expired.json()["detail"]


@pytest.mark.parametrize("header", ["Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer gpai_" + "x" * 500,
                                    "Bearer nonsense", "Token abc"])
def test_malformed_authorization_is_401(client, published, header):
    response = client.get("/api/v1/models", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401 and response["Content-Type"] == "application/problem+json"
