"""The answer set in, the result document out: what `manage.py assess`, `POST /api/v1/assess` and the MCP
server's `assess` tool print or answer (contract.md §3, §6). One function, so the three cannot drift apart."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from .evaluate import check_answers, evaluate
from .spec import Spec
from .values import parse_answers


def assess(spec: Spec, raw: Mapping[str, Any], today: dt.date) -> dict[str, Any]:
    """The result (contract §2) of one answer set (§1), with `answer_checks`: the contradictory or implausible
    answers, which do not stop the result (it follows the law, e.g. the larger of cumulative and training
    compute). Raises AnswerError naming the code for an unknown code, a wrong type or a value outside the
    choices."""
    answers = parse_answers(spec, raw)
    result = evaluate(spec, answers, today=today)
    problems = check_answers(spec, answers, today)
    return {**result.to_json(), "answer_checks": [p.to_json() for p in problems]}
