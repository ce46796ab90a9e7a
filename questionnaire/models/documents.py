"""The legal documents of an assessment (training-content summary, Art. 52 notification, serious-incident
reports...): the working draft with its field history, and each issued version (published or sent), frozen
and rendered once as PDF/A in the background."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from .assessments import Assessment
from .content import ExactNumberDecoder
from .reports import RenderedPdf
from .revisions import Revision


class LegalDocument(models.Model):
    """One document of a kind defined in questionnaire/content/documents/ (`kind` is its file's `kind`).
    Documents of which there is one per assessment have number 0; an incident register numbers them 1, 2..."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="legal_documents",
                                   help_text="For a document the organisation keeps once (organisation set): the "
                                             "latest assessment that carried it forward")
    organisation = models.ForeignKey("accounts.Organisation", null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="+", help_text="Set on a document kept once per organisation "
                                                                 "(the copyright policy), shared by its assessments")
    kind = models.CharField(max_length=40)
    number = models.PositiveIntegerField(default=0)
    values = models.JSONField(decoder=ExactNumberDecoder, default=dict, blank=True)
    revision = models.PositiveIntegerField(default=0)
    sources = models.JSONField(decoder=ExactNumberDecoder, default=dict, blank=True,
                               help_text="The values this draft was built from (the assessment's facts, another "
                                         "document's), by field: what stale detection compares")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assessment", "kind", "number"], name="one_document_number"),
                       models.UniqueConstraint(fields=["organisation", "kind"], name="one_organisation_document",
                                               condition=models.Q(organisation__isnull=False))]
        ordering = ["kind", "number"]

    def __str__(self) -> str:
        return f"{self.kind} {self.number or ''} of {self.assessment_id}".strip()


class LegalDocumentRevision(Revision):
    """One changed field of a document: who, when, old and new value."""

    document = models.ForeignKey(LegalDocument, on_delete=models.CASCADE, related_name="revisions")
    field = models.CharField(max_length=64)
    old_value = models.JSONField(decoder=ExactNumberDecoder, null=True, blank=True)
    new_value = models.JSONField(decoder=ExactNumberDecoder, null=True, blank=True)
    revision = models.PositiveIntegerField(default=0, help_text="The document's revision this change made")

    class Meta:
        ordering = ["-created_at", "-id"]


class DocumentIssue(RenderedPdf):
    """A version that left the building: a published summary version, a sent notification, a sent incident
    report. Its values are frozen; its PDF is rendered once in the background and stored."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    document = models.ForeignKey(LegalDocument, on_delete=models.CASCADE, related_name="issues")
    sequence = models.PositiveIntegerField()
    stage = models.CharField(max_length=20, blank=True, help_text="e.g. initial, intermediate, final")
    label = models.CharField(max_length=100, help_text="The version id, or the report's name")
    issued_on = models.DateField(help_text="Date published or sent")
    values = models.JSONField(decoder=ExactNumberDecoder, default=dict)
    document_json = models.JSONField(decoder=ExactNumberDecoder, default=dict)
    sources = models.JSONField(decoder=ExactNumberDecoder, default=dict, blank=True,
                               help_text="The values the issued version was built from, frozen with it")
    sha256 = models.CharField(max_length=64)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    file = models.FileField(upload_to="documents/", blank=True)
    # the language its PDF's words are in: the member's who issued it (rendering.queue.render_row renders it so);
    # its values, JSON and hash are the same in every language
    language = models.CharField(max_length=8, default="en", help_text="the language the PDF is rendered in")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["document", "sequence"], name="one_issue_per_sequence")]
        ordering = ["document", "sequence"]

    def __str__(self) -> str:
        return f"{self.label} ({self.issued_on})"
