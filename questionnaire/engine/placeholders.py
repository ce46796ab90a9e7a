"""Authored texts state the content's constants through placeholders, so that changing a constant changes every
sentence that states it: `more than {sr_threshold}` reads "more than 10^25 FLOP" while `sr_threshold` is 1e25,
and "more than 10^26 FLOP" once an admin changes it. The syntax is the one the engine's evaluated texts already
use: the constant's name in braces (docs/authoring.md lists them; translations keep the same placeholders).

`fill_constants` is the one function that fills them, for one text; `texts_filled` gives a Spec whose every
authored text is filled (core.versions.spec_for hands it to every page, the PDF, the action plan and e-mails).
`lint.written_out_constants` finds a value written out where its placeholder belongs."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from typing import Any

from .evaluate import _PLACEHOLDER, describe_value, share_reading
from .spec import Spec

# the fields of the Spec's dataclasses that hold text a person reads (ids, codes and expressions are not text)
TEXT_FIELDS = frozenset({
    "title", "label", "label_passed", "text", "text_passed", "help", "intro", "summary", "description",
    "explanation", "reason", "scope_note", "message", "note", "evidence", "rules_note", "items", "short",
    "title_without_tasks", "intro_without_tasks",
})


def constant_readings(spec: Spec) -> dict[str, str]:
    """Each constant a text may name, as a person reads it: numbers ("10^25 FLOP", "14"), dates ("2 August
    2025") and shares ({modifier_share}: "one third" while modifier_divisor is 3). Lists, mappings and texts are
    the pages' settings, not facts to state."""
    readings = {name: describe_value(spec, name, value) for name, value in spec.constants.items()
                if isinstance(value, int | float | dt.date) and not isinstance(value, bool)}
    for name in spec.constants:
        share = share_reading(spec, name.removesuffix("_divisor") + "_share") if name.endswith("_divisor") else None
        if share is not None:
            readings[name.removesuffix("_divisor") + "_share"] = share
    return readings


def fill_constants(text: str, spec: Spec, readings: Mapping[str, str] | None = None) -> str:
    """`text` with every {constant} placeholder replaced by the constant's reading; other placeholders (the
    facts an evaluated text names, a page's own such as {chapter}) are left for whoever fills them."""
    if not text or "{" not in text:
        return text
    readings = constant_readings(spec) if readings is None else readings
    return _PLACEHOLDER.sub(lambda match: readings.get(match.group(1), match.group(0)), text)


def texts_filled(spec: Spec) -> Spec:
    """The Spec with the constants filled into every authored text and the texts kept among the constants. The
    expressions stay as written: a text fact's placeholders are filled where a text names it (render_text),
    whichever Spec compiled the program (compile_spec caches it by content hash). The content hash stays the
    hash of what was authored."""
    readings = constant_readings(spec)
    if not readings:
        return spec

    def fill(value: Any, key: str = "") -> Any:
        if isinstance(value, str):
            return fill_constants(value, spec, readings) if key in TEXT_FIELDS else value
        if isinstance(value, tuple):
            return tuple(fill(item, key) for item in value)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            changes = {f.name: fill(getattr(value, f.name), f.name) for f in dataclasses.fields(value)
                       if f.name != "questions" or not isinstance(value, Spec)}
            return dataclasses.replace(value, **changes)
        return value

    filled = fill(spec)
    constants = {name: (_fill_nested(value, spec, readings) if name not in readings else value)
                 for name, value in spec.constants.items()}
    questions = {q.code: q for section in filled.sections for q in section.questions}
    return dataclasses.replace(filled, constants=constants, questions=questions)


def _fill_nested(value: Any, spec: Spec, readings: Mapping[str, str]) -> Any:
    if isinstance(value, str):
        return fill_constants(value, spec, readings)
    if isinstance(value, Mapping):
        return {k: _fill_nested(v, spec, readings) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_fill_nested(v, spec, readings) for v in value)
    return value
