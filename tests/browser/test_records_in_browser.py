"""One record that stays true (#27), in Chromium: complete a systemic-risk assessment through the wizard; the
notification, the training-content summary and the Model Documentation Form open with the known fields filled
and marked; the notification is sent; an amendment moves the compute from 3.8 × 10^25 to 4.2 × 10^25 FLOP; the
documentation form, the sent notification, the result page and the action plan name the stale figure; the draft
takes the new value and a corrected notification is sent, nothing typed twice. axe-core and no sideways scrolling
on each page at 1280 and 390 px (helpers.look; screenshots to $SCREENSHOTS)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from accounts.models import Role
from questionnaire.models import Assessment, DocumentIssue
from tests.factories import make_member

from .helpers import look, save, sign_in
from .test_assessment_in_browser import SCENARIOS, walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ANSWERS = {**SCENARIOS["T05"]["answers"], "training_compute_flop": 3.8e25, "training_compute_method": "architecture",
           "threshold_known_date": "2026-11-02"}


def prefilled(page) -> int:
    return page.locator("[data-prefilled]").count()


def test_one_record_stays_true_through_an_amendment(live_server, new_page, django_user_model, published):
    make_member(django_user_model, "officer", role=Role.OWNER)
    page = new_page(javascript=True)
    sign_in(page, live_server.url, "officer")
    walk(page, live_server.url, {"answers": ANSWERS}, model_name="Atlas-400B", axe_pages=None)
    assert 'data-classification="GPAI_MODEL_SYSTEMIC_RISK"' in page.content()
    first = Assessment.objects.get()
    base = f"{live_server.url}/assessments/{first.pk}"
    problems: dict[str, list[str]] = {}

    # the documents start filled with what the assessment knows, marked so
    page.goto(f"{base}/documents/art52_notification/")
    counts = {"notification": prefilled(page)}
    assert page.input_value("#f-compute_mantissa") == "3.8" and page.input_value("#f-compute_exponent") == "25"
    assert page.input_value("#f-condition_date") == "2026-11-02"
    assert page.is_checked("#f-trigger_type_0") and page.is_checked("#f-estimation_approach_1")
    page.goto(f"{base}/documents/training_summary/")
    counts["summary"] = prefilled(page)
    look(page, "record-summary", problems)
    page.goto(f"{base}/documentation/")
    counts["documentation"] = prefilled(page)
    assert page.input_value("#id_compute_exact") == "3.8 × 10^25 FLOP"
    with page.expect_navigation():
        page.click("main form button.button[type=submit]")  # the officer checks the pre-filled form and saves it
    print("pre-filled fields:", counts)
    assert counts["notification"] >= 9 and counts["summary"] >= 6 and counts["documentation"] >= 6

    # send the notification: only what the assessment cannot know is typed
    page.goto(f"{base}/documents/art52_notification/")
    page.fill("#f-provider_contact", "compliance@acme.example")
    page.fill("#f-estimation_description", "6 × 400e9 parameters × 16e12 tokens, all training runs counted")
    page.fill("#issued-on", timezone.localdate().isoformat())
    with page.expect_navigation():
        page.click("button[name=action][value=issue]")
    assert DocumentIssue.objects.count() == 1
    look(page, "record-notification", problems)

    # amend: the compute was 4.2 × 10^25 FLOP
    page.goto(f"{base}/result/")
    with page.expect_navigation():
        page.click("[data-action=amend]")
    amendment = Assessment.objects.get(amends=first)
    page.goto(f"{live_server.url}/assessments/{amendment.pk}/step/compute/")
    page.fill("[data-question='training_compute_flop'] input[data-flop-input]", "4.2e25")
    save(page)
    page.goto(f"{live_server.url}/assessments/{amendment.pk}/check/")
    with page.expect_navigation():
        page.click("main form button.button[type=submit]")
    assert page.url.endswith(f"/assessments/{amendment.pk}/result/")
    base = f"{live_server.url}/assessments/{amendment.pk}"

    # stale is never silent: the result page, the documentation form, the sent notification, the action plan
    result = page.locator("[data-stale-records]")
    assert result.count() == 1 and "4.2" in result.inner_text() and "3.8" in result.inner_text()
    look(page, "record-result", problems)
    page.goto(f"{base}/documentation/")
    row = page.locator("[data-stale='documentation'] [data-stale-field='compute_exact']")
    assert "3.8 × 10^25" in row.inner_text() and "4.2 × 10^25" in row.inner_text()
    look(page, "record-documentation-stale", problems)
    with page.expect_navigation():
        row.locator("[data-action=take-new-value]").click()
    assert page.input_value("#id_compute_exact") == "4.2 × 10^25 FLOP"
    assert page.locator("[data-stale-records]").count() == 0
    page.goto(f"{live_server.url}/action-plan/")
    plan = page.locator("[data-stale='art52_notification'][data-stale-issued]")
    assert plan.count() == 1 and "3.8" in plan.inner_text() and "4.2" in plan.inner_text()
    look(page, "record-action-plan", problems)

    page.goto(f"{base}/documents/art52_notification/")
    issued = page.locator("[data-stale='art52_notification'][data-stale-issued]")
    assert "3.8" in issued.inner_text() and "4.2" in issued.inner_text() and "counsel" in issued.inner_text()
    look(page, "record-notification-stale", problems)
    with page.expect_navigation():
        page.locator("[data-stale-field='compute_mantissa'] [data-action=take-new-value]").click()
    assert page.input_value("#f-compute_mantissa") == "4.2"
    page.fill("#issued-on", timezone.localdate().isoformat())
    with page.expect_navigation():
        page.click("button[name=action][value=issue]")  # the corrected version: nothing typed again
    assert page.locator("[data-stale-records]").count() == 0
    corrected = DocumentIssue.objects.filter(document__assessment=amendment).order_by("-sequence").first()
    assert corrected.sequence == 2 and corrected.values["compute_mantissa"] == "4.2"
    assert corrected.values["provider_contact"] == "compliance@acme.example"
    page.goto(f"{base}/result/")
    assert page.locator("[data-stale-records]").count() == 0
    assert problems == {}
