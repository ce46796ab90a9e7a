"""The content schema: the one mapping between the content dictionary (the shape of content/gpai.yaml), the
Spec's frozen dataclasses (spec.py) and the database's tables (run by questionnaire/core/versions.py).

Every direction is driven by the dataclass fields: the field `help` of a Question is the key `help` of a
question in the content and the column `help` of its row. A new field is read, written, exported, hashed
and stored without a change here (core/versions.py refuses to start if its table has no column for it). The
tables below name only the exceptions.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import json
import re
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import MISSING, dataclass, field, fields, is_dataclass, replace
from functools import cache
from typing import Any

from .spec import (
    Choice,
    CodeChapter,
    Commitment,
    Deadline,
    Fact,
    Flag,
    Measure,
    Obligation,
    Outcome,
    OutcomeValue,
    Question,
    QuestionType,
    Rule,
    Scenario,
    Section,
    Source,
    Spec,
)


class ContentError(ValueError):
    """The content dictionary does not have the expected shape; `where` says which item."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")
        self.where = where
        self.message = message


# ---------------------------------------------------------------- the exceptions, field by field ("Class.field")

KEYS = {"Spec.chapters": "code_chapters"}  # the content key, where it is not the field's name
DERIVED = {"Spec.content_hash", "Spec.questions", "Question.section"}  # computed, not in the content
FROM_PARENT = {"Question.section": "code"}  # a question's section is the code of the section it is listed in
EXPRESSIONS = {"visible_if", "expr", "when", "applies_if", "Deadline.value", "Notice.date"}  # fields or Class.field
# no default in the dataclass, yet they may be left out of the content (lint names those pages need)
OPTIONAL = {
    "Spec.title", "Spec.rulebook_date", "Obligation.label", "Obligation.title", "Obligation.summary",
    "Deadline.label", "Flag.title", "Flag.explanation", "Measure.summary", "CodeChapter.summary",
    "Scenario.description", "Perspective.title", "Notice.title", "ArticleGroup.title", "Checklist.title",
}
# the value of a field left out of the content (a callable gets the fields read so far)
FALLBACKS: dict[str, Any] = {"Deadline.when": "True", "CodeChapter.applies_if": "False",
                             "Outcome.title": lambda values: values["name"]}
ALWAYS_WRITTEN = {"Section.questions"}  # written even when empty (other fields with a default are not)
WRITTEN_UNLESS_DEFAULT = {"Fact.type"}  # like a yes/no field: left out when it is the default
KEY_FIELDS = ("code", "id", "name", "key", "article")  # the field naming an item in problems ("fact is_gpai")
LABELS = {"CodeChapter": "chapter", "OutcomeValue": "value"}  # how problems name an item, where not its class

YES_NO_CHOICES = (Choice("yes", "Yes"), Choice("no", "No"))


def _read_choices(raw: Any, where: str, values: dict[str, Any]) -> tuple[Choice, ...]:
    choices = _read_items(Choice, raw, "choices", where)
    if values["type"] is QuestionType.YES_NO and not choices:
        return YES_NO_CHOICES
    if values["type"] is QuestionType.YES_NO and [c.value for c in choices[:2]] != ["yes", "no"]:
        raise ContentError(where, "a yes/no question's choices start with yes and no (a third, e.g. unknown, "
                                  "may follow)")
    return choices


def _read_constants(raw: Any, where: str, values: dict[str, Any]) -> dict[str, Any]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise ContentError("constants", "expected a mapping of name to value")
    return {str(k): _constant_value(v) for k, v in raw.items()}


def _read_substitutions(raw: Any, where: str, values: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    if raw is None:
        return ()
    if not isinstance(raw, Mapping):
        raise ContentError(where, "'answers' must be a mapping")
    return tuple((str(code), _expression(expr) or "None") for code, expr in raw.items())


def _read_date(raw: Any, where: str, values: dict[str, Any]) -> str:
    if raw in (None, ""):
        raise ContentError(where, "'date' is required")
    day = str(raw).strip()
    try:
        dt.date.fromisoformat(day)
    except ValueError as exc:
        raise ContentError(where, f"date {day!r} is not a date (YYYY-MM-DD)") from exc
    return day


OMIT = object()  # a writer's answer: leave the key out

# fields whose value is read or written otherwise than their type says: (reader, writer)
CONVERTERS: dict[str, tuple[Callable[..., Any], Callable[[Any, Any], Any]]] = {
    # a yes/no question's choices are implied: Yes and No
    "Question.choices": (_read_choices, lambda item, value: OMIT if item.type is QuestionType.YES_NO
                         and tuple(value) == YES_NO_CHOICES else [to_content(c) for c in value]),
    "Spec.constants": (_read_constants, lambda item, value: {k: _json_safe(v) for k, v in value.items()}),
    "Perspective.answers": (_read_substitutions, lambda item, value: dict(value)),  # code: expression
    "GeneralDate.date": (_read_date, lambda item, value: value),  # an ISO date, checked
}


# ---------------------------------------------------------------- the fields as the schema sees them


@dataclass(frozen=True)
class Slot:
    """One dataclass field: its content key, what kind of value it holds and whether the content needs it."""

    name: str  # "Question.help"
    field: str  # "help"
    key: str  # the content key
    kind: str  # text, expression, flag, number, choice, items, texts, mapping, converted
    item: type | None  # the dataclass of each item (items) or the enum (choice)
    required: bool
    default: Any  # MISSING when the dataclass has no default

    @property
    def has_default(self) -> bool:
        return self.default is not MISSING


@cache
def slots(cls: type) -> tuple[Slot, ...]:
    """The fields of a dataclass that the content holds (derived ones left out), in the dataclass's order."""
    hints = typing.get_type_hints(cls)
    result = []
    for f in fields(cls):
        name = f"{cls.__name__}.{f.name}"
        if name in DERIVED:
            continue
        kind, item = _kind(name, f.name, hints[f.name])
        default = f.default if f.default is not MISSING else (
            f.default_factory() if f.default_factory is not MISSING else MISSING)
        required = (default is MISSING and name not in OPTIONAL and name not in FALLBACKS
                    and kind in {"text", "expression", "number", "choice"})
        result.append(Slot(name, f.name, KEYS.get(name, f.name), kind, item, required, default))
    return tuple(result)


def _kind(name: str, field_name: str, hint: Any) -> tuple[str, type | None]:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if name in CONVERTERS:  # still the class of its items, if it lists dataclasses (a question's choices)
        return "converted", args[0] if origin is tuple and args and is_dataclass(args[0]) else None
    if origin in (typing.Union, types.UnionType):  # X | None
        hint = next(a for a in args if a is not type(None))
        origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is str:
        return ("expression" if field_name in EXPRESSIONS or name in EXPRESSIONS else "text"), None
    if hint is bool:
        return "flag", None
    if hint is int:
        return "number", None
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return "choice", hint
    if origin is tuple and args and args[-1] is Ellipsis:
        if is_dataclass(args[0]):
            return "items", args[0]
        if args[0] is str:
            return "texts", None
    if origin in (Mapping, dict):
        return "mapping", None
    raise TypeError(f"{name}: the schema does not know how to read {hint!r}; add it to CONVERTERS")


@cache
def label(cls: type) -> str:
    """How problems name an item of this class: "answer check", "chapter"."""
    return LABELS.get(cls.__name__) or re.sub(r"(?<!^)([A-Z])", r" \1", cls.__name__).lower()


@cache
def key_field(cls: type) -> str | None:
    return next((f.name for f in fields(cls) if f.name in KEY_FIELDS), None)


# ---------------------------------------------------------------- content dictionary -> Spec


def _list(item: Mapping[str, Any], key: str, where: str) -> list[Any]:
    """item[key] as a list (missing: empty); anything else is a ContentError naming where."""
    value = item.get(key) if isinstance(item, Mapping) else None
    if value is None:
        return []
    if not isinstance(value, list):
        raise ContentError(where, f"'{key}' must be a list")
    return value


def _expression(value: Any) -> str | None:
    """An expression on one line; None when empty. YAML's true/false become True/False."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return "True" if value else "False"
    return " ".join(str(value).split())


def _item_where(cls: type, raw: Any, where: str, key: str, index: int) -> str:
    """Where an item is in problems: "question role" when it has its code, else by its position."""
    name = key_field(cls)
    if name and isinstance(raw, Mapping) and raw.get(name) not in (None, ""):
        return f"{label(cls)} {raw[name]}"
    return f"{where} {label(cls)} {index + 1}" if where != "content" else f"{key}[{index}]"


def _read_items(cls: type, raw: Any, key: str, where: str, **given: Any) -> tuple[Any, ...]:
    items = _list({key: raw}, key, where)
    return tuple(from_content(cls, item, _item_where(cls, item, where, key, i), **given)
                 for i, item in enumerate(items))


def from_content(cls: type, raw: Any, where: str, **given: Any) -> Any:
    """One dataclass from its content form; ContentError names the item and key on a structural problem."""
    if not isinstance(raw, Mapping):
        raise ContentError(where, "expected a mapping")
    values: dict[str, Any] = dict(given)
    for slot in slots(cls):
        values[slot.field] = _read_value(slot, raw.get(slot.key), where, values)
    return cls(**values)


@cache
def _from_parent(cls: type) -> tuple[tuple[str, str], ...]:
    """(field, field of the enclosing item) for the fields of `cls` given by the item that lists it."""
    return tuple((name.rpartition(".")[2], parent) for name, parent in FROM_PARENT.items()
                 if name.startswith(f"{cls.__name__}."))


def _read_value(slot: Slot, value: Any, where: str, values: dict[str, Any]) -> Any:
    kind = slot.kind
    if kind == "converted":
        return CONVERTERS[slot.name][0](value, where, values)
    if kind == "items":
        given = {name: values[parent] for name, parent in _from_parent(slot.item)}
        return _read_items(slot.item, value, slot.key, where, **given)
    if kind == "texts":
        return tuple(str(x).strip() for x in _list({slot.key: value}, slot.key, where))
    if kind == "mapping":
        return dict(value or {})
    if value is None or (isinstance(value, str) and not value.strip()):
        if slot.name in FALLBACKS:
            fallback = FALLBACKS[slot.name]
            return fallback(values) if callable(fallback) else fallback
        if slot.required:
            raise ContentError(where, f"'{slot.key}' is required")
        return slot.default if slot.has_default else ""
    if kind == "expression":
        return _expression(value)
    if kind == "text":
        return str(value).strip()
    if kind == "flag":
        return bool(value)
    if kind == "number":
        try:
            return int(value)
        except (TypeError, ValueError):
            raise ContentError(where, f"'{slot.key}' must be a whole number") from None
    try:  # choice
        return slot.item(value)
    except ValueError:
        allowed = ", ".join(t.value for t in slot.item)
        raise ContentError(where, f"{slot.key} must be one of {allowed}") from None


def _json_safe(value: Any) -> Any:
    if value is None or type(value) in (str, float, bool):
        return value
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


def _constant_value(value: Any) -> Any:
    """Constants are numbers, strings or ISO dates (dates become date objects)."""
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def normalise(content: Mapping[str, Any]) -> dict[str, Any]:
    """The content dictionary with defaults merged into scenarios and dates as ISO strings."""
    if not isinstance(content, Mapping):
        raise ContentError("content", "expected a mapping at the top level")
    data = _json_safe(dict(content))
    scenarios = data.get("scenarios") or []
    if not isinstance(scenarios, Mapping | list):
        raise ContentError("scenarios", "expected a list, or a mapping with defaults and cases")
    if isinstance(scenarios, Mapping):  # {defaults: {...}, cases: [...]}
        defaults = scenarios.get("defaults") or {}
        merged = []
        for case in _list(scenarios, "cases", "scenarios"):
            case = dict(case)
            case["answers"] = {**defaults, **(case.get("answers") or {})}
            merged.append(case)
        data["scenarios"] = merged
    return data


def canonical_hash(data: Any) -> str:
    """"sha256:" and the SHA-256 of `data` as canonical JSON (keys sorted, no spaces, UTF-8; a date as its ISO
    text): the one way a version's content, a completion snapshot and a rendered document's content are hashed."""
    blob = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return "sha256:" + hashlib.sha256(blob.encode()).hexdigest()


def content_hash(normalised: Mapping[str, Any]) -> str:
    """The version's content hash, leaving out the version label and status (they are not content)."""
    return canonical_hash({k: v for k, v in normalised.items() if k not in {"version", "status"}})


def build_spec(content: Mapping[str, Any]) -> Spec:
    """Build a Spec from a content dictionary; raise ContentError on a structural problem.
    Semantic checks (expressions, names, reachability) are in lint.py."""
    spec = from_content(Spec, normalise(content), "content", content_hash="")
    questions: dict[str, Question] = {}
    for section in spec.sections:
        for question in section.questions:
            questions.setdefault(question.code, question)  # duplicates are reported by lint
    spec = replace(spec, questions=questions)
    return replace(spec, content_hash=content_hash(spec_to_content(spec)))


# ---------------------------------------------------------------- Spec -> canonical content dictionary


def to_content(item: Any) -> dict[str, Any]:
    """The canonical content form of a dataclass: empty optional values and defaults left out, so that the
    form (and the hash) do not depend on how the content was written."""
    result: dict[str, Any] = {}
    for slot in slots(type(item)):
        value = getattr(item, slot.field)
        kind = slot.kind
        if kind == "converted":
            value = CONVERTERS[slot.name][1](item, value)
            if value is OMIT:
                continue
        elif kind == "items":
            value = [to_content(x) for x in value]
        elif kind == "texts":
            value = list(value)
        elif kind == "mapping":
            value = _json_safe(dict(value))
        elif kind == "choice":
            value = value.value
        if kind == "flag" or slot.name in WRITTEN_UNLESS_DEFAULT:
            written = value != slot.default
        elif isinstance(value, list | dict):
            written = bool(value) or not slot.has_default or slot.name in ALWAYS_WRITTEN
        else:
            written = value not in (None, "")
        if written:
            result[slot.key] = value
    return result


def spec_to_content(spec: Spec) -> dict[str, Any]:
    """The canonical content dictionary of a Spec: what export writes and what the hash covers."""
    return to_content(spec)


# ---------------------------------------------------------------- where the database keeps each part


@dataclass(frozen=True)
class Table:
    """Items of one dataclass are rows of `model`, each under the row of the item that lists it through the
    foreign key `parent`; `columns` names the columns that differ from the field names. A field listing items
    of a class without a table of its own (an obligation's citations) is a JSON column in content form."""

    model: str
    parent: str = ""
    columns: Mapping[str, str] = field(default_factory=dict)

    def column(self, field_name: str) -> str:
        return self.columns.get(field_name, field_name)


TABLES: dict[type, Table] = {
    Source: Table("Source", columns={"id": "code"}),
    Section: Table("Section"),
    Question: Table("Question", parent="section"),
    Choice: Table("Choice", parent="question"),
    Fact: Table("Fact"),
    Outcome: Table("Outcome"),
    OutcomeValue: Table("OutcomeValue", parent="outcome"),
    Rule: Table("OutcomeRule", parent="outcome"),
    Obligation: Table("Obligation", columns={"id": "code"}),
    Deadline: Table("Deadline"),
    Flag: Table("Flag", columns={"id": "code"}),
    CodeChapter: Table("CodeChapter", columns={"id": "code"}),
    Commitment: Table("Commitment", parent="chapter"),
    Measure: Table("Measure", parent="commitment", columns={"id": "code"}),
    Scenario: Table("Scenario", columns={"id": "code"}),
}
VERSION_COLUMNS = {"slug": "slug", "version": "label", "title": "title", "rulebook_date": "rulebook_date"}
# Spec.constants are Constant rows (name, value); every other part of the Spec (rules_note, perspectives,
# notices...) is one ContentPart row (key, data in content form).


def columns(cls: type, table: Table) -> dict[str, str]:
    """Content key -> column of an item's own row (the items it lists in tables of their own excluded)."""
    return {slot.key: table.column(slot.field) for slot in slots(cls)
            if slot.item not in TABLES}


def children(cls: type) -> dict[str, type]:
    """Content key -> class of the items an item lists that have a table of their own."""
    return {slot.key: slot.item for slot in slots(cls) if slot.item in TABLES}


def spec_parts() -> dict[str, tuple[str, Any]]:
    """Content key -> where each top-level part is kept: ("version", column), ("constants", None),
    ("table", item class) or ("part", None), a ContentPart row."""
    where: dict[str, tuple[str, Any]] = {}
    for slot in slots(Spec):
        if slot.field in VERSION_COLUMNS:
            where[slot.key] = ("version", VERSION_COLUMNS[slot.field])
        elif slot.name == "Spec.constants":
            where[slot.key] = ("constants", None)
        elif slot.item in TABLES:
            where[slot.key] = ("table", slot.item)
        else:
            where[slot.key] = ("part", None)
    return where
