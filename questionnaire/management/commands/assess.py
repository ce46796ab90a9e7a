"""python manage.py assess --input FILE: print the result JSON (contract.md §2) for one answer set."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand
from django.utils import timezone

from ...engine import evaluate
from ._common import read_answer_set


class Command(BaseCommand):
    help = "Evaluate one answer set (JSON object of question code to value) against the current questionnaire."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--input", required=True, help="JSON file with the answers, or - for standard input")

    def handle(self, *args, **options) -> None:
        spec, answers = read_answer_set(options["input"], self.stderr)
        result = evaluate(spec, answers, today=timezone.localdate())
        self.stdout.write(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
