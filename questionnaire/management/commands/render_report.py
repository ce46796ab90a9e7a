"""python manage.py render_report --input FILE --output PATH [--format pdf|html|json] [--language en|de|fr]

The report a user downloads, from an answer set (contract.md §1), without the web: the same snapshot,
template and renderer as a completed assessment. `--language` writes the report's own texts in that language
(settings.LANGUAGES); the attached snapshot JSON, its hash, ids and codes are the same in every language.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from ...assessments.services import build_snapshot
from ...engine import canonical_hash, evaluate
from ...reports.pdf import render_html, render_pdf, snapshot_json
from ._common import read_answer_set


class Command(BaseCommand):
    help = "Render the report (PDF, HTML or the snapshot JSON) for one answer set."
    # No system checks before it: they import every URL and view (the API's schemas too), a good part of the
    # command's start-up, for a command that serves no request (`manage.py check` and every server run them).
    requires_system_checks: list[str] = []

    def add_arguments(self, parser) -> None:
        parser.add_argument("--input", required=True, help="JSON file with the answers, or - for standard input")
        parser.add_argument("--output", required=True, help="where to write the report")
        parser.add_argument("--format", choices=["pdf", "html", "json"], default="pdf")
        parser.add_argument("--model", default="Unnamed model", help="model name for the cover")
        parser.add_argument("--organisation", default="Not given", help="organisation name for the cover")
        parser.add_argument("--by", default="command line", help="who completed the assessment")
        parser.add_argument("--language", choices=[code for code, _name in settings.LANGUAGES],
                            default=settings.LANGUAGE_CODE, help="the language of the report's texts")

    def handle(self, *args, **options) -> None:
        spec, answers = read_answer_set(options["input"], self.stderr)
        now = timezone.now()
        result = evaluate(spec, answers, today=timezone.localdate())
        stored = {code: (value.isoformat() if hasattr(value, "isoformat") else value)
                  for code, value in answers.items()}
        identity = uuid.uuid5(uuid.NAMESPACE_URL, "gpai:" + json.dumps(stored, sort_keys=True, default=str))
        snapshot = build_snapshot(spec, result, stored, assessment_id=str(identity), title="",
                                  organisation=options["organisation"], model=options["model"], completed_at=now,
                                  completed_by=options["by"], revision=0)
        digest = canonical_hash(snapshot)
        output = Path(options["output"])
        try:
            with translation.override(options["language"]):
                self._write(output, options["format"], spec, snapshot, digest)
        except OSError as exc:
            raise CommandError(f"cannot write {output}: {exc.strerror}") from None
        self.stdout.write(f"Wrote {output} ({options['format']}, snapshot {digest}).")

    @staticmethod
    def _write(output: Path, kind: str, spec, snapshot, digest: str) -> None:
        if kind == "json":
            output.write_text(snapshot_json(snapshot, digest), encoding="utf-8")
        elif kind == "html":
            output.write_text(render_html(spec, snapshot, digest), encoding="utf-8")
        else:
            output.write_bytes(render_pdf(spec, snapshot, digest).pdf)
