"""The wizard's "Section N of M" (#27): M counts every section that can still apply (engine
Visibility.possible_sections), so it does not grow as a respondent answers section by section ("Section 4 of 8"
became 12 before), and it shrinks as answers rule sections out."""

from __future__ import annotations

import pytest

from questionnaire.engine.evaluate import visibility
from questionnaire.engine.values import parse_answers

from .conftest import public_scenarios

SCENARIOS = {c["id"]: c for c in public_scenarios()}


def counts_while_answering(spec, answers: dict) -> list[tuple[str, int, int]]:
    """(section, sections visible, sections counted) on each page, answering one visible section at a time."""
    given: dict = {}
    out = []
    for _ in range(len(spec.sections)):
        seen = visibility(spec, given)
        section = next((s for s in spec.sections if s.code in seen.visible_sections and any(
            q.code in seen.visible_questions and q.code not in given for q in s.questions)), None)
        if section is None:
            break
        out.append((section.code, len(seen.visible_sections), len(seen.possible_sections)))
        for q in section.questions:
            if q.code in seen.visible_questions:
                given[q.code] = answers.get(q.code)
    return out


@pytest.mark.parametrize("scenario_id", sorted(SCENARIOS))
def test_the_section_count_never_grows_while_answering(spec, scenario_id):
    answers = parse_answers(spec, {k: (v.isoformat() if hasattr(v, "isoformat") else v)
                                   for k, v in SCENARIOS[scenario_id]["answers"].items()})
    steps = counts_while_answering(spec, answers)
    counted = [count for _section, _visible, count in steps]
    assert counted == sorted(counted, reverse=True), steps
    assert all(count >= visible for _section, visible, count in steps)


def test_the_count_shrinks_when_answers_rule_sections_out(spec):
    answers = parse_answers(spec, {k: (v.isoformat() if hasattr(v, "isoformat") else v)
                                   for k, v in SCENARIOS["T01"]["answers"].items()})
    at_the_start = visibility(spec, {})
    at_the_end = visibility(spec, answers)
    assert len(at_the_start.possible_sections) == len(spec.sections)  # nothing is ruled out yet
    assert len(at_the_end.possible_sections) == len(at_the_end.visible_sections) < len(spec.sections)
