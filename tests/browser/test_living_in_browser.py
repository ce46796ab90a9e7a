"""Amend in Chromium: complete a systemic-risk assessment, record a gap status and evidence, amend it, complete
the amendment: the record is on the new assessment, the original is unchanged, and the action plan shows each
open measure once for the model. axe-core checks the result, compare, model and action-plan pages at desktop and
phone widths; screenshots go to $SCREENSHOTS when it is set (helpers.look)."""

from __future__ import annotations

import re

import pytest

from accounts.models import Role
from questionnaire.models import Assessment, GapItem
from tests.factories import make_member
from tests.test_living import higher_systemic_threshold, publish_changed

from .helpers import look, open_completed, sign_in
from .test_assessment_in_browser import SCENARIOS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_amend_keeps_the_gap_record_and_the_original(live_server, new_page, django_user_model, published,
                                                     tmp_path):
    user, organisation = make_member(django_user_model, "officer", role=Role.OWNER)
    page = new_page(javascript=True)
    sign_in(page, live_server.url, "officer")
    open_completed(page, live_server.url, user, organisation, "T06", model_name="Frontier")
    original_result = page.url
    original = Assessment.objects.get()

    page.goto(original_result.replace("/result/", "/gap/SS-1.1/"))
    page.check("input[name=status][value=planned]")
    page.fill("input[name=due_date]", "2027-03-31")
    page.fill("textarea[name=evidence]", "Framework draft, board review in March")
    evidence = tmp_path / "framework.txt"
    evidence.write_text("Safety and Security Framework, draft 3")
    page.set_input_files("input[name=upload]", str(evidence))
    with page.expect_navigation():
        page.click("button:has-text('Save and return to the gap analysis')")
    assert page.locator('[data-measure="SS-1.1"][data-status="planned"]').count() == 1

    page.goto(original_result)
    with page.expect_navigation():
        page.click("[data-action=amend]")
    assert page.url.endswith("/check/") and "This is an amendment" in page.content()
    with page.expect_navigation():
        page.click("main form button.button[type=submit]")
    amended_result = page.url
    assert amended_result.endswith("/result/") and amended_result != original_result
    amendment = Assessment.objects.get(amends=original)
    assert str(amendment.pk) in amended_result

    page.goto(amended_result.replace("/result/", "/gap/"))
    assert page.locator('[data-measure="SS-1.1"][data-status="planned"]').count() == 1
    page.goto(amended_result.replace("/result/", "/gap/SS-1.1/"))
    assert "framework.txt" in page.content() and "Framework draft, board review in March" in page.content()

    page.check("input[name=status][value=implemented]")  # the amendment's record moves on; the original's not
    with page.expect_navigation():
        page.click("main form button[type=submit]")

    original.refresh_from_db()
    assert original.is_completed and GapItem.objects.get(assessment=original, measure="SS-1.1").status == "planned"
    page.goto(original_result)
    assert "data-superseded" in page.content() and f'data-amended-by="{amendment.pk}"' in page.content()

    page.goto(f"{live_server.url}/action-plan/")
    measures = re.findall(r'<tr data-measure="([\w.-]+)" data-model="', page.content())
    assert len(measures) == len(set(measures)) == len(amendment.snapshot["result"]["code_measures"]) - 1
    assert "SS-1.1" not in measures  # implemented on the current assessment, though still planned on the original
    assert str(original.pk) not in page.content()

    problems: dict[str, list[str]] = {}
    look(page, "action-plan", problems)
    page.goto(amended_result)
    look(page, "result", problems)
    page.goto(f"{live_server.url}/assessments/{original.pk}/compare/{amendment.pk}/")
    look(page, "compare", problems)
    page.goto(f"{live_server.url}/models/{original.ai_model_id}/")
    look(page, "model", problems)
    page.goto(f"{live_server.url}/assessments/")
    look(page, "dashboard", problems)

    publish_changed(higher_systemic_threshold, "2099.2")  # new rules would change the current result
    page.goto(f"{live_server.url}/models/{original.ai_model_id}/")
    assert page.locator('[data-rules-change="2099.2"]').count() == 1
    look(page, "model-rules-changed", problems)
    page.goto(f"{live_server.url}/assessments/")
    assert page.locator('[data-rules-change="2099.2"]').count() == 1
    look(page, "dashboard-rules-changed", problems)
    page.goto(amended_result)
    look(page, "result-rules-changed", problems)
    assert problems == {}


def test_legal_name_is_asked_before_the_first_completion(live_server, new_page, django_user_model, published):
    from questionnaire.assessments.services import save_section
    from tests.factories import new_assessment

    user, organisation = make_member(django_user_model, "officer", role=Role.OWNER)
    organisation.name, organisation.name_confirmed = "officer's organisation", False
    organisation.save()
    assessment = new_assessment(organisation, user)
    answers = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in SCENARIOS["T01"]["answers"].items()}
    save_section(assessment, "all", answers, user=user, seen_revision=0)
    page = new_page(javascript=True)
    sign_in(page, live_server.url, "officer")
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/check/")
    # too long (as a browser without maxlength would send it): refused at the field, nothing completed
    page.evaluate("document.querySelector('input[name=organisation-name]').removeAttribute('maxlength')")
    page.fill("input[name=organisation-name]", "x" * 201)
    with page.expect_navigation():
        page.click("main form button.button[type=submit]")
    assert "There is a problem" in page.content()
    problems: dict[str, list[str]] = {}
    look(page, "check-legal-name", problems)
    assert problems == {}
    page.fill("input[name=organisation-name]", "Example AI GmbH")
    with page.expect_navigation():
        page.click("main form button.button[type=submit]")
    assert page.url.endswith("/result/")
    organisation.refresh_from_db()
    assert organisation.name == "Example AI GmbH" and organisation.name_confirmed
