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


def test_start_page_without_a_published_questionnaire(client):
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
