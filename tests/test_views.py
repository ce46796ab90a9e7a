"""Pages that exist from the foundation on: the start page and the health check."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_start_page_says_what_you_need(client, published):
    response = client.get("/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Check your obligations for a general-purpose AI model" in text
    assert 'href="/assessments/new/"' in text
    assert f"Rules version {published.label}" in text


def test_start_page_without_a_published_questionnaire(client, no_content):
    response = client.get("/")
    assert response.status_code == 200
    assert "load_questionnaire" in response.content.decode()


def test_healthz_answers_json(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_security_headers(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def test_readyz_checks_database_and_task_queue(client, settings):
    assert client.get("/readyz").json() == {"status": "ready", "database": "ok", "tasks": "ok"}
    settings.TASKS_BACKEND = "database"
    assert client.get("/readyz").status_code == 200


def test_request_id_is_returned_and_logged(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="abc12345-proxy")
    assert response["X-Request-ID"] == "abc12345-proxy"
    generated = client.get("/healthz", HTTP_X_REQUEST_ID="bad id!")["X-Request-ID"]
    assert len(generated) == 32 and generated != "bad id!"


def test_json_log_lines_carry_the_request_id():
    import json
    import logging

    from compliance_checker.observability import JsonFormatter, RequestIdFilter, request_id

    token = request_id.set("rid-123456")
    try:
        record = logging.LogRecord("gpai", logging.WARNING, __file__, 1, "hello %s", ("world",), None)
        RequestIdFilter().filter(record)
        line = json.loads(JsonFormatter().format(record))
    finally:
        request_id.reset(token)
    assert line["message"] == "hello world" and line["request_id"] == "rid-123456" and line["level"] == "WARNING"


def test_database_outage_gives_a_clear_page_and_keeps_saved_answers(client, django_user_model, published, spec,
                                                                    monkeypatch):
    from django.db import OperationalError

    from questionnaire.models import Assessment

    from .factories import make_member, new_assessment
    from .wizard_driver import post_section

    user, organisation = make_member(django_user_model, "olly")
    client.force_login(user)
    assessment = new_assessment(organisation, user)
    post_section(client, assessment, "role", {"role": "developer"}, spec)

    def outage(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("questionnaire.assessments.wizard.save_section", outage)
    response = post_section(client, assessment, "organisation", {"places_under_own_name": True,
                                                                 "provider_established_in_eu": True,
                                                                 "sme_or_smc": False}, spec)
    assert response.status_code == 503
    page = response.content.decode()
    assert "temporarily unavailable" in page and "not saved" in page
    assert Assessment.objects.get().answers == {"role": "developer"}
