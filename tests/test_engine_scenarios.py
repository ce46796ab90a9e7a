"""Every scenario gives its expected result through the engine, with no database.

Public scenarios come from ../shared/scenarios/, our own edge cases from tests/scenarios/; the golden
scenarios stored with the canonical content must match the public file exactly.
"""

from __future__ import annotations

import datetime as dt
import os

import pytest

from questionnaire.engine import evaluate, parse_answers, scenario_differences

from .conftest import SHARED_SCENARIOS, own_scenarios, public_scenarios

TODAY = dt.date(2026, 11, 21)


def run(spec, answers):
    return evaluate(spec, parse_answers(spec, answers), today=TODAY)


@pytest.mark.parametrize("case", public_scenarios(), ids=lambda c: c["id"])
def test_public_scenario(spec, case):
    assert scenario_differences(case["expected"], run(spec, case["answers"])) == []


@pytest.mark.parametrize("case", own_scenarios(), ids=lambda c: c["id"])
def test_edge_case(spec, case):
    assert scenario_differences(case["expected"], run(spec, case["answers"])) == []


def test_public_scenarios_are_present():
    if not SHARED_SCENARIOS.is_dir() and not os.environ.get("CI"):
        pytest.skip("../shared/scenarios is not beside this clone; the golden scenarios in the content cover them")
    assert SHARED_SCENARIOS.is_dir(), "../shared/scenarios is missing beside the project"
    assert len(public_scenarios()) >= 22


def test_golden_scenarios_in_content_cover_every_public_scenario(spec):
    golden = {s.id: s for s in spec.scenarios}
    for case in public_scenarios():
        assert case["id"] in golden, case["id"]
        assert parse_answers(spec, golden[case["id"]].answers) == parse_answers(spec, case["answers"])
        assert scenario_differences(golden[case["id"]].expected, run(spec, case["answers"])) == []


def test_every_obligation_in_a_result_has_a_reason(spec):
    for case in public_scenarios() + own_scenarios():
        result = run(spec, case["answers"])
        about = {r.about for r in result.reasons}
        assert set(result.obligations) <= about, case["id"]
        assert "classification" in about and "role_outcome" in about


def test_reasons_name_the_answers_that_led_to_them(spec):
    (t06,) = [c for c in public_scenarios() if c["id"] == "T06"]
    result = run(spec, t06["answers"])
    (art54,) = result.reasons_about("ART54")
    assert "provider_established_in_eu" in art54.answers
    (notify,) = result.reasons_about("ART52_1_NOTIFY")
    assert "training_compute_flop" in notify.answers
    assert "3.8 × 10^25 FLOP" in notify.text


def test_result_json_has_the_contract_shape(spec):
    (t01,) = [c for c in public_scenarios() if c["id"] == "T01"]
    doc = run(spec, t01["answers"]).to_json()
    assert set(doc) >= {"questionnaire", "classification", "role_outcome", "obligation_scope", "obligations",
                        "code_chapters", "code_measures", "deadlines", "flags", "facts", "reasons",
                        "missing_required"}
    assert doc["questionnaire"] == {"slug": "gpai", "version": spec.version, "content_hash": spec.content_hash}
    assert doc["content_hash" if False else "questionnaire"]["content_hash"].startswith("sha256:")
    assert doc["code_measures"] == ["TR-1.1", "TR-1.2", "TR-1.3", "CR-1.1", "CR-1.2", "CR-1.3", "CR-1.4", "CR-1.5"]
    assert doc["facts"]["is_gpai"] is True and doc["facts"]["systemic_risk"] is False
    assert doc["missing_required"] == []
    for reason in doc["reasons"]:
        assert set(reason) == {"about", "text", "answers"}


def test_systemic_risk_result_lists_all_32_safety_and_security_measures(spec):
    (t06,) = [c for c in public_scenarios() if c["id"] == "T06"]
    measures = run(spec, t06["answers"]).code_measures
    ss = [m for m in measures if m.startswith("SS-")]
    assert len(ss) == 32 and ss[0] == "SS-1.1" and ss[-1] == "SS-10.2"


def test_hidden_answers_are_ignored(spec):
    """A deployer's answers to questions it is never asked do not count."""
    base = {"role": "deployer_only"}
    noisy = {**base, "training_compute_flop": 5e25, "commission_designated": True, "licence_type": "foss"}
    a, b = run(spec, base), run(spec, noisy)
    assert a.to_json() == b.to_json()
    assert b.visible_questions == ("role",)
    assert "training_compute_flop" not in b.answers


def test_modifier_is_not_asked_about_training_compute(spec):
    result = run(spec, {"role": "downstream_modifier", "eu_market_placement": "yes", "research_status": "none"})
    assert "modification_compute_flop" in result.visible_questions
    assert "training_compute_flop" not in result.visible_questions
    assert "modification_compute_flop" in result.missing_required
