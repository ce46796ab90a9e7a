"""How compliance is demonstrated, chapter by chapter: via the Code (signed) or by other adequate means.

Never a presumption of conformity: the Code is a way to demonstrate compliance (Art. 53(4), 55(2);
gpai-reference.md §2.7, §3.0). Which answer means a chapter is signed, and the texts, are content
(constants `signatory_chapter_choices` and `signatory_texts` in gpai.yaml).
"""

from __future__ import annotations

from ..engine import Spec
from ..engine.citations import cite
from ..engine.translation import translation_language
from ..models import SignatoryChoice, SignatoryStatus
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


def statuses_for_many(assessments) -> dict:
    """Assessment pk -> statuses_for(assessment), in one query for the organisations' records."""
    recorded: dict = {}
    organisations = {a.organisation_id for a in assessments}
    for org, chapter, status in SignatoryStatus.objects.filter(organisation_id__in=organisations).values_list(
            "organisation_id", "chapter", "status"):
        recorded.setdefault(org, {})[chapter] = status
    out = {}
    for assessment in assessments:
        if not assessment.snapshot:
            continue
        spec = spec_for(assessment.questionnaire_version)
        mine = recorded.get(assessment.organisation_id, {})
        out[assessment.pk] = {ch: mine.get(ch) or status
                              for ch, status in answered_statuses(spec, assessment.snapshot).items()}
    return out


def demonstration_text(spec: Spec, chapter, status: str, *, open_measures: int | None = None) -> str:
    """How compliance with what `chapter` covers is demonstrated, for this signatory status: the paragraph it rests
    on (Art. 53(4) or 55(2), constant `signatory_chapter_articles`), for a signed chapter how many of its measures
    are not yet implemented (when the gap analysis is known) and what the chapter says of its own reach."""
    texts = spec.constants.get("signatory_texts") or {}
    articles = spec.constants.get("signatory_chapter_articles") or {}
    notes = spec.constants.get("signatory_chapter_notes") or {}
    text = texts.get(status) or texts.get(SignatoryChoice.NOT_SIGNING.value) or ""
    article = cite(str(articles.get(chapter.id, "")), translation_language(spec))  # in the reader's style
    parts = [text.replace("{chapter}", chapter.title).replace("{article}", article)]
    if status == SignatoryChoice.SIGNED.value and open_measures is not None and texts.get("open_measures"):
        total = len(chapter.measures())
        parts.append(str(texts["open_measures"]).replace("{open}", str(open_measures)).replace("{total}", str(total)))
    if notes.get(chapter.id):
        parts.append(str(notes[chapter.id]))
    return " ".join(p for p in parts if p).replace(" ()", "")


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
