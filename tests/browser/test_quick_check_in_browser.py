"""A stranger in Chromium: the quick check for three models without an account, then keeping one result by
signing up, and finding it as an assessment with every answer. axe-core checks every page type."""

from __future__ import annotations

import re

import pytest

from accounts.models import AuditEvent
from questionnaire.models import AnswerRevision, Assessment
from tests.conftest import public_scenarios
from tests.factories import as_wizard_answers

from .helpers import PASSWORD, answer_visible_questions, save, serious_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCENARIOS = {c["id"]: c for c in public_scenarios()}


def quick_check(page, base_url: str, scenario: dict, axe_pages: dict[str, list[str]] | None) -> str:
    def check(name: str) -> None:
        if axe_pages is not None and name not in axe_pages:
            axe_pages[name] = serious_violations(page)

    page.goto(base_url + "/")
    check("start")
    with page.expect_navigation():
        page.click("a[data-action=quick-check]")
    for _ in range(30):
        if "/quick-check/result/" in page.url:
            break
        assert re.search(r"/quick-check/[\w-]+/$", page.url), page.url
        check("step")
        answer_visible_questions(page, scenario["answers"])
        save(page)
    assert page.url.endswith("/quick-check/result/"), page.url
    check("result")
    return page.content()


@pytest.mark.parametrize("javascript", [True, False])
def test_a_stranger_checks_three_models_and_keeps_one_by_signing_up(live_server, new_page, published, mailoutbox,
                                                                   settings, javascript):
    settings.ACCOUNT_SIGNUP_OPEN = True
    page = new_page(javascript=javascript)
    axe_pages: dict[str, list[str]] | None = {} if javascript else None
    for scenario_id in ("T05", "T20", "T08"):  # systemic risk, out of scope, open-source release
        expected = SCENARIOS[scenario_id]["expected"]
        html = quick_check(page, live_server.url, SCENARIOS[scenario_id], axe_pages)
        assert f'data-classification="{expected["classification"]}"' in html
        assert re.findall(r'data-obligation="(\w+)"', html) == expected["obligations"]
        assert not Assessment.objects.exists() and not AnswerRevision.objects.exists()
        if scenario_id != "T08":
            with page.expect_navigation():
                page.click("text=Clear the answers and start again")

    # keep the last one: sign up, confirm the address, keep it
    page.fill("input[name=model_name]", "Open-7B")
    with page.expect_navigation():
        page.click("[data-action=save]")
    if axe_pages is not None:
        axe_pages["keep_sign_in"] = serious_violations(page)
    with page.expect_navigation():
        page.click("text=Create an account >> nth=-1")
    assert "/accounts/signup/" in page.url
    if axe_pages is not None:
        axe_pages["signup"] = serious_violations(page)
    page.fill("input[name=organisation]", "Open Models BV")
    page.fill("input[name=email]", "sam@open.example")
    page.fill("input[name=username]", "sam")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "Confirm your email address" in page.content()
    assert not Assessment.objects.exists()
    [link] = re.findall(r"https?://\S+", mailoutbox[-1].body)
    page.goto(link)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.url.endswith("/quick-check/keep/"), page.url
    assert page.input_value("input[name=model_name]") == "Open-7B"
    assert "Open Models BV" in page.content()
    if axe_pages is not None:
        axe_pages["keep"] = serious_violations(page)
    with page.expect_navigation():
        page.click("[data-action=save]")

    assessment = Assessment.objects.get()
    assert assessment.organisation.name == "Open Models BV" and assessment.ai_model.name == "Open-7B"
    assert page.url.endswith(f"/assessments/{assessment.pk}/check/"), page.url
    shown = re.findall(r'data-question="(\w+)"', page.content())
    answers = as_wizard_answers(SCENARIOS["T08"]["answers"])  # the licence terms: the box "none of these"
    assert shown and set(shown) <= set(assessment.answers)
    for code in shown:
        value = answers.get(code)
        if isinstance(value, bool | str | list):
            assert assessment.answers[code] == value, code
    assert 'data-preview-classification="GPAI_MODEL"' in page.content()
    if axe_pages is not None:
        assert {name: found for name, found in axe_pages.items() if found} == {}


def test_staff_sets_up_an_authenticator_app_and_opens_the_admin_with_its_code(live_server, new_page,
                                                                              django_user_model):
    from tests.mfa import totp_code

    django_user_model.objects.create_superuser("root", "root@example.org", PASSWORD)
    page = new_page(javascript=True)
    found: dict[str, list[str]] = {}
    sign_in(page, live_server.url, "root")
    page.goto(f"{live_server.url}/admin/")
    assert page.url.endswith("/accounts/2fa/"), page.url  # refused until a second factor is set up
    assert "The admin needs two-factor authentication" in page.content()
    found["mfa_index"] = serious_violations(page)
    with page.expect_navigation():
        page.click("main a[href='/accounts/2fa/totp/activate/']")
    if "/reauthenticate/" in page.url:
        found["reauthenticate"] = serious_violations(page)
        page.fill("input[name=password]", PASSWORD)
        with page.expect_navigation():
            page.click("main form button[type=submit]")
    assert "/accounts/2fa/totp/activate/" in page.url, page.url
    found["activate"] = serious_violations(page)
    secret = page.text_content("[data-totp-secret]").strip()
    page.fill("input[name=code]", totp_code(secret))
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    found["after_activation"] = serious_violations(page)
    assert AuditEvent.objects.filter(action="mfa_added", user__username="root").exists()
    with page.expect_navigation():
        page.click("header form button[type=submit]")  # sign out

    sign_in(page, live_server.url, "root")
    assert "/accounts/2fa/authenticate/" in page.url, page.url
    found["authenticate"] = serious_violations(page)
    page.fill("input[name=code]", totp_code(secret))
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    page.goto(f"{live_server.url}/admin/")
    assert page.url.endswith("/admin/"), page.url
    assert "Site administration" in page.content()
    assert {name: violations for name, violations in found.items() if violations} == {}
