"""python manage.py render_report --input FILE --output PATH [--format pdf|html|json] [--language en|de|fr]

The report a user downloads, from an answer set (contract.md §1), without the web: the same snapshot,
template and renderer as a completed assessment. `--language` renders its words in that language; the
snapshot (answers, result, ids, codes) and its hash are the same in every language.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils import timezone, translation

from ...assessments.services import build_snapshot
from ...core.translations import localized
from ...core.versions import current_version
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
        parser.add_argument("--language", choices=["en", "de", "fr"], default="en",
                            help="the language of the report's words (its data and hash are the same)")

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
        language = options["language"]
        shown = self.in_language(spec, language)
        try:
            if options["format"] == "json":
                output.write_text(snapshot_json(snapshot, digest), encoding="utf-8")
            else:
                with translation.override(language):
                    if options["format"] == "html":
                        output.write_text(render_html(shown, snapshot, digest), encoding="utf-8")
                    else:
                        output.write_bytes(render_pdf(shown, snapshot, digest).pdf)
        except OSError as exc:
            raise CommandError(f"cannot write {output}: {exc.strerror}") from None
        self.stdout.write(f"Wrote {output} ({options['format']}, snapshot {digest}).")

    def in_language(self, spec, language: str):
        """The spec with its words in `language`, from the published version's translations."""
        if language == "en":
            return spec
        try:
            version = current_version()
        except DatabaseError:
            version = None
        if version is None or version.content_hash != spec.content_hash:
            self.stderr.write("note: no published version with translations; the report's texts stay English")
            return spec
        return localized(spec, version, language)
