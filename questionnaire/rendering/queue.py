"""Every PDF of the application is rendered here, in the background, never inside a request.

One path for all documents (the assessment report, the Model Documentation Form exports, the issued legal
documents, and any later one):

1. A view freezes what the document shows (`content`, a JSON-able dict) and calls `request_render(assessment,
   kind, content, user=...)`. The content is stored in a `RenderedDocument` row keyed by (assessment, kind,
   `document_hash`, language): the same content is rendered once per language (the reader's, `render_language`),
   changed content gives a new row. The content, its JSON attachment and its hash are the same in every
   language. A member may have at most `RENDER_LIMIT_PER_MEMBER` renders waiting at once (`TooManyRenders`:
   the view answers 429; each language's render counts). An issued legal document (`DocumentIssue`,
   legal_documents/store.py) is its own row with its own task, rendered in the default language.
2. `render_row` renders any row that has a PDF to make (`models.RenderedPdf`: a report or an issued
   document): it builds the HTML with the row kind's `source` under the row's language (translation.override),
   renders a PDF/A-3a with `pdf.render_source`, writes the file to storage first and marks the row done after;
   a failure is retried MAX_ATTEMPTS times.
   The tasks `render_document` (reports) and `render_document_issue` (issued documents) call it. A render whose
   worker died (its lease of `RENDER_LEASE_SECONDS` expired) is queued again, by the next request for it or by
   the task worker's own sweep (`reclaim_stalled`).
3. `serve(request, report)` answers the view: the file when it is done, otherwise the progress page
   (templates/questionnaire/report_pending.html: 202 while waiting, 503 when it failed, with "Try again").

A new document is a `source.Document` beside the feature that makes it (its kind, a title for the progress page,
a `build(report) -> Source` that makes the HTML and attachment from `report.snapshot` only, and a file name),
named by its dotted path in DOCUMENTS. The queue imports none of the features whose documents it renders.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from ..core.translations import document_language
from ..engine import canonical_hash
from ..models import DocumentIssue, RenderedDocument, RenderedPdf, RenderStatus
from .source import Document, Source

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3


def lease_seconds() -> int:
    """No render takes this long: past it, its worker is taken to have died and the render is queued again."""
    return getattr(settings, "RENDER_LEASE_SECONDS", 300)


# Each kind of document is defined beside the feature that makes it and named here by dotted path (as healthchecks
# names its transports), so the queue imports none of them: kind -> its source.Document
DOCUMENTS: dict[str, str] = {
    "report": "questionnaire.reports.pdf.DOCUMENT",
    "documentation": "questionnaire.code_of_practice.model_documentation.DOCUMENT",
}
ISSUE_SOURCE = "questionnaire.legal_documents.export.issue_source"  # an issued legal document's Source


@cache
def document(kind: str) -> Document:
    """The Document of a kind in DOCUMENTS; KeyError for any other kind."""
    return import_string(DOCUMENTS[kind])


class TooManyRenders(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(f"at most {limit} documents may be waiting per member")
        self.limit = limit


def waiting_for(user) -> int:
    """Renders this member asked for that are not done yet: reports and exports, and issued legal documents."""
    waiting = [RenderStatus.PENDING, RenderStatus.RENDERING]
    return sum(rows.model.objects.filter(**{rows.requester: user, "status__in": waiting}).count()
               for rows in RENDERABLE)


def check_render_limit(user) -> None:
    """TooManyRenders when `user` already has RENDER_LIMIT_PER_MEMBER renders waiting."""
    limit = settings.RENDER_LIMIT_PER_MEMBER
    if user is not None and user.is_authenticated and waiting_for(user) >= limit:
        raise TooManyRenders(limit)


def render_language(language: str | None = None) -> str:
    """The language a PDF is rendered in: the given one, else the reader's (Django's active language, which
    LocaleMiddleware sets from the member's choice or the browser), if it is one of settings.LANGUAGES, else the
    default (settings.LANGUAGE_CODE). Bounded, so a row per language the application speaks and no more."""
    languages = {code for code, _name in settings.LANGUAGES}
    code = document_language(language)
    if code in languages:
        return code
    return settings.LANGUAGE_CODE if settings.LANGUAGE_CODE in languages else "en"


def request_render(assessment, kind: str, content: dict[str, Any], *, key: str | None = None,
                   user=None, language: str | None = None) -> RenderedDocument:
    """The rendered document of this content in `language` (default: the reader's, `render_language`), queued if
    it is not there yet. `key` (the row's document hash) defaults to the content's hash (the report passes its
    report snapshot's hash); it does not depend on the language. Raises TooManyRenders when `user` has enough
    waiting (each language's render counts)."""
    if kind not in DOCUMENTS:
        raise KeyError(f"unknown document kind {kind!r}")
    key = key or canonical_hash(content)
    language = render_language(language)
    report = RenderedDocument.objects.filter(assessment=assessment, kind=kind, document_hash=key,
                                             language=language).first()
    created = False
    if report is None:
        check_render_limit(user)
        report, created = RenderedDocument.objects.get_or_create(
            assessment=assessment, kind=kind, document_hash=key, language=language,
            defaults={"snapshot": content, "requested_by": user if user is not None and user.is_authenticated
                      else None})
    stale = stalled(report)
    if created or stale:
        if stale:
            RenderedDocument.objects.filter(pk=report.pk).update(status=RenderStatus.PENDING)
        render_document.enqueue(str(report.pk))  # in the same transaction: the queued row commits with it
        report.refresh_from_db()
    return report


@dataclass(frozen=True)
class Renderable:
    """A kind of row that has a PDF to make (a models.RenderedPdf): how `render_row` reads, builds and names it."""

    model: type[RenderedPdf]
    related: tuple[str, ...]  # what `source` and `file_name` read
    queued_at: str  # the row's field: when it was queued
    requester: str  # the row's field: the member who asked for it
    source: Callable[[Any], Source]
    file_name: Callable[[Any], str]  # its name in storage
    task: Any  # the task that renders it: render_row(this, row id)


def render_row(rows: Renderable, row_id: str) -> str:
    """Render the PDF of one row: the one path every PDF takes. Marks it rendering (one more attempt, the lease
    starts), writes the file to storage first and marks the row done after; a failure is queued again up to
    MAX_ATTEMPTS attempts, then the row is failed."""
    model = rows.model
    with transaction.atomic():
        row = model.objects.select_for_update().filter(pk=row_id).first()
        if row is None or row.status == RenderStatus.DONE:
            return "nothing to do"
        row.status = RenderStatus.RENDERING
        row.attempts += 1
        row.started_at = timezone.now()
        row.save(update_fields=["status", "attempts", "started_at"])
    row = model.objects.select_related(*rows.related).get(pk=row_id)
    try:
        from .pdf import render_source  # heavy: WeasyPrint is imported only where PDFs are made

        with translation.override(getattr(row, "language", None) or settings.LANGUAGE_CODE):  # its words
            rendered = render_source(rows.source(row))
        old_name = row.file.name if row.file else ""
        row.file.save(rows.file_name(row), ContentFile(rendered.pdf), save=False)
    except Exception as exc:  # report it, and retry a few times
        log.exception("rendering %s %s failed (attempt %s)", model.__name__, row_id, row.attempts)
        row.error = f"{type(exc).__name__}: {exc}"[:2000]
        row.status = RenderStatus.PENDING if row.attempts < MAX_ATTEMPTS else RenderStatus.FAILED
        row.save(update_fields=["error", "status"])
        if row.status == RenderStatus.PENDING:
            rows.task.enqueue(str(row.pk))
        return "failed"
    row.file_sha256 = hashlib.sha256(rendered.pdf).hexdigest()
    row.pages = rendered.pages
    row.size = len(rendered.pdf)
    row.status = RenderStatus.DONE
    row.rendered_at = timezone.now()
    row.error = ""
    row.save(update_fields=["file", "file_sha256", "pages", "size", "status", "rendered_at", "error"])
    if old_name and old_name != row.file.name:  # a render that ran twice (a reclaimed lease) keeps one file
        row.file.storage.delete(old_name)
    return "done"


@task()
def render_document(report_id: str) -> str:
    """Render a report or another document of DOCUMENTS (a RenderedDocument row)."""
    return render_row(REPORTS, report_id)


@task()
def render_document_issue(issue_id: str) -> str:
    """Render an issued legal document (a DocumentIssue row)."""
    return render_row(ISSUES, issue_id)


def _report_file_name(report: RenderedDocument) -> str:
    prefix = "" if report.kind == "report" else f"{report.kind}-"
    suffix = "" if report.language == "en" else f"-{report.language}"  # the rows of one content in each language
    return f"{report.assessment_id}/{prefix}{report.document_hash.removeprefix('sha256:')[:16]}{suffix}.pdf"


REPORTS = Renderable(RenderedDocument, ("assessment__questionnaire_version", "assessment__ai_model"), "created_at",
                     "requested_by", lambda report: document(report.kind).build(report), _report_file_name,
                     render_document)

ISSUES = Renderable(DocumentIssue, ("document__assessment",), "recorded_at", "recorded_by",
                    lambda issue: import_string(ISSUE_SOURCE)(issue),
                    lambda issue: f"{issue.document.assessment_id}/{issue.pk}.pdf", render_document_issue)

RENDERABLE = (REPORTS, ISSUES)


def renderable(row: RenderedPdf) -> Renderable:
    return next(rows for rows in RENDERABLE if isinstance(row, rows.model))


def stalled(row: RenderedPdf) -> bool:
    """A worker died with this render: mid-render past its lease, or after taking its task off the queue and
    before starting. (A render only waiting in a long queue still has its task ready, and is not stalled.)"""
    now = timezone.now()
    lease = lease_seconds()
    if row.status == RenderStatus.RENDERING:
        return bool(row.started_at) and (now - row.started_at).total_seconds() > lease
    queued_at = getattr(row, renderable(row).queued_at)
    if row.status == RenderStatus.PENDING and (now - queued_at).total_seconds() > lease:
        return not DBTaskResult.objects.ready().filter(args_kwargs__args__0=str(row.pk)).exists()
    return False


def reclaim_stalled() -> int:
    """Queue again every render whose worker died (its lease expired), reports and issued documents alike,
    without waiting for anyone to ask for it; the task worker calls this every RENDER_LEASE_SECONDS / 5.
    Returns how many were queued."""
    cutoff = timezone.now() - dt.timedelta(seconds=lease_seconds())
    count = 0
    for rows in RENDERABLE:
        candidates = rows.model.objects.filter(Q(status=RenderStatus.RENDERING, started_at__lt=cutoff)
                                               | Q(status=RenderStatus.PENDING, **{f"{rows.queued_at}__lt": cutoff}))
        for row in candidates.iterator():
            with transaction.atomic():
                if stalled(row) and rows.model.objects.filter(pk=row.pk, status=row.status).update(
                        status=RenderStatus.PENDING, started_at=None):
                    rows.task.enqueue(str(row.pk))
                    count += 1
    if count:
        log.warning("re-queued %s render(s) whose worker died", count)
    return count


def retry(row: RenderedPdf) -> None:
    """Render a row again from its first attempt (after it failed, or its worker died)."""
    rows = renderable(row)
    rows.model.objects.filter(pk=row.pk).update(status=RenderStatus.PENDING, attempts=0, error="")
    rows.task.enqueue(str(row.pk))


def retry_if_stuck(row: RenderedPdf) -> bool:
    """Retry a render that failed or whose worker died; False when it is done or still within its time."""
    if row.status != RenderStatus.FAILED and not stalled(row):
        return False
    retry(row)
    return True
