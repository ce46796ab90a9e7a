"""The report's content, from the frozen snapshot only (never from live answers or live content).

`report_context` gives everything the report template shows; `reports/pdf.py` lays it out as HTML and
`rendering/pdf.py` turns the HTML into the PDF.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from ..assessments.presenters import DONE_STATUSES, own_obligations, result_page, ruled_out_grouped
from ..core.display import display_answer, display_fact, mid_sentence
from ..core.translations import shown_outcome
from ..engine import Spec, parse_answers
from ..engine.expressions import Evaluator, ExpressionError, compile_expression
from ..engine.translation import translation_language
from ..models import NOT_RECORDED, OPEN_STATUSES

# What each confidence tag of a source means, as the report states it; how each source was read is its note
CONFIDENCE = {"P": gettext_noop("official text, read in a full copy"),
              "P~": gettext_noop("official text known from a transcription or in part"),
              "S": gettext_noop("known from secondary sources only"), "U": gettext_noop("uncertain")}


def report_context(spec: Spec, snapshot: dict[str, Any], report_hash: str, *,
                   gap_analysis: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """`snapshot` is the report snapshot (reports.services.report_snapshot) and `report_hash` its hash, which
    the report prints."""
    info = snapshot["assessment"]
    completed = dt.datetime.fromisoformat(info["completed_at"])
    today = completed.date()
    page = result_page(spec, snapshot, today=today, gap=gap_analysis or {})
    outcome = snapshot["result"]
    answers = snapshot["answers"]
    return {
        "language": translation_language(spec),  # the report's <html lang>; its data stays language-neutral
        "spec": spec,
        "snapshot": snapshot,
        "report_hash": report_hash,
        "short_hash": report_hash.removeprefix("sha256:")[:12],
        "info": info,
        "completed": completed,
        "page": page,
        "reasoning": decisive_findings(spec, snapshot),
        "answers": answer_rows(spec, snapshot),
        "not_asked": len(spec.questions) - len(answers),
        "timeline": timeline(spec, outcome, today, page=page),
        "overdue": overdue(page, gap_analysis or {}, today),
        "code_by_placement": code_by_placement(spec, page, snapshot, gap_analysis or {}),
        "gap_tally": gap_tally(page, gap_analysis or {}),
        "sources": [{"source": s, "confidence": _(CONFIDENCE[s.confidence]) if s.confidence in CONFIDENCE
                     else s.confidence} for s in spec.sources],
        "role_in_sentence": in_sentence(page["role_label"], translation_language(spec)),
        "gap": gap_analysis or {},
        "answers_given": len(answers),
    }


def in_sentence(label: str, language: str) -> str:
    """A label inside a sentence: lower case first letter in English and French; German nouns keep theirs."""
    return label if language == "de" else mid_sentence(label)


def decisive_findings(spec: Spec, snapshot: dict[str, Any]) -> list[dict[str, Any]]:
    """For each outcome, the findings on the path that decided it, each with the answers it rests on.

    The path is read from the content's own expressions: the condition of the rule that matched names the
    deciding findings, the conditions of the rules before it the gates the outcome passed. From a deciding
    finding the path goes on to the findings its expression uses, keeping a yes/no finding only where the other
    value would have changed it (see `_follow`). Every finding appears once, under the first outcome that needed
    it; the full trail is in the attached JSON.
    """
    outcome = shown_outcome(spec, snapshot)  # its rendered texts in the reader's language; its values the stored ones
    scope = _scope(spec, snapshot)
    facts = {f.name: f for f in spec.facts}
    reasons = {r["about"]: r for r in outcome.get("reasons", [])}
    answers = snapshot.get("answers", {})
    seen: set[str] = set()
    blocks = []
    for item in spec.outcomes:
        value = outcome.get(item.name)
        passed, matched = [], None  # the conditions of the rules before the one that matched, and its own
        for rule in item.rules:
            if rule.when is None:
                break
            compiled = compile_expression(rule.when)
            if _holds(compiled, scope):
                matched = compiled
                break
            passed.append(compiled)
        findings: list[dict[str, Any]] = []
        for name in sorted(matched.names, key=_fact_order(spec)) if matched else ():
            _follow(name, spec, facts, scope, answers, seen, findings, deciding=True)
        for compiled in passed:
            for name in sorted(compiled.names, key=_fact_order(spec)):
                _follow(name, spec, facts, scope, answers, seen, findings)
        if not value:
            continue  # no rule matched (no scope where there are no obligations): nothing was decided
        reason = reasons.get(item.name)
        text = reason["text"] if reason and reason["text"] != item.label(value) else ""
        blocks.append({"title": item.title, "value": item.label(value), "text": text,
                       "held": [f for f in findings if f["deciding"]],
                       "ruled_out": [f for f in findings if not f["deciding"]]})
    applies = set(outcome.get("obligations", []))
    if not applies:
        return blocks  # nothing applies: the classification says why
    findings = []
    for obligation in spec.obligations:  # which obligations apply: the findings their conditions use
        for name in sorted(compile_expression(obligation.applies_if).names, key=_fact_order(spec)):
            _follow(name, spec, facts, scope, answers, seen, findings)
    # the reader's own obligations only: those of the article groups that bind its role (a representative's
    # tasks are not the provider's obligations, and the provider's obligations are not "not applicable" to it);
    # what does not apply, each with why (never as an instruction), those without a reason in the content last
    own = own_obligations(spec, outcome.get("role_outcome"))
    groups = ruled_out_grouped(spec, outcome)
    grouped = {o.id for g in groups for o in g["obligations"]}
    not_applicable = [{"obligations": "; ".join(f"{o.label} {o.title}" for o in g["obligations"]),
                       "why": " ".join(g["why"])} for g in groups]
    others = [f"{o.label} {o.title}" for o in spec.obligations
              if o.id in own and o.id not in applies and o.id not in grouped]
    text = (_("Not applicable to this model, and why:") if not_applicable else
            _("Not applicable to this model: %(obligations)s.") % {"obligations": "; ".join(others)} if others else "")
    also = " ".join(_("%(title)s: %(count)s, listed in section 3.") % {"title": p.title, "count": len(outcome[p.key])}
                    for p in spec.perspectives
                    if outcome.get(p.key))  # another actor's obligations: counted apart, never "not applicable"
    count = len([o for o in applies if o in own])
    blocks.append({"title": _("Your obligations"),
                   "value": ngettext("%(count)s applies", "%(count)s apply", count) % {"count": count},
                   "text": text, "also": also,
                   "not_applicable": not_applicable,
                   "others": others if not_applicable else [],
                   "held": [f for f in findings if f["deciding"]],
                   "ruled_out": [f for f in findings if not f["deciding"]]})
    return blocks


def _fact_order(spec: Spec):
    order = {f.name: i for i, f in enumerate(spec.facts)}
    return lambda name: order.get(name, -1)


def _follow(name: str, spec: Spec, facts: dict, scope: dict[str, Any], answers: dict[str, Any], seen: set[str],
            findings: list[dict[str, Any]], *, deciding: bool = False) -> None:
    """Add the finding `name` and follow the path below it. A finding that holds (or a figure) is followed; one
    that does not hold is followed only when its not holding is what decided (`deciding`: the matched rule asks
    for it, e.g. "not a general-purpose AI model"); otherwise it is a gate the outcome passed, named as ruled out."""
    fact = facts.get(name)
    if fact is None or name in seen or fact.type not in ("bool", "number") or not fact.label:
        return
    seen.add(name)
    value = scope.get(name)
    if fact.type == "number" and value is None:
        return  # a figure that was not given (a plan for a finished model): nothing to show
    compiled = compile_expression(fact.expr)
    rests_on = [spec.questions[code] for code in spec.questions
                if code in compiled.names and answers.get(code) not in (None, [])]  # empty ones: appendix A
    label = fact.label
    phrase = in_sentence(label, translation_language(spec))
    deciding = deciding or bool(value) or fact.type != "bool"
    finding = {"label": label, "phrase": phrase, "value": _fact_value(value), "is_yes": value is True,
               "deciding": deciding, "name": name,
               "answers": [{"question": q.text, "answer": _answer(q, answers[q.code])} for q in rests_on]}
    findings.append(finding)
    if not deciding:
        return  # a gate that did not open: named, not followed
    for child in sorted(compiled.names, key=_fact_order(spec)):
        child_fact = facts.get(child)
        if child_fact is None or child in seen:
            continue
        if child_fact.type == "bool" and not _flip_matters(compiled, scope, child):
            continue
        if child_fact.type == "number" and not _figure_matters(compiled, scope, child):
            continue  # a figure the expression did not use on these answers (a modifier's own compute rows)
        _follow(child, spec, facts, scope, answers, seen, findings, deciding=not value and fact.type == "bool")


def _holds(compiled, scope: dict[str, Any]) -> bool:
    try:
        return bool(Evaluator(dict(scope))(compiled))
    except ExpressionError:
        return False


def _flip_matters(compiled, scope: dict[str, Any], name: str) -> bool:
    """Would the expression come out otherwise if this yes/no finding were the other way?"""
    try:
        before = bool(Evaluator(dict(scope))(compiled))
        after = bool(Evaluator({**scope, name: not scope.get(name)})(compiled))
    except ExpressionError:
        return True  # cannot tell: show it rather than hide it
    return before != after


def _figure_matters(compiled, scope: dict[str, Any], name: str) -> bool:
    """Would the expression come out otherwise if this figure were none, or very large? A figure in a branch
    the answers did not take (e.g. the developer's compute in a modifier's test) changes nothing."""
    try:
        before = Evaluator(dict(scope))(compiled)
        return any(Evaluator({**scope, name: other})(compiled) != before for other in (0.0, 1e39))
    except ExpressionError:
        return True  # cannot tell: show it rather than hide it


def _scope(spec: Spec, snapshot: dict[str, Any]) -> dict[str, Any]:
    """The names the content's expressions use, as they stood at completion, from the snapshot alone."""
    completed = dt.datetime.fromisoformat(snapshot["assessment"]["completed_at"]).date()
    answers = snapshot.get("answers", {})
    try:
        parsed = parse_answers(spec, {k: v for k, v in answers.items() if k in spec.questions})
    except Exception:  # an answer this version no longer parses: use it as stored
        parsed = dict(answers)
    scope: dict[str, Any] = {**spec.constants, "today": completed, **{code: None for code in spec.questions},
                             **parsed}
    stored = snapshot["result"].get("facts", {})
    for fact in spec.facts:
        value = stored.get(fact.name)
        if fact.type == "date" and isinstance(value, str):
            with contextlib.suppress(ValueError):
                value = dt.date.fromisoformat(value)
        scope[fact.name] = value
    for item in spec.outcomes:
        scope[item.name] = snapshot["result"].get(item.name)
    return scope


def _answer(question, value: Any) -> str:
    if value in (None, []) and not question.required:
        return "left empty (optional)"
    return display_answer(question, value)


def answer_rows(spec: Spec, snapshot: dict[str, Any]) -> list[dict[str, Any]]:
    """The answers given, by section (questions that were not asked are in the attached JSON's version)."""
    answers = snapshot["answers"]
    rows = []
    for section in spec.sections:
        asked = [{"question": q.text, "answer": _answer(q, answers[q.code])}
                 for q in section.questions if q.code in answers]
        if asked:
            rows.append({"section": section.title, "answers": asked})
    return rows


def gap_tally(page: dict[str, Any], gap: dict[str, dict[str, Any]]) -> list[tuple[str, int]]:
    """How many of the applicable Code measures stand at each status of the gap analysis (empty without one)."""
    if not gap:
        return []
    counts: dict[str, int] = {}
    for chapter in page["chapters"]:
        for measure in chapter["measures"]:
            label = (gap.get(measure.id) or {}).get("status_label") or NOT_RECORDED
            counts[label] = counts.get(label, 0) + 1
    return list(counts.items())


def overdue(page: dict[str, Any], gap: dict[str, dict[str, Any]], today: dt.date) -> dict[str, Any]:
    """Gap-analysis measures whose owner's due date had passed without being implemented when the assessment was
    completed (the legal dates that had passed are the page's `dates`)."""
    measures = []
    for measure_id, record in sorted(gap.items()):
        due = record.get("due_date") or ""
        try:
            day = dt.date.fromisoformat(due)
        except ValueError:
            continue
        if day < today and record.get("status") in OPEN_STATUSES:
            measures.append({"id": measure_id, "due": day, "status": record.get("status_label", "")})
    return {"measures": measures}


def code_by_placement(spec: Spec, page: dict[str, Any], snapshot: dict[str, Any],
                      gap: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    """The measures of the chapters signed that the Code expects in place by placing on the market (constant
    `measures_due_before_placement`: measure -> days before placing) and that are not implemented, with the date
    each was expected, and how many applicable measures are still open. Code commitments, never legal deadlines;
    None when no signed chapter has such a measure or the placing date is unknown."""
    expected = spec.constants.get("measures_due_before_placement") or {}
    placed = snapshot.get("answers", {}).get("first_eu_placement_date")
    signed = [ch for ch in page["chapters"] if ch["signatory"] == "signed"]
    if not (expected and placed and signed):
        return None
    placed_on = dt.date.fromisoformat(str(placed)[:10])
    applies = spec.constants.get("chapter_v_applies")
    if isinstance(applies, dt.date) and placed_on < applies:
        return None  # placed before the rules and the Code applied: the model has until 2 August 2027 (Art. 111(3))
    rows, applicable = [], 0
    for chapter in signed:
        for measure in chapter["measures"]:
            applicable += 1
            record = gap.get(measure.id) or {}
            if measure.id in expected and record.get("status") not in DONE_STATUSES:
                rows.append({"id": measure.id, "title": measure.title,
                             "due": placed_on - dt.timedelta(days=int(expected[measure.id])),
                             "status": record.get("status_label") or _("not recorded")})
    open_count = sum(1 for ch in signed for m in ch["measures"]
                     if (gap.get(m.id) or {}).get("status") not in DONE_STATUSES)
    if not rows:
        return None
    return {"placed": placed_on, "measures": rows, "open": open_count, "applicable": applicable}


def _fact_value(value: Any) -> str:
    return display_fact(value)


def timeline(spec: Spec, outcome: dict[str, Any], today: dt.date, *,
             page: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """All dates that apply to this model, past and future, in date order: the AI Act's general dates, the
    model's deadlines and the dates of its notices (the notification's latest day, the mandate's)."""
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    specific_dates = set(outcome["deadlines"].values())
    for general in spec.general_dates:
        iso, text = general.date, general.text
        if iso not in specific_dates:  # the model's own deadline on that date says it better
            rows[(iso, text)] = {"date": dt.date.fromisoformat(iso), "text": text, "specific": False}
    labels = {d.key: d for d in spec.deadlines}
    for key, value in outcome["deadlines"].items():
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            continue
        deadline = labels.get(key)
        text = f"{deadline.label if deadline else key}: {deadline.explanation if deadline else ''}".strip(": ")
        rows[(value, text)] = {"date": day, "text": text, "specific": True}
    dates = (page or {}).get("dates") or {}
    for item in [*dates.get("past", []), *dates.get("next", [])]:
        if item.notice:
            due = _("due by this date")  # not inside the f-string: xgettext does not read f-strings' expressions
            text = f"{item.title}: {due}{f' ({item.done})' if item.done else ''}."
            rows[(item.date.isoformat(), text)] = {"date": item.date, "text": text, "specific": True}
    ordered = sorted(rows.values(), key=lambda r: (r["date"], not r["specific"]))
    for row in ordered:
        row["past"] = row["date"] < today
    return ordered
