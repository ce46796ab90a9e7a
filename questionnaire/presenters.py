"""What the pages show, built from the Spec, saved answers and frozen snapshots (no writes)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import OuterRef, Subquery
from django.urls import reverse

from .engine import QuestionType, Result, Spec, Visibility
from .engine.spec import Question
from .engine.values import format_flop
from .models import AIModel, Assessment

ARTICLE_GROUPS = (
    ("Art. 52", "Notification of models with systemic risk", ("ART52",)),
    ("Art. 53", "Obligations of every provider of a general-purpose AI model", ("ART53",)),
    ("Art. 54", "Authorised representative", ("ART54",)),
    ("Art. 55", "Additional obligations for models with systemic risk", ("ART55",)),
)

# What a deployer or downstream provider can ask the model provider for (Art. 53(1)(b), Annex XII).
ANNEX_XII_REQUESTS = (
    "the tasks the model is intended for and the type and nature of AI systems it can be built into",
    "the acceptable-use policies that apply",
    "the release date and distribution methods",
    "how the model interacts with hardware or software outside it, and the versions of relevant software",
    "the architecture and number of parameters",
    "the input and output modalities and formats, and their maximum size (for example the context window)",
    "the licence",
    "the technical means to integrate the model (instructions for use, infrastructure, tools)",
    "information on the training, testing and validation data: type, provenance and curation methods",
)


def display_answer(question: Question, value: Any) -> str:
    if value is None or value == []:
        return "Not answered" if value is None else "None of these"
    if question.type is QuestionType.FLOP and isinstance(value, int | float):
        return f"{format_flop(value)} FLOP"
    if question.type is QuestionType.DATE and isinstance(value, str):
        try:
            return dt.date.fromisoformat(value).strftime("%-d %B %Y")
        except ValueError:
            return value
    return describe_value_json(question, value)


def describe_value_json(question: Question, value: Any) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if question.type is QuestionType.SINGLE_CHOICE:
        return question.choice_label(value)
    if question.type is QuestionType.MULTIPLE_CHOICE:
        return "; ".join(question.choice_label(v) for v in value)
    return str(value)


# ---------------------------------------------------------------- wizard helpers


def first_open_section(spec: Spec, shown: Visibility, answers: dict[str, Any]) -> str | None:
    """The first visible section with a visible question never saved, or a required one unanswered."""
    visible = set(shown.visible_questions)
    missing = set(shown.missing_required)
    for section in spec.sections:
        if section.code not in shown.visible_sections:
            continue
        for question in section.questions:
            if question.code in visible and (question.code not in answers or question.code in missing):
                return section.code
    return None


@dataclass
class AnswerRow:
    question: Question
    value: str
    change_url: str


@dataclass
class SectionAnswers:
    code: str
    title: str
    rows: list[AnswerRow] = field(default_factory=list)


def answered_sections(assessment: Assessment, spec: Spec, result: Result) -> list[SectionAnswers]:
    answers = assessment.answers
    out = []
    visible = set(result.visible_questions)
    for section in spec.sections:
        if section.code not in result.visible_sections:
            continue
        block = SectionAnswers(section.code, section.title)
        for question in section.questions:
            if question.code not in visible:
                continue
            value = answers.get(question.code)
            block.rows.append(AnswerRow(question, display_answer(question, value),
                                        f"{step_url(assessment, section.code)}#field-{question.code}"))
        out.append(block)
    return out


def missing_questions(spec: Spec, result: Result) -> list[Question]:
    return [spec.questions[c] for c in result.missing_required]


# ---------------------------------------------------------------- result page


@dataclass
class DeadlineView:
    key: str
    label: str
    value: str
    date: dt.date | None
    days_left: int | None
    explanation: str

    @property
    def is_past(self) -> bool:
        return self.days_left is not None and self.days_left < 0


def deadline_views(spec: Spec, deadlines: dict[str, str], today: dt.date) -> list[DeadlineView]:
    by_key = {d.key: d for d in spec.deadlines}
    rows = []
    for key, value in deadlines.items():
        spec_deadline = by_key.get(key)
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            day = None
        rows.append(DeadlineView(
            key=key, label=spec_deadline.label if spec_deadline else key.replace("_", " "),
            value=day.strftime("%-d %B %Y") if day else value, date=day,
            days_left=(day - today).days if day else None,
            explanation=spec_deadline.explanation if spec_deadline else ""))
    return rows


def next_deadline(deadlines: dict[str, str], today: dt.date) -> tuple[str, dt.date] | None:
    upcoming = []
    for key, value in deadlines.items():
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            continue
        if day >= today:
            upcoming.append((day, key))
    if not upcoming:
        return None
    day, key = min(upcoming)
    return key, day


def result_page(spec: Spec, snapshot: dict[str, Any], *, today: dt.date,
                signatory: dict[str, str] | None = None) -> dict[str, Any]:
    """What the result page and the report show. `signatory`: chapter -> signed / intends_to_sign /
    not_signing (default: from the answer to cop_signatory_chapters)."""
    from .signatory import answered_statuses, demonstration_text

    outcome = snapshot["result"]
    if signatory is None:
        signatory = snapshot.get("code_signatory") or answered_statuses(snapshot)
    reasons: dict[str, list[dict]] = {}
    for reason in outcome.get("reasons", []):
        reasons.setdefault(reason["about"], []).append(reason)
    sources = {s.id: s for s in spec.sources}
    deadlines = deadline_views(spec, outcome["deadlines"], today)
    deadline_by_key = {d.key: d for d in deadlines}
    modification_only = outcome.get("obligation_scope") == "modification_only"
    groups = []
    for article, title, prefixes in ARTICLE_GROUPS:
        items = []
        for obligation in spec.obligations:
            if obligation.id not in outcome["obligations"] or not obligation.id.startswith(prefixes):
                continue
            items.append({
                "obligation": obligation,
                "reasons": reasons.get(obligation.id, []),
                "scope_note": obligation.scope_note if modification_only else "",
                "citations": [{"source": sources.get(c.source), "pinpoint": c.pinpoint} for c in obligation.citations],
                "deadlines": [deadline_by_key[k] for k in obligation.deadlines if k in deadline_by_key],
                "measures": [m for m in spec.measures_serving(obligation.id) if m.id in outcome["code_measures"]],
            })
        if items:
            groups.append({"article": article, "title": title, "items": items})
    chapters = [
        {"chapter": ch, "measures": [m for m in ch.measures() if m.id in outcome["code_measures"]],
         "signatory": signatory.get(ch.id, "not_signing"),
         "demonstration": demonstration_text(ch.title, signatory.get(ch.id, "not_signing"))}
        for ch in spec.chapters if ch.id in outcome["code_chapters"]
    ]
    flags = [{"flag": f, "reasons": reasons.get(f.id, [])} for f in spec.flags if f.id in outcome["flags"]]
    classification = outcome["classification"]
    role = outcome["role_outcome"]
    answers = snapshot.get("answers", {})
    return {
        "classification": classification,
        "classification_label": spec.outcome("classification").label(classification),
        "classification_description": next((v.description for v in spec.outcome("classification").values
                                            if v.value == classification), ""),
        "classification_reasons": reasons.get("classification", []),
        "role": role,
        "role_label": spec.outcome("role_outcome").label(role),
        "role_reasons": reasons.get("role_outcome", []),
        "scope": outcome.get("obligation_scope"),
        "scope_label": spec.outcome("obligation_scope").label(outcome.get("obligation_scope")),
        "groups": groups,
        "chapters": chapters,
        "deadlines": deadlines,
        "next_deadline": next((d for d in sorted((d for d in deadlines if d.date and not d.is_past),
                                                  key=lambda d: d.date)), None),
        "flags": flags,
        "annex_xii": ANNEX_XII_REQUESTS if role in ("deployer", "downstream_provider") else (),
        "next_steps": next_steps(outcome, deadlines),
        "question_answers": [
            {"question": spec.questions[code], "value": display_answer(spec.questions[code], value)}
            for code, value in answers.items() if code in spec.questions
        ],
    }


def next_steps(outcome: dict[str, Any], deadlines: list[DeadlineView]) -> list[str]:
    """The three or four things to do next, in plain words."""
    steps = []
    obligations = set(outcome["obligations"])
    if "ART52_1_NOTIFY" in obligations:
        steps.append("Notify the Commission within two weeks of meeting (or foreseeing) the 10^25 FLOP threshold, "
                     "with the compute estimate to two significant figures and the method (Art. 52(1)).")
    if "ART54" in obligations:
        steps.append("Appoint an authorised representative in the EU by written mandate before placing the model "
                     "on the EU market (Art. 54).")
    if {"ART53_1_A", "ART53_1_B"} & obligations:
        steps.append("Draw up the technical documentation and the information for downstream providers "
                     "(Annex XI and XII); the Code's Model Documentation Form covers both.")
    if "ART53_1_C" in obligations:
        steps.append("Adopt a copyright policy that identifies and honours text-and-data-mining opt-outs, and "
                     "publish the training-content summary with the AI Office template (Art. 53(1)(c), (d)).")
    if "ART55_1_A" in obligations:
        steps.append("Set up the Safety and Security Framework, model evaluations, incident reporting and "
                     "cybersecurity (Art. 55; Code Safety and Security chapter).")
    if not obligations:
        role = outcome["role_outcome"]
        if role in ("deployer", "downstream_provider"):
            steps.append("Ask your model provider for the Annex XII information listed below; Code signatories "
                         "answer within 14 days.")
        steps.append("Re-assess when the facts change: a new model version, more training compute, a release in "
                     "the EU, or a modification of someone else's model.")
        steps.append("Check the other parts of the AI Act that may apply to AI systems (for example Art. 4 AI "
                     "literacy, Art. 26, Art. 50).")
    return steps[:4]


# ---------------------------------------------------------------- dashboard, history, comparison


def dashboard_rows(organisation, *, today: dt.date) -> list[dict[str, Any]]:
    """Models with their latest assessment, in two queries whatever the number of models."""
    from .spec import spec_for

    latest = Assessment.objects.filter(ai_model=OuterRef("pk")).order_by("-created_at").values("pk")[:1]
    models = list(AIModel.objects.filter(organisation=organisation).annotate(latest_id=Subquery(latest)))
    assessments = {a.pk: a for a in Assessment.objects.filter(pk__in=[m.latest_id for m in models if m.latest_id])
                   .select_related("questionnaire_version")}
    rows = []
    for ai_model in models:
        assessment = assessments.get(ai_model.latest_id)
        row: dict[str, Any] = {"model": ai_model, "assessment": assessment, "classification": None,
                               "classification_label": "", "next_deadline": None}
        if assessment is not None and assessment.is_completed:
            outcome = assessment.snapshot["result"]
            spec = spec_for(assessment.questionnaire_version)
            row["classification"] = outcome["classification"]
            row["classification_label"] = spec.outcome("classification").label(outcome["classification"])
            upcoming = next_deadline(outcome["deadlines"], today)
            if upcoming:
                key, day = upcoming
                label = next((d.label for d in spec.deadlines if d.key == key), key)
                row["next_deadline"] = {"label": label, "date": day, "days_left": (day - today).days}
        rows.append(row)
    return rows


def revision_row(spec: Spec, revision) -> dict[str, Any]:
    question = spec.questions.get(revision.question_code)
    def show(value):
        return display_answer(question, value) if question else str(value)
    return {"revision": revision, "question": question.text if question else revision.question_code,
            "old": show(revision.old_value) if revision.old_value is not None else "–",
            "new": show(revision.new_value), "user": revision.user.get_username() if revision.user else "–"}


def _answers_and_result(assessment: Assessment) -> tuple[dict[str, Any], dict[str, Any]]:
    if assessment.is_completed:
        return assessment.snapshot["answers"], assessment.snapshot["result"]
    from .services.assessments import evaluate_assessment

    result = evaluate_assessment(assessment)
    return {c: assessment.answers.get(c) for c in result.visible_questions}, result.to_json()


def compare(first: Assessment, second: Assessment) -> dict[str, Any]:
    """What changed from `first` to `second`: answers, classification, obligations, deadlines."""
    from .spec import spec_for

    spec = spec_for(second.questionnaire_version)
    old_spec = spec_for(first.questionnaire_version)
    a_answers, a_result = _answers_and_result(first)
    b_answers, b_result = _answers_and_result(second)
    answers = []
    for code in dict.fromkeys([*a_answers, *b_answers]):
        if a_answers.get(code) != b_answers.get(code):
            question = spec.questions.get(code) or old_spec.questions.get(code)
            answers.append({"question": question.text if question else code,
                            "old": display_answer(question, a_answers.get(code)) if question else "",
                            "new": display_answer(question, b_answers.get(code)) if question else ""})
    deadlines = []
    for key in dict.fromkeys([*a_result["deadlines"], *b_result["deadlines"]]):
        if a_result["deadlines"].get(key) != b_result["deadlines"].get(key):
            deadlines.append({"key": key, "old": a_result["deadlines"].get(key, "–"),
                              "new": b_result["deadlines"].get(key, "–")})
    labels = spec.outcome("classification")
    return {
        "answers": answers,
        "classification": (labels.label(a_result["classification"]), labels.label(b_result["classification"]))
        if a_result["classification"] != b_result["classification"] else None,
        "added": [o for o in b_result["obligations"] if o not in a_result["obligations"]],
        "removed": [o for o in a_result["obligations"] if o not in b_result["obligations"]],
        "deadlines": deadlines,
        "versions": (first.questionnaire_version.label, second.questionnaire_version.label),
        "obligation_titles": {o.id: f"{o.label} {o.title}" for o in (*old_spec.obligations, *spec.obligations)},
    }


def csv_value(value: Any) -> str:
    """A cell for the CSV export; text that a spreadsheet would run as a formula is quoted with '."""
    if isinstance(value, list):
        value = "; ".join(map(str, value))
    elif isinstance(value, bool):
        value = "yes" if value else "no"
    elif value is None:
        value = ""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def step_url(assessment: Assessment, section: str) -> str:
    return reverse("wizard_step", kwargs={"assessment_id": assessment.pk, "step": section})

