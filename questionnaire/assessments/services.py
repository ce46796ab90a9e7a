"""Writes on assessments: start, save a section, complete (freeze), copy. Each is one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from ..core.evaluation import clean_answers, evaluate_assessment
from ..core.history import save_fields
from ..core.signals import announce_report_inputs_changed
from ..core.versions import current_version, spec_for
from ..engine import Result, answer_problems, canonical_hash
from ..engine.spec import Spec
from ..models import AIModel, AnswerRevision, Assessment, AssessmentStatus, QuestionnaireVersion


@dataclass(frozen=True)
class SectionProblem:
    section: str
    title: str
    errors: dict[str, list[str]]


class IncompleteAssessmentError(Exception):
    def __init__(self, problems: list[SectionProblem], missing: list[str]) -> None:
        super().__init__("the assessment is not complete")
        self.problems, self.missing = problems, missing


def lock_model(ai_model_id) -> None:
    """The first row lock of every write that completes an assessment or derives one from another (copy, amend,
    a new version): the model's row, FOR NO KEY UPDATE. Such writes on one model then run one after the other
    and take their other locks in the same order (the model, then the assessment's own row, never a joined
    table's row), so twenty of them at once queue instead of deadlocking; a NO KEY lock does not block the
    inserts that merely reference the model (their KEY SHARE locks). Call inside the writing transaction."""
    AIModel.objects.select_for_update(no_key=True).filter(pk=ai_model_id).values_list("pk", flat=True).first()


@transaction.atomic
def start_assessment(*, organisation, ai_model: AIModel, user, version: QuestionnaireVersion | None = None,
                     title: str = "") -> Assessment:
    version = version or current_version()
    if version is None:
        raise ValueError("no questionnaire is published yet")
    return Assessment.objects.create(organisation=organisation, ai_model=ai_model, questionnaire_version=version,
                                     title=title, created_by=user)


@transaction.atomic
def save_section(assessment: Assessment, section_code: str, answers: dict[str, Any], *, user,
                 seen_revision: int) -> Assessment:
    """Save one section's answers. Refused (ConcurrentEditError) when one of these questions was changed
    by a save after `seen_revision`, the revision the form was shown at. Every change is recorded."""
    locked = (Assessment.objects.select_for_update(no_key=True).only("status", "answers", "revision")
              .get(pk=assessment.pk))
    if locked.is_completed:
        raise ValueError("a completed assessment cannot be changed")
    changes = save_fields(
        locked, locked.answers, answers, seen_revision=seen_revision,
        history=AnswerRevision.objects.filter(assessment=locked), field_attr="question_code",
        new_row=lambda c, revision: AnswerRevision(assessment=locked, question_code=c.field, old_value=c.old,
                                                   new_value=c.new, revision=revision, user=user))
    if changes:
        locked.answers = {**locked.answers, **{c.field: c.new for c in changes}}
        locked.save(update_fields=["answers", "revision", "updated_at"])
    assessment.status, assessment.answers, assessment.revision = locked.status, locked.answers, locked.revision
    return assessment


def revalidate(assessment: Assessment, spec: Spec, result: Result) -> list[SectionProblem]:
    """Every shown answer checked again by the engine (check_answer), as the section's form does when it is
    posted: the problems by section, in content order."""
    problems = answer_problems(spec, assessment.answers, result.visible_questions)
    return [SectionProblem(section.code, section.title,
                           {q.code: [problems[q.code]] for q in section.questions if q.code in problems})
            for section in spec.sections
            if section.code in result.visible_sections and any(q.code in problems for q in section.questions)]


def build_snapshot(spec: Spec, result: Result, answers: dict[str, Any], *, assessment_id: str, title: str,
                   organisation: str, model: str, completed_at, completed_by: str, revision: int) -> dict[str, Any]:
    """What is frozen on completion: the answers that counted, the result, the version, the time, the user."""
    return {
        "assessment": {"id": assessment_id, "title": title, "organisation": organisation, "model": model,
                       "completed_at": completed_at.isoformat(timespec="seconds"), "completed_by": completed_by,
                       "revision": revision},
        "questionnaire": {"slug": spec.slug, "version": spec.version, "content_hash": spec.content_hash,
                          "rulebook_date": spec.rulebook_date},
        "answers": {code: answers.get(code) for code in result.visible_questions if code in answers},
        "result": result.to_json(),
    }


def recorded_organisation_name(organisation) -> str:
    """The name a snapshot records: a made-up name (see accounts.memberships) is marked as not the legal name."""
    return organisation.name if organisation.name_confirmed else f"{organisation.name} (legal name not given)"


@transaction.atomic
def complete(assessment: Assessment, *, user) -> Assessment:
    """Re-validate every section and freeze the result with the answers, the version, the time and the user."""
    lock_model(assessment.ai_model_id)
    locked = Assessment.objects.select_for_update(no_key=True, of=("self",)).select_related(
        "questionnaire_version", "ai_model", "organisation").get(pk=assessment.pk)
    if locked.is_completed:
        return locked
    spec = spec_for(locked.questionnaire_version)
    result = evaluate_assessment(locked, spec)
    problems = revalidate(locked, spec, result)
    if problems or result.missing_required:
        raise IncompleteAssessmentError(problems, list(result.missing_required))
    now = timezone.now()
    snapshot = build_snapshot(spec, result, locked.answers, assessment_id=str(locked.pk), title=locked.title,
                              organisation=recorded_organisation_name(locked.organisation), model=locked.ai_model.name,
                              completed_at=now, completed_by=user.get_username(), revision=locked.revision)
    locked.snapshot = snapshot
    locked.snapshot_hash = canonical_hash(snapshot)
    locked.status = AssessmentStatus.COMPLETED
    locked.completed_at = now
    locked.completed_by = user
    locked.save()
    announce_report_inputs_changed(locked)
    return locked


@transaction.atomic
def keep_answers(*, organisation, user, version: QuestionnaireVersion, answers: dict[str, Any],
                 model_name: str) -> Assessment:
    """A quick check kept: a new draft assessment of the organisation's model (made if new) with the answers
    the version accepts."""
    ai_model, _ = AIModel.objects.get_or_create(organisation=organisation, name=model_name)
    kept, _dropped = clean_answers(spec_for(version), answers)
    return new_draft(organisation=organisation, ai_model=ai_model, version=version, answers=kept, user=user)


def new_draft(*, organisation, ai_model: AIModel, version: QuestionnaireVersion, answers: dict[str, Any], user,
              title: str = "", based_on: Assessment | None = None, amends: Assessment | None = None) -> Assessment:
    """A new draft with these answers, each recorded in the history as revision 1."""
    draft = Assessment.objects.create(
        organisation=organisation, ai_model=ai_model, questionnaire_version=version, title=title, answers=answers,
        based_on=based_on, amends=amends, created_by=user, revision=1 if answers else 0,
    )
    AnswerRevision.objects.bulk_create(
        AnswerRevision(assessment=draft, question_code=code, old_value=None, new_value=value, revision=1, user=user)
        for code, value in answers.items()
    )
    return draft
