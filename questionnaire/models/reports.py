"""Rendered PDF reports: one per assessment snapshot, rendered in the background and stored."""

from __future__ import annotations

import uuid

from django.db import models

from .assessments import Assessment
from .content import ExactNumberDecoder


class ReportStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be rendered"
    RENDERING = "rendering", "Rendering"
    DONE = "done", "Ready"
    FAILED = "failed", "Failed"


class Report(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="reports")
    snapshot_hash = models.CharField(max_length=80)
    # what the report shows: the assessment's frozen snapshot plus the gap analysis at the time of the request
    snapshot = models.JSONField(decoder=ExactNumberDecoder, null=True, blank=True)
    status = models.CharField(max_length=10, choices=ReportStatus.choices, default=ReportStatus.PENDING)
    file = models.FileField(upload_to="reports/", blank=True)
    file_sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    pages = models.PositiveIntegerField(null=True, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assessment", "snapshot_hash"], name="one_report_per_snapshot")]

    def __str__(self) -> str:
        return f"Report {self.snapshot_hash[:19]} ({self.status})"
