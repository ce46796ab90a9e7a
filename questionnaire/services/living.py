"""Living assessments: amend a completed assessment or assess a new version of the model with everything
carried over (answers, gap-analysis records with their files and history, the Model Documentation Form), and
notice when newly published rules would change a model's current assessment.

Nothing here changes a completed assessment: an amendment is a new assessment that becomes the model's
current one when it is completed (see models.current_assessments); the original stays frozen and readable.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone

from ..engine import AnswerError, Spec, evaluate, parse_answers
from ..models import (
    Assessment,
    AssessmentStatus,
    DocumentationRevision,
    EvidenceFile,
    GapItem,
    GapRevision,
    ModelDocumentation,
    QuestionnaireVersion,
    RulesChange,
    current_assessments,
)
from ..presenters import result_changes
from ..versions import current_version, spec_for
from .assessments import clean_answers, lock_model, new_draft
from .documents.store import copy_documents


@dataclass(frozen=True)
class Carry:
    """What a new assessment takes over from the one it is based on."""

    answers: bool = True
    gap_records: bool = True
    documentation: bool = True


@dataclass
class Derived:
    assessment: Assessment
    created: bool
    # question code -> why the saved answer does not fit the new rules version (left out, to be answered again)
    dropped: dict[str, str] = field(default_factory=dict)


def _derive(source: Assessment, *, user, carry: Carry, title: str, amends: Assessment | None,
            version: QuestionnaireVersion | None) -> Derived:
    lock_model(source.ai_model_id)  # the order every copy and completion takes its locks in
    version = version or current_version() or source.questionnaire_version
    spec = spec_for(version)
    answers, dropped = clean_answers(spec, source.answers) if carry.answers else ({}, {})
    new = new_draft(organisation=source.organisation, ai_model=source.ai_model, version=version, answers=answers,
                    user=user, title=title or source.title, based_on=source, amends=amends)
    if carry.gap_records:
        copy_gap_records(source, new)
    if carry.documentation:
        copy_documentation(source, new)
        copy_documents(source, new)
    return Derived(new, True, dropped)


@transaction.atomic
def new_version_assessment(source: Assessment, *, user, carry: Carry = Carry(), title: str = "",
                           version: QuestionnaireVersion | None = None) -> Derived:
    """A new draft for a new version of the model (or under new rules), with what `carry` says taken over.
    It becomes the model's current assessment when it is completed."""
    return _derive(source, user=user, carry=carry, title=title, amends=None, version=version)


def amend(source: Assessment, *, user, version: QuestionnaireVersion | None = None) -> Derived:
    """The open amendment of a completed assessment, started with everything carried over (on the current
    rules version). Idempotent: while an amendment of `source` is open, asking again gives that one."""
    if not source.is_completed:
        raise ValueError("only a completed assessment can be amended")
    open_amendment = Assessment.objects.filter(amends=source, status=AssessmentStatus.DRAFT).first()
    if open_amendment is not None:
        return Derived(open_amendment, False)
    try:
        with transaction.atomic():
            return _derive(source, user=user, carry=Carry(), title=source.title, amends=source, version=version)
    except IntegrityError:  # a second request started it at the same moment (one_open_amendment)
        return Derived(Assessment.objects.get(amends=source, status=AssessmentStatus.DRAFT), False)


def _keep_times(objects: list, originals: list, attribute: str) -> None:
    """bulk_create stamps auto_now_add fields with the current time: put the original times back."""
    for obj, original in zip(objects, originals, strict=True):
        setattr(obj, attribute, getattr(original, attribute))
    if objects:
        type(objects[0]).objects.bulk_update(objects, [attribute])


def copy_gap_records(source: Assessment, target: Assessment) -> list[GapItem]:
    """Every gap-analysis record of `source` onto `target`: status, owner, due date, evidence text, notes,
    their history, and a copy of each evidence file (so deleting one assessment never breaks the other).
    Records of measures that no longer apply are carried too; the pages show them as "no longer applies"."""
    items = list(GapItem.objects.filter(assessment=source).prefetch_related("revisions", "files").order_by("measure"))
    copies = GapItem.objects.bulk_create([
        GapItem(assessment=target, measure=i.measure, status=i.status, not_applicable_reason=i.not_applicable_reason,
                owner_id=i.owner_id, due_date=i.due_date, evidence=i.evidence, notes=i.notes, revision=i.revision,
                updated_by_id=i.updated_by_id)
        for i in items
    ])
    revisions, originals = [], []
    for item, new_item in zip(items, copies, strict=True):
        for revision in item.revisions.all():
            originals.append(revision)
            revisions.append(GapRevision(item=new_item, field=revision.field, old_value=revision.old_value,
                                         new_value=revision.new_value, user_id=revision.user_id))
        for evidence in item.files.all():
            _copy_file(evidence, new_item, target)
    _keep_times(GapRevision.objects.bulk_create(revisions), originals, "created_at")
    return copies


def _copy_file(evidence: EvidenceFile, item: GapItem, target: Assessment) -> EvidenceFile:
    new = EvidenceFile(item=item, name=evidence.name, size=evidence.size, content_type=evidence.content_type,
                       sha256=evidence.sha256, uploaded_by_id=evidence.uploaded_by_id)
    extension = os.path.splitext(evidence.file.name)[1]
    with evidence.file.open("rb") as handle:
        new.file.save(f"{target.pk}/{new.id}{extension}", File(handle), save=False)
    new.save()
    EvidenceFile.objects.filter(pk=new.pk).update(uploaded_at=evidence.uploaded_at)
    return new


def copy_documentation(source: Assessment, target: Assessment) -> ModelDocumentation | None:
    """The Model Documentation Form of `source`, with its history, onto `target`."""
    documentation = ModelDocumentation.objects.filter(assessment=source).first()
    if documentation is None:
        return None
    new = ModelDocumentation.objects.create(assessment=target, values=dict(documentation.values),
                                            revision=documentation.revision, updated_by_id=documentation.updated_by_id)
    originals = list(documentation.revisions.all())
    copies = DocumentationRevision.objects.bulk_create(
        DocumentationRevision(documentation=new, field=r.field, old_value=r.old_value, new_value=r.new_value,
                              user_id=r.user_id) for r in originals)
    _keep_times(copies, originals, "created_at")
    return new


# ---------------------------------------------------------------- when the rules change


def result_under(spec: Spec, answers: dict[str, Any]) -> dict[str, Any] | None:
    """The result the answers would get under `spec`, or None when they no longer fit its questions."""
    known = {k: v for k, v in answers.items() if k in spec.questions}
    try:
        return evaluate(spec, parse_answers(spec, known), today=timezone.localdate()).to_json()
    except AnswerError:
        return None


def changes_under(spec: Spec, assessment: Assessment) -> list[str]:
    """What would differ, in plain sentences, if a completed assessment's frozen answers were evaluated under
    `spec`: its result (classification, role, obligations, dates), or the answers `spec` no longer accepts."""
    answers = assessment.snapshot["answers"]
    after = result_under(spec, answers)
    if after is None:  # some answers no longer fit: the result cannot be known without asking them again
        _kept, refused = clean_answers(spec, answers)
        return [f"Your answer to “{spec.questions[code].text}” is no longer one the rules accept: amend the "
                "assessment to answer it again" for code in refused]
    return result_changes(spec_for(assessment.questionnaire_version), assessment.snapshot["result"], spec, after)


def record_rules_changes(version: QuestionnaireVersion) -> list[RulesChange]:
    """For every model whose current assessment would get another result under `version` (classification,
    role, obligations or dates), a RulesChange naming what would change. Idempotent per version."""
    spec = spec_for(version)
    found = []
    currents = (current_assessments().exclude(questionnaire_version=version)
                .select_related("questionnaire_version", "ai_model"))
    for assessment in currents:
        changes = changes_under(spec, assessment)
        if changes:
            change, _ = RulesChange.objects.get_or_create(assessment=assessment, version=version,
                                                          defaults={"changes": changes})
            found.append(change)
    return found
