"""The legal documents' structures, read from questionnaire/content/documents/*.yaml (pure: no Django).

A definition lists sections, blocks and fields with their labels, types, required-ness, help text and
confidence tag, and the numbers of the document's rules. Field values are stored as JSON: strings for
text, dates (YYYY-MM-DD) and months (YYYY-MM), "yes"/"no", a list for multi and list fields, a list of
row dicts for tables, a number for numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from ..engine.expressions import Compiled, Evaluator, compile_expression

CONTENT_DIR = Path(__file__).resolve().parents[1] / "content" / "documents"
FIELD_TYPES = {"text", "long_text", "number", "date", "month", "yes_no", "choice", "multi", "list", "table", "url",
               "email", "datetime"}
CELL_TYPES = {"text", "number", "url", "month", "date"}
# What each confidence tag means, for the help text (legal-documents.md §0).
TAG_NOTES = {"[S]": "Secondary sources only", "[U]": "Uncertain or our own proposal"}


def gettext_noop(text: str) -> str:
    """Marks a text for the catalogues (makemessages) without Django: the page translates it where it shows it."""
    return text


# What each tag says in the "Sources and confidence" note of a group of fields, read by counsel (shown translated:
# documents/edit.html `{% translate c.meaning %}`)
TAG_MEANINGS = {"[P]": gettext_noop("the official text"),
                "[P~]": gettext_noop("a third-party copy of official wording, to check against the original"),
                "[S]": gettext_noop("secondary sources only"), "[U]": gettext_noop("uncertain, or our own proposal")}
_TAG = re.compile(r"\s*\((?:[^()]*?)\[(?:P~?|S|U)\]\)|\s*\[(?:P~?|S|U)(?::[^\]]*)?\]")


def untagged(text: str) -> str:
    """A text for the officer, without its confidence tags ("our proposal [U]" -> "our proposal"): the tags move into
    the group's "Sources and confidence" note."""
    return _TAG.sub("", text).replace(" .", ".").replace(" ,", ",")


@dataclass(frozen=True)
class Column:
    id: str
    label: str
    type: str = "text"
    optional: bool = False


@dataclass(frozen=True)
class Field:
    id: str
    label: str
    type: str
    required: bool = False
    required_if: Compiled | None = None
    required_for: tuple[str, ...] = ()  # issue stages that need it (empty: every stage, when required)
    help: str = ""
    tag: str = ""
    printed: bool = True
    choices: tuple[tuple[str, str], ...] = ()
    columns: tuple[Column, ...] = ()
    item: str = "text"  # type of each line of a list field
    report_item: int | None = None  # the numbered item of a report (serious incidents: may be marked unknown)
    conditional: bool = False  # required in cases a rule of the document decides (shown as "if it applies")

    @property
    def confidence_note(self) -> str:
        """Said in the help text where the fact is only [S] or [U] (legal-documents.md asks for it)."""
        note = TAG_NOTES.get(self.tag)
        return f"{note} {self.tag}." if note else ""

    @property
    def plain_help(self) -> str:
        return untagged(self.help)

    def choice_label(self, value: Any) -> str:
        return dict(self.choices).get(value, str(value))


@dataclass(frozen=True)
class Block:
    code: str
    title: str
    fields: tuple[Field, ...]
    gates: tuple[str, ...] = ()  # yes/no fields that open the block; all "no" closes it

    @property
    def confidence(self) -> list[dict[str, str]]:
        """The "Sources and confidence" note of the block: each field's tag and what it means, for counsel."""
        return [{"label": f.label, "tag": f.tag, "meaning": TAG_MEANINGS.get(f.tag, ""),
                 "note": f.help if f.help != f.plain_help else ""} for f in self.fields if f.tag]


@dataclass(frozen=True)
class Section:
    code: str
    title: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class DocumentDefinition:
    kind: str
    title: str
    legal_basis: str
    obligation: str
    intro: str
    sections: tuple[Section, ...]
    rules: dict[str, Any]
    prefill: dict[str, dict[str, Any]]
    issue: dict[str, Any]
    many: bool = False  # several per assessment (an incident register), else one
    per_organisation: bool = False  # one the organisation keeps for all its assessments (the copyright policy)
    stages: tuple[tuple[str, str], ...] = ()  # (value, label) of the issue stages, when there are several
    extra: dict[str, Any] = field(default_factory=dict)
    # a translated definition: the texts it shows in English for want of a translation (marked on the page)
    english: frozenset[str] = frozenset()

    def fields(self) -> dict[str, Field]:
        return {f.id: f for s in self.sections for b in s.blocks for f in b.fields}

    @property
    def plain_intro(self) -> str:
        return untagged(self.intro)

    def blocks(self) -> list[Block]:
        return [b for s in self.sections for b in s.blocks]

    def open_fields(self, values: dict[str, Any]) -> set[str]:
        """Fields whose block is open: a block with gates is closed when none of its gates is "yes"
        (a closed block prints only its gate answers, "No")."""
        out = set()
        for block in self.blocks():
            is_open = not block.gates or any(values.get(g) == "yes" for g in block.gates)
            out.update(f.id for f in block.fields if is_open or f.id in block.gates)
        return out

    def scope(self, values: dict[str, Any]) -> dict[str, Any]:
        """Names for the required_if expressions: every field (None when empty) and the rules' numbers."""
        scope: dict[str, Any] = {k: v for k, v in self.rules.items() if isinstance(v, int | float | str)}
        for f in self.fields().values():
            value = values.get(f.id)
            scope[f.id] = [] if value is None and f.type in ("multi", "list", "table") else (
                None if value in ("", None) else value)
        return scope

    def is_required(self, f: Field, values: dict[str, Any], stage: str | None = None) -> bool:
        if f.required_for and stage not in f.required_for:
            return False
        if f.required:
            return True
        if f.required_if is not None:
            return bool(Evaluator(self.scope(values))(f.required_if))
        return bool(f.required_for)


def _field(raw: dict[str, Any]) -> Field:
    kind = raw["type"]
    if kind not in FIELD_TYPES:
        raise ValueError(f"field {raw['id']}: unknown type {kind}")
    columns = tuple(Column(c["id"], c["label"], c.get("type", "text"), bool(c.get("optional"))) for c in
                    raw.get("columns", ()))
    for column in columns:
        if column.type not in CELL_TYPES:
            raise ValueError(f"field {raw['id']}: unknown column type {column.type}")
    return Field(
        id=raw["id"], label=raw["label"], type=kind, required=bool(raw.get("required")),
        required_if=compile_expression(raw["required_if"]) if raw.get("required_if") else None,
        required_for=tuple(raw.get("required_for", ())),
        help=str(raw.get("help", "")).strip(), tag=raw.get("tag", ""), printed=raw.get("printed", True),
        choices=tuple((str(c["value"]), c["label"]) for c in raw.get("choices", ())), columns=columns,
        item=raw.get("item", "text"), report_item=raw.get("report_item"), conditional=bool(raw.get("conditional")),
    )


def parse_definition(data: dict[str, Any]) -> DocumentDefinition:
    sections = tuple(
        Section(s["code"], s["title"], tuple(
            Block(str(b.get("code", "")), b.get("title", ""), tuple(_field(f) for f in b["fields"]),
                  tuple(b.get("gates", ()))) for b in s["blocks"]))
        for s in data["sections"])
    definition = DocumentDefinition(
        kind=data["kind"], title=data["title"], legal_basis=data.get("legal_basis", ""),
        obligation=data["obligation"], intro=str(data.get("intro", "")).strip(), sections=sections,
        rules=dict(data.get("rules", {})), prefill=dict(data.get("prefill", {})), issue=dict(data["issue"]),
        many=bool(data.get("many")), per_organisation=data.get("per") == "organisation",
        stages=tuple((s["value"], s["label"]) for s in data.get("stages", ())),
        extra={k: v for k, v in data.items() if k in ("register", "commitment", "summary", "stale_note")},
    )
    known = definition.fields()
    if len(known) != sum(len(b.fields) for b in definition.blocks()):
        raise ValueError(f"{definition.kind}: duplicate field ids")
    for block in definition.blocks():
        for gate in block.gates:
            if gate not in known or known[gate].type != "yes_no":
                raise ValueError(f"{definition.kind}: gate {gate} is not a yes/no field")
    for f in known.values():
        if f.required_if is not None:
            unknown = f.required_if.names - set(known) - set(definition.rules)
            if unknown:
                raise ValueError(f"{definition.kind}: {f.id} refers to unknown names {sorted(unknown)}")
    return definition


@cache
def definitions(language: str = "en") -> dict[str, DocumentDefinition]:
    """Every document definition, by kind, in file-name order; its words in `language` where
    content/documents/translations/<language>.yaml has them (the English otherwise)."""
    if language != "en":
        words = {**label_translations(language), **text_translations(language)}
        return {kind: translated(d, words) for kind, d in definitions().items()}
    out = {}
    for path in sorted(CONTENT_DIR.glob("*.yaml")):
        definition = parse_definition(yaml.safe_load(path.read_text(encoding="utf-8")))
        out[definition.kind] = definition
    return out


def definition(kind: str, language: str = "en") -> DocumentDefinition:
    return definitions(language)[kind]


@cache
def _translation_file(language: str) -> dict[str, Any]:
    path = CONTENT_DIR / "translations" / f"{language}.yaml"
    if not path.is_file():
        return {}
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def _section(language: str, name: str) -> dict[str, str]:
    return {_folded(k): str(v).strip() for k, v in (_translation_file(language).get(name) or {}).items()}


def _folded(text: Any) -> str:
    return re.sub(r"\s+", " ", str(text)).strip()


@cache
def label_translations(language: str) -> dict[str, str]:
    """English label -> its translation (content/documents/translations/<language>.yaml, `labels`)."""
    return _section(language, "labels")


@cache
def text_translations(language: str) -> dict[str, str]:
    """English sentence -> its translation (`texts`: intros, help texts, legal bases, the issue box's and the
    register's words, summary labels, the stale-record note)."""
    return _section(language, "texts")


@cache
def form_translations(language: str) -> dict[str, str]:
    """English text of the Model Documentation Form (content/model_documentation_form.yaml) -> its translation
    (`documentation_form`)."""
    return _section(language, "documentation_form")


@cache
def deadline_translations(language: str) -> dict[str, str]:
    """English deadline sentence or word -> its translation (the `deadlines:` section of
    content/documents/translations/<language>.yaml)."""
    path = CONTENT_DIR / "translations" / f"{language}.yaml"
    if not path.is_file():
        return {}
    return {str(k): str(v) for k, v in ((yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get(
        "deadlines") or {}).items()}


def deadline_words(definition: DocumentDefinition) -> set[str]:
    """Every sentence a document's deadlines can say (rules.texts) and every word they put in one
    (rules.clock_labels): what the `deadlines:` section of a translation file translates."""
    return {*definition.rules.get("texts", {}).values(), *definition.rules.get("clock_labels", {}).values()}


def document_words(definition: DocumentDefinition) -> set[str]:
    """Every word of a definition that a translation file translates: titles, labels, columns, choices."""
    words = {definition.title, *(label for _, label in definition.stages)}
    for section in definition.sections:
        words.add(section.title)
        for block in section.blocks:
            words.add(block.title)
            for f in block.fields:
                words |= {f.label, *(c.label for c in f.columns), *(label for _, label in f.choices)}
    return {w for w in words if w}


ISSUE_TEXTS = ("label", "done", "date_label", "help")
STALE_NOTE_TEXTS = ("text", "source", "counsel")


def document_texts(definition: DocumentDefinition) -> set[str]:
    """Every sentence of a definition that a translation file translates (`texts`): the intro, the legal basis,
    the field help texts, the issue box's words, the register's, the summary labels and the stale-record note."""
    texts = {definition.intro, definition.legal_basis, *(str(definition.issue.get(k, "")) for k in ISSUE_TEXTS),
             *(str(v) for v in (definition.extra.get("register") or {}).values()),
             *(str(line["label"]) for line in definition.extra.get("summary", ())),
             *(str((definition.extra.get("stale_note") or {}).get(k, "")) for k in STALE_NOTE_TEXTS)}
    texts |= {f.help for f in definition.fields().values()}
    return {_folded(t) for t in texts if t and str(t).strip()}


def translated(definition: DocumentDefinition, words: dict[str, str]) -> DocumentDefinition:
    """The definition with its words replaced by `words` (English text -> translation); ids, types, rules and
    expressions unchanged. A text without a translation stays English (never empty), and is listed in the
    definition's `english` for the page to mark it (documents/_english.html)."""
    english: set[str] = set()

    def t(text: str) -> str:
        if not text:
            return text
        found = words.get(_folded(text))
        if found is None:
            english.add(text)
        return found or text

    def field_(f: Field) -> Field:
        return replace(f, label=t(f.label), help=t(f.help),
                       columns=tuple(replace(c, label=t(c.label)) for c in f.columns),
                       choices=tuple((value, t(label)) for value, label in f.choices))

    extra = dict(definition.extra)
    if "register" in extra:
        extra["register"] = {k: t(str(v)) for k, v in extra["register"].items()}
    if "summary" in extra:
        extra["summary"] = [{**line, "label": t(str(line["label"]))} for line in extra["summary"]]
    if "stale_note" in extra:
        extra["stale_note"] = {k: t(str(v)) if k in STALE_NOTE_TEXTS else v for k, v in extra["stale_note"].items()}
    sections = tuple(replace(s, title=t(s.title), blocks=tuple(
        replace(b, title=t(b.title), fields=tuple(field_(f) for f in b.fields)) for b in s.blocks))
        for s in definition.sections)
    issue = {k: t(v) if k in ISSUE_TEXTS and isinstance(v, str) else v for k, v in definition.issue.items()}
    return replace(definition, title=t(definition.title), intro=t(definition.intro),
                   legal_basis=t(definition.legal_basis), issue=issue, extra=extra, sections=sections,
                   stages=tuple((value, t(label)) for value, label in definition.stages), english=frozenset(english))
