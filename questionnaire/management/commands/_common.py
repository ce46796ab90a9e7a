"""Shared helpers of the questionnaire commands."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import CommandError
from django.db import DatabaseError

from ...authoring.content import ContentInvalid, canonical_spec
from ...core.versions import current_version, spec_for
from ...engine import AnswerError, Spec, parse_answers, texts_filled


def input_error(message: str) -> CommandError:
    """Bad input: exit status 2, as contract.md §3 asks."""
    return CommandError(message, returncode=2)


def read_json_input(path: str) -> Any:
    try:
        if path == "-":
            text = sys.stdin.read()
        else:
            with open(path, encoding="utf-8") as handle:
                text = handle.read()
    except OSError as exc:
        raise input_error(f"cannot read {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise input_error(f"{path} is not UTF-8 text") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise input_error(f"unreadable JSON in {path}: line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise input_error(f"{path} is nested too deeply to be an answer set") from None
    except ValueError as exc:  # e.g. an integer longer than Python converts
        raise input_error(f"unreadable JSON in {path}: {exc}") from None


def published_spec(stderr) -> Spec:
    """The current published version; if the database has none (or no tables yet), the canonical
    content file, so that the commands work on a fresh clone before `migrate`."""
    try:
        version = current_version()
        if version is not None:
            return spec_for(version)
        stderr.write("note: no published questionnaire in the database; using questionnaire/content/gpai.yaml")
    except DatabaseError:
        stderr.write("note: the database is not set up (run `python manage.py migrate`); "
                     "using questionnaire/content/gpai.yaml")
    try:
        return texts_filled(canonical_spec())
    except ContentInvalid as exc:
        raise CommandError(f"the questionnaire content does not validate:\n{exc}") from None


def read_answer_set(path: str, stderr):
    """(spec, parsed answers) for an answer-set file; exit 2 naming the problem on bad input."""
    raw = read_json_input(path)
    if not isinstance(raw, dict):
        raise input_error("the answer set must be a JSON object of question code to value")
    spec = published_spec(stderr)
    try:
        return spec, parse_answers(spec, raw)
    except AnswerError as exc:
        raise input_error(f"answer “{exc.code}”: {exc.message}") from None
