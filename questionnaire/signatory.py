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
