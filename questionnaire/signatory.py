"""How compliance is demonstrated, chapter by chapter: via the Code (signed) or by other adequate means.

Never a presumption of conformity: the Code is a way to demonstrate compliance (Art. 53(4), 55(2);
gpai-reference.md §2.7, §3.0). Which answer means a chapter is signed, and the texts, are content
(constants `signatory_chapter_choices` and `signatory_texts` in gpai.yaml).
"""

from __future__ import annotations

from .engine import Spec
from .models import SignatoryChoice, SignatoryStatus
from .versions import spec_for


def answered_statuses(spec: Spec, snapshot: dict) -> dict[str, str]:
    """Chapter -> status from the answer to cop_signatory_chapters (signed, or else not signing)."""
    signed = set(snapshot.get("answers", {}).get("cop_signatory_chapters") or [])
    choices = spec.constants.get("signatory_chapter_choices") or {}
    return {ch: SignatoryChoice.SIGNED.value if choices.get(ch) in signed else SignatoryChoice.NOT_SIGNING.value
            for ch in snapshot["result"]["code_chapters"]}


def statuses_for(assessment) -> dict[str, str]:
    """Chapter -> status for the chapters that apply: the organisation's record, else the questionnaire answer."""
    if not assessment.snapshot:
        return {}
    spec = spec_for(assessment.questionnaire_version)
    recorded = dict(SignatoryStatus.objects.filter(organisation_id=assessment.organisation_id)
                    .values_list("chapter", "status"))
    return {ch: recorded.get(ch) or status for ch, status in answered_statuses(spec, assessment.snapshot).items()}


def demonstration_text(spec: Spec, chapter_title: str, status: str) -> str:
    texts = spec.constants.get("signatory_texts") or {}
    text = texts.get(status) or texts.get(SignatoryChoice.NOT_SIGNING.value) or ""
    return text.replace("{chapter}", chapter_title)


def signing_texts(spec: Spec, chapter_statuses: list[tuple[str, str]]) -> list[dict[str, str]]:
    """What signing means (the Commission's FAQ, content constant `signing_texts`), once per signatory status in
    the order the chapters come: [{status, chapters (their titles), text}]."""
    texts = spec.constants.get("signing_texts") or {}
    by_status: dict[str, list[str]] = {}
    for title, status in chapter_statuses:
        by_status.setdefault(status, []).append(title)
    return [{"status": status, "chapters": ", ".join(titles),
             "text": texts[status].replace("{chapters}", ", ".join(titles))}
            for status, titles in by_status.items() if texts.get(status)]


def good_faith_text(spec: Spec, status: str) -> str:
    """The note beside a partly implemented measure of a chapter the organisation signed (else empty)."""
    if status != SignatoryChoice.SIGNED.value:
        return ""
    return (spec.constants.get("signing_texts") or {}).get("good_faith", "")


def review_text(spec: Spec) -> str:
    return (spec.constants.get("signing_texts") or {}).get("review", "")


def optional_chapter_texts(spec: Spec, code_chapters: list[str]) -> list[str]:
    """Chapters a provider may sign although its result does not have them (constant `optional_chapters`)."""
    if not code_chapters:
        return []
    optional = spec.constants.get("optional_chapters") or {}
    return [text for chapter, text in optional.items() if chapter not in code_chapters]
