"""python manage.py assess --input FILE: print the result JSON (contract.md §2) for one answer set."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand
from django.utils import timezone

from ...engine import check_answers, evaluate
from ._common import read_answer_set


class Command(BaseCommand):
    help = "Evaluate one answer set (JSON object of question code to value) against the current questionnaire."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--input", required=True, help="JSON file with the answers, or - for standard input")

    def handle(self, *args, **options) -> None:
        spec, answers = read_answer_set(options["input"], self.stderr)
        today = timezone.localdate()
        result = evaluate(spec, answers, today=today)
        # contradictory or implausible answers: the answer set is valid (contract §3: exit 0), so the result is
        # computed as the law reads it (e.g. the larger of cumulative and training compute) and they are listed
        problems = check_answers(spec, answers, today)
        for problem in problems:
            self.stderr.write(f"warning: {', '.join(problem.fields)}: {problem.message}")
        document = {**result.to_json(), "answer_checks": [p.to_json() for p in problems]}
        self.stdout.write(json.dumps(document, indent=2, ensure_ascii=False))
