"""Read-only evaluation of saved answers (an assessment's or a quick check's): what the engine shows and concludes for
them, and which of them a version still accepts. No writes."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from ..engine import Result, Visibility, evaluate, parse_answers, visibility
from ..engine.spec import Spec
from ..engine.values import parse_answer
from ..models import Assessment
from .versions import spec_for


def evaluate_assessment(assessment: Assessment, spec: Spec | None = None) -> Result:
    """The live result of an assessment's saved answers (hidden answers do not count)."""
    spec = spec or spec_for(assessment.questionnaire_version)
    return evaluate_answers(spec, assessment.answers)


def assessment_visibility(assessment: Assessment, spec: Spec) -> Visibility:
    """The sections and questions shown for the saved answers (the wizard's pages), without the outcomes."""
    return answers_visibility(spec, assessment.answers)


def answers_visibility(spec: Spec, answers: dict[str, Any]) -> Visibility:
    """The sections and questions shown for stored JSON answers (an assessment's or a quick check's)."""
    return visibility(spec, parsed_answers(spec, answers), today=timezone.localdate())


def evaluate_answers(spec: Spec, answers: dict[str, Any]) -> Result:
    """The live result of stored JSON answers (hidden answers do not count)."""
    return evaluate(spec, parsed_answers(spec, answers), today=timezone.localdate())


def parsed_answers(spec: Spec, answers: dict[str, Any]) -> dict[str, Any]:
    """The stored answers the engine accepts, parsed. A saved answer that no longer fits its question (left by a
    copy made before copies were cleaned) counts as unanswered, so the wizard asks it again instead of failing."""
    kept, _dropped = clean_answers(spec, answers)
    return parse_answers(spec, kept)


def clean_answers(spec: Spec, answers: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The saved answers that `spec` still asks and accepts (checked by the engine's parse_answer, as the
    wizard and `assess` do), and the ones it refuses with the reason. Answers to questions it no longer asks
    are left out silently."""
    kept: dict[str, Any] = {}
    dropped: dict[str, str] = {}
    for code, value in answers.items():
        question = spec.questions.get(code)
        if question is None:
            continue
        try:
            parse_answer(question, value)
        except ValueError as exc:
            dropped[code] = str(exc)
        else:
            kept[code] = value
    return kept, dropped
