"""The pure rules engine: no Django imports. See design.md §2 and §4."""

from .assess import assess
from .evaluate import (
    AnswerProblem,
    Reason,
    Result,
    Visibility,
    check_answers,
    compile_spec,
    describe_value,
    evaluate,
    render_text,
    visibility,
)
from .expressions import ExpressionError
from .lint import Problem, ScenarioChange, lint, scenario_changes, scenario_differences, written_out_constants
from .placeholders import constant_readings, fill_constants, texts_filled
from .schema import ContentError, build_spec, canonical_hash, content_hash, normalise, spec_to_content
from .spec import QuestionType, Spec
from .values import AnswerError, answer_problems, check_answer, format_flop, parse_answer, parse_answers, parse_flop

__all__ = [
    "AnswerError",
    "AnswerProblem",
    "ContentError",
    "ExpressionError",
    "Problem",
    "QuestionType",
    "Reason",
    "Result",
    "ScenarioChange",
    "Spec",
    "Visibility",
    "answer_problems",
    "assess",
    "build_spec",
    "canonical_hash",
    "check_answer",
    "check_answers",
    "compile_spec",
    "constant_readings",
    "content_hash",
    "describe_value",
    "evaluate",
    "fill_constants",
    "format_flop",
    "lint",
    "normalise",
    "parse_answer",
    "parse_answers",
    "parse_flop",
    "render_text",
    "scenario_changes",
    "scenario_differences",
    "spec_to_content",
    "texts_filled",
    "visibility",
    "written_out_constants",
]
