"""Fast, careful data entry in Chromium: the gap analysis chapter by chapter, the Model Documentation Form,
the wizard's estimator; axe-core at 1280 px and 390 px on every page touched, with screenshots."""

from __future__ import annotations

import pytest

from accounts.models import Role
from tests.conftest import public_scenarios
from tests.factories import make_member

from .helpers import answer_visible_questions, download_pdf, look, open_completed, save, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCENARIOS = {c["id"]: c for c in public_scenarios()}
def test_forty_measures_in_four_submissions(live_server, new_page, django_user_model, published):
    """A systemic-risk model's 40 measures get a status, an owner and a due date chapter by chapter
    (three submissions), one measure gets evidence on its own page (the fourth); the action plan and
    the report show them."""
    user, organisation = make_member(django_user_model, "officer", role=Role.OWNER)
    page = new_page(javascript=True)
    sign_in(page, live_server.url, "officer")
    open_completed(page, live_server.url, user, organisation, "T06", model_name="Frontier")
    found: dict[str, list[str]] = {}
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" and "/gap/" in r.url else None)
    with page.expect_navigation():  # page.content() and page.url do not wait for the next page
        page.click("text=Open the gap analysis, measure by measure")
    overview = page.url
    assert page.locator("[data-measure]").count() == 40
    assert page.locator("[data-recorded=no]").count() == 40
    statuses = page.locator("[data-measure] .tag").all_inner_texts()
    assert statuses == ["Not recorded"] * 40
    look(page, "gap-overview-empty", found)
    chapters = [a.get_attribute("href") for a in page.query_selector_all("a.button[href*='/gap/chapters/']")]
    assert len(chapters) == 3
    i = 0
    for n, href in enumerate(chapters):
        page.goto(live_server.url + href)
        if n == 2:
            look(page, "gap-chapter", found)
        for row in page.query_selector_all("tr[data-measure]"):
            measure = row.get_attribute("data-measure")
            row.query_selector("select[name$='-status']").select_option(
                "partially_implemented" if measure == "SS-9.3" else ("implemented" if i % 3 else "planned"))
            row.query_selector("select[name$='-owner']").select_option(label="officer")
            row.query_selector("input[type=date]").fill("2020-01-31" if measure == "SS-9.3" else "2027-06-30")
            i += 1
        with page.expect_navigation():
            page.click("main form .actions button[type=submit]")
        assert page.url.startswith(overview), page.url
    assert i == 40
    assert page.locator("[data-recorded=no]").count() == 0
    assert page.get_attribute('[data-measure="SS-9.3"]', "data-status") == "partially_implemented"
    assert "Not recorded" not in page.locator("[data-measure] .tag").all_inner_texts()
    open_measures = page.locator("[data-status=planned], [data-status=partially_implemented]").count()
    look(page, "gap-overview-filled", found)
    with page.expect_navigation():  # page.content() and page.url do not wait for the next page
        page.click("text=SS-9.3 Reporting timelines")
    page.fill("textarea[name=evidence]", "Incident runbook v4")
    look(page, "gap-measure", found)
    with page.expect_navigation():
        page.click("main form button[name=next]")
    assert "/gap/SS-9.4/" in page.url  # saved, and on to the next measure
    assert len(posts) == 4, posts
    page.goto(f"{live_server.url}/action-plan/")
    assert page.locator("tr.row-overdue [href*='SS-9.3']").count() == 1
    assert page.locator("[data-measure]").count() == open_measures
    look(page, "action-plan", found)
    page.goto(overview)
    with page.expect_navigation():
        page.click("text=Back to the result")
    download = download_pdf(page, "a[data-report-link]")
    from pypdf import PdfReader

    reader = PdfReader(download.path())
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert "SS-9.3 Reporting timelines" in text and "Incident runbook v4" in text
    assert "Partially implemented" in text and "Not recorded" not in text
    assert text.count("Owner: officer") == 40 and text.count("Due: 2027-06-30") == 39
    assert {name: v for name, v in found.items() if v} == {}


def test_model_documentation_form_is_pre_filled_typed_and_counts_completeness(live_server, new_page,
                                                                              django_user_model, published):
    user, organisation = make_member(django_user_model, "officer", role=Role.OWNER)
    page = new_page(javascript=True)
    sign_in(page, live_server.url, "officer")
    open_completed(page, live_server.url, user, organisation, "T01", model_name="Atlas-70B")
    page.click("text=Fill in the Model Documentation Form")
    found: dict[str, list[str]] = {}
    assert page.input_value("[name=model_name]") == "Atlas-70B"
    assert page.input_value("[name=provider_legal_name]") == "officer Ltd"
    assert "FLOP" in page.input_value("input[name=compute_exact]")
    assert page.locator("[data-field=model_name][data-prefilled]").count() == 1
    look(page, "documentation", found)
    before = int(page.get_attribute("[data-audience=dp]", "data-filled"))
    page.fill("input[name=model_size_exact]", "lots")
    page.fill("[name=output_max_size]", "128k tokens of text")
    with page.expect_navigation():
        page.click("main form > button[type=submit]")
    assert page.locator(".error-summary a[href='#id_model_size_exact']").count() == 1
    error = page.locator("[data-field=model_size_exact] .field-error").inner_text()
    assert "“lots” is not a number" in error
    look(page, "documentation-error", found)
    page.fill("input[name=model_size_exact]", "70B")
    with page.expect_navigation():
        page.click("main form > button[type=submit]")
    assert page.locator(".error-summary").count() == 0
    after = int(page.get_attribute("[data-audience=dp]", "data-filled"))
    assert after > before  # the pre-filled values and output_max_size now count
    assert page.locator("[data-field=model_name][data-prefilled]").count() == 0
    assert page.locator("text=For the AI Office").count() >= 1
    assert {name: v for name, v in found.items() if v} == {}


def test_wizard_estimator_check_and_result_pages(live_server, new_page, django_user_model, published):
    make_member(django_user_model, "officer", role=Role.OWNER)
    page = new_page(javascript=True)
    sign_in(page, live_server.url, "officer")
    found: dict[str, list[str]] = {}
    page.goto(f"{live_server.url}/assessments/new/")
    page.fill("input[name=new_model_name]", "Atlas")
    save(page)
    answers = dict(SCENARIOS["T01"]["answers"])
    for _ in range(5):
        if "/step/compute/" in page.url:
            break
        if "/step/placement_date/" in page.url:
            look(page, "step-date", found)
        answer_visible_questions(page, answers)
        save(page)
    assert "/step/compute/" in page.url
    page.click("details[data-estimator=training_compute_flop] summary")
    page.fill("input[name='estimate-training_compute_flop-parameters']", "70 billion")
    page.fill("input[name='estimate-training_compute_flop-tokens']", "lots")
    with page.expect_navigation():
        page.press("input[name='estimate-training_compute_flop-tokens']", "Enter")  # Enter calculates
    assert page.locator("#estimate-training_compute_flop-tokens-error").count() == 1
    look(page, "step-estimator-error", found)
    page.fill("input[name='estimate-training_compute_flop-tokens']", "15T")
    page.press("input[name='estimate-training_compute_flop-tokens']", "Enter")  # calculated in place (#27)
    assert page.evaluate("document.activeElement.getAttribute('name')") == "compute-training_compute_flop"
    assert "put in the answer above" in page.inner_text("[data-estimator=training_compute_flop] [data-estimate-live]")
    assert page.locator("#estimate-training_compute_flop-tokens-error").count() == 0  # the old error is gone
    look(page, "step-estimate", found)
    assert page.input_value("input[name='compute-training_compute_flop']") == "6.30e24"
    assert page.is_checked("input[name='compute-training_compute_method'][value=architecture]")
    answer_visible_questions(page, {k: v for k, v in answers.items() if k != "training_compute_flop"})
    save(page)
    for _ in range(20):
        if "/step/" not in page.url:
            break
        answer_visible_questions(page, answers)
        save(page)
    assert page.url.endswith("/check/")
    look(page, "check", found)
    page.click("[data-question=sme_or_smc] a")
    save(page)
    assert page.url.endswith("/check/#field-sme_or_smc")  # "Change" comes back here, to that answer
    with page.expect_navigation():
        page.click("main form button.button[type=submit]")
    look(page, "result", found)
    page.click("#downloads >> text=History of changes")
    look(page, "history", found)
    assert {name: v for name, v in found.items() if v} == {}
