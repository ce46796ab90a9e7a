"""The report's HTML and what its PDF is rendered from: dated at completion, identified by the report hash, with the
report snapshot attached (rendering.pdf makes the PDF)."""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string
from django.utils import translation

from ..core.translations import display_spec, reading_spec
from ..engine import Spec
from ..models import RenderedDocument
from ..rendering.source import Document, Source
from .content import report_context

if TYPE_CHECKING:
    from ..rendering.pdf import RenderedReport


def snapshot_json(snapshot: dict[str, Any], report_hash: str) -> str:
    """The report snapshot as attached to the PDF; its key `snapshot_hash` (kept for readers of earlier
    reports) holds the report hash."""
    return json.dumps({**snapshot, "snapshot_hash": report_hash}, indent=2, ensure_ascii=False, sort_keys=True)


def render_html(spec: Spec, snapshot: dict[str, Any], report_hash: str, **extra: Any) -> str:
    """The report's HTML in the active language: its content's texts through the version's translations, its own
    words through the catalogues; the snapshot, its attachment and its hash are the same in every language."""
    return render_to_string("reports/report.html", report_context(reading_spec(spec), snapshot, report_hash, **extra))


def report_source(spec: Spec, snapshot: dict[str, Any], report_hash: str, **extra: Any) -> Source:
    """What the report's PDF is rendered from: its HTML, dated at completion, identified and verified by the
    report hash, with the report snapshot attached."""
    completed = dt.datetime.fromisoformat(snapshot["assessment"]["completed_at"])
    return Source(html=render_html(spec, snapshot, report_hash, **extra), when=completed,
                  identifier=report_hash.removeprefix("sha256:")[:32].encode(),
                  attachment=("assessment-snapshot.json",
                              "The answers, the result and the questionnaire version of this report (JSON)",
                              snapshot_json(snapshot, report_hash)))


def render_pdf(spec: Spec, snapshot: dict[str, Any], report_hash: str, **extra: Any) -> RenderedReport:
    # WeasyPrint is imported here, where a PDF is made, not with DOCUMENT: a web process serving a report or its
    # progress page (rendering.queue.document) never loads it (each of five gunicorn workers imported it on its
    # first report.pdf request, several seconds each on a loaded machine, with every officer waiting behind)
    from ..rendering.pdf import render_source  # heavy: WeasyPrint

    return render_source(report_source(spec, snapshot, report_hash, **extra))


def _report_source(report: RenderedDocument) -> Source:
    """The report in its row's language (the render queue renders every row under its language)."""
    snapshot = report.snapshot or report.assessment.snapshot
    version = report.assessment.questionnaire_version
    language = report.language
    with translation.override(language):
        return report_source(display_spec(version, language), snapshot, report.document_hash,
                             gap_analysis=snapshot.get("gap_analysis", {}))


def _report_filename(report: RenderedDocument) -> str:
    assessment = report.assessment
    language = report.language
    suffix = f"-{language}" if language != "en" else ""
    return f"gpai-assessment-{assessment.ai_model.name}-{assessment.completed_at:%Y-%m-%d}{suffix}.pdf"


DOCUMENT = Document("report", "report", _report_source, _report_filename)  # rendering.queue.DOCUMENTS["report"]
