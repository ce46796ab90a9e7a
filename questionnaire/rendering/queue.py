"""Every PDF of the application is rendered here, in the background, never inside a request.

One path for all documents (the assessment report, the Model Documentation Form exports, the issued legal
documents, and any later one):

1. A view freezes what the document shows (`content`, a JSON-able dict) and calls `request_render(assessment,
   kind, content, user=...)`. The content is stored in a `RenderedDocument` row keyed by (assessment, kind,
   `document_hash`, language): the same content is rendered once per language (the reader's, `render_language`),
   changed content gives a new row. The content, its JSON attachment and its hash are the same in every
   language. A member may have at most `RENDER_LIMIT_PER_MEMBER` renders waiting at once (`TooManyRenders`:
   the view answers 429; each language's render counts). An issued legal document (`DocumentIssue`,
   legal_documents/store.py) is its own row with its own task, rendered in the language of the member who
   issued it (its `language`, `render_language` at the time); its JSON and hash are English.
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
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from ..core.translations import document_language
from ..engine import canonical_hash
from ..models import DocumentIssue, RenderedDocument, RenderedPdf, RenderStatus
from .isolation import RenderFailed, RenderStopped, run_limited
from .source import Document, Source

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3


def lease_seconds() -> int:
    """A render whose worker has not beaten its heartbeat for this long (or a queued render whose task is gone)
    is taken to have lost its worker and is queued again."""
    return getattr(settings, "RENDER_LEASE_SECONDS", 60)


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
    def __init__(self, limit: int, *, organisation: bool = False) -> None:
        super().__init__(f"at most {limit} documents may be waiting per {'organisation' if organisation else 'member'}")
        self.limit = limit
        self.organisation = organisation


WAITING = (RenderStatus.PENDING, RenderStatus.RENDERING)


def waiting_for(user) -> int:
    """Renders this member asked for that are not done yet: reports and exports, and issued legal documents."""
    return sum(rows.model.objects.filter(**{rows.requester: user, "status__in": WAITING}).count()
               for rows in RENDERABLE)


def waiting_in(organisation_id) -> int:
    """Renders of this organisation's assessments not done yet, whoever asked for them: prerenders (on completion,
    after gap-analysis edits) count as much as a member's request."""
    return sum(rows.model.objects.filter(**{rows.organisation: organisation_id, "status__in": WAITING}).count()
               for rows in RENDERABLE)


def check_render_limit(user, organisation_id=None) -> None:
    """TooManyRenders when `user` already has RENDER_LIMIT_PER_MEMBER renders waiting, or the organisation
    RENDER_LIMIT_PER_ORGANISATION."""
    limit = settings.RENDER_LIMIT_PER_MEMBER
    if user is not None and user.is_authenticated and waiting_for(user) >= limit:
        raise TooManyRenders(limit)
    limit = settings.RENDER_LIMIT_PER_ORGANISATION
    if organisation_id is not None and waiting_in(organisation_id) >= limit:
        raise TooManyRenders(limit, organisation=True)


def enqueue(row: RenderedPdf) -> None:
    """Queue the task that renders `row`, fairly between organisations: the more renders its organisation already
    has waiting, the lower its priority (django-tasks-db runs the highest first), so that one organisation's
    tenth document waits behind another's first and their renders interleave."""
    rows = renderable(row)
    ahead = sum(other.model.objects.filter(**{other.organisation: organisation_of(row), "status__in": WAITING})
                .exclude(pk=row.pk).count() for other in RENDERABLE)
    rows.task.using(priority=max(-100, -ahead)).enqueue(str(row.pk))


def organisation_of(row: RenderedPdf):
    """The id of the organisation whose assessment the row belongs to."""
    value: Any = row
    for part in renderable(row).organisation.split("__"):
        value = getattr(value, part)
    return value


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
        check_render_limit(user, assessment.organisation_id)
        report, created = RenderedDocument.objects.get_or_create(
            assessment=assessment, kind=kind, document_hash=key, language=language,
            defaults={"snapshot": content, "requested_by": user if user is not None and user.is_authenticated
                      else None})
    stale = stalled(report)
    if created or stale:
        if stale:
            RenderedDocument.objects.filter(pk=report.pk).update(status=RenderStatus.PENDING)
        enqueue(report)  # in the same transaction: the queued row commits with it
        report.refresh_from_db()
    return report


@dataclass(frozen=True)
class Renderable:
    """A kind of row that has a PDF to make (a models.RenderedPdf): how `render_row` reads, builds and names it."""

    model: type[RenderedPdf]
    related: tuple[str, ...]  # what `source` and `file_name` read
    queued_at: str  # the row's field: when it was queued
    requester: str  # the row's field: the member who asked for it
    organisation: str  # the lookup of the organisation's id from the row
    source: Callable[[Any], Source]
    file_name: Callable[[Any], str]  # its name in storage
    task: Any  # the task that renders it: render_row(this, row id)


def render_row(rows: Renderable, row_id: str) -> str:
    """Render the PDF of one row: the one path every PDF takes. Marks it rendering (one more attempt, the lease
    starts), renders it in a child process within the limits of rendering.isolation while beating the heartbeat
    that keeps the lease, writes the file to storage first and marks the row done after. A render stopped at a
    limit fails at once, with its message for the member (it would only be stopped again); another failure is
    queued again up to MAX_ATTEMPTS attempts, then the row is failed."""
    model = rows.model
    with transaction.atomic():
        row = model.objects.select_for_update().filter(pk=row_id).first()
        if row is None or row.status == RenderStatus.DONE:
            return "nothing to do"
        row.status = RenderStatus.RENDERING
        row.attempts += 1
        row.started_at = row.heartbeat_at = timezone.now()
        row.save(update_fields=["status", "attempts", "started_at", "heartbeat_at"])
    row = model.objects.select_related(*rows.related).get(pk=row_id)

    def beat() -> None:
        model.objects.filter(pk=row_id).update(heartbeat_at=timezone.now())

    try:
        from .pdf import render_source, warm  # heavy: WeasyPrint is imported only where PDFs are made

        # the row's words in its own language, whatever language this worker has active (the child inherits it)
        with translation.override(getattr(row, "language", None) or settings.LANGUAGE_CODE):
            source = rows.source(row)
            warm()  # the stylesheet and fonts parsed once in this process, not in every child
            rendered = run_limited(render_source, source, beat=beat)
        old_name = row.file.name if row.file else ""
        row.file.save(rows.file_name(row), ContentFile(rendered.pdf), save=False)
    except RenderStopped as exc:  # over a limit: it would be stopped again, so it fails now
        log.warning("rendering %s %s stopped: %s", model.__name__, row_id, exc)
        row.error = str(exc)
        row.status = RenderStatus.FAILED
        row.save(update_fields=["error", "status"])
        return "stopped"
    except Exception as exc:  # report it, and retry a few times
        log.exception("rendering %s %s failed (attempt %s)", model.__name__, row_id, row.attempts)
        row.error = (str(exc) if isinstance(exc, RenderFailed) else f"{type(exc).__name__}: {exc}")[:2000]
        row.status = RenderStatus.PENDING if row.attempts < MAX_ATTEMPTS else RenderStatus.FAILED
        row.save(update_fields=["error", "status"])
        if row.status == RenderStatus.PENDING:
            enqueue(row)
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
                     "requested_by", "assessment__organisation_id",
                     lambda report: document(report.kind).build(report), _report_file_name,
                     render_document)

ISSUES = Renderable(DocumentIssue, ("document__assessment",), "recorded_at", "recorded_by",
                    "document__assessment__organisation_id",
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
        alive = row.heartbeat_at or row.started_at
        return bool(alive) and (now - alive).total_seconds() > lease
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
        candidates = rows.model.objects.alias(alive=Coalesce("heartbeat_at", "started_at")).filter(
            Q(status=RenderStatus.RENDERING, alive__lt=cutoff)
            | Q(status=RenderStatus.PENDING, **{f"{rows.queued_at}__lt": cutoff}))
        for row in candidates.iterator():
            with transaction.atomic():
                if stalled(row) and rows.model.objects.filter(pk=row.pk, status=row.status).update(
                        status=RenderStatus.PENDING, started_at=None, heartbeat_at=None):
                    enqueue(row)
                    count += 1
    if count:
        log.warning("re-queued %s render(s) whose worker died", count)
    return count


@dataclass(frozen=True)
class Progress:
    """Where a waiting render stands, for its progress page: renders ahead of it, and about how long until ready."""

    ahead: int
    seconds: int


TYPICAL_SECONDS = 2.0  # a render's time until a few have been measured


def typical_seconds() -> float:
    """The mean time of the last twenty renders, from start to done (a second or two; longer for long documents)."""
    recent = list(RenderedDocument.objects.filter(status=RenderStatus.DONE, started_at__isnull=False,
                                                  rendered_at__isnull=False)
                  .order_by("-rendered_at").values_list("started_at", "rendered_at")[:20])
    if not recent:
        return TYPICAL_SECONDS
    return max(0.5, sum((done - start).total_seconds() for start, done in recent) / len(recent))


def progress(row: RenderedPdf) -> Progress:
    """How many renders are ahead of `row` in the queue (of every organisation) and an estimate of the seconds
    until it is ready: its own render and those ahead, shared among the renders running now (one per worker)."""
    typical = typical_seconds()
    now = timezone.now()
    if row.status == RenderStatus.RENDERING:
        elapsed = (now - row.started_at).total_seconds() if row.started_at else 0
        return Progress(0, max(1, round(typical - elapsed)))
    rows = renderable(row)
    queued_at = getattr(row, rows.queued_at)
    ahead = sum(other.model.objects.filter(**{"status": RenderStatus.PENDING, f"{other.queued_at}__lt": queued_at})
                .count() for other in RENDERABLE)
    running = sum(other.model.objects.filter(status=RenderStatus.RENDERING).count() for other in RENDERABLE)
    return Progress(ahead, max(1, round((ahead + 1 + running) * typical / max(1, running))))


def retry(row: RenderedPdf) -> None:
    """Render a row again from its first attempt (after it failed, or its worker died)."""
    rows = renderable(row)
    rows.model.objects.filter(pk=row.pk).update(status=RenderStatus.PENDING, attempts=0, error="")
    enqueue(row)


def retry_if_stuck(row: RenderedPdf) -> bool:
    """Retry a render that failed or whose worker died; False when it is done or still within its time."""
    if row.status != RenderStatus.FAILED and not stalled(row):
        return False
    retry(row)
    return True
