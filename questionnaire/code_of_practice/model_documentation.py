"""The Model Documentation Form (Transparency chapter, Measure 1.1): its fields, their types, who receives
each, and what the assessment already knows to pre-fill them. Read from content/model_documentation_form.yaml."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.template.loader import render_to_string
from django.utils.translation import get_language, gettext

from ..legal_documents.definitions import form_translations
from ..models import RenderedDocument
from ..rendering.source import Document, Source

FORM_FILE = Path(__file__).resolve().parents[1] / "content" / "model_documentation_form.yaml"

FIELD_TYPES = ("text", "line", "number", "date", "choice")


@dataclass(frozen=True)
class FormField:
    code: str
    label: str
    audiences: frozenset[str]
    help: str = ""
    type: str = "text"
    choices: tuple[str, ...] = ()  # the values (stored, exported), in English
    prefill: Any = None  # see the YAML file's header
    unit: str = ""  # printed after the value in exports: MWh, FLOP, parameters
    choice_words: tuple[str, ...] = ()  # what each choice says in the reader's language (same order as choices)
    english: frozenset[str] = frozenset()  # its label or help shown in English for want of a translation


@dataclass(frozen=True)
class FormGroup:
    code: str
    title: str
    fields: tuple[FormField, ...]


@dataclass(frozen=True)
class Audience:
    key: str  # in URLs and file names: aio, nca, dp
    mark: str  # in the form: AIO, NCA, DP
    name: str  # "AI Office"
    phrase: str  # "the AI Office", as in "For the AI Office"


@cache
def _content() -> dict:
    return yaml.safe_load(FORM_FILE.read_text(encoding="utf-8"))


def form_words(language: str | None = None):
    """The form's words in `language` (default: the active one): English text -> translation
    (content/documents/translations/<language>.yaml, `documentation_form`), as a function that keeps a text
    without a translation in English (never empty)."""
    language = (language or get_language() or "en").split("-")[0]
    words = form_translations(language) if language != "en" else {}

    def t(text: str) -> str:
        return words.get(" ".join(str(text).split()), text) if text else text
    return t


@cache
def documentation_form(language: str = "en") -> tuple[FormGroup, ...]:
    """The form's groups and fields, their words in `language` (codes, audiences, types, choice values unchanged)."""
    t = form_words(language)
    groups = []
    for g in _content()["groups"]:
        fields = []
        for f in g["fields"]:
            kind = f.get("type", "text")
            if kind not in FIELD_TYPES:
                raise ValueError(f"{FORM_FILE.name}: field {f['code']} has unknown type {kind!r}")
            choices = tuple(str(c) for c in f.get("choices", ()))
            label, help_text = t(f["label"]), t(f.get("help", ""))
            english = frozenset(text for text in (f["label"], f.get("help", "")) if language != "en" and text
                                and " ".join(str(text).split()) not in form_translations(language))
            fields.append(FormField(f["code"], label, frozenset(f["audiences"]), help_text, kind, choices,
                                    f.get("prefill"), str(f.get("unit", "")), tuple(t(c) for c in choices),
                                    english))
        groups.append(FormGroup(g["code"], t(g["title"]), tuple(fields)))
    return tuple(groups)


@cache
def audiences(language: str = "en") -> dict[str, Audience]:
    t = form_words(language)
    return {mark.lower(): Audience(mark.lower(), mark, t(a["name"]), t(a["phrase"]))
            for mark, a in _content()["audiences"].items()}


# key -> (mark, name, phrase), the shape older callers use
AUDIENCES = {key: (a.mark, a.name, a.phrase) for key, a in audiences().items()}


def all_fields(language: str = "en") -> dict[str, FormField]:
    return {f.code: f for g in documentation_form(language) for f in g.fields}


def audience_names(form_field: FormField, language: str = "en") -> str:
    """Who receives a field, spelled out: "the AI Office, national competent authorities and downstream providers"
    (in `language`; the words around the names are the active language's)."""
    names = [a.phrase for a in audiences(language).values() if a.mark in form_field.audiences]
    if len(names) == 1:
        return names[0]
    return gettext("%(names)s and %(last)s") % {"names": ", ".join(names[:-1]), "last": names[-1]}


def for_audience(audience: str, language: str = "en") -> tuple[FormGroup, ...]:
    """The groups and fields marked for one audience (aio, nca or dp), in form order."""
    mark = audiences()[audience].mark
    groups = []
    for group in documentation_form(language):
        fields = tuple(f for f in group.fields if mark in f.audiences)
        if fields:
            groups.append(FormGroup(group.code, group.title, fields))
    return tuple(groups)


@dataclass(frozen=True)
class Completeness:
    audience: Audience
    filled: int
    total: int
    missing: tuple[FormField, ...] = field(default=())

    @property
    def percent(self) -> int:
        return round(100 * self.filled / self.total) if self.total else 100


def completeness(values: Mapping[str, str], language: str = "en") -> list[Completeness]:
    """For each audience: how many of its fields are filled in, and which are missing."""
    out = []
    for key, audience in audiences(language).items():
        fields = [f for g in for_audience(key, language) for f in g.fields]
        missing = tuple(f for f in fields if not (values.get(f.code) or "").strip())
        out.append(Completeness(audience, len(fields) - len(missing), len(fields), missing))
    return out


@dataclass(frozen=True)
class Prefill:
    value: str
    source: str  # where it comes from, for the "pre-filled" mark


def prefills(*, organisation: str, model: str, answers: Mapping[str, Any], questions: Mapping[str, Any],
             show_answer) -> dict[str, Prefill]:
    """Field code -> value the assessment already knows. `show_answer(question, value)` is the one
    formatter of answers (core.display.display_answer); dates stay ISO for date fields."""
    out: dict[str, Prefill] = {}
    for f in all_fields().values():
        rule = f.prefill
        if rule == "organisation" and organisation:
            out[f.code] = Prefill(organisation, gettext("your organisation's name"))
        elif rule == "model" and model:
            out[f.code] = Prefill(model, gettext("the model's name in this assessment"))
        elif isinstance(rule, Mapping):
            found = _from_answers(f, rule, answers, questions, show_answer)
            if found:
                out[f.code] = found
    return out


def _from_answers(f: FormField, rule: Mapping, answers, questions, show_answer) -> Prefill | None:
    if "answer" in rule:
        code = rule["answer"]
        value, question = answers.get(code), questions.get(code)
        if value in (None, "", []) or question is None:
            return None
        words = rule.get("words") or {}
        text = str(value) if f.type == "date" else str(words[value]) if value in words else show_answer(
            question, value)
        return Prefill(text, answer_source(question.text))
    if "answer_order_of_magnitude" in rule:
        code = rule["answer_order_of_magnitude"]
        value, question = answers.get(code), questions.get(code)
        if not isinstance(value, int | float) or value <= 0 or question is None:
            return None
        return Prefill(f"10^{math.floor(math.log10(value))}", answer_source(question.text))
    if "yes_answers" in rule:
        texts = [str(text) for code, text in rule["yes_answers"].items() if answers.get(code) is True]
        if not texts:
            return None
        asked = [questions[c].text for c in rule["yes_answers"] if c in questions]
        return Prefill(", ".join(texts), answers_source(asked))
    return None


def answer_source(question: str) -> str:
    """Where a pre-filled value comes from, said in the active language: "your answer to “…”" (the question's
    text as the caller's Spec has it: the reader's language on a page)."""
    return gettext("your answer to “%(question)s”") % {"question": question}


def answers_source(questions: list[str]) -> str:
    return gettext("your answers to %(questions)s") % {
        "questions": "; ".join(gettext("“%(question)s”") % {"question": q} for q in questions)}


def unit_example(unit: str, language: str = "en") -> str:
    """The example a number field of this unit gives in its help and its error (content: unit_examples)."""
    examples = _content().get("unit_examples") or {}
    return form_words(language)(str(examples.get(unit, examples.get("", ""))))


def with_unit(value: str, unit: str) -> str:
    """A filled-in value as exported: with its unit unless it already names it ("21000" -> "21000 MWh")."""
    value = (value or "").strip()
    if not value or not unit or value.lower().endswith(unit.lower()):
        return value
    return f"{value} {unit}"


def cover_notes(audience: str, values: dict[str, str], *, systemic_risk: bool) -> list[str]:
    """What an export says on its cover: how many of the audience's fields are empty, and, for a model with
    systemic risk sent to an authority, that Annex XI Section 2 is documented outside this form."""
    notes = _content().get("notes") or {}
    fields = [f for g in for_audience(audience) for f in g.fields]
    empty = [f.label for f in fields if not (values.get(f.code) or "").strip()]
    out = []
    if empty and notes.get("incomplete"):
        out.append(str(notes["incomplete"]).replace("{empty}", str(len(empty))).replace("{total}", str(len(fields)))
                   .replace("{audience}", audiences()[audience].phrase))
    if systemic_risk and audiences()[audience].mark != "DP" and notes.get("systemic_risk"):
        out.append(str(notes["systemic_risk"]))
    return out


def audience_document(audience: str, values: dict[str, str], *, model: str, organisation: str,
                      version: int, systemic_risk: bool = False) -> dict:
    """The filled form for one audience: only its fields, in the form's groups, values with their units, and
    the cover notes (cover_notes)."""
    return {
        "form": "Model Documentation Form (GPAI Code of Practice, Transparency chapter)",
        "audience": audiences()[audience].name,
        "audience_phrase": audiences()[audience].phrase,
        "model": model,
        "provider": organisation,
        "document_version": version,
        "notes": cover_notes(audience, values, systemic_risk=systemic_risk),
        "missing": [f.label for g in for_audience(audience) for f in g.fields
                    if not (values.get(f.code) or "").strip()],
        "sections": [
            {"code": g.code, "title": g.title,
             "fields": [{"code": f.code, "label": f.label, "value": with_unit(values.get(f.code, ""), f.unit)}
                        for f in g.fields]}
            for g in for_audience(audience)
        ],
    }


def documentation_content(audience: str, documentation, *, model: str, organisation: str,
                          systemic_risk: bool = False) -> dict:
    """What a PDF export shows, frozen when it is asked for (rendering.queue.request_render stores it)."""
    document = audience_document(audience, documentation.values, model=model, organisation=organisation,
                                 version=documentation.revision, systemic_risk=systemic_risk)
    return {"audience": audience, "document": document,
            "updated": documentation.updated_at.isoformat() if documentation.updated_at else None}


def shown_document(document: dict, audience: str, language: str) -> dict:
    """The frozen export (English words, as its JSON keeps them) with its words in `language` for the PDF:
    the audience, group titles, field labels, the list of empty fields and the cover notes; values, codes and
    the version as they are."""
    t = form_words(language)
    notes = _content().get("notes") or {}
    fields = sum(len(s["fields"]) for s in document["sections"])
    english = audiences()[audience].phrase if audience in audiences() else ""

    def incomplete(phrase: str, template: str) -> str:
        return (template.replace("{empty}", str(len(document["missing"]))).replace("{total}", str(fields))
                .replace("{audience}", phrase))

    def note(text: str) -> str:
        if notes.get("incomplete") and text == incomplete(english, str(notes["incomplete"])):
            return incomplete(t(english), t(str(notes["incomplete"])))
        return t(text)

    return {**document, "audience": t(document["audience"]), "audience_phrase": t(document.get("audience_phrase", "")),
            "notes": [note(n) for n in document["notes"]], "missing": [t(label) for label in document["missing"]],
            "sections": [{**s, "title": t(s["title"]), "fields": [{**f, "label": t(f["label"])} for f in s["fields"]]}
                         for s in document["sections"]]}


def documentation_source(content: dict):
    """The export's HTML (its words in the active language: the render's, rendering.queue.render_row) and JSON
    attachment (English, the same in every language) (rendering.queue.DOCUMENTS["documentation"])."""
    document = content["document"]
    updated = dt.datetime.fromisoformat(content["updated"]) if content.get("updated") else None
    html = render_to_string("reports/documentation.html", {
        "document": shown_document(document, content["audience"], get_language() or "en"), "updated": updated})
    identifier = hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()[:32].encode()
    return Source(html=html, when=updated or dt.datetime(2025, 8, 2, tzinfo=dt.UTC), identifier=identifier,
                  attachment=(f"model-documentation-{content['audience']}.json",
                              "The filled form for this audience (JSON)",
                              json.dumps(document, indent=2, ensure_ascii=False)))


def _documentation_filename(report: RenderedDocument) -> str:
    return f"model-documentation-{report.snapshot['audience']}-{report.assessment_id}.pdf"


DOCUMENT = Document("documentation", "Model Documentation Form", lambda report: documentation_source(report.snapshot),
                    _documentation_filename)  # rendering.queue.DOCUMENTS["documentation"]
