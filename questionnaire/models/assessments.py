"""Assessment models: an organisation's AI models, their assessments, and every saved answer.

The current answers of an assessment live in `Assessment.answers` (question code -> JSON value); every
change is also written as an AnswerRevision (who, when, old and new value). `revision` counts saves and
lets a save detect that someone else changed the same section since the form was shown.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from .content import ExactNumberDecoder, QuestionnaireVersion
from .revisions import Revision


class AIModel(models.Model):
    """A model an organisation assesses (the subject of assessments, not a Django model)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="ai_models")
    name = models.CharField("model name", max_length=200)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "AI model"
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="unique_model_name")]

    def __str__(self) -> str:
        return self.name


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", "In progress"
    COMPLETED = "completed", "Completed"


class Assessment(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="assessments")
    ai_model = models.ForeignKey(AIModel, on_delete=models.CASCADE, related_name="assessments")
    questionnaire_version = models.ForeignKey(QuestionnaireVersion, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200, blank=True, help_text="For example the model version assessed")
    status = models.CharField(max_length=10, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT)
    answers = models.JSONField(decoder=ExactNumberDecoder, default=dict, blank=True)
    revision = models.PositiveIntegerField(default=0)
    based_on = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # An amendment corrects a completed assessment: on completion it becomes the model's current assessment,
    # and the original stays frozen. At most one open (draft) amendment per original.
    amends = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="amendments")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    # Frozen on completion: answers, result, questionnaire version, time and user (see assessments.services.complete).
    snapshot = models.JSONField(decoder=ExactNumberDecoder, null=True, blank=True)
    snapshot_hash = models.CharField(max_length=80, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organisation", "ai_model", "-created_at"])]
        constraints = [models.UniqueConstraint(fields=["amends"], condition=models.Q(status="draft"),
                                               name="one_open_amendment")]

    def __str__(self) -> str:
        started = f"{self.created_at:%Y-%m-%d}" if self.created_at else "not saved yet"
        return f"{self.ai_model} – {self.title or started}"

    @property
    def is_completed(self) -> bool:
        return self.status == AssessmentStatus.COMPLETED


def current_assessment_id(model_ref: str = "ai_model") -> models.Subquery:
    """The one rule for a model's current assessment, as a subquery on the model at OuterRef(model_ref): its most
    recently completed assessment (an amendment, or an assessment of a new model version, supersedes the one
    before when it is completed)."""
    return models.Subquery(
        Assessment.objects.filter(ai_model=models.OuterRef(model_ref), status=AssessmentStatus.COMPLETED)
        .order_by("-completed_at", "-created_at").values("pk")[:1])


def current_assessments(queryset=None):
    """The current assessment of each model (of `queryset`, default all), in one query however many there are."""
    base = Assessment.objects.all() if queryset is None else queryset
    return base.filter(status=AssessmentStatus.COMPLETED, pk=current_assessment_id("ai_model"))


def current_assessment_of(assessment: Assessment) -> Assessment:
    """The model's current assessment, whose facts the records of `assessment` are compared with (a superseded
    assessment's records with what replaced it); the assessment itself when none is completed."""
    current = current_assessments().filter(ai_model_id=assessment.ai_model_id).select_related(
        "ai_model", "organisation", "questionnaire_version").first()
    return current or assessment


class RulesChange(models.Model):
    """A published questionnaire version would give a completed assessment another result. Shown on the
    model page, the dashboard and the result page while that assessment is current; owners and editors are
    e-mailed once (notified_at). Nothing in the assessment changes by itself."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="rules_changes")
    version = models.ForeignKey(QuestionnaireVersion, on_delete=models.CASCADE, related_name="+")
    changes = models.JSONField(default=list, help_text="What would change, in plain sentences")
    created_at = models.DateTimeField(auto_now_add=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["assessment", "version"], name="one_rules_change_per_version")]

    def __str__(self) -> str:
        return f"{self.assessment}: rules {self.version.label}"


class AnswerRevision(Revision):
    """One changed answer: who, when, old and new value, and the assessment revision that made it."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answer_revisions")
    question_code = models.CharField(max_length=64)
    old_value = models.JSONField(decoder=ExactNumberDecoder, null=True, blank=True)
    new_value = models.JSONField(decoder=ExactNumberDecoder, null=True, blank=True)
    revision = models.PositiveIntegerField()

    class Meta:
        ordering = ["revision", "id"]
        indexes = [models.Index(fields=["assessment", "revision"])]

    @property
    def field_name(self) -> str:
        return self.question_code
