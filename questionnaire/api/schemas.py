"""The shapes the API answers (pydantic through django-ninja): what the OpenAPI schema publishes and what
schemathesis checks every response against. Results follow contract.md §2; extra keys are allowed there, as the
contract adds to them."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from ninja import Field, Schema
from pydantic import ConfigDict


class Open(Schema):
    model_config = ConfigDict(extra="allow")


class QuestionnaireRef(Open):
    slug: str
    version: str
    content_hash: str


class Reason(Open):
    about: str
    text: str
    answers: list[str]


class AnswerCheck(Schema):
    check: str
    fields: list[str]
    message: str
    refuse: bool


class Result(Open):
    """The result of an answer set (contract.md §2)."""

    questionnaire: QuestionnaireRef
    classification: str
    role_outcome: str | None
    obligation_scope: str | None
    obligations: list[str]
    code_chapters: list[str]
    code_measures: list[str]
    deadlines: dict[str, Any]
    flags: list[str]
    facts: dict[str, Any]
    reasons: list[Reason]
    missing_required: list[str]


class AssessResult(Result):
    """The result, with the contradictory or implausible answers listed (they do not stop it)."""

    answer_checks: list[AnswerCheck]


class FieldError(Schema):
    field: str
    message: str


class ProblemOut(Open):
    """application/problem+json (RFC 9457)."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    errors: list[FieldError] | None = None


class Page(Schema):
    count: int = Field(description="How many there are in all")
    limit: int
    offset: int
    next: str | None = Field(description="The path of the next page, or null on the last")


class ModelOut(Schema):
    id: uuid.UUID
    name: str
    description: str
    created_at: dt.datetime
    current_assessment: uuid.UUID | None = Field(description="The completed assessment that counts for the model")


class ModelPage(Page):
    items: list[ModelOut]


class ModelDetail(ModelOut):
    result: Result | None = Field(description="The current assessment's frozen result, or null")


class AssessmentOut(Schema):
    id: uuid.UUID
    model: uuid.UUID
    model_name: str
    title: str
    status: str = Field(description="draft or completed")
    revision: int = Field(description="Send it back when you answer a section: a later change answers 409")
    questionnaire_version: str
    created_at: dt.datetime
    completed_at: dt.datetime | None
    amends: uuid.UUID | None
    current: bool = Field(description="Whether this is its model's current assessment")
    classification: str | None = Field(description="The frozen classification of a completed assessment")


class AssessmentPage(Page):
    items: list[AssessmentOut]


class SectionOut(Schema):
    code: str
    title: str
    questions: list[str] = Field(description="The codes of the questions the section asks for the saved answers")


class AssessmentDetail(AssessmentOut):
    answers: dict[str, Any]
    sections: list[SectionOut] = Field(description="The sections asked for the saved answers, in order")
    missing_required: list[str]


class NewAssessment(Schema):
    model: uuid.UUID | None = Field(None, description="An existing model of the organisation")
    model_name: str | None = Field(None, min_length=1, max_length=200,
                                   description="Or the name of a new model (made if the organisation has none "
                                               "by this name)")
    title: str = Field("", max_length=200, description="For example the model version assessed")


class SectionAnswers(Schema):
    revision: int = Field(ge=0, le=2**31 - 1, description="The assessment's revision your answers start from")
    answers: dict[str, Any] = Field(description="Question code to value (contract.md §1), for this section's "
                                                "questions; a question left out keeps its saved answer")


class Completion(Schema):
    organisation_name: str | None = Field(
        None, min_length=1, max_length=200,
        description="The organisation's legal name, needed once if it was never given (the report records it)")


class Amendment(Schema):
    assessment: AssessmentOut
    created: bool = Field(description="False when an open amendment of it already existed")
    dropped: dict[str, str] = Field(description="Answers the current rules no longer accept, by code, with why")


class GapRecordOut(Schema):
    measure: str
    status: str | None = Field(description="null until someone records one")
    not_applicable_reason: str
    owner: str | None = Field(description="The username of the member responsible")
    due_date: dt.date | None
    evidence: str
    notes: str
    revision: int
    updated_at: dt.datetime
    evidence_files: int


class GapRecordPage(Page):
    items: list[GapRecordOut]


class GapRecordUpdate(Schema):
    revision: int = Field(ge=0, le=2**31 - 1, description="The record's revision your change starts from")
    status: str | None = None
    not_applicable_reason: str | None = Field(None, max_length=5000)
    owner: str | None = Field(None, max_length=150, description="A member's username; empty for nobody")
    due_date: str | None = Field(None, max_length=10, description="YYYY-MM-DD, or empty for none")
    evidence: str | None = Field(None, max_length=10000)
    notes: str | None = Field(None, max_length=10000)


class DocumentIssued(Schema):
    number: int = Field(description="The entry's number in a register (serious incidents), else 0")
    label: str
    stage: str
    issued_on: dt.date
    status: str = Field(description="Rendering of its PDF: pending, rendering, done or failed")


class DocumentDeadline(Schema):
    what: str
    title: str
    due: dt.date | None
    basis: str = Field(description="act (a date the AI Act sets), code (a Code commitment) or suggested")
    overdue: bool


class LegalDocumentOut(Schema):
    kind: str
    title: str
    obligation: str = Field(description="The obligation id of the result that asks for it")
    started: bool = Field(description="Whether anyone has begun filling it in")
    issued: list[DocumentIssued] = Field(description="Each version published or report sent")
    open_deadlines: list[DocumentDeadline]


class ReportOut(Schema):
    id: uuid.UUID
    status: str = Field(description="pending, rendering, ready or failed")
    report_hash: str
    download: str | None = Field(description="The path to download the PDF when it is ready")


class DeadlineMeasure(Schema):
    id: str
    title: str
    status: str


class DeadlineOut(Schema):
    """One dated thing to do (questionnaire.deadlines): the legal dates, gap-record due dates, legal-document
    clocks and rules changes of the organisation's current assessments."""

    uid: str = Field(description="Stable while it is the same thing to do (also the calendar feed's UID)")
    date: dt.date
    kind: str = Field(description="legal, measure, document or rules_change")
    title: str
    reference: str = Field(description="The article(s) or the measure, e.g. Art. 53(1)(a) or TR-1.1")
    basis: str = Field(description="What sets the date: the AI Act, the Code of Practice, our suggestion or "
                                   "your own due date")
    detail: str
    model: uuid.UUID
    model_name: str
    assessment: uuid.UUID
    overdue: bool
    days_left: int = Field(description="Negative once the date has passed")
    url: str = Field(description="The page where to act")
    measures: list[DeadlineMeasure] = Field(description="For a legal date: the Code measures still open behind it")


class DeadlinePage(Page):
    today: dt.date = Field(description="Today in the organisation's time zone")
    items: list[DeadlineOut]
