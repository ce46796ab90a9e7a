"""A compliance officer completes assessments in Chromium, with and without JavaScript; axe-core checks
every page type on the way (no serious or critical violation)."""

from __future__ import annotations

import re

import pytest

from accounts.models import Role
from tests.conftest import public_scenarios
from tests.factories import make_member

from .helpers import answer_visible_questions, download_pdf, open_completed, save, serious_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCENARIOS = {c["id"]: c for c in public_scenarios()}


def walk(page, base_url: str, scenario: dict, *, model_name: str, axe_pages: dict[str, list[str]] | None):
    """Complete an assessment; axe-core runs on each page type when `axe_pages` is given (it needs
    JavaScript in the page, so the runs without JavaScript pass None)."""
    def check(name: str) -> None:
        if axe_pages is not None and name not in axe_pages:
            axe_pages[name] = serious_violations(page)

    page.goto(f"{base_url}/assessments/new/")
    check("new")
    if page.query_selector("input[name=ai_model][value=new]"):
        page.check("input[name=ai_model][value=new]")
    page.fill("input[name=new_model_name]", model_name)
    save(page)
    for _ in range(30):
        if "/step/" not in page.url:
            break
        check("step")
        answer_visible_questions(page, scenario["answers"])
        save(page)
    assert page.url.endswith("/check/"), page.url
    check("check")
    with page.expect_navigation():
        page.click("main form button.button[type=submit]")
    assert page.url.endswith("/result/"), page.url
    check("result")
    return page.content()


@pytest.mark.parametrize(("scenario_id", "javascript"), [
    ("T01", True), ("T06", True), ("T08", True), ("T26", True), ("T38", True), ("T39", True),
    ("T02", False), ("T19", False), ("T30", False), ("S43", False),
    ("S52", True), ("S53", True), ("S50", False),
])
def test_complete_assessment(live_server, new_page, django_user_model, published, scenario_id, javascript):
    make_member(django_user_model, "officer", role=Role.OWNER)
    page = new_page(javascript=javascript)
    axe_pages: dict[str, list[str]] | None = {} if javascript else None
    sign_in(page, live_server.url, "officer")
    html = walk(page, live_server.url, SCENARIOS[scenario_id], model_name=f"Model {scenario_id}", axe_pages=axe_pages)
    expected = SCENARIOS[scenario_id]["expected"]
    assert f'data-classification="{expected["classification"]}"' in html
    assert re.findall(r'data-obligation="(\w+)"', html) == expected["obligations"]
    page.goto(f"{live_server.url}/assessments/")
    assert f"Model {scenario_id}" in page.content()
    if axe_pages is not None:
        axe_pages["dashboard"] = serious_violations(page)
        assert {name: found for name, found in axe_pages.items() if found} == {}


def test_error_page_and_estimator(live_server, new_page, django_user_model, published):
    make_member(django_user_model, "officer", role=Role.OWNER)
    page = new_page(javascript=True)
    sign_in(page, live_server.url, "officer")
    page.goto(f"{live_server.url}/assessments/new/")
    page.fill("input[name=new_model_name]", "Atlas")
    save(page)
    save(page)  # nothing selected
    assert "There is a problem" in page.content()
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    assert serious_violations(page) == []
    answer_visible_questions(page, {"role": "developer"})
    save(page)
    answers = dict(SCENARIOS["T01"]["answers"])
    for _ in range(4):
        answer_visible_questions(page, answers)
        save(page)
    assert "/step/compute/" in page.url
    page.click("details[data-estimator=training_compute_flop] summary")
    page.fill("input[name='estimate-training_compute_flop-parameters']", "7e10")
    page.fill("input[name='estimate-training_compute_flop-tokens']", "1.5e13")
    assert "6.3 × 10^24" in page.inner_text("[data-estimator=training_compute_flop] [data-estimate-live]")
    page.click("button[name=estimate][value='training_compute_flop|architecture']")  # in place (#27): no round trip
    assert page.input_value("input[name='compute-training_compute_flop']") == "6.30e24"
    assert "put in the answer" in page.inner_text("[data-estimator=training_compute_flop] [data-estimate-live]")
    assert serious_violations(page) == []


def test_sign_in_page_is_accessible(live_server, new_page):
    page = new_page(javascript=True)
    page.goto(f"{live_server.url}/accounts/login/")
    assert serious_violations(page) == []
    page.goto(f"{live_server.url}/")
    assert serious_violations(page) == []


def test_organisation_page_is_accessible(live_server, new_page, django_user_model):
    make_member(django_user_model, "officer", role=Role.OWNER)
    page = new_page(javascript=True)
    sign_in(page, live_server.url, "officer")
    page.goto(f"{live_server.url}/accounts/organisation/")
    assert "officer" in page.content()
    assert serious_violations(page) == []
    page.goto(f"{live_server.url}/accounts/my-data/")
    assert serious_violations(page) == []


def test_pdf_download_and_verify_page(live_server, new_page, django_user_model, published):
    user, organisation = make_member(django_user_model, "officer", role=Role.OWNER)
    page = new_page(javascript=True)
    sign_in(page, live_server.url, "officer")
    open_completed(page, live_server.url, user, organisation, "T06", model_name="Frontier")
    path = download_pdf(page, "a[data-report-link]").path()
    with open(path, "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    page.click("text=Verify a report PDF or hash")
    page.set_input_files("input[name=pdf]", path)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.query_selector('[data-verified="yes"]') is not None
    assert serious_violations(page) == []


def test_history_model_compare_and_password_pages_are_accessible(live_server, new_page, django_user_model,
                                                                 published):
    user, organisation = make_member(django_user_model, "officer", role=Role.OWNER)
    page = new_page(javascript=True)
    page.goto(f"{live_server.url}/accounts/password-reset/")
    assert serious_violations(page) == []
    sign_in(page, live_server.url, "officer")
    open_completed(page, live_server.url, user, organisation, "T01", model_name="Atlas")
    with page.expect_navigation():  # page.content() and page.url do not wait for the next page
        page.click("text=History of changes")
    assert "History of changes" in page.content() and serious_violations(page) == []
    page.go_back()
    with page.expect_navigation():
        page.click("button:has-text('Assess a new version')")  # a new assessment of the model, everything carried over
    assert page.url.endswith("/check/")
    page.goto(f"{live_server.url}/assessments/")
    with page.expect_navigation():  # page.content() and page.url do not wait for the next page
        page.click("text=Atlas")
    assert serious_violations(page) == []
    with page.expect_navigation():  # page.content() and page.url do not wait for the next page
        page.click("text=What changed since the assessment before")
    assert "What changed" in page.content() and serious_violations(page) == []
