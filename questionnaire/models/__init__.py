"""Content models (versioned questionnaires) and assessment models (AI models, assessments, answers)."""

from .assessments import AIModel, AnswerRevision, Assessment, AssessmentStatus
from .content import (
    Choice,
    CodeChapter,
    Commitment,
    Constant,
    ContentQuerySet,
    Deadline,
    Fact,
    Flag,
    FrozenVersionError,
    Measure,
    Obligation,
    Outcome,
    OutcomeRule,
    OutcomeValue,
    Question,
    QuestionnaireVersion,
    QuestionType,
    Scenario,
    Section,
    Source,
    VersionContent,
    VersionStatus,
)
from .reports import Report, ReportStatus

__all__ = [
    "AIModel", "AnswerRevision", "Assessment", "AssessmentStatus", "Choice", "CodeChapter", "Commitment",
    "Constant", "ContentQuerySet", "Deadline", "Fact", "Flag", "FrozenVersionError", "Measure", "Obligation",
    "Outcome", "OutcomeRule", "OutcomeValue", "Question", "QuestionType", "QuestionnaireVersion", "Report",
    "ReportStatus", "Scenario",
    "Section", "Source", "VersionContent", "VersionStatus",
]
