"""The API object (`api`, mounted at /api/v1/ in questionnaire/urls.py): its body parser, its error answers (every
one application/problem+json) and its OpenAPI schema, whose examples are the published questionnaire's own golden
scenarios (the public scenarios)."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from ..core.versions import current_version, spec_for
from . import assess, records
from .bodies import GuardedParser
from .problems import Problem, invalid, problem_response


class Api(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        problems_as_problems(schema)
        add_examples(schema)
        return schema


def problems_as_problems(schema: dict[str, Any]) -> None:
    """Error answers are application/problem+json (problems.py): say so in the schema, where ninja writes
    application/json for every response."""
    for path in schema.get("paths", {}).values():
        for operation in path.values():
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if str(status)[0] in "45" and "application/json" in content:
                    content["application/problem+json"] = content.pop("application/json")


def scenario_examples(limit: int = 4) -> dict[str, dict[str, Any]]:
    """The first golden scenarios of the published questionnaire (the public scenarios T01, T02, …) as
    OpenAPI examples of an answer set."""
    version = current_version()
    if version is None:
        return {}
    spec = spec_for(version)
    public = [s for s in spec.scenarios if re.fullmatch(r"[TS]\d+", s.id)][:limit]
    return {s.id: {"summary": f"{s.id}: {s.description}"[:200], "value": dict(s.answers)} for s in public}


def add_examples(schema: dict[str, Any]) -> None:
    examples = scenario_examples()
    if not examples:
        return
    for path in schema.get("paths", {}).values():
        for operation in path.values():
            if isinstance(operation, dict) and operation.get("operationId") == "assess":
                operation["requestBody"]["content"]["application/json"]["examples"] = examples


api = Api(
    title="GPAI compliance checker API", version="1", urls_namespace="api-1", docs_url=None,
    parser=GuardedParser(),
    description="Assess an answer set without an account; with an organisation's token, read and write its "
                "models, assessments, results, gap records, legal documents, reports and deadlines. Errors are "
                "application/problem+json naming the field.",
)


@api.exception_handler(Problem)
def problem_handler(request, exc: Problem):
    return problem_response(exc)


@api.exception_handler(ValidationError)
def validation_handler(request, exc: ValidationError):
    errors = []
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path", "payload")]
        errors.append({"field": ".".join(location) or "(body)", "message": str(error.get("msg", "invalid"))})
    return problem_response(invalid("Invalid input", errors))


@api.exception_handler(AuthenticationError)
def authentication_handler(request, exc):
    return problem_response(Problem(401, "Authentication required", "Send an organisation's token as "
                                    "`Authorization: Bearer <token>`.",
                                    headers={"WWW-Authenticate": 'Bearer realm="api"'}))


@api.exception_handler(Throttled)
def throttled_handler(request, exc: Throttled):
    wait = int(exc.wait or 1)
    return problem_response(Problem(429, "Too many requests", f"Try again in {wait} seconds.",
                                    headers={"Retry-After": str(max(wait, 1))}))


@api.exception_handler(Http404)
def not_found_handler(request, exc):
    return problem_response(Problem(404, "Not found", str(exc) or "There is no such thing, or it is not yours."))


@api.exception_handler(PermissionDenied)
def forbidden_handler(request, exc):
    return problem_response(Problem(403, "Forbidden", str(exc) or "This token may not do that."))


@api.exception_handler(HttpError)
def http_error_handler(request, exc: HttpError):
    return problem_response(Problem(exc.status_code, "Bad request" if exc.status_code < 500 else "Server error",
                                    str(exc)))


api.add_router("", assess.router)
api.add_router("", records.router)
