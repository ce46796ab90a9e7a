"""python manage.py render_report --input FILE --output PATH [--format pdf|html|json]

The report a user downloads, from an answer set (contract.md §1), without the web: the same snapshot,
template and renderer as a completed assessment.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ...assessments.services import build_snapshot
from ...engine import canonical_hash, evaluate
from ...reports.pdf import render_html, render_pdf, snapshot_json
from ._common import read_answer_set


class Command(BaseCommand):
    help = "Render the report (PDF, HTML or the snapshot JSON) for one answer set."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--input", required=True, help="JSON file with the answers, or - for standard input")
        parser.add_argument("--output", required=True, help="where to write the report")
        parser.add_argument("--format", choices=["pdf", "html", "json"], default="pdf")
        parser.add_argument("--model", default="Unnamed model", help="model name for the cover")
        parser.add_argument("--organisation", default="Not given", help="organisation name for the cover")
        parser.add_argument("--by", default="command line", help="who completed the assessment")

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
            if options["format"] == "json":
                output.write_text(snapshot_json(snapshot, digest), encoding="utf-8")
            elif options["format"] == "html":
                output.write_text(render_html(spec, snapshot, digest), encoding="utf-8")
            else:
                output.write_bytes(render_pdf(spec, snapshot, digest).pdf)
        except OSError as exc:
            raise CommandError(f"cannot write {output}: {exc.strerror}") from None
        self.stdout.write(f"Wrote {output} ({options['format']}, snapshot {digest}).")
