"""Errors as RFC 9457 problem details (application/problem+json): a title, the status, a detail sentence and,
for bad input, `errors` naming each field (an answer's question code, a parameter, a body key)."""

from __future__ import annotations

from typing import Any

from django.http import JsonResponse

PROBLEM = "application/problem+json"


class Problem(Exception):
    """Raised anywhere in an endpoint; answered by main.problem_handler."""

    def __init__(self, status: int, title: str, detail: str = "", *, errors: list[dict[str, Any]] | None = None,
                 headers: dict[str, str] | None = None, **extra: Any) -> None:
        super().__init__(detail or title)
        self.status, self.title, self.detail = status, title, detail
        self.errors, self.headers, self.extra = errors or [], headers or {}, extra


def bad_field(field: str, message: str, status: int = 422, title: str = "Invalid input") -> Problem:
    return Problem(status, title, f"{field}: {message}", errors=[{"field": field, "message": message}])


def invalid(title: str, errors: list[dict[str, str]], status: int = 422) -> Problem:
    """Bad input: every field's message, named (`errors`), and all of them in one sentence (`detail`)."""
    return Problem(status, title, "; ".join(f"{e['field']}: {e['message']}" for e in errors), errors=errors)


def form_errors(form) -> list[dict[str, str]]:
    """A Django form's errors as problem `errors` (the same form the web page validates with)."""
    return [{"field": name, "message": str(message)} for name, messages in form.errors.items()
            for message in messages]


def problem_response(problem: Problem) -> JsonResponse:
    body: dict[str, Any] = {"type": "about:blank", "title": problem.title, "status": problem.status}
    if problem.detail:
        body["detail"] = problem.detail
    if problem.errors:
        body["errors"] = problem.errors
    body.update(problem.extra)
    response = JsonResponse(body, status=problem.status, content_type=PROBLEM,
                            json_dumps_params={"ensure_ascii": False})
    for name, value in problem.headers.items():
        response[name] = value
    return response
