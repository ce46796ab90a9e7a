"""The corrections of 2026-11-29 (gpai-reference.md "What changed"): texts, notices, answer checks, dates that
have passed, the representative's pages. The boundaries themselves are table-driven in scenarios/edge_cases.yaml
(run by test_engine_scenarios.py); these tests check what a person reads."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from questionnaire.assessments.presenters import deadline_views, result_page
from questionnaire.engine import check_answers, evaluate, parse_answers
from questionnaire.engine.expressions import flop2

from .conftest import public_scenarios
from .factories import make_member, new_assessment
from .wizard_driver import complete_through_wizard

SCENARIOS = {c["id"]: c for c in public_scenarios()}
BASE = SCENARIOS["T01"]["answers"]
TODAY = dt.date(2026, 11, 29)
OPEN = {"licence_type": "foss", "weights_public": True, "architecture_info_public": True,
        "usage_info_public": True, "monetised": False}


def run(spec, changes, today=TODAY):
    return evaluate(spec, parse_answers(spec, {**BASE, **changes}), today=today)


def page_of(spec, result, today=TODAY):
    return result_page(spec, {"result": result.to_json(), "answers": {}}, today=today)


@pytest.mark.parametrize(("value", "text"), [
    (3.8e25, "3.8 × 10^25 FLOP"), (2.345e25, "2.3 × 10^25 FLOP"), (9.96e24, "1.0 × 10^25 FLOP"),
    (1.05e25, "1.1 × 10^25 FLOP"), (None, ""),
])
def test_notification_figures_have_two_significant_figures(value, text):
    assert flop2(value) == text


def test_notification_reason_gives_the_figure_and_the_method(spec):
    result = run(spec, {"training_compute_flop": 2.345e25, "training_compute_method": "architecture"})
    (reason,) = result.reasons_about("ART52_1_NOTIFY")
    assert "2.3 × 10^25 FLOP" in reason.text and "6 × parameters × training tokens" in reason.text
    undated = {n.id: n for n in result.notices}["notification_undated"]
    assert "2.3 × 10^25 FLOP" in undated.text


def test_notify_within_14_days_shows_the_date_when_it_can_be_known(spec):
    result = run(spec, {"training_compute_flop": 2e25, "threshold_known_date": "2026-11-20"})
    notice = {n.id: n for n in result.notices}["notification_dated"]
    assert notice.date == "2026-12-04"
    page = page_of(spec, result, today=dt.date(2026, 12, 1))
    (item,) = [i for g in page["groups"] for i in g["items"] if i["obligation"].id == "ART52_1_NOTIFY"]
    assert [n.text for n in item["notices"]] == [notice.text] and "by 4 December 2026" in notice.text
    late = page_of(spec, result, today=dt.date(2026, 12, 10))
    (item,) = [i for g in late["groups"] for i in g["items"] if i["obligation"].id == "ART52_1_NOTIFY"]
    assert "was due by 4 December 2026" in item["notices"][0].text and "send it now" in item["notices"][0].text


def test_open_source_exempt_model_is_told_what_does_not_apply_and_why(spec):
    result = run(spec, OPEN)
    assert result.obligations == ("ART53_1_C", "ART53_1_D", "ART53_3")
    (notice,) = page_of(spec, result)["notices"]
    for words in ("Not required because of the exemption", "Still required", "What ends it", "Art. 53(1)(a)",
                  "Art. 53(1)(b)",
                  "Art. 53(2)", "Art. 54(6)", "copyright policy", "non-commercial", "monetised",
                  "systemic risk", "10^25 FLOP", "designation"):
        assert words in notice.text, words
    assert run(spec, {**OPEN, "training_compute_flop": 3e25}).notices[0].id != "open_source_exemption"


@pytest.mark.parametrize(("today", "phrase"), [
    (dt.date(2025, 9, 1), "The provider's obligations apply from 1 October 2025 (30 days left)"),
    (dt.date(2026, 11, 29), "The provider's obligations apply since 1 October 2025"),
])
def test_an_obligation_that_already_applies_says_since(spec, today, phrase):
    (view,) = [d for d in deadline_views(spec, run(spec, {}).deadlines, today) if d.key == "obligations_apply_from"]
    assert view.phrase == phrase
    assert "days left" not in view.phrase or today < view.date


def test_a_representative_appointed_too_late_is_told_what_to_do_now(spec):
    result = run(spec, {"provider_established_in_eu": False})
    page = page_of(spec, result)
    (item,) = [i for g in page["groups"] for i in g["items"] if i["obligation"].id == "ART54"]
    (notice,) = item["notices"]
    assert notice.is_past
    assert "before the model's first placing on the EU market, on 1 October 2025" in notice.text
    assert "appoint a representative established in the EU now" in notice.text
    future = page_of(spec, run(spec, {"provider_established_in_eu": False, "eu_market_placement": "planned",
                                      "first_eu_placement_date": "2027-03-01"}))
    (item,) = [i for g in future["groups"] for i in g["items"] if i["obligation"].id == "ART54"]
    assert not item["notices"][0].is_past and "on 1 March 2027" in item["notices"][0].text


def test_representative_page_lists_its_tasks_and_the_provider_obligations_it_verifies(spec):
    result = run(spec, {"role": "authorised_representative", "training_compute_flop": 3.8e25})
    page = page_of(spec, result)
    assert [g["article"] for g in page["groups"]] == ["Art. 54(3), (5)"]
    assert [i["obligation"].label for i in page["groups"][0]["items"]] == [
        "Art. 54(3)(a)", "Art. 54(3)(b)", "Art. 54(3)(c)", "Art. 54(3)(d)", "Art. 54(5)"]
    (provider,) = page["perspectives"]
    assert [i["obligation"].id for i in provider["items"]] == list(result.to_json()["provider_obligations"])
    assert "ART55_1_A" in [i["obligation"].id for i in provider["items"]]
    (timing,) = page["groups"][0]["items"][0]["notices"]
    assert timing.is_past and "sign the mandate now" in timing.text and "1 October 2035" in timing.text
    assert page["next_steps"][0].startswith("Sign the written mandate")
    assert page["scope_label"] == "The tasks of an authorised representative"


def test_the_annex_xii_checklist_is_the_downstream_providers_not_the_deployers(spec):
    """W1 of the lawyer's review: Art. 53(1)(b) owes the Annex XII information to downstream providers (Art. 3(68)),
    not to a deployer (Art. 3(4)), who has no rights against the model provider under Chapter V."""
    downstream = page_of(spec, run(spec, {"role": "integrator"}))
    (checklist,) = downstream["checklists"]
    assert checklist.id == "annex_xii_requests" and len(checklist.items) == 9
    assert downstream["next_steps"][0].startswith("Ask the model provider for the Annex XII information")
    assert "save exceptional circumstances (Transparency Measure 1.2)" in downstream["next_steps"][0]
    deployer = page_of(spec, run(spec, {"role": "deployer_only"}))
    assert deployer["checklists"] == []
    assert not any("Annex XII" in step or "14 days" in step for step in deployer["next_steps"])
    assert deployer["next_steps"][0].startswith("Chapter V gives you no rights against the model provider")
    assert "Art. 13 and 26 only for high-risk AI systems" in deployer["next_steps"][0]
    reason = run(spec, {"role": "deployer_only"}).reasons_about("classification")[0].text
    assert "only for high-risk AI systems, the duties of deployers (Art. 26)" in reason


@pytest.mark.parametrize(("changes", "check", "refuse"), [
    ({"training_compute_flop": 9e24, "cumulative_training_compute_flop": 5e24}, "cumulative_below_training", True),
    ({"eu_market_placement": "yes", "first_eu_placement_date": "2027-01-01"}, "available_with_future_date", True),
    ({"first_eu_placement_date": "2014-12-31"}, "placement_date_implausible", True),
    ({"first_eu_placement_date": "2101-01-01", "eu_market_placement": "planned"}, "placement_date_implausible", True),
    ({"commission_designated": True, "designation_date": "2025-09-01"}, "designation_before_placement", True),
    ({"research_status": "sole_scientific_research"}, "research_and_release", False),
])
def test_contradictory_answers_are_found_in_one_place(spec, changes, check, refuse):
    found = check_answers(spec, parse_answers(spec, {**BASE, **changes}), TODAY)
    assert [(p.check, p.refuse) for p in found] == [(check, refuse)]
    assert check_answers(spec, parse_answers(spec, BASE), TODAY) == ()


def test_the_same_date_is_fine_one_day_later(spec):
    answers = {**BASE, "training_compute_flop": 9e24, "cumulative_training_compute_flop": 9e24,
               "first_eu_placement_date": "2026-11-29", "commission_designated": True, "designation_date": "2026-11-29"}
    assert check_answers(spec, parse_answers(spec, answers), TODAY) == ()


@pytest.mark.django_db
@pytest.mark.parametrize(("changes", "must_read"), [
    (OPEN, ["Open-source exemption", "Not required because of the exemption", "Art. 54(6)"]),
    ({"role": "authorised_representative", "training_compute_flop": 9e24},
     ["Your tasks as authorised representative", "Obligations of the provider you verify", "Art. 54(3)(a)"]),
    ({"places_under_own_name": False}, ["another organisation&#x27;s name", "Art. 3(3)"]),
])
def test_result_page_reads_the_law_and_the_state_of_the_rules(client, django_user_model, published, spec, changes,
                                                                must_read):
    user, organisation = make_member(django_user_model, "lex")
    client.force_login(user)
    html = complete_through_wizard(client, new_assessment(organisation, user), {**BASE, **changes}, spec)
    html = html.content.decode()
    for words in [*must_read, "rules as of 2026-12-05", "Regulation (EU) 2026/1744", "C(2025) 8311",
                  "C(2025) 7719 of 19 November 2025"]:
        assert words in html, words
    assert not re.search(r"compliance is presumed", html, re.IGNORECASE)


def test_rebadging_a_third_party_model_is_a_point_for_counsel_not_a_guess(spec):
    result = run(spec, {"role": "host_platform", "places_under_own_name": True})
    assert result.role_outcome == "provider"
    assert "rebadging_unclear" in [n.id for n in result.notices]
    assert "rebadging_unclear" not in [n.id for n in run(spec, {}).notices]


def test_the_version_diff_shows_changes_to_the_new_sections(spec):
    from questionnaire.authoring.diff import diff_specs
    from questionnaire.engine import build_spec, spec_to_content

    content = spec_to_content(spec)
    content["notices"][0]["text"] = "Changed."
    content["rules_note"] = "Rules as of tomorrow."
    changes = {(c.kind, c.key, c.change) for c in diff_specs(spec, build_spec(content))}
    assert changes == {("notice", "open_source_exemption", "changed"), ("rules note", "rules_note", "changed")}


def test_notices_and_next_steps_are_translatable_texts(spec):
    from questionnaire.authoring.translations import source_texts

    texts = source_texts(spec)
    assert texts["notice:open_source_exemption:title"].startswith("Open-source exemption")
    assert texts["next_step:mandate:text"].startswith("Sign the written mandate")
