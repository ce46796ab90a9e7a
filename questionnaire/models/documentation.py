"""The filled-in Model Documentation Form of an assessment, with its change history."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from .assessments import Assessment
from .content import ExactNumberDecoder
from .revisions import Revision


class ModelDocumentation(models.Model):
    assessment = models.OneToOneField(Assessment, on_delete=models.CASCADE, related_name="documentation")
    values = models.JSONField(decoder=ExactNumberDecoder, default=dict, blank=True)
    revision = models.PositiveIntegerField(default=0)
    sources = models.JSONField(decoder=ExactNumberDecoder, default=dict, blank=True,
                               help_text="The pre-filled values the saved form was built from, by field")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    def __str__(self) -> str:
        return f"Model documentation of {self.assessment}"


class DocumentationRevision(Revision):
    documentation = models.ForeignKey(ModelDocumentation, on_delete=models.CASCADE, related_name="revisions")
    field = models.CharField(max_length=64)
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)
    revision = models.PositiveIntegerField(default=0, help_text="The form's revision this change made")

    class Meta:
        ordering = ["-created_at", "-id"]
