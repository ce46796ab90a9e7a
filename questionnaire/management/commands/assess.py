"""python manage.py assess --input FILE: print the result JSON (contract.md §2) for one answer set."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand
from django.utils import timezone

from ...engine import AnswerError, assess
from ._common import input_error, published_spec, read_json_input


class Command(BaseCommand):
    help = "Evaluate one answer set (JSON object of question code to value) against the current questionnaire."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--input", required=True, help="JSON file with the answers, or - for standard input")

    def handle(self, *args, **options) -> None:
        raw = read_json_input(options["input"])
        if not isinstance(raw, dict):
            raise input_error("the answer set must be a JSON object of question code to value")
        spec = published_spec(self.stderr)
        try:
            # engine.assess: the same function answers POST /api/v1/assess and the MCP server's assess tool
            document = assess(spec, raw, timezone.localdate())
        except AnswerError as exc:
            raise input_error(f"answer “{exc.code}”: {exc.message}") from None
        # contradictory or implausible answers: the answer set is valid (contract §3: exit 0), so the result is
        # computed as the law reads it (e.g. the larger of cumulative and training compute) and they are listed
        for problem in document["answer_checks"]:
            self.stderr.write(f"warning: {', '.join(problem['fields'])}: {problem['message']}")
        self.stdout.write(json.dumps(document, indent=2, ensure_ascii=False))
