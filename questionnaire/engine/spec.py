"""The questionnaire as plain frozen dataclasses: what the engine evaluates.

A Spec is built from the content dictionary (the shape of `content/gpai.yaml`) by `schema.build_spec`,
either straight from YAML or from the database rows of a version (questionnaire/core/versions.py). The fields
of these dataclasses are the schema: `schema.py` maps them to content keys and table columns.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


class QuestionType(enum.StrEnum):
    """The kinds of question; the one definition (the database column's choices come from it)."""

    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    YES_NO = "yes_no"
    NUMBER = "number"
    FLOP = "flop"
    DATE = "date"
    TEXT = "text"

    @property
    def label(self) -> str:
        return QUESTION_TYPE_LABELS[self]


QUESTION_TYPE_LABELS = {
    QuestionType.SINGLE_CHOICE: "Single choice",
    QuestionType.MULTIPLE_CHOICE: "Multiple choice",
    QuestionType.YES_NO: "Yes / no",
    QuestionType.NUMBER: "Number",
    QuestionType.FLOP: "FLOP",
    QuestionType.DATE: "Date",
    QuestionType.TEXT: "Text",
}


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    help: str = ""


@dataclass(frozen=True)
class Question:
    code: str
    section: str
    type: QuestionType
    text: str
    help: str = ""
    required: bool = True
    visible_if: str | None = None
    choices: tuple[Choice, ...] = ()
    estimator: bool = False  # offer the training-compute estimator next to a FLOP field

    def choice_values(self) -> tuple[str, ...]:
        return tuple(c.value for c in self.choices)

    def other_answers(self) -> tuple[str, ...]:
        """A yes/no question's answers besides yes and no (e.g. "unknown" for "I don't know"), kept as strings;
        none for other questions."""
        if self.type is not QuestionType.YES_NO:
            return ()
        return tuple(c.value for c in self.choices if c.value not in ("yes", "no"))

    def choice_label(self, value: str) -> str:
        for choice in self.choices:
            if choice.value == value:
                return choice.label
        return value


@dataclass(frozen=True)
class Section:
    code: str
    title: str
    intro: str = ""
    visible_if: str | None = None
    questions: tuple[Question, ...] = ()


@dataclass(frozen=True)
class Fact:
    name: str
    expr: str
    label: str = ""
    type: str = "bool"  # bool | number | date | text


@dataclass(frozen=True)
class OutcomeValue:
    value: str
    label: str
    description: str = ""


@dataclass(frozen=True)
class Rule:
    value: str
    when: str | None = None  # None: the rule always matches ("otherwise")
    reason: str = ""


@dataclass(frozen=True)
class Outcome:
    name: str
    title: str
    values: tuple[OutcomeValue, ...]
    rules: tuple[Rule, ...]

    def label(self, value: str | None) -> str:
        for item in self.values:
            if item.value == value:
                return item.label
        return value or ""


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    url: str
    confidence: str = "P"
    note: str = ""
    short: str = ""  # the name a citation gives it in client documents ("AI Act"); the title when empty


@dataclass(frozen=True)
class Citation:
    source: str  # Source.id
    pinpoint: str = ""


@dataclass(frozen=True)
class Obligation:
    id: str
    label: str
    title: str
    summary: str
    applies_if: str
    reason: str = ""
    scope_note: str = ""  # shown when the obligation scope is limited to the modification
    citations: tuple[Citation, ...] = ()
    deadlines: tuple[str, ...] = ()  # Deadline keys that date this obligation


@dataclass(frozen=True)
class Deadline:
    key: str
    label: str
    when: str
    value: str
    explanation: str = ""
    label_passed: str = ""  # the label once the date has passed ("Obligations apply since")


@dataclass(frozen=True)
class GeneralDate:
    """A date of the AI Act that frames every GPAI model's timeline (shown in the report's timeline)."""

    date: str  # ISO date
    text: str


@dataclass(frozen=True)
class Flag:
    id: str
    title: str
    when: str
    explanation: str
    settled: bool = False  # a settled consequence (a note), not an open point of law for counsel


@dataclass(frozen=True)
class Measure:
    id: str
    title: str
    summary: str
    evidence: str = ""
    serves: tuple[str, ...] = ()  # obligation ids


@dataclass(frozen=True)
class Commitment:
    number: int
    title: str
    measures: tuple[Measure, ...]


@dataclass(frozen=True)
class CodeChapter:
    id: str
    title: str
    summary: str
    applies_if: str
    commitments: tuple[Commitment, ...]

    def measures(self) -> tuple[Measure, ...]:
        return tuple(m for c in self.commitments for m in c.measures)


@dataclass(frozen=True)
class Scenario:
    id: str
    description: str
    answers: Mapping[str, Any]
    expected: Mapping[str, Any]


@dataclass(frozen=True)
class Perspective:
    """The same answer set seen from another actor: some answers substituted (each an expression over the
    original answers and facts), the whole spec evaluated again, and that evaluation's obligations reported
    under `key` in the result (e.g. an authorised representative sees the provider's own obligations)."""

    key: str
    title: str
    when: str
    answers: tuple[tuple[str, str], ...]  # (question code, expression for its substituted value)
    intro: str = ""
    # when the reader has no obligations of its own (a representative whose provider needs no mandate), the list
    # is shown for information under these texts instead
    title_without_tasks: str = ""
    intro_without_tasks: str = ""


@dataclass(frozen=True)
class Notice:
    """A text shown with the result when `when` holds: optionally dated (`date` is an expression), with
    another text once that date has passed; `about` ties it to obligations (empty: the result as a whole)."""

    id: str
    title: str
    when: str
    text: str
    date: str | None = None
    text_passed: str = ""
    about: tuple[str, ...] = ()
    counsel: bool = False  # an open point of law: listed with the open points for counsel, not as a note


@dataclass(frozen=True)
class AnswerCheck:
    """A contradictory or implausible answer: `when` over the answers (and `today`); the message is shown at
    every field of `fields` that the page being saved asks. `refuse`: the wizard refuses to save (assess
    only warns, since the answer set is valid by contract)."""

    id: str
    fields: tuple[str, ...]
    when: str
    message: str
    refuse: bool = True


@dataclass(frozen=True)
class ArticleGroup:
    article: str
    title: str
    obligations: tuple[str, ...]
    binds: tuple[str, ...] = ()  # the role_outcome values whose own obligations these are (empty: every role)


@dataclass(frozen=True)
class NextStep:
    id: str
    when: str
    text: str
    binds: tuple[str, ...] = ()  # the role_outcome values it is shown to (whom it binds); empty: every role


@dataclass(frozen=True)
class Checklist:
    id: str
    title: str
    when: str
    items: tuple[str, ...]
    binds: tuple[str, ...] = ()  # the role_outcome values it is shown to; empty: every role


@dataclass(frozen=True)
class Spec:
    slug: str
    version: str
    title: str
    rulebook_date: str
    content_hash: str
    constants: Mapping[str, Any]
    sections: tuple[Section, ...]
    facts: tuple[Fact, ...]
    outcomes: tuple[Outcome, ...]
    obligations: tuple[Obligation, ...]
    deadlines: tuple[Deadline, ...]
    flags: tuple[Flag, ...]
    chapters: tuple[CodeChapter, ...]
    sources: tuple[Source, ...]
    scenarios: tuple[Scenario, ...]
    questions: Mapping[str, Question] = field(default_factory=dict)  # by code, in order
    rules_note: str = ""  # the state of the rules this version reflects, shown with every result
    perspectives: tuple[Perspective, ...] = ()
    notices: tuple[Notice, ...] = ()
    answer_checks: tuple[AnswerCheck, ...] = ()
    article_groups: tuple[ArticleGroup, ...] = ()
    next_steps: tuple[NextStep, ...] = ()
    checklists: tuple[Checklist, ...] = ()
    general_dates: tuple[GeneralDate, ...] = ()

    def question_list(self) -> tuple[Question, ...]:
        return tuple(self.questions.values())

    def outcome(self, name: str) -> Outcome:
        for outcome in self.outcomes:
            if outcome.name == name:
                return outcome
        raise KeyError(name)

    def measures(self) -> dict[str, Measure]:
        return {m.id: m for ch in self.chapters for m in ch.measures()}

    def measures_serving(self, obligation_id: str) -> tuple[Measure, ...]:
        """The Code measures that serve an obligation (the link is kept on the measure: `serves`)."""
        return tuple(m for ch in self.chapters for m in ch.measures() if obligation_id in m.serves)
