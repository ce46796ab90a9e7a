"""Evaluate an answer set against a Spec: visibility, facts, outcomes, obligations, deadlines, flags.

Pure: no database, no clock (pass `today`), no request. The same function serves the wizard (which
sections are visible), the result page, the `assess` command, the admin preview and the golden
scenarios checked at publish time.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .expressions import Compiled, Evaluator, ExpressionError, compile_expression
from .spec import QuestionType, Spec
from .translation import decimal_separator, engine_word, long_date, translation_language
from .values import format_flop


@dataclass(frozen=True)
class Reason:
    about: str  # "classification", "role_outcome", an obligation id, a flag id, a chapter id...
    text: str
    answers: tuple[str, ...]  # question codes whose answers led to it

    def to_json(self) -> dict[str, Any]:
        return {"about": self.about, "text": self.text, "answers": list(self.answers)}


@dataclass(frozen=True)
class NoticeShown:
    """A notice that applies, with its texts rendered; the page picks `text_passed` once `date` is past."""

    id: str
    text: str
    date: str | None = None
    text_passed: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text, "date": self.date, "text_passed": self.text_passed}


@dataclass(frozen=True)
class Result:
    questionnaire: Mapping[str, str]
    classification: str | None
    role_outcome: str | None
    obligation_scope: str | None
    obligations: tuple[str, ...]
    code_chapters: tuple[str, ...]
    code_measures: tuple[str, ...]
    deadlines: Mapping[str, str]
    flags: tuple[str, ...]
    facts: Mapping[str, Any]
    reasons: tuple[Reason, ...]
    missing_required: tuple[str, ...]
    visible_sections: tuple[str, ...] = ()
    visible_questions: tuple[str, ...] = ()
    answers: Mapping[str, Any] = field(default_factory=dict)  # the answers that counted (visible ones)
    matched_rules: Mapping[str, int] = field(default_factory=dict)  # outcome -> number of the rule (1-based)
    perspectives: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # key -> obligations seen from there
    notices: tuple[NoticeShown, ...] = ()
    rules_as_of: str | None = None  # the date of the state of the rules the version reflects (rulebook_date)
    next_steps: tuple[str, ...] = ()  # ids of the content's next steps that apply
    checklists: tuple[str, ...] = ()  # ids of the content's checklists that apply

    def to_json(self) -> dict[str, Any]:
        """The result document of contract.md §2."""
        return {
            "questionnaire": dict(self.questionnaire),
            "classification": self.classification,
            "role_outcome": self.role_outcome,
            "obligation_scope": self.obligation_scope,
            "obligations": list(self.obligations),
            "code_chapters": list(self.code_chapters),
            "code_measures": list(self.code_measures),
            "deadlines": dict(self.deadlines),
            "flags": list(self.flags),
            "facts": {k: _json_value(v) for k, v in self.facts.items()},
            "reasons": [r.to_json() for r in self.reasons],
            "missing_required": list(self.missing_required),
            # added 2026-11-29 (contract: add keys, never rename)
            "rules_as_of": self.rules_as_of,
            **{key: list(ids) for key, ids in self.perspectives.items()},
            "notices": [n.to_json() for n in self.notices],
            "next_steps": list(self.next_steps),
            "checklists": list(self.checklists),
        }

    def reasons_about(self, about: str) -> list[Reason]:
        return [r for r in self.reasons if r.about == about]


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


# ---------------------------------------------------------------- compiled program


@dataclass(frozen=True)
class Program:
    """A Spec with every expression parsed once and the question dependencies of every name."""

    section_visibility: Mapping[str, Compiled | None]
    question_visibility: Mapping[str, Compiled | None]
    facts: Mapping[str, Compiled]
    rules: Mapping[str, tuple[tuple[Compiled | None, str, str], ...]]
    obligations: Mapping[str, Compiled]
    deadlines: Mapping[str, tuple[Compiled, Compiled]]
    flags: Mapping[str, Compiled]
    chapters: Mapping[str, Compiled]
    perspectives: Mapping[str, tuple[Compiled, tuple[tuple[str, Compiled], ...]]]
    notices: Mapping[str, tuple[Compiled, Compiled | None]]
    next_steps: Mapping[str, Compiled]
    checklists: Mapping[str, Compiled]
    answer_checks: Mapping[str, Compiled]
    question_deps: Mapping[str, frozenset[str]]  # name -> question codes it depends on (transitively)


_PROGRAMS: dict[str, Program] = {}


def compile_spec(spec: Spec) -> Program:
    """Compile (and cache by content hash: equal content, equal program). Raises ExpressionError."""
    cached = _PROGRAMS.get(spec.content_hash)
    if cached is not None:
        return cached
    c = compile_expression
    facts = {f.name: c(f.expr) for f in spec.facts}
    deps: dict[str, frozenset[str]] = {q: frozenset({q}) for q in spec.questions}
    for name, compiled in facts.items():
        deps[name] = frozenset().union(*(deps.get(n, frozenset()) for n in compiled.names))
    program = Program(
        section_visibility={s.code: c(s.visible_if) if s.visible_if else None for s in spec.sections},
        question_visibility={q.code: c(q.visible_if) if q.visible_if else None for q in spec.question_list()},
        facts=facts,
        rules={o.name: tuple((c(r.when) if r.when else None, r.value, r.reason) for r in o.rules)
               for o in spec.outcomes},
        obligations={o.id: c(o.applies_if) for o in spec.obligations},
        deadlines={d.key: (c(d.when), c(d.value)) for d in spec.deadlines},
        flags={f.id: c(f.when) for f in spec.flags},
        chapters={ch.id: c(ch.applies_if) for ch in spec.chapters},
        perspectives={p.key: (c(p.when), tuple((code, c(expr)) for code, expr in p.answers))
                      for p in spec.perspectives},
        notices={n.id: (c(n.when), c(n.date) if n.date else None) for n in spec.notices},
        next_steps={n.id: c(n.when) for n in spec.next_steps},
        checklists={k.id: c(k.when) for k in spec.checklists},
        answer_checks={k.id: c(k.when) for k in spec.answer_checks},
        question_deps=deps,
    )
    if len(_PROGRAMS) > 64:
        _PROGRAMS.clear()
    _PROGRAMS[spec.content_hash] = program
    return program


class _Scope(dict):
    """Names for expressions: constants, answers of the questions seen so far, and facts computed on
    first use (a visibility condition may use a fact whose questions all come earlier)."""

    def __init__(self, base: Mapping[str, Any], program: Program) -> None:
        super().__init__(base)
        self._program = program
        self._computing: set[str] = set()
        self.evaluate: Evaluator | None = None

    def __missing__(self, name: str) -> Any:
        compiled = self._program.facts.get(name)
        if compiled is None or self.evaluate is None or name in self._computing:
            raise KeyError(name)
        self._computing.add(name)
        try:
            value = self.evaluate(compiled)
        finally:
            self._computing.discard(name)
        self[name] = value
        return value


@dataclass(frozen=True)
class Visibility:
    """Which sections and questions a respondent with these answers sees, and which required ones are open."""

    visible_sections: tuple[str, ...]
    visible_questions: tuple[str, ...]
    missing_required: tuple[str, ...]
    # the visible sections and those that may still apply: a hidden section counts while its condition depends on a
    # question that can still be answered (the wizard's "Section 4 of 8": the count shrinks as answers decide it)
    possible_sections: tuple[str, ...] = ()


def visibility(spec: Spec, answers: Mapping[str, Any], today: dt.date | None = None) -> Visibility:
    """Only what the wizard needs to show the next page: the visibility part of `evaluate`, no outcomes."""
    program, scope = _start(spec, today)
    sections, questions, _counted, missing = _visible(spec, program, scope, answers)
    return Visibility(tuple(sections), tuple(questions), tuple(missing),
                      _possible(spec, program, set(sections), set(questions), set(missing), answers))


def _possible(spec: Spec, program: Program, sections: set[str], questions: set[str], missing: set[str],
              answers: Mapping[str, Any]) -> tuple[str, ...]:
    """The sections that are visible or may still become so. A condition is undecided while it depends on a
    question that is open: unanswered in a visible section not yet done (one with a required answer missing), or in
    a section (or behind a condition) that is itself undecided; an optional question left empty in a done section
    is decided. Answering only decides conditions, so the count does not grow unless an earlier answer changes."""
    open_questions: set[str] = set()
    unfinished = {s.code for s in spec.sections if any(q.code in missing for q in s.questions)}

    def undecided(condition: Compiled | None) -> bool:
        if condition is None:
            return False
        return any(program.question_deps.get(name, frozenset()) & open_questions for name in condition.names)

    out = []
    for section in spec.sections:
        section_possible = section.code in sections or undecided(program.section_visibility[section.code])
        if not section_possible:
            continue
        out.append(section.code)
        for question in section.questions:
            condition = program.question_visibility[question.code]
            if section.code in sections:
                may_show = section.code in unfinished and (question.code in questions or undecided(condition))
            else:
                may_show = condition is None or question.code in questions or undecided(condition)
            if may_show and answers.get(question.code) is None:
                open_questions.add(question.code)
    return tuple(out)


def _start(spec: Spec, today: dt.date | None) -> tuple[Program, _Scope]:
    """The compiled spec and an empty scope (constants and today) that evaluates facts when first asked for."""
    program = compile_spec(spec)
    scope = _Scope({**spec.constants, "today": today}, program)
    scope.evaluate = Evaluator(scope, decimal_separator(translation_language(spec)))
    return program, scope


def _visible(spec: Spec, program: Program, scope: _Scope, answers: Mapping[str, Any]):
    """Walk the sections in order: visibility, and each visible answer put in scope for later conditions."""
    ev = scope.evaluate
    visible_sections: list[str] = []
    visible_questions: list[str] = []
    counted: dict[str, Any] = {}
    missing: list[str] = []
    for section in spec.sections:
        condition = program.section_visibility[section.code]
        section_visible = condition is None or bool(ev(condition))
        if section_visible:
            visible_sections.append(section.code)
        for question in section.questions:
            q_condition = program.question_visibility[question.code]
            visible = section_visible and (q_condition is None or bool(ev(q_condition)))
            value = answers.get(question.code) if visible else None
            scope[question.code] = value
            if not visible:
                continue
            visible_questions.append(question.code)
            if value is not None:
                counted[question.code] = value
            # an empty list answers a multiple choice: "none of them" (contract.md §1); the wizard's form, which
            # asks a required one with a box for "none", refuses an empty page on its own
            empty = value is None or (value == [] and question.type is not QuestionType.MULTIPLE_CHOICE)
            if question.required and empty:
                missing.append(question.code)
    return visible_sections, visible_questions, counted, missing


def evaluate(spec: Spec, answers: Mapping[str, Any], today: dt.date | None = None, *,
             perspectives: bool = True) -> Result:
    """Evaluate parsed answers (see values.parse_answers) against the spec. `perspectives`: also evaluate
    the content's perspectives (answers substituted, the spec evaluated again); off inside a perspective."""
    program, scope = _start(spec, today)
    ev = scope.evaluate
    visible_sections, visible_questions, counted, missing = _visible(spec, program, scope, answers)

    facts: dict[str, Any] = {}
    for fact in spec.facts:
        value = scope[fact.name]
        facts[fact.name] = _coerce(fact.type, value)
        scope[fact.name] = facts[fact.name]

    reasons: list[Reason] = []

    def because(about: str, template: str, *conditions: Compiled | None) -> None:
        used: set[str] = set()
        for compiled in conditions:
            for name in compiled.names if compiled is not None else ():
                used |= program.question_deps.get(name, frozenset())
        answered = tuple(code for code in visible_questions if code in used and code in counted)
        reasons.append(Reason(about, render_text(template, scope, spec), answered))

    outcomes: dict[str, str | None] = {}
    matched: dict[str, int] = {}
    for outcome in spec.outcomes:
        outcomes[outcome.name] = None
        rules = program.rules[outcome.name]
        for number, (condition, value, reason) in enumerate(rules, start=1):
            if condition is None or bool(ev(condition)):
                outcomes[outcome.name] = value
                matched[outcome.name] = number
                # the answers that led here: this rule's and those of the earlier rules that did not match
                because(outcome.name, reason or outcome.label(value), *(r[0] for r in rules[:number]))
                break
        scope[outcome.name] = outcomes[outcome.name]

    obligations = []
    for obligation in spec.obligations:
        compiled = program.obligations[obligation.id]
        if ev(compiled):
            obligations.append(obligation.id)
            because(obligation.id, obligation.reason or obligation.title, compiled)

    chapters, measures = [], []
    for chapter in spec.chapters:
        compiled = program.chapters[chapter.id]
        if ev(compiled):
            chapters.append(chapter.id)
            measures.extend(m.id for m in chapter.measures())
            because(chapter.id, chapter.summary or chapter.title, compiled)

    deadlines: dict[str, str] = {}
    for deadline in spec.deadlines:
        when, value_expr = program.deadlines[deadline.key]
        if ev(when):
            value = ev(value_expr)
            if value is not None:
                deadlines[deadline.key] = value.isoformat() if isinstance(value, dt.date) else str(value)

    flags = []
    for flag in spec.flags:
        compiled = program.flags[flag.id]
        if ev(compiled):
            flags.append(flag.id)
            because(flag.id, flag.explanation or flag.title, compiled)

    seen_from: dict[str, tuple[str, ...]] = {}
    for perspective in spec.perspectives if perspectives else ():
        when, substitutions = program.perspectives[perspective.key]
        if ev(when):
            changed = {**answers, **{code: ev(expr) for code, expr in substitutions}}
            seen_from[perspective.key] = evaluate(spec, changed, today, perspectives=False).obligations

    notices = []
    for notice in spec.notices:
        when, date_expr = program.notices[notice.id]
        if ev(when):
            day = ev(date_expr) if date_expr is not None else None
            notices.append(NoticeShown(
                notice.id, render_text(notice.text, scope, spec),
                day.isoformat() if isinstance(day, dt.date) else None,
                render_text(notice.text_passed, scope, spec) if notice.text_passed else ""))

    return Result(
        questionnaire={"slug": spec.slug, "version": spec.version, "content_hash": spec.content_hash},
        rules_as_of=spec.rulebook_date or None,
        classification=outcomes.get("classification"),
        role_outcome=outcomes.get("role_outcome"),
        obligation_scope=outcomes.get("obligation_scope"),
        obligations=tuple(obligations),
        code_chapters=tuple(chapters),
        code_measures=tuple(measures),
        deadlines=deadlines,
        flags=tuple(flags),
        facts=facts,
        reasons=tuple(reasons),
        missing_required=tuple(missing),
        visible_sections=tuple(visible_sections),
        visible_questions=tuple(visible_questions),
        answers=counted,
        matched_rules=matched,
        perspectives=seen_from,
        notices=tuple(notices),
        next_steps=tuple(n.id for n in spec.next_steps
                         if _binds(n.binds, outcomes.get("role_outcome")) and ev(program.next_steps[n.id])),
        checklists=tuple(k.id for k in spec.checklists
                         if _binds(k.binds, outcomes.get("role_outcome")) and ev(program.checklists[k.id])),
    )


def _binds(roles: tuple[str, ...], role: str | None) -> bool:
    """A next step or checklist is shown only to the role it binds (its `binds`; none named: every role)."""
    return not roles or role in roles


@dataclass(frozen=True)
class AnswerProblem:
    """A contradictory or implausible answer found by one of the content's answer checks."""

    check: str
    fields: tuple[str, ...]
    message: str
    refuse: bool

    def to_json(self) -> dict[str, Any]:
        return {"check": self.check, "fields": list(self.fields), "message": self.message, "refuse": self.refuse}


def check_answers(spec: Spec, answers: Mapping[str, Any], today: dt.date | None = None) -> tuple[AnswerProblem, ...]:
    """The one place for contradictory or implausible answers (the wizard's forms and `assess` both use it).
    Checks see the answers as given (hidden or not) and the constants; an unanswered question is None."""
    program, scope = _start(spec, today)
    for code in spec.questions:
        scope[code] = answers.get(code)
    ev = scope.evaluate
    found = []
    for check in spec.answer_checks:
        if ev(program.answer_checks[check.id]):
            found.append(AnswerProblem(check.id, check.fields, render_text(check.message, scope, spec), check.refuse))
    return tuple(found)


def _coerce(kind: str, value: Any) -> Any:
    if kind == "bool":
        return bool(value)
    if kind == "number" and value is not None and not isinstance(value, bool):
        return float(value)
    if kind == "date" and value is not None and not isinstance(value, dt.date):
        raise ExpressionError(f"expected a date, got {value!r}")
    return value


# ---------------------------------------------------------------- texts with {name} placeholders

_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def render_text(template: str, scope: Mapping[str, Any], spec: Spec, depth: int = 0) -> str:
    """Replace {name} with a readable form of that name's value; unknown names are left as they are.
    A text fact may itself hold {name} placeholders (two levels deep: a text fact naming another text fact)."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        try:
            value = scope[name]
        except KeyError:
            share = share_reading(spec, name)
            return match.group(0) if share is None else share
        if isinstance(value, str) and name not in spec.questions and depth < 2:
            return render_text(value, scope, spec, depth + 1)
        return describe_value(spec, name, value)

    return _PLACEHOLDER.sub(replace, template)


# A constant named <x>_divisor (a whole number n) is a share, 1/n: texts state it as {<x>_share}, in words
SHARES = {2: "one half", 3: "one third", 4: "one quarter", 5: "one fifth", 10: "one tenth"}


def share_reading(spec: Spec, name: str) -> str | None:
    """{modifier_share} reads "one third" while the constant modifier_divisor is 3; None for any other name."""
    if not name.endswith("_share"):
        return None
    divisor = spec.constants.get(name.removesuffix("_share") + "_divisor")
    if not isinstance(divisor, int) or isinstance(divisor, bool) or divisor <= 0:
        return None
    return engine_word(SHARES.get(divisor, f"1/{divisor}"), translation_language(spec))


def describe_value(spec: Spec, name: str, value: Any) -> str:
    """A value as a person reads it: choice labels, yes/no, FLOP in scientific notation, dates in words (in the
    language of a translated Spec)."""
    question = spec.questions.get(name)
    language = translation_language(spec)
    if value is None:
        return engine_word("not answered" if question else "not known", language)
    if isinstance(value, bool):
        return engine_word("yes" if value else "no", language)
    if question is not None and question.type in (QuestionType.SINGLE_CHOICE, QuestionType.YES_NO):
        return question.choice_label(value)
    if question is not None and question.type is QuestionType.MULTIPLE_CHOICE:
        return ", ".join(question.choice_label(v) for v in value) or engine_word("none", language)
    if isinstance(value, dt.date):
        return long_date(value, language)  # 1 October 2025, as a lawyer writes it
    if isinstance(value, float | int) and abs(value) >= 1e6:
        return format_flop(float(value), decimal_separator(language)) + " FLOP"
    return str(value)
