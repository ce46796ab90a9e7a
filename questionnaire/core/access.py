"""The one access helper for assessments and AI models: a non-member gets 404, a viewer cannot edit."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpRequest

from accounts.models import Membership, Role

from ..models import AIModel, Assessment, current_assessments
from .versions import frozen_version


def _role_of(user):
    return Subquery(Membership.objects.filter(user=user, organisation_id=OuterRef("organisation_id"))
                    .values("role")[:1])


def _one(queryset):
    """The row of a primary-key lookup, or None: no ORDER BY (first() would add one), no count."""
    return next(iter(queryset.order_by()[:1]), None)


def assessment_for(request: HttpRequest, assessment_id, *, edit: bool = False) -> Assessment:
    """The assessment if the user is a member of its organisation (one query), else 404.
    With edit=True a viewer gets 403. The member's role is on `assessment.member_role`."""
    user = request.user
    if not user.is_authenticated:
        raise Http404
    assessment = _one(Assessment.objects.select_related("ai_model", "organisation")
                      .annotate(member_role=_role_of(user)).filter(pk=assessment_id, member_role__isnull=False))
    if assessment is None:
        raise Http404("No such assessment")
    assessment.questionnaire_version = frozen_version(assessment.questionnaire_version_id)
    if edit and assessment.member_role == Role.VIEWER:
        raise PermissionDenied("Viewers cannot change assessments")
    return assessment


def ai_model_for(request: HttpRequest, model_id, *, edit: bool = False) -> AIModel:
    user = request.user
    if not user.is_authenticated:
        raise Http404
    ai_model = _one(AIModel.objects.select_related("organisation").annotate(member_role=_role_of(user))
                    .filter(pk=model_id, member_role__isnull=False))
    if ai_model is None:
        raise Http404("No such model")
    if edit and ai_model.member_role == Role.VIEWER:
        raise PermissionDenied("Viewers cannot change models")
    return ai_model


def can_edit(obj) -> bool:
    return getattr(obj, "member_role", None) in (Role.OWNER, Role.EDITOR)


SUPERSEDED_MESSAGE = ("This assessment was superseded by a newer one of the same model and stays as it was. Record "
                      "changes on the model's current assessment.")


def can_change_records(assessment: Assessment) -> bool:
    """Whether the member may change a completed assessment's gap-analysis records, Model Documentation Form
    and legal documents: an owner or editor, on the model's current assessment. A superseded assessment stays
    as it was (its amendment or newer assessment carries the records on)."""
    return can_edit(assessment) and current_assessments().filter(pk=assessment.pk).exists()


def assessment_of(organisation_id, assessment_id, *, role: str, edit: bool = False) -> Assessment:
    """The assessment if it belongs to the organisation, else 404: for a caller that acts for one organisation
    with a role (an API token, accounts.api_tokens). As assessment_for, the role is on `member_role`, so
    can_edit and can_change_records decide alike; with edit=True a viewer gets 403."""
    assessment = _one(Assessment.objects.select_related("ai_model", "organisation")
                      .filter(pk=assessment_id, organisation_id=organisation_id))
    if assessment is None:
        raise Http404("No such assessment")
    assessment.member_role = role
    assessment.questionnaire_version = frozen_version(assessment.questionnaire_version_id)
    if edit and role == Role.VIEWER:
        raise PermissionDenied("Viewers cannot change assessments")
    return assessment


def ai_model_of(organisation_id, model_id, *, role: str) -> AIModel:
    """The organisation's model, else 404 (see assessment_of)."""
    ai_model = _one(AIModel.objects.select_related("organisation").filter(pk=model_id,
                                                                          organisation_id=organisation_id))
    if ai_model is None:
        raise Http404("No such model")
    ai_model.member_role = role
    return ai_model
