"""The publish-time checks report each kind of problem by name."""

from __future__ import annotations

import copy
import dataclasses
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from questionnaire.engine import build_spec, lint


@pytest.fixture(scope="module")
def content():
    return yaml.safe_load(settings.QUESTIONNAIRE_CONTENT.read_text())


def problems_of(content, mutate):
    data = copy.deepcopy(content)
    mutate(data)
    return [str(p) for p in lint(build_spec(data))]


def question(data, code):
    for section in data["sections"]:
        for q in section["questions"]:
            if q["code"] == code:
                return q
    raise KeyError(code)


def fact(data, name):
    return next(f for f in data["facts"] if f["name"] == name)


def test_canonical_content_is_clean(content):
    assert problems_of(content, lambda d: None) == []


def test_broken_expression(content):
    problems = problems_of(content, lambda d: fact(d, "is_deployer").update(expr='role == "deployer_only" and'))
    assert any(p.startswith("fact is_deployer: syntax error") for p in problems), problems


def test_unknown_name(content):
    problems = problems_of(content, lambda d: fact(d, "is_deployer").update(expr="rolle == 'deployer_only'"))
    assert any("fact is_deployer: unknown name “rolle”" in p for p in problems), problems


def test_literal_that_is_not_a_choice_value(content):
    problems = problems_of(content, lambda d: fact(d, "is_deployer").update(expr='role == "deployer"'))
    assert any("“deployer” is not a choice of role" in p for p in problems), problems


def test_yes_no_compared_with_a_string(content):
    problems = problems_of(content, lambda d: fact(d, "designated").update(expr='commission_designated == "yes"'))
    assert any("commission_designated is a yes/no question" in p for p in problems), problems


def test_forward_reference_in_visibility(content):
    def mutate(d):
        question(d, "places_under_own_name")["visible_if"] = "training_compute_flop is not None"
    problems = problems_of(content, mutate)
    assert any(p.startswith("question places_under_own_name: “training_compute_flop” is not known yet")
               for p in problems), problems


def test_fact_used_before_it_is_defined(content):
    problems = problems_of(content, lambda d: fact(d, "is_deployer").update(expr="systemic_risk"))
    assert any("fact systemic_risk is defined after is_deployer" in p for p in problems), problems


def test_duplicate_codes(content):
    def mutate(d):
        d["sections"][1]["questions"].append(copy.deepcopy(question(d, "role")))
        d["obligations"].append(copy.deepcopy(d["obligations"][0]))
    problems = problems_of(content, mutate)
    assert any(p.startswith("question role: duplicate question code") for p in problems), problems
    assert any(p.startswith("obligation ART52_1_NOTIFY: duplicate") for p in problems), problems


def test_failing_golden_scenario(content):
    def mutate(d):
        d["scenarios"]["cases"][0]["expected"]["classification"] = "GPAI_MODEL_SYSTEMIC_RISK"
    problems = problems_of(content, mutate)
    assert any(p.startswith("scenario T01: classification: expected 'GPAI_MODEL_SYSTEMIC_RISK'") for p in problems)


def test_unreachable_question(content):
    def mutate(d):
        question(d, "monetised")["visible_if"] = 'licence_type == "foss" and licence_type == "proprietary"'
    problems = problems_of(content, mutate)
    assert "question monetised: can never be reached (no answer set found in 1500 tries)" in problems


def test_unreachable_obligation(content):
    problems = problems_of(content, lambda d: d["obligations"][6].update(applies_if="gpai_provider and is_deployer"))
    assert any(p.startswith("obligation ART54: can never be reached") for p in problems), problems


def test_obligation_without_article_label_or_source(content):
    def mutate(d):
        d["obligations"][1]["label"] = ""
        d["obligations"][1]["citations"] = []
    problems = problems_of(content, mutate)
    assert "obligation ART53_1_A: needs an article label, e.g. Art. 53(1)(a)" in problems
    assert "obligation ART53_1_A: needs at least one legal source" in problems


def test_unknown_reference_to_deadline_and_obligation(content):
    def mutate(d):
        d["obligations"][1]["deadlines"] = ["someday"]
        d["code_chapters"][0]["commitments"][0]["measures"][0]["serves"] = ["ART99"]
    problems = problems_of(content, mutate)
    assert "obligation ART53_1_A: unknown deadline “someday”" in problems
    assert "measure TR-1.1: serves unknown obligation “ART99”" in problems


def test_article_group_and_notice_must_name_known_obligations(content):
    def mutate(d):
        d["article_groups"][0]["obligations"].append("ART99")
        next(n for n in d["notices"] if n["id"] == "provider_appoint_representative")["about"] = ["ART98"]
    problems = problems_of(content, mutate)
    assert "article group Art. 52: lists unknown obligation “ART99”" in problems
    assert "notice provider_appoint_representative: is about unknown obligation “ART98”" in problems


def test_obligation_outside_every_article_group_is_reported(content):
    problems = problems_of(content, lambda d: d["article_groups"][0]["obligations"].clear())
    assert "obligation ART52_1_NOTIFY: is in no article group, so no page would show it" in problems


def test_answer_check_may_use_answers_and_constants_only(content):
    def mutate(d):
        d["answer_checks"][0]["when"] = "gpai_provider and training_compute_flop > 0"
    problems = problems_of(content, mutate)
    assert any(p.startswith("answer check cumulative_below_training: unknown name “gpai_provider”")
               for p in problems), problems


def test_perspective_substitutes_known_questions_only(content):
    def mutate(d):
        d["perspectives"][0]["answers"]["no_such_question"] = "True"
    assert "perspective provider_obligations: substitutes unknown question “no_such_question”" in problems_of(
        content, mutate)


def test_next_step_with_a_broken_condition(content):
    def mutate(d):
        d["next_steps"][0]["when"] = "unknown_fact and True"
    first = content["next_steps"][0]["id"]
    assert any(p.startswith(f"next step {first}: unknown name “unknown_fact”") for p in problems_of(content, mutate))


@pytest.mark.parametrize(("name", "value", "message"), [
    ("documentation_form_chapter", "TRANSPARENCYY", "unknown chapter “TRANSPARENCYY”"),
    ("measure_deadline_keys", ["comply_by", "comply_bye"], "unknown deadline “comply_bye”"),
    ("signatory_chapter_choices", {"COPYRIGHT": "copyrite"}, "“copyrite” is not a choice of cop_signatory_chapters"),
    ("optional_chapters", {"SAFETY_SECURTY": "Optional."}, "unknown chapter “SAFETY_SECURTY”"),
    ("signing_texts", {"signd": "Signed."}, "“signd” is none of"),
])
def test_constants_pages_rely_on_must_name_what_exists(content, name, value, message):
    def mutate(data):
        data["constants"][name] = value

    found = problems_of(content, mutate)
    assert any(p.startswith(f"constant {name}") and message in p for p in found), found


def test_a_golden_scenario_id_longer_than_its_column_is_refused_with_its_line():
    """PostgreSQL refuses a scenario id longer than its column; the import names the line instead."""
    from django.conf import settings

    from questionnaire.authoring.content import too_long_texts

    text = Path(settings.QUESTIONNAIRE_CONTENT).read_text(encoding="utf-8")
    assert too_long_texts(text) == []  # the canonical content fits
    longer = text.replace("  - id: MODIFIER-SIGNIFICANT-CHANGE-SR-BASE", "  - id: " + "X" * 41, 1)
    line = longer.splitlines().index("  - id: " + "X" * 41) + 1
    problems = too_long_texts(longer, "gpai.yaml")
    assert [p.where for p in problems] == [f"gpai.yaml line {line}"], problems


def test_a_remembered_answer_belongs_to_the_content_not_to_a_stale_hash(content):
    """lint remembers its answer per content; a Spec changed in place (its stored hash left as it was) is
    checked afresh, and asking again for unchanged content gives the same problems."""
    clean = build_spec(content)
    assert lint(clean) == []
    broken = dataclasses.replace(clean, facts=(dataclasses.replace(clean.facts[0], expr="nonsense =="),
                                               *clean.facts[1:]))
    assert broken.content_hash == clean.content_hash
    first = lint(broken)
    assert any("nonsense" in str(problem) or "expr" in problem.field for problem in first), first
    assert lint(broken) == first and lint(clean) == []
