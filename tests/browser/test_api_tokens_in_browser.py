"""API tokens and the API reference in Chromium (the pages carry no script): an owner makes a token (shown once),
uses it against the API, and revokes it; axe-core checks the tokens page and the reference page at desktop and
phone widths (helpers.look; screenshots to $SCREENSHOTS when it is set)."""

from __future__ import annotations

import pytest

from accounts.models import ApiToken, Role
from tests.factories import make_member

from .helpers import look, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_owner_makes_uses_and_revokes_a_token(live_server, new_page, django_user_model, published, client):
    make_member(django_user_model, "officer", role=Role.OWNER)
    page = new_page(javascript=True)  # axe-core runs as a script; the pages themselves have none
    sign_in(page, live_server.url, "officer")
    problems: dict[str, list[str]] = {}
    page.goto(f"{live_server.url}/accounts/organisation/")
    with page.expect_navigation():
        page.click("a:has-text('API tokens')")
    look(page, "api-tokens-empty", problems)
    with page.expect_navigation():
        page.click("button:has-text('Make the token')")  # nothing filled in: the error summary
    assert "Enter a name for the token." in page.content()
    look(page, "api-tokens-error", problems)
    page.fill("input[name=name]", "GRC suite")
    page.check("input[name=scope][value=read]")
    page.select_option("select[name=days]", "90")
    with page.expect_navigation():
        page.click("button:has-text('Make the token')")
    secret = page.input_value("[data-token-secret]")
    assert secret.startswith("gpai_")
    look(page, "api-tokens-created", problems)
    assert client.get("/api/v1/models", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    page.goto(f"{live_server.url}/accounts/organisation/api-tokens/")  # a reload would post the form again
    assert secret not in page.content() and "GRC suite" in page.content()
    with page.expect_navigation():
        page.click("[data-action=revoke]")
    assert ApiToken.objects.get().revoked_at is not None
    assert client.get("/api/v1/models", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401
    page.goto(f"{live_server.url}/api/v1/docs")
    assert "POST /api/v1/assess" in page.content()
    look(page, "api-docs", problems)
    assert problems == {}, problems
