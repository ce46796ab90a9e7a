"""The report's content, from the frozen snapshot only (never from live answers or live content).

`report_context` gives everything the report template shows; `pdf.py` turns the HTML into the PDF.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .engine import Spec
from .engine.expressions import Evaluator, ExpressionError, compile_expression
from .presenters import display_answer, result_page

# Dates of the AI Act that frame every GPAI model's timeline (gpai-reference.md §4).
GENERAL_DATES = (
    ("2024-08-01", "The AI Act enters into force (Art. 113)."),
    ("2025-07-10", "The final GPAI Code of Practice is published."),
    ("2025-07-18", "Commission Guidelines on the scope of the GPAI obligations, C(2025) 5045."),
    ("2025-08-02", "Chapter V (obligations for general-purpose AI models) applies (Art. 113(b))."),
    ("2026-08-02", "The Commission's enforcement powers and fines apply (Art. 101, Art. 113)."),
    ("2027-08-02", "Deadline for models placed on the market before 2 August 2025 (Art. 111(3))."),
)
CONFIDENCE = {"P": "official text read in full", "P~": "official text read in a transcription",
              "S": "secondary sources only", "U": "uncertain"}


def report_context(spec: Spec, snapshot: dict[str, Any], snapshot_hash: str, *,
                   gap_analysis: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    info = snapshot["assessment"]
    completed = dt.datetime.fromisoformat(info["completed_at"])
    today = completed.date()
    page = result_page(spec, snapshot, today=today)
    outcome = snapshot["result"]
    answers = snapshot["answers"]
    return {
        "spec": spec,
        "snapshot": snapshot,
        "snapshot_hash": snapshot_hash,
        "short_hash": snapshot_hash.removeprefix("sha256:")[:12],
        "info": info,
        "completed": completed,
        "page": page,
        "reasoning": reasoning(spec, outcome),
        "questions": question_rows(spec, snapshot),
        "timeline": timeline(spec, outcome, today),
        "sources": [{"source": s, "confidence": CONFIDENCE.get(s.confidence, s.confidence)} for s in spec.sources],
        "gap": gap_analysis or {},
        "answers_given": len(answers),
    }


def reasoning(spec: Spec, outcome: dict[str, Any]) -> list[dict[str, Any]]:
    """Each fact with a label, its value and the answers it rests on, in the order the law decides."""
    reasons = {r["about"]: r for r in outcome.get("reasons", [])}
    rows = []
    for fact in spec.facts:
        if not fact.label or fact.type not in ("bool", "number"):
            continue
        value = outcome["facts"].get(fact.name)
        rows.append({"label": fact.label, "value": _fact_value(value), "name": fact.name})
    outcomes = []
    for name in ("classification", "role_outcome", "obligation_scope"):
        reason = reasons.get(name)
        outcomes.append({"title": spec.outcome(name).title, "value": spec.outcome(name).label(outcome.get(name)),
                         "text": reason["text"] if reason else "",
                         "answers": [spec.questions[c].text for c in (reason["answers"] if reason else [])
                                     if c in spec.questions]})
    return [{"facts": rows, "outcomes": outcomes}]


def _fact_value(value: Any) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float):
        from .engine.values import format_flop

        return format_flop(value) + " FLOP" if value >= 1e6 else f"{value:g}"
    return "–" if value is None else str(value)


def question_rows(spec: Spec, snapshot: dict[str, Any]) -> list[dict[str, Any]]:
    """Every question of the version: the answer given, or why it was not asked."""
    answers = snapshot["answers"]
    facts = snapshot["result"]["facts"]
    rows = []
    for section in spec.sections:
        for question in section.questions:
            asked = question.code in answers
            row = {"section": section.title, "question": question, "asked": asked}
            if asked:
                value = answers[question.code]
                row["answer"] = "Left empty (optional)" if value in (None, []) and not question.required \
                    else display_answer(question, value)
            else:
                row["why"] = not_asked_because(spec, section.visible_if, question.visible_if, facts=facts)
            rows.append(row)
    return rows


def not_asked_because(spec: Spec, *conditions: str | None, facts: dict[str, Any] | None = None) -> str:
    """Why a question was not asked: the findings that, had they been otherwise, would have shown it."""
    facts = facts or {}
    labels = {f.name: f.label for f in spec.facts if f.type == "bool"}
    decisive: list[str] = []
    for condition in conditions:
        if not condition:
            continue
        compiled = compile_expression(condition)
        scope = {name: facts.get(name) for name in compiled.names}
        try:
            if Evaluator(dict(scope))(compiled):
                continue  # this condition holds; the other one hid the question
        except ExpressionError:
            continue
        for name in sorted(compiled.names):
            if name not in labels or name not in facts:
                continue
            flipped = {**scope, name: not facts[name]}
            try:
                if Evaluator(flipped)(compiled):
                    decisive.append(f"“{labels[name]}” is {'yes' if facts[name] else 'no'}")
            except ExpressionError:
                continue
    if not decisive:
        return "Not asked: it does not apply given the earlier answers."
    return "Not asked, because " + " and ".join(dict.fromkeys(decisive)) + "."


def timeline(spec: Spec, outcome: dict[str, Any], today: dt.date) -> list[dict[str, Any]]:
    """All dates that apply to this model, past and future, in date order."""
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    specific_dates = set(outcome["deadlines"].values())
    for iso, text in GENERAL_DATES:
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
    ordered = sorted(rows.values(), key=lambda r: (r["date"], not r["specific"]))
    for row in ordered:
        row["past"] = row["date"] < today
    return ordered
