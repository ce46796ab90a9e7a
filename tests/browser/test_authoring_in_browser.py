"""#26 in Chromium: the Commission raises the systemic-risk threshold from 10^25 to 10^26 FLOP (Art. 51(3)). A legal
engineer makes a draft from the admin home, changes the constant, sees which golden scenarios change, accepts the
new results, publishes, and every text that stated the threshold (wizard, estimator, result) now says 10^26.
The steps an admin takes are counted (README, docs/authoring.md)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from questionnaire import models as m
from questionnaire.core.versions import spec_for
from questionnaire.engine.lint import authored_texts
from tests.conftest import public_scenarios

from ..mfa import SECRET, with_second_factor
from .helpers import PASSWORD, answer_visible_questions, look, save, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
OLD_THRESHOLD = re.compile(r"(?<!× )10\^25 FLOP")  # the threshold, not an example figure such as 3.0 × 10^25 FLOP


def test_a_legal_engineer_raises_the_threshold_in_minutes(live_server, new_page, django_user_model, published):
    admin_user = with_second_factor(django_user_model.objects.create_superuser("root", "root@example.org", PASSWORD))
    page = new_page(javascript=True)
    sign_in(page, live_server.url, "root", totp_secret=SECRET)
    problems: dict[str, list[str]] = {}
    steps = 0

    def act(action, *args):
        nonlocal steps
        steps += 1
        with page.expect_navigation():
            action(*args)

    # 1. the admin home starts with "Edit the questionnaire": make the draft
    page.goto(live_server.url + reverse("admin:index"))
    look(page, "admin-home", problems)
    act(page.click, "[data-action=make-draft]")
    draft = m.QuestionnaireVersion.objects.get(status=m.VersionStatus.DRAFT)
    page.goto(live_server.url + reverse("admin:index"))
    assert page.locator("[data-action=open-draft]").count() == 1
    # 2. the constants list shows the draft's rows only; change sr_threshold
    act(page.click, "#edit-questionnaire ~ div a:text('constants (thresholds, dates)')")
    look(page, "constants-list", problems)
    assert page.locator("#result_list tbody tr").count() == m.Constant.objects.filter(version=draft).count()
    act(page.click, "#result_list a:text-is('sr_threshold')")
    steps += 1
    page.fill("textarea[name=value], input[name=value]", "1e26")
    act(page.click, "input[name=_save]")
    assert m.Constant.objects.get(version=draft, name="sr_threshold").value == 1e26
    # 3. Validate: the changed golden scenarios, old against new; accept them
    page.goto(live_server.url + reverse("admin:questionnaire_version_overview", args=[draft.pk]))
    look(page, "version-overview", problems)
    assert "constant sr_threshold changed" in page.inner_text(".version-changes")
    act(page.click, ".version-tools a:text('Validate')")
    look(page, "validate-changes", problems)
    t05 = page.locator("[data-scenario=T05] tr[data-key=classification]")
    assert t05.locator(".old").inner_text() == "GPAI_MODEL_SYSTEMIC_RISK"
    assert t05.locator(".new").inner_text() == "GPAI_MODEL"
    changed = page.locator("[data-scenario]").count()
    assert changed >= 10
    act(page.click, "[data-action=accept-results]")
    assert "No problems" in page.inner_text("#content")
    page.goto(live_server.url + reverse("admin:questionnaire_version_diff", args=[draft.pk]))
    look(page, "diff", problems)  # it scrolled sideways by a pixel at 390 px
    # 4. publish
    page.goto(live_server.url + reverse("admin:questionnaire_version_overview", args=[draft.pk]))
    act(page.click, ".version-tools a:text('Publish')")
    act(page.click, "#content form [type=submit]")
    draft.refresh_from_db()
    assert draft.status == m.VersionStatus.PUBLISHED and draft.published_by == admin_user
    print(f"\n#26: the threshold change took {steps} admin steps; {changed} golden scenarios changed")
    assert steps <= 10

    # every text that stated the threshold now states the new one
    spec = spec_for(draft)
    texts = [text for _where, field, text, _p, _e in authored_texts(spec) if field != "expr"]
    assert sum("10^26 FLOP" in t for t in texts) > 20 and not any(OLD_THRESHOLD.search(t) for t in texts)

    # a respondent's pages: the compute section's help and estimator, then the result
    scenario = next(c for c in public_scenarios() if c["id"] == "T05")  # 1.05e25 FLOP: no longer systemic risk
    visitor = new_page(javascript=True)
    visitor.goto(live_server.url + "/")
    with visitor.expect_navigation():
        visitor.click("a[data-action=quick-check]")
    seen_estimator = False
    for _ in range(30):
        if "/quick-check/result/" in visitor.url:
            break
        text = visitor.text_content("main")  # closed estimators and hints too
        assert not OLD_THRESHOLD.search(text), visitor.url
        if visitor.locator(".estimator").count():
            seen_estimator = True
            assert "more than 10^26 FLOP of cumulative compute presumes systemic risk" in text
        answer_visible_questions(visitor, scenario["answers"])
        save(visitor)
    assert seen_estimator
    html = visitor.content()
    assert 'data-classification="GPAI_MODEL"' in html
    assert not OLD_THRESHOLD.search(visitor.text_content("main"))
    assert problems == {}
