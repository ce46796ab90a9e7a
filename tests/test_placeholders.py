"""Authored texts state the constants through placeholders ({sr_threshold}); one engine function fills them
(engine.placeholders), every page gets the filled Spec (core.versions.spec_for), and the lint warns where a text
writes a constant's value out (#26)."""

from __future__ import annotations

import copy
import dataclasses
import re

import pytest

from questionnaire.engine import (
    build_spec,
    constant_readings,
    fill_constants,
    lint,
    spec_to_content,
    texts_filled,
    written_out_constants,
)
from questionnaire.engine.lint import authored_texts


def with_constant(authored, **constants):
    content = spec_to_content(authored)
    content["constants"].update(constants)
    return build_spec(content)


@pytest.mark.parametrize(("text", "expected"), [
    ("more than {sr_threshold}", "more than 10^25 FLOP"),
    ("above {gpai_threshold} of compute", "above 10^23 FLOP of compute"),
    ("placed before {chapter_v_applies}", "placed before 2 August 2025"),
    ("by {legacy_due}", "by 2 August 2027"),
    ("within {notification_days} days", "within 14 days"),
    ("by {notify_by} ({sr_threshold})", "by {notify_by} (10^25 FLOP)"),  # a fact: filled when evaluated
    ("the {chapter} chapter", "the {chapter} chapter"),  # a page's own placeholder
    ("{documentation_form_chapter}", "{documentation_form_chapter}"),  # a setting, not a fact to state
    ("more than {modifier_share} of its compute", "more than one third of its compute"),
    ("no placeholder", "no placeholder"),
])
def test_fill_constants(authored, text, expected):
    assert fill_constants(text, authored) == expected


def test_the_canonical_texts_use_placeholders_and_write_out_no_constant(authored):
    assert written_out_constants(authored) == []
    uses = {m.group(1) for _w, _f, text, _p, _e in authored_texts(authored) for m in re.finditer(r"\{(\w+)\}", text)}
    assert {"sr_threshold", "gpai_threshold", "chapter_v_applies", "legacy_due", "commission_enforcement"} <= uses


def test_changing_the_threshold_changes_every_text_that_stated_it(authored):
    before = texts_filled(authored)
    after = texts_filled(with_constant(authored, sr_threshold=1e26))
    # a text fact's literals are filled where a text names the fact, when evaluated (see the reasons test)
    old_texts = [t for _w, f, t, _p, _e in authored_texts(before) if f != "expr"]
    new_texts = [t for _w, f, t, _p, _e in authored_texts(after) if f != "expr"]
    threshold = re.compile(r"(?<!× )10\^25 FLOP")  # not an example figure such as 3.0 × 10^25 FLOP
    stating = [i for i, t in enumerate(old_texts) if threshold.search(t)]
    assert len(stating) > 20  # questions' help, facts, flags, notices, next steps, the rules note...
    assert all("10^26 FLOP" in new_texts[i] and not threshold.search(new_texts[i]) for i in stating)
    assert not any("{sr_threshold}" in t for t in new_texts)
    flag = next(f for f in after.flags if "exactly" in f.title.lower() and "10^26" in f.title)
    assert flag.title == "Cumulative compute exactly at 10^26 FLOP"
    assert "10^26 FLOP" in after.rules_note
    # the questions keep one home: the mapping by code is the sections' filled questions
    assert after.questions["cumulative_training_compute_flop"] is next(
        q for s in after.sections for q in s.questions if q.code == "cumulative_training_compute_flop")
    assert before.content_hash == authored.content_hash  # the hash is of what was authored
    assert after.content_hash == with_constant(authored, sr_threshold=1e26).content_hash != authored.content_hash


def test_evaluated_reasons_state_the_changed_threshold(authored):
    from questionnaire.engine import evaluate, parse_answers

    answers = {"role": "developer", "places_under_own_name": True, "provider_established_in_eu": True,
               "eu_market_placement": "yes", "first_eu_placement_date": "2025-09-01",
               "training_compute_flop": "2e25", "cumulative_training_compute_flop": "2e25",
               "generates_language": True}
    for threshold, systemic in ((1e25, True), (1e26, False)):
        spec = texts_filled(with_constant(authored, sr_threshold=threshold))
        result = evaluate(spec, parse_answers(spec, {k: v for k, v in answers.items() if k in spec.questions}))
        texts = " ".join(r.text for r in result.reasons)
        assert "{sr_threshold}" not in texts and result.facts["systemic_risk"] is systemic
        assert ("exceeds 10^25 FLOP (Art. 51(2))" in texts) is systemic


def test_the_lint_warns_where_a_text_writes_a_constant_out(authored):
    content = spec_to_content(authored)
    flag = content["flags"][0]
    flag["explanation"] = flag["explanation"] + " Above 10^25 FLOP, and from 2 August 2027, notify; one-third."
    question = content["sections"][0]["questions"][0]
    question["help"] = "Since 2025-08-02 the rules apply; 3.0 × 10^25 FLOP and 16 August 2025 are other figures."
    warnings = written_out_constants(build_spec(content))
    assert {(w.where, w.field) for w in warnings} == {(f"flag {flag['id']}", "explanation"),
                                                       (f"question {question['code']}", "help")}
    messages = " ".join(w.message for w in warnings)
    assert "“10^25”" in messages and "{sr_threshold}" in messages
    assert "{legacy_due}" in messages and "{chapter_v_applies}" in messages and "{modifier_share}" in messages
    assert "3.0 × 10^25" not in messages and "16 August 2025" not in messages


def test_a_placeholder_that_names_no_constant_is_an_error(authored):
    content = spec_to_content(authored)
    content["sections"][0]["questions"][0]["help"] = "More than {sr_treshold} presumes systemic risk."
    problems = lint(build_spec(content), search=False, scenarios=False)
    code = content["sections"][0]["questions"][0]["code"]
    assert [p for p in problems if p.where == f"question {code}" and "{sr_treshold}" in p.message]


def test_constant_readings_are_numbers_and_dates_only(authored):
    readings = constant_readings(authored)
    assert readings["sr_threshold"] == "10^25 FLOP" and readings["chapter_v_applies"] == "2 August 2025"
    assert "signatory_texts" not in readings and "documentation_form_chapter" not in readings


@pytest.mark.django_db
def test_pages_get_filled_texts_and_authoring_keeps_the_placeholders(published):
    from questionnaire.authoring.content import export_yaml
    from questionnaire.core.versions import authored_spec, spec_for

    filled, written = spec_for(published), authored_spec(published)
    assert "{sr_threshold}" not in filled.rules_note and "10^25 FLOP" in filled.rules_note
    assert "{sr_threshold}" in written.rules_note
    assert "{sr_threshold}" in export_yaml(written)
    assert dataclasses.replace(filled, rules_note="") != dataclasses.replace(written, rules_note="")
    assert texts_filled(copy.deepcopy(filled)) == filled  # filling twice changes nothing


def test_the_share_follows_its_divisor(authored):
    quarter = texts_filled(with_constant(authored, modifier_divisor=4))
    flag = next(f for f in quarter.flags if f.title.startswith("Modification compute exactly at"))
    assert flag.title == "Modification compute exactly at one quarter"
    assert not any("one third" in t.lower() for _w, f, t, _p, _e in authored_texts(quarter) if f != "expr")
