"""Translatable texts of a version and whether a translation is stale (its source text changed)."""

from __future__ import annotations

import hashlib

from ..engine import Spec


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def source_texts(spec: Spec) -> dict[str, str]:
    """Every translatable text of a version by target name."""
    texts: dict[str, str] = {}
    for section in spec.sections:
        texts[f"section:{section.code}:title"] = section.title
        if section.intro:
            texts[f"section:{section.code}:intro"] = section.intro
        for question in section.questions:
            texts[f"question:{question.code}:text"] = question.text
            if question.help:
                texts[f"question:{question.code}:help"] = question.help
            if question.type.value != "yes_no" or question.other_answers():
                for choice in question.choices:
                    texts[f"choice:{question.code}={choice.value}:label"] = choice.label
                    if choice.help:
                        texts[f"choice:{question.code}={choice.value}:help"] = choice.help
    for obligation in spec.obligations:
        for field in ("title", "summary", "reason", "scope_note"):
            if getattr(obligation, field):
                texts[f"obligation:{obligation.id}:{field}"] = getattr(obligation, field)
    for flag in spec.flags:
        texts[f"flag:{flag.id}:title"] = flag.title
        texts[f"flag:{flag.id}:explanation"] = flag.explanation
    for notice in spec.notices:
        texts[f"notice:{notice.id}:title"] = notice.title
        texts[f"notice:{notice.id}:text"] = notice.text
        if notice.text_passed:
            texts[f"notice:{notice.id}:text_passed"] = notice.text_passed
    for next_step in spec.next_steps:
        texts[f"next_step:{next_step.id}:text"] = next_step.text
    for measure in spec.measures().values():
        for field in ("title", "summary", "evidence"):
            if getattr(measure, field):
                texts[f"measure:{measure.id}:{field}"] = getattr(measure, field)
    return texts


def is_stale(texts: dict[str, str], target: str, source_hash: str) -> bool:
    source = texts.get(target)
    return source is None or text_hash(source) != source_hash
