"""The publish-time checks: a version that fails any of them cannot be published.

Each problem is a Problem(where, message), `where` naming the object to fix ("question role",
"fact placed_in_eu", "obligation ART54", "scenario T05"...) and, where one field is to blame, `field` naming it
(the Spec's field: "expr", "visible_if"; the admin shows the message next to it). See design.md §4.
"""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
import random
import re
from collections import Counter, OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .evaluate import _PLACEHOLDER, Result, compile_spec, evaluate
from .expressions import (
    FUNCTIONS,
    ExpressionError,
    compile_expression,
    numeric_literals,
    string_literals,
)
from .placeholders import constant_readings, fill_constants
from .schema import content_hash, spec_to_content
from .spec import QuestionType, Spec
from .values import AnswerError, parse_answers
from .wording import internal_markers

FACT_TYPES = {"bool", "number", "date", "text", "any"}
SEARCH_BUDGET = 1500  # sampled answer sets when looking for a way to reach every question and rule
REMEMBERED = 16  # lint results kept per process, by content hash (see lint)


@dataclass(frozen=True, order=True)
class Problem:
    where: str
    message: str
    field: str = dataclasses.field(default="", compare=False)

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


_remembered: OrderedDict[tuple[str, bool, bool], tuple[Problem, ...]] = OrderedDict()


def lint(spec: Spec, *, search: bool = True, scenarios: bool = True) -> list[Problem]:
    """Every problem of the version. Without `scenarios` and `search`, only the checks of the content itself
    (no evaluation): what the admin runs on every save of a draft's row.

    The checks depend on the content alone (the search is seeded, the date fixed), so the answer for a content
    hash is remembered: loading checks the content, then publishing checks the same content read back from the
    database, and Validate then Publish in the admin check one draft twice; each costs one search, not two."""
    key = (content_hash(spec_to_content(spec)), search, scenarios)  # the content itself, not a stored hash
    if key in _remembered:
        _remembered.move_to_end(key)
        return list(_remembered[key])
    problems = _lint(spec, search=search, scenarios=scenarios)
    _remembered[key] = tuple(problems)
    while len(_remembered) > REMEMBERED:
        _remembered.popitem(last=False)
    return problems


def _lint(spec: Spec, *, search: bool, scenarios: bool) -> list[Problem]:
    problems: list[Problem] = []
    problems += _duplicates(spec)
    expression_problems = _expressions(spec)
    problems += expression_problems
    problems += _references(spec)
    problems += _wording(spec)
    if expression_problems:
        return problems  # cannot evaluate anything safely
    if scenarios:
        problems += _scenarios(spec)
    if search:
        problems += _reachability(spec)
    return problems


# ---------------------------------------------------------------- duplicates


def _dupes(kind: str, keys: Iterable[str]) -> list[Problem]:
    counts = Counter(keys)
    return [Problem(f"{kind} {key}", f"duplicate {kind} code “{key}” ({n} times)")
            for key, n in counts.items() if n > 1]


def _duplicates(spec: Spec) -> list[Problem]:
    problems = []
    problems += _dupes("section", (s.code for s in spec.sections))
    problems += _dupes("question", (q.code for s in spec.sections for q in s.questions))
    for question in spec.question_list():
        problems += [Problem(f"question {question.code}", p.message.replace("duplicate choice code",
                                                                            "duplicate choice value"))
                     for p in _dupes("choice", question.choice_values())]
    problems += _dupes("name", [*spec.constants, *spec.questions, *(f.name for f in spec.facts)])
    problems += _dupes("obligation", (o.id for o in spec.obligations))
    problems += _dupes("deadline", (d.key for d in spec.deadlines))
    problems += _dupes("flag", (f.id for f in spec.flags))
    problems += _dupes("chapter", (c.id for c in spec.chapters))
    problems += _dupes("measure", (m.id for c in spec.chapters for m in c.measures()))
    problems += _dupes("scenario", (s.id for s in spec.scenarios))
    problems += _dupes("source", (s.id for s in spec.sources))
    problems += _dupes("outcome", (o.name for o in spec.outcomes))
    problems += _dupes("perspective", (p.key for p in spec.perspectives))
    problems += _dupes("notice", (n.id for n in spec.notices))
    problems += _dupes("answer check", (c.id for c in spec.answer_checks))
    problems += _dupes("next step", (n.id for n in spec.next_steps))
    problems += _dupes("checklist", (c.id for c in spec.checklists))
    problems += _dupes("article group", (g.article for g in spec.article_groups))
    return problems


# ---------------------------------------------------------------- expressions and names


def _expressions(spec: Spec) -> list[Problem]:
    problems: list[Problem] = []
    constants = {*spec.constants, "today"}
    all_facts = [f.name for f in spec.facts]
    outcome_names = [o.name for o in spec.outcomes]
    section_index = {s.code: i for i, s in enumerate(spec.sections)}
    question_section = {q.code: section_index[q.section] for q in spec.question_list()}

    # question codes each fact depends on, for facts used in visibility conditions
    fact_deps: dict[str, set[str]] = {}

    def check(where: str, source: str | None, allowed: set[str], *, later: Mapping[str, str], field: str) -> Any:
        if source is None:
            return None
        try:
            compiled = compile_expression(source)
        except ExpressionError as exc:
            problems.append(Problem(where, f"{exc} in “{source}”", field))
            return None
        for name in sorted(compiled.names):
            if name in allowed:
                continue
            if name in later:
                problems.append(Problem(where, f"“{name}” is not known yet here: {later[name]}", field))
            else:
                known = ", ".join(sorted(allowed - constants)[:40])
                problems.append(Problem(where, f"unknown name “{name}” in “{source}”. Known names: {known}",
                                        field))
        for name, literals in string_literals(compiled.tree):
            question = spec.questions.get(name)
            if question is None:
                continue
            if question.type is QuestionType.YES_NO and not set(literals) <= set(question.other_answers()):
                others = "".join(f" or “{v}”" for v in question.other_answers())
                problems.append(Problem(where, f"{name} is a yes/no question: compare it with True or "
                                               f"False{others}, not with {literals!r}", field))
            elif question.type in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE):
                for literal in literals:
                    if literal not in question.choice_values():
                        values = ", ".join(question.choice_values())
                        problems.append(Problem(where, f"“{literal}” is not a choice of {name} ({values})",
                                                field))
        return compiled

    # facts: constants, every question, earlier facts
    for i, fact in enumerate(spec.facts):
        where = f"fact {fact.name}"
        if fact.type not in FACT_TYPES:
            problems.append(Problem(where, f"type must be one of {', '.join(sorted(FACT_TYPES))}", "type"))
        later = {n: f"fact {n} is defined after {fact.name}" for n in all_facts[i:]}
        compiled = check(where, fact.expr, constants | set(spec.questions) | set(all_facts[:i]), later=later,
                         field="expr")
        deps: set[str] = set()
        if compiled is not None:
            for name in compiled.names:
                if name in spec.questions:
                    deps.add(name)
                deps |= fact_deps.get(name, set())
        fact_deps[fact.name] = deps

    # visibility: only questions of earlier sections, and facts built only from those
    for section in spec.sections:
        k = section_index[section.code]
        earlier_questions = {q for q, i in question_section.items() if i < k}
        earlier_facts = {f for f, d in fact_deps.items() if d <= earlier_questions}
        allowed = constants | earlier_questions | earlier_facts
        later = {q: f"question {q} is not asked before section {section.code}"
                 for q, i in question_section.items() if i >= k}
        later |= {f: f"fact {f} uses answers given in or after section {section.code}"
                  for f in fact_deps if f not in earlier_facts}
        check(f"section {section.code}", section.visible_if, allowed, later=later, field="visible_if")
        for question in section.questions:
            check(f"question {question.code}", question.visible_if, allowed, later=later, field="visible_if")

    # outcomes, obligations, deadlines, flags, chapters: everything, outcomes in order
    everything = constants | set(spec.questions) | set(all_facts)
    for j, outcome in enumerate(spec.outcomes):
        allowed = everything | set(outcome_names[:j])
        later = {n: f"outcome {n} is decided after {outcome.name}" for n in outcome_names[j:]}
        values = {v.value for v in outcome.values}
        for r, rule in enumerate(outcome.rules, start=1):
            where = f"outcome {outcome.name} rule {r}"
            check(where, rule.when, allowed, later=later, field="when")
            if rule.value not in values:
                problems.append(Problem(where, f"value “{rule.value}” is not one of {', '.join(sorted(values))}",
                                        "value"))
            problems += _placeholders(where, rule.reason, allowed, "reason")
    everything |= set(outcome_names)
    for obligation in spec.obligations:
        where = f"obligation {obligation.id}"
        check(where, obligation.applies_if, everything, later={}, field="applies_if")
        problems += _placeholders(where, obligation.reason, everything, "reason")
    for deadline in spec.deadlines:
        check(f"deadline {deadline.key}", deadline.when, everything, later={}, field="when")
        check(f"deadline {deadline.key}", deadline.value, everything, later={}, field="value")
    for flag in spec.flags:
        check(f"flag {flag.id}", flag.when, everything, later={}, field="when")
        problems += _placeholders(f"flag {flag.id}", flag.explanation, everything, "explanation")
    for chapter in spec.chapters:
        check(f"chapter {chapter.id}", chapter.applies_if, everything, later={}, field="applies_if")
    for perspective in spec.perspectives:
        where = f"perspective {perspective.key}"
        check(where, perspective.when, everything, later={}, field="when")
        for code, expr in perspective.answers:
            check(f"{where} answer {code}", expr, everything, later={}, field="answers")
    for notice in spec.notices:
        where = f"notice {notice.id}"
        check(where, notice.when, everything, later={}, field="when")
        check(where, notice.date, everything, later={}, field="date")
        problems += _placeholders(where, notice.text, everything, "text")
        problems += _placeholders(where, notice.text_passed, everything, "text_passed")
    for next_step in spec.next_steps:
        check(f"next step {next_step.id}", next_step.when, everything, later={}, field="when")
        problems += _placeholders(f"next step {next_step.id}", next_step.text, everything, "text")
    for checklist in spec.checklists:
        check(f"checklist {checklist.id}", checklist.when, everything, later={}, field="when")
    # answer checks see answers and constants only (they run before anything is saved)
    answers_only = constants | set(spec.questions)
    for answer_check in spec.answer_checks:
        where = f"answer check {answer_check.id}"
        check(where, answer_check.when, answers_only, later={}, field="when")
        problems += _placeholders(where, answer_check.message, answers_only, "message")
    return problems


def _placeholders(where: str, text: str, allowed: set[str], field: str) -> list[Problem]:
    """Names a text's placeholders may use: `allowed`, and the shares the constants define ({modifier_share})."""
    return [Problem(where, f"unknown name {{{m.group(1)}}} in the text", field)
            for m in _PLACEHOLDER.finditer(text or "") if m.group(1) not in allowed
            and not (m.group(1).endswith("_share") and m.group(1).removesuffix("_share") + "_divisor" in allowed)]


def _references(spec: Spec) -> list[Problem]:
    problems = []
    deadline_keys = {d.key for d in spec.deadlines}
    obligation_ids = {o.id for o in spec.obligations}
    source_ids = {s.id for s in spec.sources}
    for obligation in spec.obligations:
        where = f"obligation {obligation.id}"
        if not obligation.label:
            problems.append(Problem(where, "needs an article label, e.g. Art. 53(1)(a)", "label"))
        if not obligation.title:
            problems.append(Problem(where, "needs a title", "title"))
        if not obligation.citations:
            problems.append(Problem(where, "needs at least one legal source", "citations"))
        for citation in obligation.citations:
            if citation.source not in source_ids:
                problems.append(Problem(where, f"unknown source “{citation.source}”", "citations"))
        for key in obligation.deadlines:
            if key not in deadline_keys:
                problems.append(Problem(where, f"unknown deadline “{key}”", "deadlines"))
    for chapter in spec.chapters:
        for measure in chapter.measures():
            for ob in measure.serves:
                if ob not in obligation_ids:
                    problems.append(Problem(f"measure {measure.id}", f"serves unknown obligation “{ob}”", "serves"))
    for question in spec.question_list():
        choice_types = (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE)
        if question.type in choice_types and not question.choices:
            problems.append(Problem(f"question {question.code}", "a choice question needs choices"))
    for name in ("classification", "role_outcome", "obligation_scope"):
        if name not in {o.name for o in spec.outcomes}:
            problems.append(Problem(f"outcome {name}", "is missing"))
    for source in spec.sources:
        if not source.url.startswith("https://"):
            problems.append(Problem(f"source {source.id}", "the URL must start with https://", "url"))
    for name in spec.constants:
        if name in FUNCTIONS:
            problems.append(Problem(f"constant {name}", "has the name of a function"))
    result_keys = {"questionnaire", *COMPARED_KEYS, "facts", "reasons", "notices", "next_steps", "checklists"}
    for perspective in spec.perspectives:
        where = f"perspective {perspective.key}"
        if perspective.key in result_keys:
            problems.append(Problem(where, "its key is already a key of the result"))
        for code, _expr in perspective.answers:
            if code not in spec.questions:
                problems.append(Problem(where, f"substitutes unknown question “{code}”"))
    for notice in spec.notices:
        for ob in notice.about:
            if ob not in obligation_ids:
                problems.append(Problem(f"notice {notice.id}", f"is about unknown obligation “{ob}”"))
    grouped: list[str] = []
    for group in spec.article_groups:
        for ob in group.obligations:
            grouped.append(ob)
            if ob not in obligation_ids:
                problems.append(Problem(f"article group {group.article}", f"lists unknown obligation “{ob}”"))
    if spec.article_groups:
        for ob in sorted(obligation_ids - set(grouped)):
            problems.append(Problem(f"obligation {ob}", "is in no article group, so no page would show it"))
    for answer_check in spec.answer_checks:
        if not answer_check.fields:
            problems.append(Problem(f"answer check {answer_check.id}", "needs the fields to show its message at"))
        for code in answer_check.fields:
            if code not in spec.questions:
                problems.append(Problem(f"answer check {answer_check.id}", f"unknown field “{code}”"))
    problems += _page_constants(spec)
    problems += _audiences(spec)
    return problems


def _audiences(spec: Spec) -> list[Problem]:
    """Each next step and checklist names whom it binds (values of the role outcome), and is shown only to them;
    an article group that names whom its obligations bind names existing roles."""
    try:
        roles = {v.value for v in spec.outcome("role_outcome").values}
    except KeyError:
        return []  # reported as a missing outcome
    problems = []
    for kind, items in (("next step", spec.next_steps), ("checklist", spec.checklists)):
        for item in items:
            if not item.binds:
                problems.append(Problem(f"{kind} {item.id}", "needs binds: the roles it is shown to", "binds"))
    bound = [*(("next step", n.id, n.binds) for n in spec.next_steps),
             *(("checklist", c.id, c.binds) for c in spec.checklists),
             *(("article group", g.article, g.binds) for g in spec.article_groups)]
    for kind, key, binds in bound:
        for role in binds:
            if role not in roles:
                problems.append(Problem(f"{kind} {key}", f"binds unknown role “{role}” ({', '.join(sorted(roles))})",
                                        "binds"))
    return problems


def _text_literals(source: str) -> list[str]:
    """The texts a text fact can give: its string constants, not those it compares an answer with."""
    try:
        tree = compile_expression(source).tree
    except ExpressionError:
        return []
    compared = {id(node) for compare in ast.walk(tree) if isinstance(compare, ast.Compare)
                for node in ast.walk(compare)}
    return [node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in compared]


def authored_texts(spec: Spec) -> list[tuple[str, str, str, bool, bool]]:
    """Every authored text of a version: (where, field, text, printed, placeholders). `printed`: it reaches
    results, reports or exports (not only the wizard's pages); `placeholders`: the engine fills its {names}."""
    out: list[tuple[str, str, str, bool, bool]] = []

    def add(where: str, field: str, text: str, printed: bool = True, placeholders: bool = False) -> None:
        if text:
            out.append((where, field, text, printed, placeholders))

    for section in spec.sections:
        add(f"section {section.code}", "title", section.title, printed=False)
        add(f"section {section.code}", "intro", section.intro, printed=False)
    for question in spec.question_list():
        where = f"question {question.code}"
        add(where, "text", question.text)  # appendix A prints the questions and the chosen labels
        add(where, "help", question.help, printed=False)
        for choice in question.choices:
            add(where, "choices", choice.label)
            add(where, "choices", choice.help, printed=False)
    for fact in spec.facts:
        add(f"fact {fact.name}", "label", fact.label)
        if fact.type == "text":
            for literal in _text_literals(fact.expr):
                add(f"fact {fact.name}", "expr", literal, placeholders=True)
    for outcome in spec.outcomes:
        for value in outcome.values:
            add(f"outcome {outcome.name}", "values", f"{value.label} {value.description}")
        for r, rule in enumerate(outcome.rules, start=1):
            add(f"outcome {outcome.name} rule {r}", "reason", rule.reason, placeholders=True)
    for obligation in spec.obligations:
        for field in ("title", "summary", "scope_note"):
            add(f"obligation {obligation.id}", field, getattr(obligation, field))
        add(f"obligation {obligation.id}", "reason", obligation.reason, placeholders=True)
    for deadline in spec.deadlines:
        for field in ("label", "label_passed", "explanation"):
            add(f"deadline {deadline.key}", field, getattr(deadline, field))
    for flag in spec.flags:
        add(f"flag {flag.id}", "title", flag.title)
        add(f"flag {flag.id}", "explanation", flag.explanation, placeholders=True)  # evaluated, as reasons are
    for chapter in spec.chapters:
        add(f"chapter {chapter.id}", "summary", f"{chapter.title} {chapter.summary}")
        for measure in chapter.measures():
            for field in ("title", "summary", "evidence"):
                add(f"measure {measure.id}", field, getattr(measure, field))
    for notice in spec.notices:
        add(f"notice {notice.id}", "title", notice.title)
        add(f"notice {notice.id}", "text", notice.text, placeholders=True)
        add(f"notice {notice.id}", "text_passed", notice.text_passed, placeholders=True)
    for next_step in spec.next_steps:
        add(f"next step {next_step.id}", "text", next_step.text)  # shown as written: no placeholders
    for checklist in spec.checklists:
        add(f"checklist {checklist.id}", "title", checklist.title)
        for item in checklist.items:
            add(f"checklist {checklist.id}", "items", item)
    for perspective in spec.perspectives:
        add(f"perspective {perspective.key}", "title", perspective.title)
        add(f"perspective {perspective.key}", "intro", perspective.intro)
        add(f"perspective {perspective.key}", "title_without_tasks", perspective.title_without_tasks)
        add(f"perspective {perspective.key}", "intro_without_tasks", perspective.intro_without_tasks)
    for group in spec.article_groups:
        add(f"article group {group.article}", "title", group.title)
    for source in spec.sources:
        for field in ("title", "short", "note"):
            add(f"source {source.id}", field, getattr(source, field))
    for general in spec.general_dates:
        add(f"general date {general.date}", "text", general.text)
    add("rules note", "rules_note", spec.rules_note)
    texts = spec.constants.get("signatory_texts")
    for status, text in (texts.items() if isinstance(texts, Mapping) else []):
        add(f"constant signatory_texts {status}", "value", str(text), placeholders=True)
    return out


def _wording(spec: Spec) -> list[Problem]:
    """No internal marker in an authored text (wording.internal_markers): clients read these texts, with the
    constants' placeholders filled (engine.placeholders). A placeholder in a text the engine does not evaluate
    must name a constant: nothing else would fill it."""
    readings = constant_readings(spec)
    problems = [Problem(where, f"{marker} is internal; write it for the client", field)
                for where, field, text, printed, placeholders in authored_texts(spec)
                for marker in internal_markers(fill_constants(text, spec, readings), printed=printed,
                                               placeholders_allowed=placeholders)]
    for where, field, text, printed, placeholders in authored_texts(spec):
        if printed or placeholders:
            continue  # printed: the marker above names it; evaluated: _references checks its names
        for match in _PLACEHOLDER.finditer(text):
            if match.group(1) not in readings:
                problems.append(Problem(where, f"“{{{match.group(1)}}}” names no constant; the placeholders "
                                               f"are {', '.join(f'{{{n}}}' for n in readings)}", field))
    return problems


def _page_constants(spec: Spec) -> list[Problem]:
    """The constants pages rely on name chapters, deadlines and choices that exist (when they are given)."""
    problems: list[Problem] = []
    chapters = {c.id for c in spec.chapters}
    deadlines = {d.key for d in spec.deadlines}
    constants = spec.constants
    if "documentation_form_chapter" in constants and constants["documentation_form_chapter"] not in chapters:
        problems.append(Problem("constant documentation_form_chapter",
                                f"unknown chapter “{constants['documentation_form_chapter']}”"))
    keys = constants.get("measure_deadline_keys", [])
    for key in keys if isinstance(keys, list) else [keys]:
        if key not in deadlines:
            problems.append(Problem("constant measure_deadline_keys", f"unknown deadline “{key}”"))
    methods = constants.get("estimator_method_questions", {})
    for flop_code, method_code in (methods.items() if isinstance(methods, Mapping) else []):
        flop_question, method_question = spec.questions.get(flop_code), spec.questions.get(method_code)
        if flop_question is None or flop_question.type is not QuestionType.FLOP:
            problems.append(Problem("constant estimator_method_questions", f"“{flop_code}” is not a FLOP question"))
        if method_question is None or method_question.section != (flop_question.section if flop_question else None):
            problems.append(Problem("constant estimator_method_questions",
                                    f"“{method_code}” is not a question in the section of “{flop_code}”"))
        elif not {"architecture", "hardware"} <= set(method_question.choice_values()):
            problems.append(Problem("constant estimator_method_questions",
                                    f"“{method_code}” needs the choices architecture and hardware (the estimator's "
                                    "two methods)"))
    optional = constants.get("optional_chapters", {})
    for chapter in (optional if isinstance(optional, Mapping) else {}):
        if chapter not in chapters:
            problems.append(Problem("constant optional_chapters", f"unknown chapter “{chapter}”"))
    signing = constants.get("signing_texts", {})
    known_texts = {"signed", "intends_to_sign", "not_signing", "good_faith", "review"}
    for key in (signing if isinstance(signing, Mapping) else {}):
        if key not in known_texts:
            problems.append(Problem("constant signing_texts", f"“{key}” is none of {', '.join(sorted(known_texts))}"))
    choices = constants.get("signatory_chapter_choices", {})
    signatory = spec.questions.get("cop_signatory_chapters")
    allowed = set(signatory.choice_values()) if signatory else set()
    for chapter, value in (choices.items() if isinstance(choices, Mapping) else []):
        if chapter not in chapters:
            problems.append(Problem("constant signatory_chapter_choices", f"unknown chapter “{chapter}”"))
        if value not in allowed:
            problems.append(Problem("constant signatory_chapter_choices",
                                    f"“{value}” is not a choice of cop_signatory_chapters"))
    return problems


# ---------------------------------------------------------------- golden scenarios

COMPARED_KEYS = ("classification", "role_outcome", "obligation_scope", "obligations", "code_chapters",
                 "code_measures", "deadlines", "flags", "missing_required")


SCENARIO_TODAY = dt.date(2026, 1, 1)  # golden scenarios are evaluated on a fixed day: their results never age


@dataclass(frozen=True)
class ScenarioChange:
    """A golden scenario whose stored expectation the version no longer gives: each `differences` row is
    (key, expected, now), and `accepted` is the expectation with the new results (the same keys). `error`: the
    scenario cannot be evaluated at all (then there is nothing to accept)."""

    id: str
    description: str
    differences: tuple[tuple[str, Any, Any], ...] = ()
    accepted: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    error: str = ""


def _expected_form(key: str, want: Any, got: Any) -> tuple[Any, Any]:
    """An expectation and the result in the same form: a deadline or fact not given in the expectation is not
    checked (public scenario S51 expects obligations_apply_from only); YAML reads an unquoted date as a date."""
    if key in ("deadlines", "facts") and isinstance(want, Mapping):
        want = {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in want.items()}
        got = {k: (got or {}).get(k) for k in want}
    return want, got


def scenario_changes(spec: Spec) -> list[ScenarioChange]:
    """Every golden scenario of the version whose result differs from its expectation, old against new
    (classification, role, obligations, deadlines, flags: the keys each scenario expects)."""
    changes = []
    for scenario in spec.scenarios:
        try:
            answers = parse_answers(spec, scenario.answers)
        except AnswerError as exc:
            changes.append(ScenarioChange(scenario.id, scenario.description, error=f"answer {exc.code}: {exc.message}"))
            continue
        try:
            actual = evaluate(spec, answers, today=SCENARIO_TODAY).to_json()
        except ExpressionError as exc:
            changes.append(ScenarioChange(scenario.id, scenario.description, error=f"evaluation failed: {exc}"))
            continue
        unknown = [key for key in scenario.expected if key not in actual]
        if unknown:
            changes.append(ScenarioChange(scenario.id, scenario.description,
                                          error=f"unknown expected key {', '.join(unknown)}"))
            continue
        differences, accepted = [], {}
        for key, want in scenario.expected.items():
            want, got = _expected_form(key, want, actual[key])
            accepted[key] = got
            if want != got:
                differences.append((key, want, got))
        if differences:
            changes.append(ScenarioChange(scenario.id, scenario.description, tuple(differences), accepted))
    return changes


def scenario_differences(expected: Mapping[str, Any], result: Result) -> list[str]:
    """What differs between an expected result (keys given only) and an actual one."""
    actual = result.to_json()
    differences = []
    for key, want in expected.items():
        if key not in actual:
            differences.append(f"unknown expected key {key}")
            continue
        want, got = _expected_form(key, want, actual[key])
        if want != got:
            differences.append(f"{key}: expected {want!r}, got {got!r}")
    return differences


def _scenarios(spec: Spec) -> list[Problem]:
    problems = []
    for change in scenario_changes(spec):
        where = f"scenario {change.id}"
        if change.error:
            problems.append(Problem(where, change.error))
            continue
        problems += [Problem(where, f"{key}: expected {want!r}, got {got!r}") for key, want, got in change.differences]
    return problems


# ---------------------------------------------------------------- reachability search


def candidate_values(spec: Spec) -> tuple[list[float], list[dt.date]]:
    """Numbers and dates worth trying: every constant and literal, and values around them."""
    program = compile_spec(spec)
    numbers: set[float] = {0.0}
    dates: set[dt.date] = set()
    for value in spec.constants.values():
        if isinstance(value, dt.date):
            dates |= {value, value - dt.timedelta(days=1), value + dt.timedelta(days=1)}
        elif isinstance(value, int | float) and not isinstance(value, bool):
            numbers.add(float(value))
    compiled = [*program.facts.values(), *program.obligations.values(), *program.flags.values()]
    for c in compiled:
        numbers |= numeric_literals(c.tree)
    for value in list(numbers):
        numbers |= {value * f for f in (0.3, 0.5, 0.9, 1.1, 1.2, 2, 3, 10)}
    return sorted(numbers), sorted(dates) or [dt.date(2025, 1, 1)]


def random_answers(spec: Spec, rng: random.Random, numbers: list[float], dates: list[dt.date]) -> dict:
    answers: dict[str, Any] = {}
    for question in spec.question_list():
        if rng.random() < 0.08:
            continue  # unanswered
        kind = question.type
        if kind is QuestionType.YES_NO:
            others = question.other_answers()
            answers[question.code] = rng.choice(others) if others and rng.random() < 0.2 else rng.random() < 0.5
        elif kind is QuestionType.SINGLE_CHOICE:
            answers[question.code] = rng.choice(question.choice_values())
        elif kind is QuestionType.MULTIPLE_CHOICE:
            values = question.choice_values()
            answers[question.code] = [v for v in values if rng.random() < 0.25]
        elif kind in (QuestionType.FLOP, QuestionType.NUMBER):
            answers[question.code] = rng.choice(numbers)
        elif kind is QuestionType.DATE:
            answers[question.code] = rng.choice(dates)
        else:
            answers[question.code] = "text"
    return answers


def _reachability(spec: Spec) -> list[Problem]:
    targets: dict[str, str] = {}  # key -> where
    for section in spec.sections:
        targets[f"s:{section.code}"] = f"section {section.code}"
        for question in section.questions:
            targets[f"q:{question.code}"] = f"question {question.code}"
    for outcome in spec.outcomes:
        for r, _rule in enumerate(outcome.rules, start=1):
            targets[f"r:{outcome.name}:{r}"] = f"outcome {outcome.name} rule {r}"
    for obligation in spec.obligations:
        targets[f"o:{obligation.id}"] = f"obligation {obligation.id}"
    for chapter in spec.chapters:
        targets[f"c:{chapter.id}"] = f"chapter {chapter.id}"

    rng = random.Random(20250718)
    numbers, dates = candidate_values(spec)
    seeds = []
    for scenario in spec.scenarios:
        try:
            seeds.append(parse_answers(spec, scenario.answers))
        except AnswerError:
            continue
    failures: dict[str, str] = {}
    for i in range(SEARCH_BUDGET):
        if not targets:
            break
        if i < len(seeds):
            answers = seeds[i]
        elif seeds and rng.random() < 0.5:  # mutate a scenario: change a few answers
            answers = dict(rng.choice(seeds))
            answers.update({k: v for k, v in random_answers(spec, rng, numbers, dates).items()
                            if rng.random() < 0.2})
        else:
            answers = random_answers(spec, rng, numbers, dates)
        try:
            result = evaluate(spec, answers, today=dt.date(2026, 1, 1))
        except ExpressionError as exc:
            failures.setdefault(str(exc), str(exc))
            continue
        reached = {f"s:{s}" for s in result.visible_sections} | {f"q:{q}" for q in result.visible_questions}
        reached |= {f"o:{o}" for o in result.obligations} | {f"c:{c}" for c in result.code_chapters}
        reached |= {f"r:{name}:{number}" for name, number in result.matched_rules.items()}
        for key in reached:
            targets.pop(key, None)
    problems = [Problem("expressions", f"an expression fails for some answers: {message}")
                for message in failures.values()]
    problems += [Problem(where, f"can never be reached (no answer set found in {SEARCH_BUDGET} tries)")
                 for where in targets.values()]
    return problems


# ---------------------------------------------------------------- the lint: a value written out

_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_DATE = re.compile(rf"\b(\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}} (?:{_MONTHS}) \d{{4}})\b")
# 10^25, 10²⁵, 1e25, 1.0e+25, 1 × 10^25 (a FLOP-sized number: small counts such as 14 or 6 are everywhere in
# citations, "Art. 6", "Measure 1.4", and are not checked)
_BIG_NUMBER = re.compile(r"(?<![\w.^])((?:\d+(?:\.\d+)?\s*[×x]\s*)?10\s*\^\s*\d+|\d+(?:\.\d+)?e\+?\d+)", re.IGNORECASE)


def _number(text: str) -> float | None:
    text = text.replace(" ", "").lower()
    try:
        if "^" in text:
            mantissa, _, exponent = text.rpartition("10^")
            factor = float(mantissa.rstrip("×x")) if mantissa else 1.0
            return factor * 10.0 ** int(exponent)
        return float(text)
    except (ValueError, OverflowError):
        return None


def _date(text: str) -> dt.date | None:
    for pattern in ("%Y-%m-%d", "%d %B %Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def written_out_constants(spec: Spec) -> list[Problem]:
    """A warning for every authored text that writes out a FLOP figure or a date equal to a constant's value
    instead of its placeholder, naming the text and the placeholder to use: when the constant changes, that
    sentence would not. Warnings, not errors: a date may coincide with a constant and mean something else."""
    numbers = {name: float(value) for name, value in spec.constants.items()
               if isinstance(value, int | float) and not isinstance(value, bool) and abs(value) >= 1e6}
    dates = {name: value for name, value in spec.constants.items() if isinstance(value, dt.date)}
    shares = {name: words for name, words in constant_readings(spec).items() if name.endswith("_share")}
    problems: list[Problem] = []
    seen: set[tuple[str, str, str]] = set()
    for where, field, text, _printed, _placeholders in authored_texts(spec):
        found: list[tuple[str, str]] = []
        for match in _BIG_NUMBER.finditer(text):
            value = _number(match.group(1))
            found += [(match.group(1), name) for name, constant in numbers.items()
                      if value is not None and abs(value - constant) <= 1e-9 * constant]
        for match in _DATE.finditer(text):
            value = _date(match.group(1))
            found += [(match.group(1), name) for name, constant in dates.items() if value == constant]
        for name, words in shares.items():  # "one third" (or "one-third") where {modifier_share} belongs
            match = re.search(rf"\b{words.replace(' ', '[ -]')}\b", text, re.IGNORECASE)
            if match:
                found.append((match.group(0), name))
        for written, name in found:
            if (where, field, name) in seen:
                continue
            seen.add((where, field, name))
            problems.append(Problem(where, f"{field} writes out “{written}”, the value of the constant {name}: write "
                                           f"{{{name}}} so that the text follows the constant", field))
    return problems
