"""Background rendering of issued legal documents as PDF/A with their JSON attached (django-tasks).

Each document kind only declares how to build its HTML and its attachment (services/documents/export.py);
this task does the rest, like the report task in tasks.py: written to storage first, marked done after,
retried up to MAX_ATTEMPTS times.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from .models import DocumentIssue, ReportStatus
from .tasks import MAX_ATTEMPTS

log = logging.getLogger(__name__)


def issue_pdf_parts(issue: DocumentIssue) -> tuple[str, tuple[str, str, str]]:
    """(HTML, attachment) of an issued document: all a PDF renderer needs."""
    from .services.documents.definitions import definition
    from .services.documents.export import pdf_html

    doc = definition(issue.document.kind)
    attachment = (f"{doc.kind}-{issue.sequence}.json", f"{doc.title}, {issue.label} (JSON)",
                  json.dumps(issue.document_json, indent=2, ensure_ascii=False, sort_keys=True))
    return pdf_html(doc, issue), attachment


@task()
def render_document_issue(issue_id: str) -> str:
    with transaction.atomic():
        issue = DocumentIssue.objects.select_for_update().filter(pk=issue_id).first()
        if issue is None or issue.status == ReportStatus.DONE:
            return "nothing to do"
        issue.status = ReportStatus.RENDERING
        issue.attempts += 1
        issue.started_at = timezone.now()
        issue.save(update_fields=["status", "attempts", "started_at"])
    try:
        from .pdf import html_to_pdf  # WeasyPrint is imported only where PDFs are made

        html, attachment = issue_pdf_parts(issue)
        when = dt.datetime.combine(issue.issued_on, dt.time(), tzinfo=dt.UTC)
        rendered = html_to_pdf(html, attachment=attachment, when=when, identifier=issue.sha256[:32].encode())
        issue.file.save(f"{issue.document.assessment_id}/{issue.pk}.pdf", ContentFile(rendered.pdf), save=False)
    except Exception as exc:  # report it, and retry a few times
        log.exception("rendering document %s failed (attempt %s)", issue_id, issue.attempts)
        issue.error = f"{type(exc).__name__}: {exc}"[:2000]
        issue.status = ReportStatus.PENDING if issue.attempts < MAX_ATTEMPTS else ReportStatus.FAILED
        issue.save(update_fields=["error", "status"])
        if issue.status == ReportStatus.PENDING:
            render_document_issue.enqueue(str(issue.pk))
        return "failed"
    issue.file_sha256 = hashlib.sha256(rendered.pdf).hexdigest()
    issue.status = ReportStatus.DONE
    issue.rendered_at = timezone.now()
    issue.error = ""
    issue.save(update_fields=["file", "file_sha256", "status", "rendered_at", "error"])
    return "done"


def retry_document_issue(issue: DocumentIssue) -> bool:
    """Queue a failed render again, or one whose worker died (rendering or waiting longer than a render takes).
    False when the render is fine or still within its time."""
    from .rendering import lease_seconds  # the same lease as every other render

    age = (timezone.now() - (issue.started_at or issue.recorded_at)).total_seconds()
    if issue.status == ReportStatus.DONE or (issue.status != ReportStatus.FAILED and age < lease_seconds()):
        return False
    DocumentIssue.objects.filter(pk=issue.pk).update(status=ReportStatus.PENDING, attempts=0, error="")
    render_document_issue.enqueue(str(issue.pk))
    return True
