"""Reading a JSON body within limits: its size, its nesting and no NUL characters (PostgreSQL cannot keep them),
each refused with a 4xx problem naming the field. ninja's parser for every endpoint, and `POST /assess`'s reader."""

from __future__ import annotations

import json
from typing import Any

from ninja.parser import Parser

from .problems import Problem

MAX_BODY_BYTES = 256 * 1024  # an answer set is a few kilobytes; MAX_REQUEST_BYTES is for uploads
MAX_DEPTH = 32  # an answer set is two levels deep (a code, a list of choices)


def check_json(value: Any, where: str = "", depth: int = 0) -> None:
    """Refuse what no answer can hold: nesting deeper than MAX_DEPTH, and NUL characters (PostgreSQL cannot keep
    them) in any key or string. `where` names the field."""
    if depth > MAX_DEPTH:
        raise Problem(400, "Nested too deeply", f"{where or 'the body'}: nested more than {MAX_DEPTH} levels deep",
                      errors=[{"field": where or "(body)", "message": "nested too deeply"}])
    if isinstance(value, str):
        if "\x00" in value:
            raise Problem(400, "NUL character", f"{where or 'the body'}: contains a NUL character (\\u0000), "
                          "which no field accepts", errors=[{"field": where or "(body)", "message": "NUL character"}])
    elif isinstance(value, dict):
        for key, item in value.items():
            check_json(key, where or "(key)", depth + 1)
            check_json(item, f"{where}.{key}" if where else str(key), depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            check_json(item, f"{where}[{index}]", depth + 1)


def read_json(request) -> Any:
    """The request's JSON body, or a 4xx Problem saying what is wrong with it."""
    body = request.body
    if len(body) > MAX_BODY_BYTES:
        raise Problem(413, "Body too large", f"The body may be at most {MAX_BODY_BYTES // 1024} KB.")
    if not body.strip():
        raise Problem(400, "Empty body", "Send a JSON object as the body.",
                      errors=[{"field": "(body)", "message": "empty"}])
    try:
        text = body.decode("utf-8")
        value = json.loads(text)
    except UnicodeDecodeError:
        raise Problem(400, "Not UTF-8", "The body must be JSON in UTF-8.",
                      errors=[{"field": "(body)", "message": "not UTF-8"}]) from None
    except json.JSONDecodeError as exc:
        raise Problem(400, "Not JSON", f"The body is not JSON: line {exc.lineno} column {exc.colno}: {exc.msg}.",
                      errors=[{"field": "(body)", "message": exc.msg}]) from None
    except RecursionError:
        raise Problem(400, "Nested too deeply", "The body is nested too deeply.",
                      errors=[{"field": "(body)", "message": "nested too deeply"}]) from None
    except ValueError as exc:  # e.g. an integer longer than Python converts
        raise Problem(400, "Not JSON", f"The body is not usable JSON: {exc}.",
                      errors=[{"field": "(body)", "message": str(exc)}]) from None
    check_json(value)
    return value


class GuardedParser(Parser):
    """ninja's JSON parser with our limits (size, nesting, NUL characters), so that no body reaches a schema
    (or the database) unchecked."""

    def parse_body(self, request):
        return read_json(request)
