"""The API (#30): POST /api/v1/assess is `manage.py assess` over HTTP; hostile bodies get 4xx problem+json naming
the field; organisation tokens (made and revoked by owners, shown once, stored hashed, every use audited); the
assessment flow over the token endpoints with the web's services, concurrency and pagination."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.api_tokens import create_token
from accounts.models import ApiToken, AuditEvent, Role
from questionnaire.models import Assessment, GapItem

from .conftest import public_scenarios
from .factories import SCENARIOS, completed
from .test_commands import assess as assess_command

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"


def post_json(client, url, body, **headers):
    data = body if isinstance(body, str | bytes) else json.dumps(body, default=str)
    return client.post(url, data=data, content_type="application/json", **headers)


def bearer(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


# ---------------------------------------------------------------- POST /api/v1/assess


@pytest.mark.parametrize("case", public_scenarios(), ids=lambda c: c["id"])
def test_assess_over_http_gives_what_the_command_prints(client, published, case, tmp_path):
    response = post_json(client, "/api/v1/assess", case["answers"])
    assert response.status_code == 200, response.content
    assert response.json() == assess_command(case["answers"], tmp_path=tmp_path)
    for key, expected in case["expected"].items():
        if key in ("classification", "role_outcome", "obligation_scope"):
            assert response.json()[key] == expected, key


def test_assess_needs_no_account_and_is_the_same_function_as_the_command():
    """One function, not a copy: the command and the endpoint both call engine.assess."""
    import inspect

    from questionnaire.api import assess as endpoint
    from questionnaire.management.commands import assess as command

    assert "assess(spec, raw" in inspect.getsource(command.Command.handle)
    assert endpoint.assess is command.assess


HOSTILE = [  # (name, body, status, the field the problem names)
    ("empty", "", 400, "(body)"),
    ("blank", "   \n", 400, "(body)"),
    ("not JSON", "role=developer", 400, "(body)"),
    ("truncated JSON", '{"role": "developer"', 400, "(body)"),
    ("not an object", "[1, 2]", 422, "(answers)"),
    ("a string", '"developer"', 422, "(answers)"),
    ("unknown code", '{"rol": "developer"}', 422, "rol"),
    ("value outside the choices", '{"role": "emperor"}', 422, "role"),
    ("wrong type", '{"generates_language": [true]}', 422, "generates_language"),
    ("overflowing float", '{"training_compute_flop": 1e999}', 422, "training_compute_flop"),
    ("overflowing FLOP text", '{"training_compute_flop": "9.9 × 10^999"}', 422, "training_compute_flop"),
    ("huge integer", '{"training_compute_flop": 1' + "0" * 5000 + "}", 400, "(body)"),
    ("negative FLOP", '{"training_compute_flop": -5}', 422, "training_compute_flop"),
    ("deep nesting", "[" * 100_000 + "]" * 100_000, 400, "(body)"),
    ("nesting within the parser's reach", '{"role": ' + "[" * 200 + "]" * 200 + "}", 400, "role" + "[0]" * 32),
    ("impossible date", '{"first_eu_placement_date": "2025-02-30"}', 422, "first_eu_placement_date"),
    ("date in another format", '{"first_eu_placement_date": "01/10/2025"}', 422, "first_eu_placement_date"),
    ("escaped NUL in a value", '{"role": "developer\\u0000"}', 400, "role"),
    ("escaped NUL in a key", '{"ro\\u0000le": "developer"}', 400, "(key)"),
    ("raw NUL byte", b'{"role": "dev\x00eloper"}', 400, "(body)"),
    ("not UTF-8", b'{"role": "d\xe9veloper"}', 400, "(body)"),
]


@pytest.mark.parametrize(("body", "status", "field"), [h[1:] for h in HOSTILE], ids=[h[0] for h in HOSTILE])
def test_hostile_bodies_get_4xx_problem_naming_the_field(client, published, body, status, field):
    response = post_json(client, "/api/v1/assess", body)
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == PROBLEM
    problem = response.json()
    assert problem["status"] == status and problem["title"]
    assert field in [e["field"] for e in problem["errors"]], problem


def test_a_body_larger_than_an_answer_set_is_refused(client, published):
    response = post_json(client, "/api/v1/assess", {"model_name": "x" * 300_000})
    assert response.status_code == 413 and response["Content-Type"] == PROBLEM


def test_a_nul_in_the_query_is_refused_as_a_problem(client, published):
    response = client.post("/api/v1/assess?x=%00", data="{}", content_type="application/json")
    assert response.status_code == 400 and response["Content-Type"] == PROBLEM


def test_assess_is_rate_limited_per_address(client, published, settings):
    settings.API_ASSESS_RATE = "3/m"
    for _ in range(3):
        assert post_json(client, "/api/v1/assess", {}, REMOTE_ADDR="192.0.2.1").status_code == 200
    refused = post_json(client, "/api/v1/assess", {}, REMOTE_ADDR="192.0.2.1")
    assert refused.status_code == 429 and refused["Content-Type"] == PROBLEM and int(refused["Retry-After"]) >= 1
    assert post_json(client, "/api/v1/assess", {}, REMOTE_ADDR="192.0.2.2").status_code == 200


def test_without_a_published_questionnaire_assess_answers_503(client, no_content):
    response = post_json(client, "/api/v1/assess", {})
    assert response.status_code == 503 and response["Content-Type"] == PROBLEM


# ---------------------------------------------------------------- tokens in the web app


def test_an_owner_makes_a_token_that_is_shown_once_and_stored_hashed(client, owner, organisation):
    client.force_login(owner)
    response = client.post(reverse("api_tokens"), {"name": "CI pipeline", "scope": "write", "days": "30"})
    assert response.status_code == 200
    secret = response.context["secret"]
    assert secret.startswith("gpai_") and len(secret) >= 40 and secret in response.content.decode()
    token = ApiToken.objects.get()
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    stored = json.dumps(list(ApiToken.objects.values()), default=str)
    assert secret not in stored and secret[len("gpai_"):][10:] not in stored
    assert dt.timedelta(days=29) < token.expires_at - timezone.now() <= dt.timedelta(days=30)
    assert token.scope == "write" and token.created_by == owner and token.organisation == organisation
    again = client.get(reverse("api_tokens")).content.decode()
    assert secret not in again and token.hint in again and "CI pipeline" in again
    assert AuditEvent.objects.filter(action="api_token_created", organisation=organisation).exists()


def test_the_tokens_page_asks_a_visitor_to_sign_in(client, published):
    for url in (reverse("api_tokens"), reverse("revoke_api_token")):
        response = client.post(url) if "revoke" in url else client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("member", ["editor", "viewer"])
def test_only_owners_make_and_revoke_tokens(client, owner, organisation, member, request):
    token, _ = create_token(organisation, name="GRC", scope="read", days=30, user=owner)
    client.force_login(request.getfixturevalue(member))
    assert client.get(reverse("api_tokens")).status_code == 200  # everyone sees the list
    assert client.post(reverse("api_tokens"), {"name": "x", "scope": "write", "days": "30"}).status_code == 403
    assert client.post(reverse("revoke_api_token"), {"token": str(token.pk)}).status_code == 403
    assert ApiToken.objects.count() == 1 and ApiToken.objects.get().revoked_at is None


def test_an_owner_revokes_a_token_and_it_stops_working(client, owner, organisation):
    token, secret = create_token(organisation, name="GRC", scope="read", days=30, user=owner)
    assert client.get("/api/v1/models", **bearer(secret)).status_code == 200
    client.force_login(owner)
    assert client.post(reverse("revoke_api_token"), {"token": str(token.pk)}).status_code == 302
    client.logout()
    refused = client.get("/api/v1/models", **bearer(secret))
    assert refused.status_code == 401 and "revoked" in refused.json()["detail"]
    assert AuditEvent.objects.filter(action="api_token_revoked").exists()


def test_a_token_of_another_organisation_cannot_be_revoked(client, owner, stranger):
    from accounts.models import Organisation

    other = Organisation.objects.get(name="Other Labs")
    token, _ = create_token(other, name="theirs", scope="read", days=30, user=stranger)
    client.force_login(owner)
    assert client.post(reverse("revoke_api_token"), {"token": str(token.pk)}).status_code == 404
    assert client.post(reverse("revoke_api_token"), {"token": "not-a-uuid"}).status_code == 404
    assert ApiToken.objects.get().revoked_at is None


@pytest.mark.parametrize("data", [
    {"name": "", "scope": "read", "days": "30"},
    {"name": "x" * 101, "scope": "read", "days": "30"},
    {"name": "ok", "scope": "admin", "days": "30"},
    {"name": "ok", "scope": "read", "days": "99999999999999999999"},
    {"name": "ok", "scope": "read", "days": "7"},
])
def test_a_bad_token_form_is_refused_at_the_field(client, owner, data):
    client.force_login(owner)
    response = client.post(reverse("api_tokens"), data)
    assert response.status_code == 400 and ApiToken.objects.count() == 0
    assert "There is a problem" in response.content.decode()


def test_every_use_is_recorded(client, owner, organisation):
    token, secret = create_token(organisation, name="GRC", scope="read", days=30, user=owner)
    assert "no-store" in client.get("/api/v1/models", **bearer(secret))["Cache-Control"]
    client.get("/api/v1/assessments", **bearer(secret))
    token.refresh_from_db()
    assert token.last_used_at is not None
    calls = AuditEvent.objects.filter(action="api_call", organisation=organisation)
    assert sorted(calls.values_list("target", flat=True)) == ["GET /api/v1/assessments", "GET /api/v1/models"]
    assert all(e.details["token"] == token.hint and e.user == owner for e in calls)
    client.get("/api/v1/models", **bearer(secret + "x"))  # unknown: not recorded (nobody fills the log from outside)
    assert not AuditEvent.objects.filter(action="api_token_refused").exists()
    token.revoked_at = timezone.now()
    token.save()
    client.get("/api/v1/models", **bearer(secret))
    refused = AuditEvent.objects.get(action="api_token_refused")
    assert refused.organisation == organisation and refused.details["token"] == token.hint


def test_a_token_stops_when_its_maker_leaves_and_reads_only_when_they_become_a_viewer(client, owner, organisation):
    from accounts.models import Membership

    _, secret = create_token(organisation, name="CI", scope="write", days=30, user=owner)
    body = {"model_name": "Atlas", "title": ""}
    Membership.objects.filter(user=owner).update(role=Role.VIEWER)
    assert post_json(client, "/api/v1/assessments", body, **bearer(secret)).status_code == 403
    Membership.objects.filter(user=owner).delete()
    assert client.get("/api/v1/models", **bearer(secret)).status_code == 401


# ---------------------------------------------------------------- the assessment flow


@pytest.fixture
def write_token(owner, organisation):
    return create_token(organisation, name="CI", scope="write", days=30, user=owner)[1]


def answer_until_complete(client, secret, assessment_id, answers):
    """Answer every section the API says is asked, with the scenario's answers, as a client would."""
    for _ in range(20):
        detail = client.get(f"/api/v1/assessments/{assessment_id}", **bearer(secret)).json()
        todo = [s for s in detail["sections"]
                if any(q in answers and detail["answers"].get(q) != answers[q] for q in s["questions"])]
        if not todo:
            return detail
        section = todo[0]
        sent = {q: answers[q] for q in section["questions"] if q in answers}
        response = client.put(f"/api/v1/assessments/{assessment_id}/sections/{section['code']}",
                              data=json.dumps({"revision": detail["revision"], "answers": sent}),
                              content_type="application/json", **bearer(secret))
        assert response.status_code == 200, response.content
    raise AssertionError("the sections never ended")


def wizard_answers(case_id):
    answers = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in SCENARIOS[case_id]["answers"].items()}
    return {k: (["none"] if k == "licence_disqualifying_restrictions" and v == [] else v) for k, v in answers.items()}


@pytest.mark.parametrize("case_id", ["T01", "T06"])
def test_create_answer_complete_amend_over_the_api(client, write_token, owner, case_id, tmp_path):
    created = post_json(client, "/api/v1/assessments", {"model_name": f"Model {case_id}", "title": "v1"},
                        **bearer(write_token))
    assert created.status_code == 201, created.content
    assessment_id = created.json()["id"]
    answers = wizard_answers(case_id)
    detail = answer_until_complete(client, write_token, assessment_id, answers)
    assert detail["missing_required"] == []
    done = post_json(client, f"/api/v1/assessments/{assessment_id}/complete", {"organisation_name": "Acme AI SE"},
                     **bearer(write_token))
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "completed" and done.json()["current"] is True
    result = client.get(f"/api/v1/assessments/{assessment_id}/result", **bearer(write_token)).json()
    expected = assess_command(SCENARIOS[case_id]["answers"], tmp_path=tmp_path)
    for key in ("classification", "role_outcome", "obligation_scope", "obligations", "code_measures"):
        assert result[key] == expected[key], key
    assert Assessment.objects.get(pk=assessment_id).completed_by == owner
    # a second completion changes nothing; answering a completed assessment is a conflict
    assert post_json(client, f"/api/v1/assessments/{assessment_id}/complete", {}, **bearer(write_token)).status_code \
        == 200
    frozen = client.put(f"/api/v1/assessments/{assessment_id}/sections/role", data=json.dumps(
        {"revision": 99, "answers": {}}), content_type="application/json", **bearer(write_token))
    assert frozen.status_code == 409
    amended = post_json(client, f"/api/v1/assessments/{assessment_id}/amend", {}, **bearer(write_token))
    assert amended.status_code == 201 and amended.json()["created"] is True
    assert amended.json()["assessment"]["amends"] == assessment_id
    again = post_json(client, f"/api/v1/assessments/{assessment_id}/amend", {}, **bearer(write_token))
    assert again.json()["created"] is False and again.json()["assessment"]["id"] == amended.json()["assessment"]["id"]


def test_completing_an_incomplete_assessment_names_what_is_missing(client, write_token, organisation):
    organisation.name_confirmed = True
    organisation.save()
    created = post_json(client, "/api/v1/assessments", {"model_name": "Atlas"}, **bearer(write_token)).json()
    response = post_json(client, f"/api/v1/assessments/{created['id']}/complete", {}, **bearer(write_token))
    assert response.status_code == 422 and response["Content-Type"] == PROBLEM
    assert "role" in [e["field"] for e in response.json()["errors"]]


def test_the_legal_name_is_asked_once_before_completing(client, write_token, organisation):
    organisation.name_confirmed = False
    organisation.save()
    created = post_json(client, "/api/v1/assessments", {"model_name": "Atlas"}, **bearer(write_token)).json()
    response = post_json(client, f"/api/v1/assessments/{created['id']}/complete", {}, **bearer(write_token))
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "organisation_name"


def test_section_answers_are_validated_as_the_wizard_validates(client, write_token):
    created = post_json(client, "/api/v1/assessments", {"model_name": "Atlas"}, **bearer(write_token)).json()
    section = created["sections"][0]["code"]
    url = f"/api/v1/assessments/{created['id']}/sections/{section}"

    def put(body):
        return client.put(url, data=json.dumps(body), content_type="application/json", **bearer(write_token))

    for body, field in [
        ({"revision": 0, "answers": {"role": "emperor"}}, "role"),
        ({"revision": 0, "answers": {"nope": 1}}, "nope"),
        ({"revision": 0, "answers": {"training_compute_flop": 5e24}}, "training_compute_flop"),  # not this section
        ({"revision": "x", "answers": {}}, "revision"),
        ({"revision": 2**40, "answers": {}}, "revision"),
        ({"answers": {}}, "revision"),
        ({"revision": 0}, "answers"),
    ]:
        response = put(body)
        assert response.status_code == 422, (body, response.content)
        assert field in [e["field"] for e in response.json()["errors"]], (body, response.json())
    unknown = client.put(f"/api/v1/assessments/{created['id']}/sections/nowhere", data=json.dumps(
        {"revision": 0, "answers": {}}), content_type="application/json", **bearer(write_token))
    assert unknown.status_code == 404
    assert Assessment.objects.get(pk=created["id"]).answers == {}


def test_a_stale_revision_answers_409_with_who_changed_what(client, write_token, organisation, editor):
    from questionnaire.assessments.services import save_section

    created = post_json(client, "/api/v1/assessments", {"model_name": "Atlas"}, **bearer(write_token)).json()
    section = created["sections"][0]["code"]
    save_section(Assessment.objects.get(pk=created["id"]), section, {"role": "developer"}, user=editor,
                 seen_revision=0)
    response = client.put(f"/api/v1/assessments/{created['id']}/sections/{section}", data=json.dumps(
        {"revision": 0, "answers": {"role": "integrator"}}), content_type="application/json", **bearer(write_token))
    assert response.status_code == 409 and response["Content-Type"] == PROBLEM
    problem = response.json()
    assert problem["changed_by"] == editor.username and problem["fields"] == ["role"]
    assert problem["saved"] == {"role": "developer"} and "eddie" in problem["detail"]
    assert Assessment.objects.get(pk=created["id"]).answers["role"] == "developer"


# ---------------------------------------------------------------- gap records, documents, reports, deadlines


@pytest.fixture
def t06(organisation, owner):
    organisation.name_confirmed = True
    organisation.save()
    return completed(organisation, owner, "T06")


def test_gap_records_read_and_update_with_concurrency(client, write_token, t06, editor):
    from questionnaire.code_of_practice.gap import update_gap_item

    listed = client.get(f"/api/v1/assessments/{t06.pk}/gap?limit=5", **bearer(write_token)).json()
    assert listed["count"] == len(t06.snapshot["result"]["code_measures"]) and len(listed["items"]) == 5
    assert [i["measure"] for i in listed["items"]] == t06.snapshot["result"]["code_measures"][:5]
    assert listed["next"].endswith("limit=5&offset=5")
    url = f"/api/v1/assessments/{t06.pk}/gap/TR-1.1"
    changed = client.patch(url, data=json.dumps({"revision": 0, "status": "planned", "owner": "eddie",
                                                 "due_date": "2027-03-31"}),
                           content_type="application/json", **bearer(write_token))
    assert changed.status_code == 200, changed.content
    assert changed.json()["status"] == "planned" and changed.json()["owner"] == "eddie"
    item = GapItem.objects.get(assessment=t06, measure="TR-1.1")
    assert item.due_date == dt.date(2027, 3, 31) and item.revisions.count() == 3
    update_gap_item(item, {"notes": "from the web"}, user=editor, seen_revision=item.revision)
    stale = client.patch(url, data=json.dumps({"revision": 1, "notes": "from the API"}),
                         content_type="application/json", **bearer(write_token))
    assert stale.status_code == 409 and stale.json()["changed_by"] == "eddie" and stale.json()["fields"] == ["notes"]
    for body, field in [({"revision": 9, "status": "done"}, "status"), ({"revision": 9, "owner": "mallory"}, "owner"),
                        ({"revision": 9, "due_date": "2027-02-30"}, "due_date"),
                        ({"revision": 9, "status": "not_applicable"}, "not_applicable_reason")]:
        response = client.patch(url, data=json.dumps(body), content_type="application/json", **bearer(write_token))
        assert response.status_code == 422 and field in [e["field"] for e in response.json()["errors"]], body
    assert client.get(f"/api/v1/assessments/{t06.pk}/gap/XX-9.9", **bearer(write_token)).status_code == 404


def test_legal_documents_status(client, write_token, t06):
    response = client.get(f"/api/v1/assessments/{t06.pk}/legal-documents", **bearer(write_token))
    assert response.status_code == 200
    kinds = {d["kind"]: d for d in response.json()}
    assert "training_summary" in kinds and "art52_notification" in kinds
    assert all(d["started"] is False and d["issued"] == [] for d in kinds.values())
    assert any(d["open_deadlines"] for d in kinds.values())


def test_reports_are_requested_then_downloaded(client, write_token, t06, settings):
    url = f"/api/v1/assessments/{t06.pk}/report"
    assert client.get(url, **bearer(write_token)).status_code == 404  # none asked for yet
    requested = client.post(url, **bearer(write_token))
    assert requested.status_code == 200, requested.content  # rendered at once by the immediate task backend
    assert requested.json()["status"] == "done" and requested.json()["download"].endswith(url)
    pdf = client.get(url, **bearer(write_token))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="report_download").exists()


def test_a_queued_report_answers_202(client, write_token, t06, queued_renders):
    url = f"/api/v1/assessments/{t06.pk}/report"
    assert client.post(url, **bearer(write_token)).status_code == 202
    waiting = client.get(url, **bearer(write_token))
    assert waiting.status_code == 202 and waiting.json()["status"] == "pending" and waiting.json()["download"] is None


def test_deadlines_are_the_ranked_list(client, write_token, t06, organisation):
    from questionnaire.deadlines import ranked

    response = client.get("/api/v1/deadlines?limit=100", **bearer(write_token))
    assert response.status_code == 200, response.content
    body = response.json()
    expected = ranked(organisation, today=dt.date.fromisoformat(body["today"]))
    assert [i["uid"] for i in body["items"]] == [d.uid for d in expected][:100] and body["count"] == len(expected)
    soon = client.get("/api/v1/deadlines?within_days=30", **bearer(write_token)).json()
    assert all(i["days_left"] <= 30 for i in soon["items"]) and soon["count"] <= body["count"]


def test_models_and_their_current_result(client, write_token, t06):
    listed = client.get("/api/v1/models", **bearer(write_token)).json()
    assert listed["count"] == 1 and listed["items"][0]["current_assessment"] == str(t06.pk)
    detail = client.get(f"/api/v1/models/{t06.ai_model_id}", **bearer(write_token)).json()
    assert detail["result"]["classification"] == "GPAI_MODEL_SYSTEMIC_RISK"


# /api/v1/deadlines is not here: questionnaire.deadlines.ranked (through the action plan's document_rows and its
# prefill_values) reads the signatory status once per current assessment, as the action plan page does.
@pytest.mark.parametrize("path", ["/api/v1/models", "/api/v1/assessments"])
def test_lists_take_a_constant_number_of_queries(client, owner, organisation, path, django_assert_max_num_queries):
    from .factories import new_assessment

    _, secret = create_token(organisation, name="CI", scope="read", days=30, user=owner)
    organisation.name_confirmed = True
    organisation.save()
    completed(organisation, owner, "T01", name="First")

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(path, **bearer(secret)).status_code == 200
        return len(queries)

    few = count()
    for index in range(6):
        completed(organisation, owner, "T06", name=f"Model {index}")
        new_assessment(organisation, owner, name=f"Draft {index}")
    with django_assert_max_num_queries(few):
        assert client.get(path, **bearer(secret)).status_code == 200


@pytest.mark.parametrize("query", ["limit=0", "limit=101", "offset=-1", "offset=99999999999999999999", "limit=x",
                                   "status=archived", "model=not-a-uuid"])
def test_bad_paging_is_refused_naming_the_parameter(client, write_token, query):
    response = client.get(f"/api/v1/assessments?{query}", **bearer(write_token))
    assert response.status_code == 422 and response["Content-Type"] == PROBLEM
    assert response.json()["errors"][0]["field"] == query.split("=")[0]


# ---------------------------------------------------------------- schema and reference page


def test_the_schema_is_openapi_3_with_the_public_scenarios_as_examples(client, published):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    examples = schema["paths"]["/api/v1/assess"]["post"]["requestBody"]["content"]["application/json"]["examples"]
    first = public_scenarios()[0]
    assert first["id"] in examples
    shown = {k: v for k, v in examples[first["id"]]["value"].items()}
    assert shown == json.loads(json.dumps(first["answers"], default=str))
    assert {"/api/v1/deadlines", "/api/v1/assessments/{assessment_id}/sections/{section}"} <= set(schema["paths"])


def test_the_reference_page_is_served_without_scripts_from_elsewhere(client, published):
    import re

    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "POST /api/v1/assess" in html and "T01" in html and "GET /api/v1/deadlines" in html
    external = re.findall(r'(?:src|href)="(https?:)?//[^"]*"', html)
    assert external == [] and "<script" not in html.split("</header>", 1)[-1]
