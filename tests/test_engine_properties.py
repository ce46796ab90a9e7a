"""Property tests (hypothesis) of the engine over random answer sets."""

from __future__ import annotations

import datetime as dt
import functools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from questionnaire.engine import evaluate, visibility
from questionnaire.engine.spec import QuestionType

RANK = {"OUT_OF_SCOPE": 0, "NOT_GPAI_MODEL": 1, "GPAI_MODEL": 2, "GPAI_MODEL_SYSTEMIC_RISK": 3}
TODAY = dt.date(2026, 11, 21)
REPRESENTATIVE_TASKS = ("ART54_3_A", "ART54_3_B", "ART54_3_C", "ART54_3_D", "ART54_5")
flops = st.one_of(st.none(), st.floats(min_value=0, max_value=1e30, allow_nan=False),
                  st.sampled_from([1e23, 1e25, 2e24, 3.33e24, 7e24, 1.3e25, 6.3e24]))


def answers_for(spec):
    fields = {}
    for q in spec.question_list():
        if q.type is QuestionType.YES_NO:
            fields[q.code] = st.one_of(st.none(), st.booleans())
        elif q.type is QuestionType.SINGLE_CHOICE:
            fields[q.code] = st.one_of(st.none(), st.sampled_from(q.choice_values()))
        elif q.type is QuestionType.MULTIPLE_CHOICE:
            fields[q.code] = st.lists(st.sampled_from(q.choice_values()), unique=True)
        elif q.type is QuestionType.FLOP:
            fields[q.code] = flops
        elif q.type is QuestionType.DATE:
            fields[q.code] = st.one_of(st.none(), st.dates(dt.date(2024, 1, 1), dt.date(2030, 12, 31)))
        else:
            fields[q.code] = st.none()
    return st.fixed_dictionaries(fields)


PROPERTY_SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@functools.cache
def _canonical_spec():
    from questionnaire.authoring.content import canonical_spec

    return canonical_spec()


# drawn from the canonical questionnaire, built when hypothesis first draws (Django is set up by then)
ANSWERS = st.deferred(lambda: answers_for(_canonical_spec()))


@PROPERTY_SETTINGS
@given(answers=ANSWERS, factor=st.floats(min_value=1.0, max_value=1e4))
def test_more_compute_never_lowers_the_classification(spec, answers, factor):
    answers = {**answers, "narrow_task_only": False}  # the narrowness override works against compute
    low = evaluate(spec, answers, today=TODAY)
    raised = dict(answers)
    for code in ("training_compute_flop", "cumulative_training_compute_flop", "planned_cumulative_compute_flop",
                 "modification_compute_flop"):
        if raised.get(code) is not None:
            raised[code] = min(raised[code] * factor, 1e40)
    high = evaluate(spec, raised, today=TODAY)
    if low.classification in RANK and high.classification in RANK:
        assert RANK[high.classification] >= RANK[low.classification], (answers, factor)


@PROPERTY_SETTINGS
@given(answers=ANSWERS, noise=ANSWERS)
def test_hidden_answers_never_change_the_result(spec, answers, noise):
    result = evaluate(spec, answers, today=TODAY)
    hidden = {code for code in spec.questions if code not in result.visible_questions}
    noisy = {**answers, **{code: noise[code] for code in hidden}}
    assert evaluate(spec, noisy, today=TODAY).to_json() == result.to_json()


@PROPERTY_SETTINGS
@given(answers=ANSWERS)
def test_the_wizard_pages_are_those_of_the_full_evaluation(spec, answers):
    result = evaluate(spec, answers, today=TODAY)
    shown = visibility(spec, answers, today=TODAY)
    assert (shown.visible_sections, shown.visible_questions, shown.missing_required) == (
        tuple(result.visible_sections), tuple(result.visible_questions), tuple(result.missing_required))


@PROPERTY_SETTINGS
@given(answers=ANSWERS)
def test_every_result_is_explained_and_consistent(spec, answers):
    result = evaluate(spec, answers, today=TODAY)
    about = {r.about for r in result.reasons}
    assert set(result.obligations) <= about
    assert set(result.flags) <= about
    assert {"classification", "role_outcome"} <= about
    visible = set(result.visible_questions)
    for reason in result.reasons:
        assert set(reason.answers) <= visible
    provider = result.classification in ("GPAI_MODEL", "GPAI_MODEL_SYSTEMIC_RISK")
    if result.role_outcome == "authorised_representative":
        # the representative's tasks exist exactly when its provider needs one (Art. 54, 54(6))
        needed = "ART54" in result.to_json()["provider_obligations"]
        assert result.obligations == (REPRESENTATIVE_TASKS if needed else ())
        assert ("REPRESENTATIVE_NOT_REQUIRED" in result.flags) == (not needed)
        assert result.code_chapters == ()
        return
    assert bool(result.obligations) == provider
    assert ("ART53_1_C" in result.obligations) == provider  # copyright: every provider, open source too
    systemic = result.classification == "GPAI_MODEL_SYSTEMIC_RISK"
    assert ("ART55_1_A" in result.obligations) == systemic
    assert ("SAFETY_SECURITY" in result.code_chapters) == systemic
    if systemic:  # open source never exempts a model with systemic risk
        assert {"ART53_1_A", "ART53_1_B"} <= set(result.obligations)
    if "ART52_1_NOTIFY" in result.obligations:
        assert systemic and "notify_commission" in result.deadlines
    assert set(result.missing_required) <= visible


@PROPERTY_SETTINGS
@given(answers=ANSWERS)
def test_a_representative_sees_what_the_provider_would(spec, answers):
    """gpai-reference.md §5.3: the representative's result is the provider's evaluation of the same model
    (role developer, under its own name, established outside the EU), with the tasks of Art. 54(3), (5)."""
    represented = evaluate(spec, {**answers, "role": "authorised_representative"}, today=TODAY)
    provider = evaluate(spec, {**answers, "role": "developer", "places_under_own_name": True,
                               "provider_established_in_eu": False}, today=TODAY)
    doc = represented.to_json()
    assert doc["provider_obligations"] == list(provider.obligations)
    assert represented.classification == provider.classification
    assert represented.deadlines == provider.deadlines
    assert [f for f in represented.flags if f != "REPRESENTATIVE_NOT_REQUIRED"] == list(provider.flags)
