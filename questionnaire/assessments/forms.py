"""One Django form per questionnaire section, built from the Spec.

Input names are `<section code>-<question code>` (the wizard's prefix); yes/no questions are radios with
values `yes` and `no`; dates use <input type="date">; multiple choice uses checkboxes (contract.md §4).
Answers are stored as JSON values: `to_json_answers` and `answers_to_form_data` convert both ways.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext as _

from ..core.display import decimal
from ..core.forms import IsoDateInput, form_class
from ..engine import QuestionType, Spec, check_answer, check_answers, parse_answer, visibility
from ..engine.spec import Question, Section
from ..engine.translation import translation_language
from ..engine.values import (
    FLOP_FORMAT_HELP,
    MAX_TEXT_LENGTH,
    bounded_number,
    decimal_point,
    is_unanswered,
    parse_flop,
)


def flop_input_text(value: float | None) -> str:
    """A stored FLOP figure as the field shows it: the shortest exact form, e.g. 6.3e24."""
    if value is None:
        return ""
    return repr(float(value)).replace("e+", "e")


class AnswerField:
    """Mixed into the field of every question: Django reads what was posted (a choice, a list, a number, a date),
    the engine decides whether it answers the question (engine.check_answer: required, type, choices, limits,
    text length), the same decision completion takes on the saved answers."""

    def __init__(self, *, question: Question, **kwargs: Any) -> None:
        self.question = question
        super().__init__(**kwargs)

    def validate(self, value: Any) -> None:
        try:
            check_answer(self.question, value.isoformat() if isinstance(value, dt.date) else value)
        except ValueError as exc:
            code = "required" if is_unanswered(value) else "invalid"
            raise ValidationError(translated(str(exc)), code=code) from None


class NumberField(AnswerField, forms.CharField):
    """A number question, typed as text and read by one of the engine's bounded parsers (`parse`: the one rule of
    engine.values.bounded_number here), never by float() on whatever was typed; the message goes to the field."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "spellcheck": "false"})
    parse = staticmethod(bounded_number)

    def to_python(self, value: Any) -> float | None:
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        if isinstance(value, str):  # "6,3e24" in German and French, as "6.3e24" in every language
            value = decimal_point(value, decimal())
        try:
            return self.parse(value)
        except ValueError as exc:
            raise ValidationError(translated(str(exc)), code="invalid") from None


class FlopField(NumberField):
    parse = staticmethod(parse_flop)

    def prepare_value(self, value: Any) -> Any:
        return flop_input_text(value) if isinstance(value, int | float) else value


def translated(message: str) -> str:
    """An engine message (engine.values marks its fixed ones for the catalogue) in the language in use: as a whole,
    or sentence by sentence where the engine joined two of its own; one with a typed value in it stays English."""
    whole = gettext(message)
    if whole != message:
        return whole
    parts = re.split(r"(?<=\.) (?=[A-Z])", message)
    return " ".join(gettext(part) for part in parts) if len(parts) > 1 else message


YES_NO = (("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No")))


class YesNoField(AnswerField, forms.TypedChoiceField):
    """Radios yes and no (True, False), and any other answer the question offers kept as its value."""

    def __init__(self, choices=YES_NO, **kwargs: Any) -> None:
        super().__init__(choices=list(choices), widget=forms.RadioSelect,
                         coerce=lambda v: True if v == "yes" else False if v == "no" else v, empty_value=None,
                         **kwargs)

    def prepare_value(self, value: Any) -> Any:
        if value is True:
            return "yes"
        if value is False:
            return "no"
        return value


class ChoiceAnswerField(AnswerField, forms.ChoiceField):
    pass


class MultipleChoiceAnswerField(AnswerField, forms.MultipleChoiceField):
    pass


class DateAnswerField(AnswerField, forms.DateField):
    pass


class TextAnswerField(AnswerField, forms.CharField):
    pass


def field_for(question: Question) -> forms.Field:
    """The field of a question: its widget and how the posted text is read; the engine decides what it accepts."""
    common: dict[str, Any] = {"question": question, "label": question.text, "help_text": question.help,
                              "required": question.required}
    kind = question.type
    choices = [(c.value, c.label) for c in question.choices]
    if kind is QuestionType.SINGLE_CHOICE:
        return ChoiceAnswerField(choices=choices, widget=forms.RadioSelect, **common)
    if kind is QuestionType.MULTIPLE_CHOICE:
        return MultipleChoiceAnswerField(choices=choices, widget=forms.CheckboxSelectMultiple, **common)
    if kind is QuestionType.YES_NO:
        return YesNoField(choices=choices, **common)
    if kind is QuestionType.FLOP:
        return FlopField(error_messages={"invalid": translated(FLOP_FORMAT_HELP)}, **common)
    if kind is QuestionType.NUMBER:
        return NumberField(**common)
    if kind is QuestionType.DATE:
        return DateAnswerField(widget=IsoDateInput(), input_formats=["%Y-%m-%d"], error_messages={
            "invalid": _("Enter a real date as YYYY-MM-DD, for example 2025-10-01")}, **common)
    return TextAnswerField(widget=forms.Textarea(attrs={"rows": 4, "maxlength": MAX_TEXT_LENGTH}), **common)


@dataclass(frozen=True)
class Option:
    """One radio or checkbox of a choice question, ready for the template (no widget template per option)."""

    value: str
    label: str
    help: str
    id: str
    checked: bool


class SectionForm(forms.Form):
    """Base of every section form: one field per question of the section. `shown` (question codes) keeps only
    the questions the engine shows for the saved answers; `questions` are the questions kept, in field order.
    `answer_context` (spec, saved JSON answers, today) turns on the content's answer checks."""

    section: Section
    questions: tuple[Question, ...]
    answer_warnings: list[str]

    def __init__(self, *args: Any, shown: Collection[str] | None = None,
                 answer_context: tuple[Spec, dict[str, Any], dt.date] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.answer_context = answer_context
        if shown is not None:
            shown = set(shown)
            self.questions = tuple(q for q in self.questions if q.code in shown)
            self.fields = {q.code: self.fields[q.code] for q in self.questions}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        self.answer_warnings = []
        if self.answer_context is not None:
            spec, saved, today = self.answer_context
            apply_answer_checks(self, spec, saved, today)
        return cleaned

    def question_fields(self):
        """(question, bound field, options) for the template; options are empty unless it is a choice."""
        return [(q, self[q.code], options(q, self[q.code])) for q in self.questions]


def options(question: Question, field: forms.BoundField) -> list[Option]:
    """The radios or checkboxes of a choice field (ids as Django gives them), with each choice's help text."""
    choices = getattr(field.field, "choices", None)
    if choices is None:
        return []
    help_texts = {c.value: c.help for c in question.choices}
    current = field.value()
    selected = {str(v) for v in current} if isinstance(current, list | tuple) else {str(current)}
    # a label stays what the content gives (an untranslated one keeps its English marker): str only for others
    return [Option(str(value), label if isinstance(label, str) else str(label), help_texts.get(value, ""),
                   f"{field.auto_id}_{i}", str(value) in selected)
            for i, (value, label) in enumerate(choices)]


_FORM_CLASSES: dict[tuple[str, str, str], tuple[Spec, type[SectionForm]]] = {}


def section_form_class(spec: Spec, section_code: str) -> type[SectionForm]:
    """The form class of a section, with every question of it (the form's `shown` drops the hidden ones);
    cached by content hash and language, for this Spec object: a translated Spec has the English one's content
    hash (translations are words, not rules) and is made anew when a translation changes
    (core.translations.forget_translations), so neither a German label nor a stale one reaches another reader."""
    key = (spec.content_hash, translation_language(spec), section_code)
    cached = _FORM_CLASSES.get(key)
    if cached is None or cached[0] is not spec:
        if len(_FORM_CLASSES) > 2048:
            _FORM_CLASSES.clear()
        cached = _FORM_CLASSES[key] = (spec, _build_form_class(spec, section_code))
    return cached[1]


def _build_form_class(spec: Spec, section_code: str) -> type[SectionForm]:
    section = next(s for s in spec.sections if s.code == section_code)
    return form_class(f"SectionForm_{section_code}", {q.code: field_for(q) for q in section.questions},
                      SectionForm, section=section, questions=section.questions)


def apply_answer_checks(form: SectionForm, spec: Spec, saved: dict[str, Any], today: dt.date) -> None:
    """The content's answer checks on this page's answers together with the saved answers of the other
    sections (only those still shown). A refusing check puts its message at each of its fields that this page
    asks, so nothing is saved; a warning goes to form.answer_warnings (shown after saving)."""
    merged: dict[str, Any] = {}
    for code, value in saved.items():
        question = spec.questions.get(code)
        if question is None:
            continue
        try:
            merged[code] = parse_answer(question, value)
        except ValueError:
            continue  # a stored answer that no longer fits is the wizard's business, not a check's
    for question in form.questions:
        if question.code in form.cleaned_data:
            value = form.cleaned_data[question.code]
            merged[question.code] = None if value in ("", []) and question.type is not QuestionType.MULTIPLE_CHOICE \
                else value
    shown = set(visibility(spec, merged, today).visible_questions)
    counted = {code: value for code, value in merged.items() if code in shown}
    on_page = {q.code for q in form.questions}
    for problem in check_answers(spec, counted, today):
        fields = [f for f in problem.fields if f in on_page]
        if not fields:
            continue
        if problem.refuse:
            for name in fields:
                if name in form.fields and problem.message not in form.errors.get(name, []):
                    form.add_error(name, problem.message)
        elif problem.message not in form.answer_warnings:
            form.answer_warnings.append(problem.message)


def to_json_answers(cleaned: dict[str, Any]) -> dict[str, Any]:
    """Cleaned form values as the JSON answers we store (dates as ISO strings, lists sorted as choices)."""
    out = {}
    for code, value in cleaned.items():
        if isinstance(value, dt.date):
            value = value.isoformat()
        elif value == "" or value == []:
            value = None if value == "" else []
        out[code] = value
    return out


def answers_to_form_data(section_form: type[SectionForm], prefix: str, answers: dict[str, Any]) -> MultiValueDict:
    """Saved JSON answers as the POST data a section form accepts (the wizard's storage; re-validation on
    completion)."""
    data: dict[str, Any] = {}
    for question in section_form.questions:
        value = answers.get(question.code)
        key = f"{prefix}-{question.code}"
        if value is None:
            continue
        if question.type is QuestionType.YES_NO:
            data[key] = value if isinstance(value, str) else "yes" if value else "no"
        elif question.type is QuestionType.MULTIPLE_CHOICE:
            data[key] = list(value)
        elif question.type is QuestionType.FLOP:
            data[key] = flop_input_text(value) if isinstance(value, int | float) else str(value)
        else:
            data[key] = str(value)
    return MultiValueDict({k: v if isinstance(v, list) else [v] for k, v in data.items()})


# ---- the forms of the other pages: a new assessment, keeping a quick check, the gap analysis, the Model
# Documentation Form, report verification


class NewAssessmentForm(forms.Form):
    ai_model = forms.ChoiceField(label=gettext_lazy("Which model is this assessment for?"), widget=forms.RadioSelect,
                                 required=False)
    new_model_name = forms.CharField(label=gettext_lazy("Name of the model"), max_length=200, required=False,
                                     help_text=gettext_lazy(
                                         "For example “Atlas-70B”. You can assess new versions later."))
    title = forms.CharField(label=gettext_lazy("Version or note (optional)"), max_length=200, required=False,
                            help_text=gettext_lazy("For example “v2.1, release candidate”."))

    def __init__(self, *args, models=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ai_model"].choices = [(str(m.pk), m.name) for m in models] + [("new", _("A new model"))]
        if not models:
            del self.fields["ai_model"]

    def clean(self):
        data = super().clean()
        choice = data.get("ai_model", "new") or ("new" if "ai_model" not in self.fields else "")
        if not choice:
            self.add_error("ai_model", _("Select a model, or “A new model”"))
        elif choice == "new" and not data.get("new_model_name", "").strip():
            self.add_error("new_model_name", _("Enter the name of the model"))
        data["ai_model"] = choice
        return data


class KeepForm(forms.Form):
    model_name = forms.CharField(
        label=gettext_lazy("Name of the model"), max_length=200, required=False,
        help_text=gettext_lazy(
            "For example “Atlas-70B”. The assessment is kept under this model in your organisation."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}))

    def clean_model_name(self) -> str:
        return " ".join(self.cleaned_data["model_name"].split())
