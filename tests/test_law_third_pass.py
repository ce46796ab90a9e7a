"""The corrections of 2026-12-05 (gpai-reference.md "What changed on 2026-12-05", items 1-12): what a person
reads and what the result JSON carries. The boundaries themselves are table-driven in scenarios/edge_cases.yaml
(run by test_engine_scenarios.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from questionnaire.engine import evaluate, parse_answers

from .conftest import own_scenarios, public_scenarios

SCENARIOS = {c["id"]: c for c in public_scenarios()}
BASE = SCENARIOS["T01"]["answers"]
TODAY = dt.date(2026, 12, 5)
ALWAYS = ("notify_by", "mandate_due", "retention_until")


def run(spec, changes, today=TODAY):
    return evaluate(spec, parse_answers(spec, {**BASE, **changes}), today=today)


@pytest.mark.parametrize("case", public_scenarios() + own_scenarios(), ids=lambda c: c["id"])
def test_the_dated_facts_are_always_in_the_result(spec, case):
    facts = evaluate(spec, parse_answers(spec, case["answers"]), today=TODAY).to_json()["facts"]
    for key in ALWAYS:
        assert key in facts, key
        assert facts[key] is None or dt.date.fromisoformat(facts[key]), (key, facts[key])


def test_the_dated_facts_are_there_for_an_empty_answer_set(spec):
    facts = evaluate(spec, {}, today=TODAY).to_json()["facts"]
    assert {key: facts[key] for key in ALWAYS} == dict.fromkeys(ALWAYS)


def test_a_threshold_known_before_the_rules_applied_is_due_16_august_2025(spec):
    result = run(spec, {"training_compute_flop": 3e25, "threshold_known_date": "2025-06-15"})
    notice = {n.id: n for n in result.notices}["notification_dated"]
    assert notice.date == "2025-08-16"
    assert "16 August 2025" in notice.text and "29 June 2025" not in notice.text
