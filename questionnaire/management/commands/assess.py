"""python manage.py assess --input FILE: print the result JSON (contract.md §2) for one answer set."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand
from django.utils import timezone

from ...engine import AnswerError, evaluate, parse_answers
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
            answers = parse_answers(spec, raw)
        except AnswerError as exc:
            raise input_error(f"answer “{exc.code}”: {exc.message}") from None
        result = evaluate(spec, answers, today=timezone.localdate())
        self.stdout.write(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
