"""The questionnaire as plain frozen dataclasses: what the engine evaluates.

A Spec is built from the canonical content dictionary (the shape of `content/gpai.yaml`), either
straight from YAML or from the database rows of a version (see questionnaire/spec.py). The content
hash is computed on that dictionary, so the same content gives the same hash whatever its origin.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any


class QuestionType(enum.StrEnum):
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    YES_NO = "yes_no"
    NUMBER = "number"
    FLOP = "flop"
    DATE = "date"
    TEXT = "text"


class ContentError(ValueError):
    """The content dictionary does not have the expected shape; `where` says which item."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")
        self.where = where
        self.message = message


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


@dataclass(frozen=True)
class NextStep:
    id: str
    when: str
    text: str


@dataclass(frozen=True)
class Checklist:
    id: str
    title: str
    when: str
    items: tuple[str, ...]


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


# ---------------------------------------------------------------- content dictionary -> Spec

OUTCOME_NAMES = ("classification", "role_outcome", "obligation_scope")


def _req(item: Mapping[str, Any], key: str, where: str) -> Any:
    if not isinstance(item, Mapping):
        raise ContentError(where, "expected a mapping")
    if key not in item or item[key] in (None, ""):
        raise ContentError(where, f"'{key}' is required")
    return item[key]


def _list(item: Mapping[str, Any], key: str, where: str) -> list[Any]:
    """item[key] as a list (missing: empty); anything else is a ContentError naming where."""
    value = item.get(key) if isinstance(item, Mapping) else None
    if value is None:
        return []
    if not isinstance(value, list):
        raise ContentError(where, f"'{key}' must be a list")
    return value


def _text(item: Mapping[str, Any], key: str) -> str:
    value = item.get(key)
    return "" if value is None else str(value).strip()


def _opt_expr(item: Mapping[str, Any], key: str) -> str | None:
    value = item.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return "True" if value else "False"
    return " ".join(str(value).split())


def _json_safe(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 2**53:
        # PostgreSQL's jsonb returns 6.3e+24 as the integer 6300000000000000000000000: same number, one form
        return float(value)
    if isinstance(value, Mapping):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value


def normalise(content: Mapping[str, Any]) -> dict[str, Any]:
    """The canonical content dictionary: defaults merged into scenarios, dates as ISO strings,
    expressions on one line. Export writes this form; the hash is computed on it."""
    if not isinstance(content, Mapping):
        raise ContentError("content", "expected a mapping at the top level")
    data = _json_safe(dict(content))
    scenarios = data.get("scenarios") or []
    if not isinstance(scenarios, Mapping | list):
        raise ContentError("scenarios", "expected a list, or a mapping with defaults and cases")
    if isinstance(scenarios, Mapping):  # {defaults: {...}, cases: [...]}
        defaults = scenarios.get("defaults") or {}
        cases = _list(scenarios, "cases", "scenarios")
        merged = []
        for case in cases:
            case = dict(case)
            case["answers"] = {**defaults, **(case.get("answers") or {})}
            merged.append(case)
        data["scenarios"] = merged
    return data


def content_hash(normalised: Mapping[str, Any]) -> str:
    """sha256 over the content, leaving out the version label and status (they are not content)."""
    payload = {k: v for k, v in normalised.items() if k not in {"version", "status"}}
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(blob.encode()).hexdigest()


def build_spec(content: Mapping[str, Any]) -> Spec:
    """Build a Spec from a content dictionary; raise ContentError on a structural problem.
    Semantic checks (expressions, names, reachability) are in lint.py."""
    data = normalise(content)
    sections: list[Section] = []
    questions: dict[str, Question] = {}
    for s_index, raw_section in enumerate(_list(data, "sections", "sections")):
        where = f"sections[{s_index}]"
        s_code = str(_req(raw_section, "code", where))
        where = f"section {s_code}"
        section_questions = []
        for q_index, raw_q in enumerate(_list(raw_section, "questions", "questions")):
            q_where = f"{where} question {q_index + 1}"
            code = str(_req(raw_q, "code", q_where))
            q_where = f"question {code}"
            try:
                kind = QuestionType(_req(raw_q, "type", q_where))
            except ValueError as exc:
                allowed = ", ".join(t.value for t in QuestionType)
                raise ContentError(q_where, f"type must be one of {allowed}") from exc
            choices = tuple(
                Choice(
                    value=str(_req(c, "value", f"{q_where} choice {i + 1}")),
                    label=str(_req(c, "label", f"{q_where} choice {i + 1}")),
                    help=_text(c, "help"),
                )
                for i, c in enumerate(_list(raw_q, "choices", "choices"))
            )
            if kind is QuestionType.YES_NO and not choices:
                choices = (Choice("yes", "Yes"), Choice("no", "No"))
            question = Question(
                code=code,
                section=s_code,
                type=kind,
                text=str(_req(raw_q, "text", q_where)).strip(),
                help=_text(raw_q, "help"),
                required=bool(raw_q.get("required", True)),
                visible_if=_opt_expr(raw_q, "visible_if"),
                choices=choices,
                estimator=bool(raw_q.get("estimator", False)),
            )
            section_questions.append(question)
            if code not in questions:  # duplicates are reported by lint
                questions[code] = question
        sections.append(
            Section(
                code=s_code,
                title=str(_req(raw_section, "title", where)),
                intro=_text(raw_section, "intro"),
                visible_if=_opt_expr(raw_section, "visible_if"),
                questions=tuple(section_questions),
            )
        )

    facts = tuple(
        Fact(
            name=str(_req(f, "name", f"facts[{i}]")),
            expr=_opt_expr(f, "expr") or _req(f, "expr", f"fact {f.get('name')}"),
            label=_text(f, "label"),
            type=str(f.get("type") or "bool"),
        )
        for i, f in enumerate(_list(data, "facts", "facts"))
    )

    outcomes = []
    for i, raw_outcome in enumerate(_list(data, "outcomes", "outcomes")):
        name = str(_req(raw_outcome, "name", f"outcomes[{i}]"))
        outcomes.append(
            Outcome(
                name=name,
                title=_text(raw_outcome, "title") or name,
                values=tuple(
                    OutcomeValue(
                        value=str(_req(v, "value", f"outcome {name} value {j + 1}")),
                        label=str(_req(v, "label", f"outcome {name} value {j + 1}")),
                        description=_text(v, "description"),
                    )
                    for j, v in enumerate(_list(raw_outcome, "values", "values"))
                ),
                rules=tuple(
                    Rule(
                        value=str(_req(r, "value", f"outcome {name} rule {j + 1}")),
                        when=_opt_expr(r, "when"),
                        reason=_text(r, "reason"),
                    )
                    for j, r in enumerate(_list(raw_outcome, "rules", "rules"))
                ),
            )
        )

    obligations = tuple(
        Obligation(
            id=str(_req(o, "id", f"obligations[{i}]")),
            label=_text(o, "label"),
            title=_text(o, "title"),
            summary=_text(o, "summary"),
            applies_if=_opt_expr(o, "applies_if") or _req(o, "applies_if", f"obligation {o.get('id')}"),
            reason=_text(o, "reason"),
            scope_note=_text(o, "scope_note"),
            citations=tuple(
                Citation(source=str(_req(c, "source", f"obligation {o.get('id')} citation")),
                         pinpoint=_text(c, "pinpoint"))
                for c in _list(o, "citations", "citations")
            ),
            deadlines=tuple(str(d) for d in _list(o, "deadlines", "deadlines")),
        )
        for i, o in enumerate(_list(data, "obligations", "obligations"))
    )

    deadlines = tuple(
        Deadline(
            key=str(_req(d, "key", f"deadlines[{i}]")),
            label=_text(d, "label"),
            when=_opt_expr(d, "when") or "True",
            value=_opt_expr(d, "value") or _req(d, "value", f"deadline {d.get('key')}"),
            explanation=_text(d, "explanation"),
            label_passed=_text(d, "label_passed"),
        )
        for i, d in enumerate(_list(data, "deadlines", "deadlines"))
    )

    flags = tuple(
        Flag(
            id=str(_req(f, "id", f"flags[{i}]")),
            title=_text(f, "title"),
            when=_opt_expr(f, "when") or _req(f, "when", f"flag {f.get('id')}"),
            explanation=_text(f, "explanation"),
        )
        for i, f in enumerate(_list(data, "flags", "flags"))
    )

    chapters = []
    for i, raw_chapter in enumerate(_list(data, "code_chapters", "code_chapters")):
        ch_id = str(_req(raw_chapter, "id", f"code_chapters[{i}]"))
        commitments = []
        for j, raw_c in enumerate(_list(raw_chapter, "commitments", "commitments")):
            c_where = f"chapter {ch_id} commitment {j + 1}"
            commitments.append(
                Commitment(
                    number=int(_req(raw_c, "number", c_where)),
                    title=str(_req(raw_c, "title", c_where)),
                    measures=tuple(
                        Measure(
                            id=str(_req(m, "id", f"{c_where} measure {k + 1}")),
                            title=str(_req(m, "title", f"measure {m.get('id')}")),
                            summary=_text(m, "summary"),
                            evidence=_text(m, "evidence"),
                            serves=tuple(str(s) for s in _list(m, "serves", "serves")),
                        )
                        for k, m in enumerate(_list(raw_c, "measures", "measures"))
                    ),
                )
            )
        chapters.append(
            CodeChapter(
                id=ch_id,
                title=str(_req(raw_chapter, "title", f"chapter {ch_id}")),
                summary=_text(raw_chapter, "summary"),
                applies_if=_opt_expr(raw_chapter, "applies_if") or "False",
                commitments=tuple(commitments),
            )
        )

    sources = tuple(
        Source(
            id=str(_req(s, "id", f"sources[{i}]")),
            title=str(_req(s, "title", f"source {s.get('id')}")),
            url=str(_req(s, "url", f"source {s.get('id')}")),
            confidence=_text(s, "confidence") or "P",
            note=_text(s, "note"),
        )
        for i, s in enumerate(_list(data, "sources", "sources"))
    )

    scenarios = tuple(
        Scenario(
            id=str(_req(s, "id", f"scenarios[{i}]")),
            description=_text(s, "description"),
            answers=dict(s.get("answers") or {}),
            expected=dict(s.get("expected") or {}),
        )
        for i, s in enumerate(_list(data, "scenarios", "scenarios"))
    )

    perspectives = tuple(
        Perspective(
            key=str(_req(p, "key", f"perspectives[{i}]")),
            title=_text(p, "title"),
            when=_opt_expr(p, "when") or _req(p, "when", f"perspective {p.get('key')}"),
            answers=tuple((str(code), _opt_expr({"v": expr}, "v") or "None")
                          for code, expr in _mapping(p, "answers", f"perspective {p.get('key')}").items()),
            intro=_text(p, "intro"),
        )
        for i, p in enumerate(_list(data, "perspectives", "perspectives"))
    )
    notices = tuple(
        Notice(
            id=str(_req(n, "id", f"notices[{i}]")),
            title=_text(n, "title"),
            when=_opt_expr(n, "when") or _req(n, "when", f"notice {n.get('id')}"),
            text=str(_req(n, "text", f"notice {n.get('id')}")).strip(),
            date=_opt_expr(n, "date"),
            text_passed=_text(n, "text_passed"),
            about=tuple(str(a) for a in _list(n, "about", f"notice {n.get('id')}")),
        )
        for i, n in enumerate(_list(data, "notices", "notices"))
    )
    answer_checks = tuple(
        AnswerCheck(
            id=str(_req(c, "id", f"answer_checks[{i}]")),
            fields=tuple(str(f) for f in _list(c, "fields", f"answer check {c.get('id')}")),
            when=_opt_expr(c, "when") or _req(c, "when", f"answer check {c.get('id')}"),
            message=str(_req(c, "message", f"answer check {c.get('id')}")).strip(),
            refuse=bool(c.get("refuse", True)),
        )
        for i, c in enumerate(_list(data, "answer_checks", "answer_checks"))
    )
    article_groups = tuple(
        ArticleGroup(
            article=str(_req(g, "article", f"article_groups[{i}]")),
            title=_text(g, "title"),
            obligations=tuple(str(o) for o in _list(g, "obligations", f"article group {g.get('article')}")),
        )
        for i, g in enumerate(_list(data, "article_groups", "article_groups"))
    )
    next_steps = tuple(
        NextStep(
            id=str(_req(n, "id", f"next_steps[{i}]")),
            when=_opt_expr(n, "when") or _req(n, "when", f"next step {n.get('id')}"),
            text=str(_req(n, "text", f"next step {n.get('id')}")).strip(),
        )
        for i, n in enumerate(_list(data, "next_steps", "next_steps"))
    )
    checklists = tuple(
        Checklist(
            id=str(_req(c, "id", f"checklists[{i}]")),
            title=_text(c, "title"),
            when=_opt_expr(c, "when") or _req(c, "when", f"checklist {c.get('id')}"),
            items=tuple(str(x).strip() for x in _list(c, "items", f"checklist {c.get('id')}")),
        )
        for i, c in enumerate(_list(data, "checklists", "checklists"))
    )
    general_dates = []
    for i, d in enumerate(_list(data, "general_dates", "general_dates")):
        where = f"general_dates[{i}]"
        day = str(_req(d, "date", where))
        try:
            dt.date.fromisoformat(day)
        except ValueError as exc:
            raise ContentError(where, f"date {day!r} is not a date (YYYY-MM-DD)") from exc
        general_dates.append(GeneralDate(date=day, text=str(_req(d, "text", where)).strip()))

    constants = data.get("constants") or {}
    if not isinstance(constants, Mapping):
        raise ContentError("constants", "expected a mapping of name to value")
    constants = {str(k): _constant_value(v) for k, v in constants.items()}

    spec = Spec(
        slug=str(_req(data, "slug", "content")),
        version=str(_req(data, "version", "content")),
        title=_text(data, "title"),
        rulebook_date=_text(data, "rulebook_date"),
        content_hash="",
        constants=constants,
        sections=tuple(sections),
        facts=facts,
        outcomes=tuple(outcomes),
        obligations=obligations,
        deadlines=deadlines,
        flags=flags,
        chapters=tuple(chapters),
        sources=sources,
        scenarios=scenarios,
        questions=questions,
        rules_note=_text(data, "rules_note"),
        perspectives=perspectives,
        notices=notices,
        answer_checks=answer_checks,
        article_groups=article_groups,
        next_steps=next_steps,
        checklists=checklists,
        general_dates=tuple(general_dates),
    )
    return replace(spec, content_hash=content_hash(spec_to_content(spec)))


def _mapping(item: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
    value = item.get(key) if isinstance(item, Mapping) else None
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ContentError(where, f"'{key}' must be a mapping")
    return value


def _constant_value(value: Any) -> Any:
    """Constants are numbers, strings or ISO dates (dates become date objects)."""
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


# ---------------------------------------------------------------- Spec -> canonical content dictionary


def _some(**items: Any) -> dict[str, Any]:
    """Drop empty optional items so that the canonical form does not depend on how defaults were written."""
    return {k: v for k, v in items.items() if v not in (None, "", (), [], {})}


def spec_to_content(spec: Spec) -> dict[str, Any]:
    """The canonical content dictionary of a Spec: what export writes and what the hash covers."""
    return {
        "slug": spec.slug,
        "version": spec.version,
        "title": spec.title,
        "rulebook_date": spec.rulebook_date,
        "sources": [_some(id=s.id, title=s.title, url=s.url, confidence=s.confidence, note=s.note)
                    for s in spec.sources],
        "constants": {k: _json_safe(v) for k, v in spec.constants.items()},
        "sections": [
            {**_some(code=s.code, title=s.title, intro=s.intro, visible_if=s.visible_if),
             "questions": [
                 {**_some(code=q.code, type=q.type.value, text=q.text, help=q.help, visible_if=q.visible_if),
                  **({"required": False} if not q.required else {}),
                  **({"estimator": True} if q.estimator else {}),
                  **({"choices": [_some(value=c.value, label=c.label, help=c.help) for c in q.choices]}
                     if q.choices and q.type is not QuestionType.YES_NO else {})}
                 for q in s.questions]}
            for s in spec.sections
        ],
        "facts": [{**_some(name=f.name, label=f.label), **({"type": f.type} if f.type != "bool" else {}),
                   "expr": f.expr} for f in spec.facts],
        "outcomes": [
            {"name": o.name, "title": o.title,
             "values": [_some(value=v.value, label=v.label, description=v.description) for v in o.values],
             "rules": [_some(when=r.when, value=r.value, reason=r.reason) for r in o.rules]}
            for o in spec.outcomes
        ],
        "obligations": [
            _some(id=o.id, label=o.label, title=o.title, summary=o.summary, scope_note=o.scope_note,
                  applies_if=o.applies_if, reason=o.reason,
                  citations=[_some(source=c.source, pinpoint=c.pinpoint) for c in o.citations],
                  deadlines=list(o.deadlines))
            for o in spec.obligations
        ],
        "deadlines": [_some(key=d.key, label=d.label, label_passed=d.label_passed, when=d.when, value=d.value,
                            explanation=d.explanation) for d in spec.deadlines],
        "flags": [_some(id=f.id, title=f.title, when=f.when, explanation=f.explanation) for f in spec.flags],
        "code_chapters": [
            {**_some(id=c.id, title=c.title, summary=c.summary, applies_if=c.applies_if),
             "commitments": [
                 {"number": k.number, "title": k.title,
                  "measures": [_some(id=m.id, title=m.title, summary=m.summary, evidence=m.evidence,
                                     serves=list(m.serves)) for m in k.measures]}
                 for k in c.commitments]}
            for c in spec.chapters
        ],
        "scenarios": [{"id": s.id, **_some(description=s.description), "answers": _json_safe(dict(s.answers)),
                       "expected": _json_safe(dict(s.expected))} for s in spec.scenarios],
        **extra_content(spec),
    }


EXTRA_SECTIONS = ("perspectives", "notices", "answer_checks", "article_groups", "next_steps", "checklists",
                  "general_dates")


def extra_content(spec: Spec) -> dict[str, Any]:
    """The sections added in 2026 (and rules_note), each left out when empty so that the canonical form and
    hash of earlier content do not change. The database keeps them as one JSON row per section."""
    sections = {
        "rules_note": spec.rules_note,
        "perspectives": [{**_some(key=p.key, title=p.title, when=p.when, intro=p.intro),
                          "answers": dict(p.answers)} for p in spec.perspectives],
        "notices": [_some(id=n.id, title=n.title, when=n.when, date=n.date, text=n.text, text_passed=n.text_passed,
                          about=list(n.about)) for n in spec.notices],
        "answer_checks": [{**_some(id=c.id, fields=list(c.fields), when=c.when, message=c.message),
                           **({"refuse": False} if not c.refuse else {})} for c in spec.answer_checks],
        "article_groups": [_some(article=g.article, title=g.title, obligations=list(g.obligations))
                           for g in spec.article_groups],
        "next_steps": [_some(id=n.id, when=n.when, text=n.text) for n in spec.next_steps],
        "checklists": [_some(id=c.id, title=c.title, when=c.when, items=list(c.items)) for c in spec.checklists],
        "general_dates": [{"date": d.date, "text": d.text} for d in spec.general_dates],
    }
    return {k: v for k, v in sections.items() if v}
