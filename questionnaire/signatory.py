"""How compliance is demonstrated, chapter by chapter: via the Code (signed) or by other adequate means.

Never a presumption of conformity: the Code is a way to demonstrate compliance (Art. 53(4), 55(2);
gpai-reference.md §2.7, §3.0).
"""

from __future__ import annotations

from .models import SignatoryChoice, SignatoryStatus

CHAPTER_ANSWERS = {"TRANSPARENCY": "transparency", "COPYRIGHT": "copyright", "SAFETY_SECURITY": "safety_security"}


def answered_statuses(snapshot: dict) -> dict[str, str]:
    """Chapter -> status from the answer to cop_signatory_chapters (signed, or else not signing)."""
    signed = set(snapshot.get("answers", {}).get("cop_signatory_chapters") or [])
    return {ch: SignatoryChoice.SIGNED.value if CHAPTER_ANSWERS.get(ch) in signed else SignatoryChoice.NOT_SIGNING.value
            for ch in snapshot["result"]["code_chapters"]}


def statuses_for(assessment) -> dict[str, str]:
    """Chapter -> status for the chapters that apply: the organisation's record, else the questionnaire answer."""
    if not assessment.snapshot:
        return {}
    recorded = dict(SignatoryStatus.objects.filter(organisation_id=assessment.organisation_id)
                    .values_list("chapter", "status"))
    return {ch: recorded.get(ch) or status for ch, status in answered_statuses(assessment.snapshot).items()}


def demonstration_text(chapter_title: str, status: str) -> str:
    if status == SignatoryChoice.SIGNED:
        return (f"Signed: you demonstrate compliance with the obligations the {chapter_title} chapter covers by "
                "adhering to it (Art. 53(4), 55(2)); the Commission focuses on monitoring adherence. Adherence is a "
                "way to demonstrate compliance, not a presumption of conformity.")
    if status == SignatoryChoice.INTENDS:
        return (f"You intend to sign the {chapter_title} chapter. Until you do, demonstrate compliance by other "
                "adequate means, for example this gap analysis against the Code's measures.")
    return (f"Not signing the {chapter_title} chapter: demonstrate compliance by other adequate means, for example a "
            "gap analysis against the Code's measures, and expect more requests for information (Guidelines §5.1).")
