"""`POST /api/v1/assess`: an answer set in, the result out, exactly as `manage.py assess` (the same function,
engine.assess, on the current published version). No account; rate-limited per client address."""

from __future__ import annotations

from django.http import JsonResponse
from django.utils import timezone
from ninja import Router

from ..core.versions import current_version, spec_for
from ..engine import AnswerError, assess
from .auth import AddressRateThrottle
from .bodies import read_json
from .problems import Problem, bad_field
from .schemas import AssessResult, ProblemOut

router = Router(tags=["assess"])

ANSWER_SET = {
    "type": "object",
    "description": "An answer set (contract.md §1): question code to value. Yes/no questions take true/false, "
                   "choices their enum strings, multiple choice a list of them, dates \"YYYY-MM-DD\", FLOP a "
                   "number or a string such as \"6.3e24\" or \"6.3 × 10^24\"; null or a missing key is unanswered.",
    "additionalProperties": True,
}


def published_spec():
    version = current_version()
    if version is None:
        raise Problem(503, "No questionnaire published", "An administrator must load the questionnaire first.")
    return spec_for(version)


def assess_answer_set(raw) -> dict:
    """The result document for a raw answer set, or a 422 Problem naming the code (as `assess` exits 2)."""
    if not isinstance(raw, dict):
        raise bad_field("(answers)", "the answer set must be a JSON object of question code to value")
    try:
        return assess(published_spec(), raw, timezone.localdate())
    except AnswerError as exc:
        raise bad_field(exc.code, exc.message) from None


@router.post(
    "/assess", operation_id="assess", auth=None, throttle=[AddressRateThrottle()],
    response={200: AssessResult, 400: ProblemOut, 413: ProblemOut, 422: ProblemOut, 429: ProblemOut,
              503: ProblemOut},
    summary="Assess an answer set",
    description="The same result as `manage.py assess`: the classification, role, obligations, Code chapters "
                "and measures, deadlines, flags, facts and reasons, and the contradictory or implausible answers "
                "under `answer_checks`. An unknown code, a wrong type or a value outside the choices answers 422 "
                "naming the code; a body that is not a JSON object answers 400.",
    openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": ANSWER_SET}}}},
)
def assess_endpoint(request):
    # answered as it is (not through the schema's model, which would drop keys the contract adds)
    return JsonResponse(assess_answer_set(read_json(request)), json_dumps_params={"ensure_ascii": False})
