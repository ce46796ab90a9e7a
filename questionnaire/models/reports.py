"""Rendered PDFs of an assessment, rendered in the background and stored (questionnaire/rendering/queue.py).

A row is keyed by what it renders: the document `kind` ("report", "documentation", ...), `document_hash`, the
hash of the content it was rendered from, and the `language` its words are rendered in (the reader's). For the
report `document_hash` is the report snapshot's hash (the assessment's snapshot plus the gap analysis and signatory
status; printed on the PDF), which differs from `Assessment.snapshot_hash` (answers and result only) once gap
records exist. The same content is rendered once per language (with the same hash and JSON attachment in each);
changed content gives a new row."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from .assessments import Assessment
from .content import ExactNumberDecoder

# how the error of a render stopped at its limit begins (rendering.isolation.RenderStopped); its text is shown
STOPPED = "Stopped:"


class RenderStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be rendered"
    RENDERING = "rendering", "Rendering"
    DONE = "done", "Ready"
    FAILED = "failed", "Failed"


class RenderedPdf(models.Model):
    """A row that has a PDF to make (rendering.queue.render_row): its render's state and the stored file."""

    status = models.CharField(max_length=10, choices=RenderStatus.choices, default=RenderStatus.PENDING)
    file = models.FileField(upload_to="reports/", blank=True)
    file_sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    pages = models.PositiveIntegerField(null=True, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # the render's worker says it is alive every RENDER_HEARTBEAT_SECONDS while its child renders: the lease
    # (RENDER_LEASE_SECONDS) runs from the last beat, so a long render is never taken for a dead one
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def stopped(self) -> bool:
        """Failed because its render went over a limit (rendering.isolation): the error is for the member."""
        return self.status == RenderStatus.FAILED and self.error.startswith(STOPPED)


class RenderedDocument(RenderedPdf):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(max_length=40, default="report", help_text="which document (rendering.DOCUMENTS)")
    document_hash = models.CharField(max_length=80, help_text="hash of the content rendered (for the report: the "
                                     "report snapshot's hash, printed on the PDF)")
    # the language its words are rendered in (one of settings.LANGUAGES): part of the row's identity, so a German and
    # an English PDF of one content are two rows; the content, its JSON attachment and `document_hash` are the same
    language = models.CharField(max_length=8, default="en", help_text="the language the PDF is rendered in")
    # what the document shows, frozen at the request: for the report, the assessment's snapshot plus the gap
    # analysis at the time of the request; for another document, its content
    snapshot = models.JSONField(decoder=ExactNumberDecoder, null=True, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assessment", "kind", "document_hash", "language"],
                                               name="one_render_per_content_and_language")]

    def __str__(self) -> str:
        return f"{self.kind.capitalize()} {self.document_hash[:19]} {self.language} ({self.status})"
