"""The assessment report: what it shows (the report snapshot), asking for its PDF, and verifying a PDF or a
hash against it.

Two hashes, two names:
- `Assessment.snapshot_hash`: the completion snapshot (answers, result, questionnaire version), frozen once;
- the report hash (`RenderedDocument.document_hash` of a row of kind "report"): the report snapshot, i.e. the completion
  snapshot plus the gap analysis and the signatory status as they stood when the report was asked for. It is
  what the PDF prints and attaches. Without gap records or a signatory status both hashes are the same.
The PDF itself is rendered in the background by the render queue (rendering.queue).
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..code_of_practice.gap import gap_snapshot
from ..core.display import long_date
from ..core.signatory import statuses_for
from ..engine import canonical_hash
from ..legal_documents.store import documents_issued
from ..models import RenderedDocument, RenderStatus, SignatoryStatus
from ..rendering.queue import TooManyRenders, document, render_language, request_render, retry

log = logging.getLogger(__name__)

REPORT = "report"  # the report's kind in rendering.queue.DOCUMENTS
ATTACHMENT = "assessment-snapshot.json"  # the report snapshot attached to the PDF (reports.pdf.report_source)


def report_snapshot(assessment) -> tuple[dict[str, Any], str]:
    """What a report shows and its report hash: the completion snapshot, plus the gap analysis as it stands
    when one was recorded and the signatory status when one was given. A change in either gives a new report
    snapshot and report hash."""
    extra = {}
    gap = gap_snapshot(assessment)
    if gap:
        extra["gap_analysis"] = gap
    issued = documents_issued(assessment)
    if issued:
        extra["documents_issued"] = issued
    if SignatoryStatus.objects.filter(organisation_id=assessment.organisation_id).exists():
        extra["code_signatory"] = statuses_for(assessment)
    if not extra:
        return assessment.snapshot, assessment.snapshot_hash
    snapshot = {**assessment.snapshot, **extra}
    return snapshot, canonical_hash(snapshot)


def request_report(assessment, *, user=None, language: str | None = None) -> RenderedDocument:
    """The report of the assessment's report snapshot in `language` (default: the reader's), queued for rendering
    if it is not there yet. The report hash and the attached snapshot are the same in every language.
    Raises rendering.TooManyRenders when `user` has enough renders waiting."""
    snapshot, report_hash = report_snapshot(assessment)
    return request_render(assessment, REPORT, snapshot, key=report_hash, user=user, language=language)


def prerender_report(assessment) -> None:
    """Queue the report of the assessment's current report snapshot now, on completion and when its gap
    records change, so that the download is normally instant (settings.REPORT_PRERENDER: with a background
    worker). Runs inside the writing transaction (core.signals.report_inputs_changed): the queued report commits
    with the change or not at all. It is rendered in the language of the member whose change it follows (the
    active one); a reader of another language has theirs rendered when they ask."""
    if not (settings.REPORT_PRERENDER and assessment.is_completed):
        return
    snapshot, report_hash = report_snapshot(assessment)
    # an earlier report of the assessment still waiting for its turn shows gap records changed since: drop it, in
    # any language (its queued task then finds nothing to do), so that a run of edits costs one render, not one per
    # edit; the current report snapshot's renders in other languages stay
    RenderedDocument.objects.filter(assessment=assessment, kind=REPORT, status=RenderStatus.PENDING,
                                    attempts=0).exclude(document_hash=report_hash).delete()
    try:
        request_render(assessment, REPORT, snapshot, key=report_hash)  # in the reader's language (render_language)
    except TooManyRenders:  # the organisation has enough waiting: rendered when someone asks for it
        log.info("prerender of assessment %s skipped: its organisation has enough renders waiting", assessment.pk)


def prerender_on_change(sender, assessment, **kwargs) -> None:
    """The receiver of core.signals.report_inputs_changed (connected in apps.py)."""
    prerender_report(assessment)


def latest_report(assessment, *, status: str | None = None, language: str | None = None) -> RenderedDocument | None:
    """The assessment's most recently requested report (of that status) in `language` (default: the reader's)."""
    reports = RenderedDocument.objects.filter(assessment=assessment, kind=REPORT, language=render_language(language))
    if status:
        reports = reports.filter(status=status)
    return reports.order_by("-created_at").first()


def retry_failed_report(assessment) -> None:
    """Render the assessment's last failed report in the reader's language again, if there is one."""
    report = latest_report(assessment, status=RenderStatus.FAILED)
    if report is not None:
        retry(report)


# ---- verification: does a PDF, or a hash printed on one, belong to this assessment unchanged?

@dataclass(frozen=True)
class Verdict:
    match: bool
    text: str
    kind: str = ""  # "file": the very file we rendered; "snapshot": genuine data in a file we did not issue


NO_FILE_MATCH = Verdict(False, gettext_lazy("This file does not match any report of this assessment. It may belong to "
                                            "another assessment, or it has been changed."))


def known_hashes(assessment) -> list[str]:
    """The hashes a report of the assessment may print: its completion snapshot hash, then the report hashes
    of its reports (the other rendered documents hash other content)."""
    report_hashes = RenderedDocument.objects.filter(assessment=assessment, kind=REPORT).values_list("document_hash",
                                                                                          flat=True)
    return [h for h in (assessment.snapshot_hash, *report_hashes) if h]


def verify_file(assessment, content: bytes, attached: bytes | None) -> Verdict:
    """A PDF is ours when its SHA-256 is that of a file we rendered for the assessment; otherwise the report
    snapshot attached to it (`attached`, read by the upload's one bounded parse, uploads.inspect_pdf) may still
    be genuine (its hash recomputed and known), while its pages may not."""
    digest = hashlib.sha256(content).hexdigest()
    report = RenderedDocument.objects.filter(assessment=assessment, file_sha256=digest,
                                             status=RenderStatus.DONE).first()
    if report is not None:
        what = _("report") if report.kind == REPORT else document(report.kind).title
        text = (_("This file is exactly the %(what)s rendered on %(when)s from the report snapshot %(hash)s.")
                if report.kind == REPORT else
                _("This file is exactly the %(what)s rendered on %(when)s from the content %(hash)s."))
        return Verdict(True, text % {"what": what, "when": long_date(report.rendered_at, time=True),
                                     "hash": report.document_hash}, "file")
    attached = attached_snapshot(attached)
    if attached is None:
        return NO_FILE_MATCH
    claimed = attached.pop("snapshot_hash", "")  # the attachment's key, whichever snapshot it carries
    if claimed in known_hashes(assessment) and canonical_hash(attached) == claimed:
        # genuine data in a file we did not issue: its pages may say anything
        return Verdict(False, _("The data attached is genuine, but this file is not the report we issued: the "
                                "answers and result attached to it match the stored snapshot %(hash)s of this "
                                "assessment, but the file itself is not one we rendered, so its pages may have been "
                                "changed. Compare them with a fresh download.") % {"hash": claimed}, "snapshot")
    return NO_FILE_MATCH


def verify_hash(assessment, value: str) -> Verdict:
    """A pasted hash (hex, at least its first 12 characters): the completion snapshot hash or a report hash
    of the assessment, or the SHA-256 of a report PDF rendered from it."""
    found = next((h for h in known_hashes(assessment) if h.removeprefix("sha256:").startswith(value)), None)
    if found:
        text = (_("This hash matches the stored snapshot %(hash)s of this assessment.")
                if found == assessment.snapshot_hash else
                _("This hash matches the stored report snapshot %(hash)s of this assessment."))
        return Verdict(True, text % {"hash": found})
    if RenderedDocument.objects.filter(assessment=assessment, file_sha256=value).exists():
        return Verdict(True, _("This is the SHA-256 of a report PDF rendered from this assessment."))
    return Verdict(False, _("This hash does not match this assessment's snapshot or any of its report files."))


def attached_snapshot(data: bytes | None) -> dict | None:
    """The report snapshot a PDF carried as its attachment, or None (not one of our reports, or damaged)."""
    if not data:
        return None
    try:
        snapshot = json.loads(data)
    except (ValueError, RecursionError):  # a damaged or foreign attachment simply does not match
        return None
    return snapshot if isinstance(snapshot, dict) else None
