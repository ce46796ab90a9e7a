"""The translatable texts of a version, each named by a stable target ("question:role:text",
"choice:role=developer:label", "obligation:ART54:summary", …), and the same Spec with its texts in another
language. One walk over the Spec names every text: `texts` records what `translate` would replace, so the two
can never disagree. Codes, ids, expressions and numbers are never translated: a translated Spec evaluates to
the same result (classification, obligations, measures, deadlines, flags) with its texts in the language."""

from __future__ import annotations

import ast
import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from .spec import Spec

# constants whose values are texts shown to people, keyed by a status or an id
TEXT_CONSTANTS = ("signatory_texts", "signing_texts", "signatory_chapter_notes", "optional_chapters",
                  "measures_never_not_applicable")

Lookup = Callable[[str, str], str]  # (target, English text) -> the text to show
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def text_hash(text: str) -> str:
    """The hash a translation records of the English text it was made from (stale when it changes)."""
    return hashlib.sha256(text.encode()).hexdigest()


def placeholders(text: str) -> set[str]:
    return set(_PLACEHOLDER.findall(text))


# the few words the engine itself writes into a text (engine.evaluate.describe_value), per language
ENGINE_WORDS = {
    "de": {"not answered": "nicht beantwortet", "not known": "nicht bekannt", "yes": "ja", "no": "nein",
           "none": "keine", "one half": "die Hälfte", "one third": "ein Drittel", "one quarter": "ein Viertel",
           "one fifth": "ein Fünftel", "one tenth": "ein Zehntel"},
    "fr": {"not answered": "sans réponse", "not known": "inconnu", "yes": "oui", "no": "non", "none": "aucune",
           "one half": "la moitié", "one third": "un tiers", "one quarter": "un quart", "one fifth": "un cinquième",
           "one tenth": "un dixième"},
}
MONTHS = {
    "de": ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
           "November", "Dezember"),
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre"),
}


DECIMAL_SEPARATORS = {"de": ",", "fr": ","}  # as the official texts write figures: 6,3 × 10^24


def decimal_separator(language: str) -> str:
    return DECIMAL_SEPARATORS.get(language, ".")


def engine_word(word: str, language: str) -> str:
    return ENGINE_WORDS.get(language, {}).get(word, word)


def long_date(day, language: str) -> str:
    """A date as a lawyer of the language writes it: 1 October 2025, 1. Oktober 2025, 1er octobre 2025."""
    if language == "de":
        return f"{day.day}. {MONTHS['de'][day.month - 1]} {day.year}"
    if language == "fr":
        return f"{'1er' if day.day == 1 else day.day} {MONTHS['fr'][day.month - 1]} {day.year}"
    return f"{day.day} {day:%B %Y}"


def text_literals(source: str) -> list[ast.Constant]:
    """The texts an expression can give (a text fact's sentences, a deadline's words): its string constants
    that it does not compare an answer with (those are codes), in a stable order."""
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except (SyntaxError, RecursionError, MemoryError, ValueError):
        return []
    compared = {id(node) for compare in ast.walk(tree) if isinstance(compare, ast.Compare)
                for node in ast.walk(compare)}
    return [node for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in compared]


def _translate_literals(source: str, target: str, lookup: Lookup) -> str:
    """The expression with each text literal n replaced by lookup(f"{target}{n}", text) (1-based)."""
    nodes = text_literals(source)
    if not nodes:
        return source
    code = source.strip().encode()
    lines = [0]
    for line in code.split(b"\n")[:-1]:
        lines.append(lines[-1] + len(line) + 1)
    replacements = []
    for number, node in enumerate(nodes, start=1):
        translated = lookup(f"{target}{number}", node.value) if node.value else node.value
        if translated != node.value:
            start = lines[node.lineno - 1] + node.col_offset
            end = lines[node.end_lineno - 1] + node.end_col_offset  # type: ignore[operator]
            replacements.append((start, end, repr(str(translated)).encode()))
    for start, end, text in sorted(replacements, reverse=True):
        code = code[:start] + text + code[end:]
    return code.decode()


def is_translated(spec: Spec) -> bool:
    """Whether the Spec is a translation (translate(…, language=…)) rather than the content as authored."""
    return "@" in spec.content_hash


def translation_language(spec: Spec) -> str:
    """The language of a translated Spec; "en" for the content as authored."""
    return spec.content_hash.rpartition("@")[2] if is_translated(spec) else "en"


def texts(spec: Spec) -> dict[str, str]:
    """Every translatable text of a version by target, in the order of the content."""
    found: dict[str, str] = {}

    def record(target: str, text: str) -> str:
        found[target] = text
        return text

    translate(spec, record)
    return found


def translate(spec: Spec, lookup: Lookup, *, language: str = "") -> Spec:
    """The Spec with every non-empty text replaced by lookup(target, text). `language` marks the translated
    Spec's content hash (the engine caches compiled rules by it, and a rule's reason is a text)."""

    def t(target: str, text: str) -> str:
        return lookup(target, text) if text else text

    def fields(target: str, item: Any, *names: str) -> dict[str, str]:
        return {name: t(f"{target}:{name}", getattr(item, name)) for name in names}

    def question(q):
        return replace(q, **fields(f"question:{q.code}", q, "text", "help"),
                       choices=tuple(replace(c, **fields(f"choice:{q.code}={c.value}", c, "label", "help"))
                                     for c in q.choices))

    sections = tuple(replace(s, **fields(f"section:{s.code}", s, "title", "intro"),
                             questions=tuple(question(q) for q in s.questions)) for s in spec.sections)
    questions: dict[str, Any] = {}
    for section in sections:
        for q in section.questions:
            questions.setdefault(q.code, q)

    def outcome(o):
        counted: dict[str, int] = {}
        rules = []
        for rule in o.rules:
            counted[rule.value] = counted.get(rule.value, 0) + 1
            rules.append(replace(rule, reason=t(f"rule:{o.name}={rule.value}#{counted[rule.value]}:reason",
                                               rule.reason)))
        return replace(o, title=t(f"outcome:{o.name}:title", o.title),
                       values=tuple(replace(v, **fields(f"outcome:{o.name}={v.value}", v, "label", "description"))
                                    for v in o.values),
                       rules=tuple(rules))

    def chapter(ch):
        return replace(ch, **fields(f"chapter:{ch.id}", ch, "title", "summary"), commitments=tuple(
            replace(c, title=t(f"commitment:{ch.id}.{c.number}:title", c.title), measures=tuple(
                replace(m, **fields(f"measure:{m.id}", m, "title", "summary", "evidence")) for m in c.measures))
            for c in ch.commitments))

    constants: dict[str, Any] = dict(spec.constants)
    for name in TEXT_CONSTANTS:
        value = constants.get(name)
        if isinstance(value, Mapping):
            constants[name] = {key: t(f"constant:{name}:{key}", text) if isinstance(text, str) else text
                               for key, text in value.items()}

    return replace(
        spec,
        title=t("version:title", spec.title),
        content_hash=f"{spec.content_hash}@{language}" if language else spec.content_hash,
        constants=constants,
        sections=sections,
        questions=questions,
        facts=tuple(replace(f, label=t(f"fact:{f.name}:label", f.label),
                            expr=_translate_literals(f.expr, f"fact:{f.name}:text", t) if f.type == "text" else f.expr)
                    for f in spec.facts),
        outcomes=tuple(outcome(o) for o in spec.outcomes),
        obligations=tuple(replace(o, **fields(f"obligation:{o.id}", o, "title", "summary", "reason", "scope_note"))
                          for o in spec.obligations),
        deadlines=tuple(replace(d, **fields(f"deadline:{d.key}", d, "label", "explanation", "label_passed"),
                                value=_translate_literals(d.value, f"deadline:{d.key}:value", t))
                        for d in spec.deadlines),
        flags=tuple(replace(f, **fields(f"flag:{f.id}", f, "title", "explanation")) for f in spec.flags),
        chapters=tuple(chapter(ch) for ch in spec.chapters),
        sources=tuple(replace(s, **fields(f"source:{s.id}", s, "title", "short", "note")) for s in spec.sources),
        rules_note=t("rules_note", spec.rules_note),
        perspectives=tuple(replace(p, **fields(f"perspective:{p.key}", p, "title", "intro", "title_without_tasks",
                                               "intro_without_tasks")) for p in spec.perspectives),
        notices=tuple(replace(n, **fields(f"notice:{n.id}", n, "title", "text", "text_passed"))
                      for n in spec.notices),
        answer_checks=tuple(replace(a, message=t(f"answer_check:{a.id}:message", a.message))
                            for a in spec.answer_checks),
        article_groups=tuple(replace(g, title=t(f"article_group:{g.article}:title", g.title))
                             for g in spec.article_groups),
        next_steps=tuple(replace(n, text=t(f"next_step:{n.id}:text", n.text)) for n in spec.next_steps),
        checklists=tuple(replace(c, title=t(f"checklist:{c.id}:title", c.title),
                                 items=tuple(t(f"checklist:{c.id}:item{i}", item)
                                             for i, item in enumerate(c.items, start=1)))
                         for c in spec.checklists),
        general_dates=tuple(replace(g, text=t(f"general_date:{g.date}#{i}:text", g.text))
                            for i, g in enumerate(spec.general_dates, start=1)),
    )
