"""Every PDF of the application is rendered here, in the background, never inside a request.

One path for all documents (the assessment report, the Model Documentation Form exports, and any later one):

1. A view freezes what the document shows (`content`, a JSON-able dict) and calls `request_render(assessment,
   kind, content, user=...)`. The content is stored in a `Report` row keyed by (assessment, kind, content
   hash): the same content is rendered once, changed content gives a new row. A member may have at most
   `RENDER_LIMIT_PER_MEMBER` renders waiting at once (`TooManyRenders`: the view answers 429).
2. The task `render_document` (django-tasks; `manage.py task_worker` runs it, TASKS_BACKEND=immediate runs it
   at once) builds the HTML with the document's `build` function, renders a PDF/A-3a with `pdf.render_source`,
   writes the file to storage first and marks the row done after; a failure is retried MAX_ATTEMPTS times.
   A render whose worker died (its lease of `RENDER_LEASE_SECONDS` expired) is queued again, by the next
   request for it or by the task worker's own sweep (`reclaim_stalled`).
3. `serve(request, report)` answers the view: the file when it is done, otherwise the progress page
   (templates/questionnaire/report_pending.html: 202 while waiting, 503 when it failed, with "Try again").

A new document is one entry in DOCUMENTS: its kind, a title for the progress page, a `build(report) ->
pdf.Source` that makes the HTML (and attachment) from `report.snapshot` only, and a file name.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from .models import Report, ReportStatus

if TYPE_CHECKING:
    from .pdf import Source

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 3


def lease_seconds() -> int:
    """No render takes this long: past it, its worker is taken to have died and the render is queued again."""
    return getattr(settings, "RENDER_LEASE_SECONDS", 300)


@dataclass(frozen=True)
class Document:
    kind: str
    title: str  # "report", "Model Documentation Form (AI Office)": shown on the progress page
    build: Callable[[Report], Source]  # from report.snapshot (the frozen content) only
    filename: Callable[[Report], str]


def _report_source(report: Report) -> Source:
    from .pdf import report_source
    from .versions import spec_for

    snapshot = report.snapshot or report.assessment.snapshot
    return report_source(spec_for(report.assessment.questionnaire_version), snapshot, report.snapshot_hash,
                         gap_analysis=snapshot.get("gap_analysis", {}))


def _report_filename(report: Report) -> str:
    assessment = report.assessment
    return f"gpai-assessment-{assessment.ai_model.name}-{assessment.completed_at:%Y-%m-%d}.pdf"


def _documentation_source(report: Report) -> Source:
    from .documentation import documentation_source

    return documentation_source(report.snapshot)


def _documentation_filename(report: Report) -> str:
    return f"model-documentation-{report.snapshot['audience']}-{report.assessment_id}.pdf"


DOCUMENTS: dict[str, Document] = {
    "report": Document("report", "report", _report_source, _report_filename),
    "documentation": Document("documentation", "Model Documentation Form", _documentation_source,
                              _documentation_filename),
}


class TooManyRenders(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(f"at most {limit} documents may be waiting per member")
        self.limit = limit


def content_hash(content: dict[str, Any]) -> str:
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def waiting_for(user) -> int:
    """Renders this member asked for that are not done yet: reports and exports, and issued legal documents."""
    from .models import DocumentIssue

    waiting = [ReportStatus.PENDING, ReportStatus.RENDERING]
    return (Report.objects.filter(requested_by=user, status__in=waiting).count()
            + DocumentIssue.objects.filter(recorded_by=user, status__in=waiting).count())


def check_render_limit(user) -> None:
    """TooManyRenders when `user` already has RENDER_LIMIT_PER_MEMBER renders waiting."""
    limit = settings.RENDER_LIMIT_PER_MEMBER
    if user is not None and user.is_authenticated and waiting_for(user) >= limit:
        raise TooManyRenders(limit)


def request_render(assessment, kind: str, content: dict[str, Any], *, key: str | None = None, user=None) -> Report:
    """The rendered document of this content, queued if it is not there yet. `key` defaults to the content's
    hash (the report passes its snapshot hash). Raises TooManyRenders when `user` has enough waiting."""
    if kind not in DOCUMENTS:
        raise KeyError(f"unknown document kind {kind!r}")
    key = key or content_hash(content)
    report = Report.objects.filter(assessment=assessment, kind=kind, snapshot_hash=key).first()
    created = False
    if report is None:
        check_render_limit(user)
        report, created = Report.objects.get_or_create(
            assessment=assessment, kind=kind, snapshot_hash=key,
            defaults={"snapshot": content, "requested_by": user if user is not None and user.is_authenticated
                      else None})
    stale = stalled(report)
    if created or stale:
        if stale:
            Report.objects.filter(pk=report.pk).update(status=ReportStatus.PENDING)
        render_document.enqueue(str(report.pk))  # in the same transaction: the queued row commits with it
        report.refresh_from_db()
    return report


@task()
def render_document(report_id: str) -> str:
    with transaction.atomic():
        report = Report.objects.select_for_update().filter(pk=report_id).first()
        if report is None or report.status == ReportStatus.DONE:
            return "nothing to do"
        report.status = ReportStatus.RENDERING
        report.attempts += 1
        report.started_at = timezone.now()
        report.save(update_fields=["status", "attempts", "started_at"])
    report = Report.objects.select_related("assessment__questionnaire_version", "assessment__ai_model").get(
        pk=report_id)
    try:
        from .pdf import render_source  # WeasyPrint is imported only where PDFs are made

        rendered = render_source(DOCUMENTS[report.kind].build(report))
        digest = hashlib.sha256(rendered.pdf).hexdigest()
        prefix = "" if report.kind == "report" else f"{report.kind}-"
        name = f"{report.assessment_id}/{prefix}{report.snapshot_hash.removeprefix('sha256:')[:16]}.pdf"
        old_name = report.file.name if report.file else ""
        report.file.save(name, ContentFile(rendered.pdf), save=False)
    except Exception as exc:  # report it, and retry a few times
        log.exception("rendering %s %s failed (attempt %s)", report.kind, report_id, report.attempts)
        report.error = f"{type(exc).__name__}: {exc}"[:2000]
        report.status = ReportStatus.PENDING if report.attempts < MAX_ATTEMPTS else ReportStatus.FAILED
        report.save(update_fields=["error", "status"])
        if report.status == ReportStatus.PENDING:
            render_document.enqueue(str(report.pk))
        return "failed"
    report.file_sha256 = digest
    report.pages = rendered.pages
    report.size = len(rendered.pdf)
    report.status = ReportStatus.DONE
    report.rendered_at = timezone.now()
    report.error = ""
    report.save(update_fields=["file", "file_sha256", "pages", "size", "status", "rendered_at", "error"])
    if old_name and old_name != report.file.name:  # a render that ran twice (a reclaimed lease) keeps one file
        report.file.storage.delete(old_name)
    return "done"


def stalled(report: Report) -> bool:
    """A worker died with this render: mid-render past its lease, or after taking its task off the queue and
    before starting. (A render only waiting in a long queue still has its task ready, and is not stalled.)"""
    now = timezone.now()
    lease = lease_seconds()
    if report.status == ReportStatus.RENDERING:
        return bool(report.started_at) and (now - report.started_at).total_seconds() > lease
    if report.status == ReportStatus.PENDING and (now - report.created_at).total_seconds() > lease:
        from django_tasks_db.models import DBTaskResult

        return not DBTaskResult.objects.ready().filter(args_kwargs__args__0=str(report.pk)).exists()
    return False


def reclaim_stalled() -> int:
    """Queue again every render whose worker died (its lease expired), without waiting for anyone to ask for
    it; the task worker calls this every RENDER_LEASE_SECONDS / 5. Returns how many were queued."""
    cutoff = timezone.now() - dt.timedelta(seconds=lease_seconds())
    candidates = Report.objects.filter(status__in=[ReportStatus.PENDING, ReportStatus.RENDERING],
                                       created_at__lt=cutoff)
    count = 0
    for report in candidates.iterator():
        with transaction.atomic():
            if stalled(report) and Report.objects.filter(pk=report.pk, status=report.status).update(
                    status=ReportStatus.PENDING, started_at=None):
                render_document.enqueue(str(report.pk))
                count += 1
    count += _reclaim_stalled_document_issues(cutoff)
    if count:
        log.warning("re-queued %s render(s) whose worker died", count)
    return count


def _reclaim_stalled_document_issues(cutoff: dt.datetime) -> int:
    """The same sweep for issued legal documents (document_tasks.render_document_issue): a render started
    before the lease cutoff and never finished is queued again."""
    from .document_tasks import render_document_issue
    from .models import DocumentIssue

    count = 0
    for issue in DocumentIssue.objects.filter(status=ReportStatus.RENDERING, started_at__lt=cutoff).iterator():
        with transaction.atomic():
            if DocumentIssue.objects.filter(pk=issue.pk, status=ReportStatus.RENDERING).update(
                    status=ReportStatus.PENDING):
                render_document_issue.enqueue(str(issue.pk))
                count += 1
    return count


def retry(report: Report) -> None:
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.PENDING, attempts=0, error="")
    render_document.enqueue(str(report.pk))


def serve(request: HttpRequest, report: Report) -> HttpResponse:
    """The file when it is rendered; otherwise the progress page (202 waiting, 503 failed)."""
    document = DOCUMENTS[report.kind]
    if report.status == ReportStatus.DONE:
        filename = re.sub(r"[^A-Za-z0-9._-]+", "-", document.filename(report))
        response = FileResponse(report.file.open("rb"), content_type="application/pdf", filename=filename,
                                as_attachment=True)
        response["X-Content-Type-Options"] = "nosniff"
        return response
    assessment = report.assessment
    return render(request, "questionnaire/report_pending.html", {
        "assessment": assessment, "report": report, "document_title": document.title,
        "pdf_url": request.get_full_path(),
        "status_url": reverse("render_status", kwargs={"assessment_id": assessment.pk, "render_id": report.pk}),
        "retry_url": reverse("render_retry", kwargs={"assessment_id": assessment.pk, "render_id": report.pk}),
    }, status=202 if report.status != ReportStatus.FAILED else 503)


def too_many(request: HttpRequest, error: TooManyRenders) -> HttpResponse:
    response = render(request, "refused.html", {
        "title": "Too many documents are being prepared for you",
        "text": f"You already have {error.limit} documents waiting to be rendered. Wait until one of them is "
                "ready (a few seconds to a minute), then ask again."}, status=429)
    response["Retry-After"] = "30"
    return response
