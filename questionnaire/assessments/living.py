"""Living assessments: amend a completed assessment or assess a new version of the model with everything
carried over (answers, gap-analysis records with their files and history, the Model Documentation Form, the legal
documents). Each feature that keeps records on an assessment carries its own over (CARRIERS).

Nothing here changes a completed assessment: an amendment is a new assessment that becomes the model's
current one when it is completed (see models.current_assessments); the original stays frozen and readable.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils.module_loading import import_string

from ..core.evaluation import clean_answers
from ..core.versions import current_version, spec_for
from ..models import Assessment, AssessmentStatus, QuestionnaireVersion
from .services import lock_model, new_draft


@dataclass(frozen=True)
class Carry:
    """What a new assessment takes over from the one it is based on."""

    answers: bool = True
    gap_records: bool = True
    documentation: bool = True


# What each choice of Carry (other than the answers) carries, as the features that keep records on an assessment
# copy them: named by dotted path (as rendering.queue names its documents), so that assessments imports none of
# them. Each is called with (source assessment, new assessment).
CARRIERS: dict[str, tuple[str, ...]] = {
    "gap_records": ("questionnaire.code_of_practice.gap.copy_gap_records",),
    "documentation": ("questionnaire.code_of_practice.model_documentation_store.copy_documentation",
                      "questionnaire.legal_documents.store.copy_documents"),
}


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
    for choice, carriers in CARRIERS.items():
        if getattr(carry, choice):
            for carrier in carriers:
                import_string(carrier)(source, new)
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
