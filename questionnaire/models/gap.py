"""Code of Practice gap analysis: one record per applicable measure of a completed assessment."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_noop

from .assessments import Assessment
from .content import ExactNumberDecoder
from .revisions import Revision


class MeasureStatus(models.TextChoices):
    NOT_STARTED = "not_started", gettext_noop("Not started")
    PLANNED = "planned", gettext_noop("Planned")
    PARTIAL = "partially_implemented", gettext_noop("Partially implemented")
    IMPLEMENTED = "implemented", gettext_noop("Implemented")
    NOT_APPLICABLE = "not_applicable", gettext_noop("Not applicable")


OPEN_STATUSES = (MeasureStatus.NOT_STARTED, MeasureStatus.PLANNED, MeasureStatus.PARTIAL)
# What an untouched measure reads everywhere (pages, PDF, CSV). The labels stay English in stored data and
# JSON; pages translate them where they show them ({% translate row.item.status_label %}).
NOT_RECORDED = gettext_noop("Not recorded")


class GapItem(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="gap_items")
    measure = models.CharField(max_length=20, help_text="Code measure id, e.g. CR-1.3")
    status = models.CharField(max_length=24, choices=MeasureStatus.choices, default=MeasureStatus.NOT_STARTED)
    status_recorded = models.BooleanField(default=False, help_text="Someone chose the status (an owner, a due date "
                                                                    "or evidence alone records none)")
    not_applicable_reason = models.TextField(blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    due_date = models.DateField(null=True, blank=True)
    evidence = models.TextField(blank=True, help_text="What shows the measure is met: documents, links, records")
    notes = models.TextField(blank=True)
    revision = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assessment", "measure"], name="one_gap_item_per_measure")]
        indexes = [models.Index(fields=["assessment", "status"])]

    def __str__(self) -> str:
        return f"{self.measure}: {self.status_label}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_recorded(self) -> bool:
        """Someone recorded the measure's status. A record without one keeps the stored status `not_started`
        (contract.md §5) but reads "Not recorded", not "Not started": an owner or a due date alone does not
        invent a status."""
        return bool(self.status_recorded or self.status != MeasureStatus.NOT_STARTED)

    @property
    def status_label(self) -> str:
        return self.get_status_display() if self.is_recorded else NOT_RECORDED


class GapRevision(Revision):
    """One changed field of a gap-analysis record: who, when, old and new value."""

    item = models.ForeignKey(GapItem, on_delete=models.CASCADE, related_name="revisions")
    field = models.CharField(max_length=40)
    old_value = models.JSONField(decoder=ExactNumberDecoder, null=True, blank=True)
    new_value = models.JSONField(decoder=ExactNumberDecoder, null=True, blank=True)
    revision = models.PositiveIntegerField(default=0, help_text="The record's revision this change made")

    class Meta:
        ordering = ["-created_at", "-id"]


class EvidenceFile(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    item = models.ForeignKey(GapItem, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to="evidence/")
    name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=100)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.name


class SignatoryChoice(models.TextChoices):
    SIGNED = "signed", gettext_noop("Signed")
    INTENDS = "intends_to_sign", gettext_noop("Intends to sign")
    NOT_SIGNING = "not_signing", gettext_noop("Not signing")


class SignatoryStatus(models.Model):
    """Whether the organisation signed a chapter of the Code: it decides how compliance is demonstrated."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="signatures")
    chapter = models.CharField(max_length=40, help_text="TRANSPARENCY, COPYRIGHT or SAFETY_SECURITY")
    status = models.CharField(max_length=20, choices=SignatoryChoice.choices)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "chapter"], name="one_status_per_chapter")]

    def __str__(self) -> str:
        return f"{self.chapter}: {self.status}"
