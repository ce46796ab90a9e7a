"""The documents' deadlines (pure: today is passed in). Numbers come from each document's YAML `rules`, and so do
the sentences that say what is due (`rules.texts`, with {placeholders} for the numbers): a Due keeps the English
sentence with its figures (`what`, what the CSV, the API and the document's JSON carry) and the sentence and values
it was written from (`text`, `values`), so that a page, the calendar or a digest can say it in the reader's
language (`legal_documents.wording`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_noop

from ..engine.expressions import add_months

ACT, CODE, SUGGESTED = "act", "code", "suggested"  # where a date comes from (Due.basis)


@dataclass(frozen=True)
class Due:
    what: str
    due: dt.date | None
    note: str = ""
    stage: str = ""  # the report it is the deadline of (serious incidents)
    action: bool = True  # False: shown on the document's page only (a retention date), not in the action plan
    # ACT: a date the AI Act sets (or the template it makes mandatory); CODE: a commitment of the Code of Practice,
    # binding only a signatory of that chapter, never a legal deadline; SUGGESTED: our suggestion, set by neither
    basis: str = ACT
    text: str = ""  # the content's English sentence `what` was written from ({placeholders}); "" for a fixed text
    values: tuple[tuple[str, Any], ...] = ()  # the values of its placeholders (numbers, or words of the rules)
    note_text: str = ""  # the content's sentence of `note` ("" for a fixed interface text)

    def overdue(self, today: dt.date) -> bool:
        return self.due is not None and self.due < today


def said(rules: dict[str, Any], key: str, **values: Any) -> dict[str, Any]:
    """A Due's `what`, `text` and `values` from the document's sentence `key` (rules.texts) and its values."""
    text = rules["texts"][key]
    return {"what": text.format(**values), "text": text, "values": tuple(values.items())}


def _note(rules: dict[str, Any], key: str) -> dict[str, str]:
    text = rules["texts"][key]
    return {"note": text, "note_text": text}


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(str(value)[:10]) if value else None


def training_summary_dues(values: dict[str, Any], issued: list[dt.date], rules: dict[str, Any]) -> list[Due]:
    """Published by placement on the EU market [P~/S]; a model placed before 2 Aug 2025 by 2 Aug 2027 [P];
    while trained on new data, a new version at least every six months [S]."""
    if not issued:
        placed = _date(values.get("placement_date"))
        legacy_before = _date(rules["legacy_placed_before"])
        if placed and placed < legacy_before:
            return [Due(**said(rules, "publish_legacy"), due=_date(rules["legacy_deadline"]))]
        return [Due(**said(rules, "publish"), due=placed)]
    if values.get("continuous_training") == "yes":
        months = int(rules["update_interval_months"])
        return [Due(**said(rules, "update", months=months), due=add_months(max(issued), months))]
    return []


def notification_due(condition: Any, rules: dict[str, Any]) -> dt.date | None:
    """The last day to notify: two weeks after the condition was met or became known [P] Art. 52(1), counted from
    the day Chapter V applied at the earliest: a threshold met before 2 Aug 2025 was due by 16 Aug 2025 [P]
    Guidelines §5.3 (whether the weekend rule of Reg. 1182/71 moves it to 18 Aug is [U]; not applied)."""
    start = _date(condition)
    if start is None:
        return None
    return max(start, _date(rules["rules_apply_from"])) + dt.timedelta(days=int(rules["notify_within_days"]))


def notification_dues(values: dict[str, Any], issued: list[dt.date], rules: dict[str, Any]) -> list[Due]:
    """Without delay, and at the latest two weeks after the condition was met or became known [P] Art. 52(1).
    Once notified, a signatory of the Safety and Security chapter confirms its Framework at the latest 4 weeks
    after notifying and at the latest 2 weeks before placing the model on the market, whichever comes first
    (Code, Measure 1.1 [P]): a Code commitment, not a legal deadline."""
    if issued:
        due = min(issued) + dt.timedelta(days=int(rules["framework_within_days"]))
        placed = _date(values.get("placement_date"))
        if placed:
            due = min(due, placed - dt.timedelta(days=int(rules["framework_before_placing_days"])))
        return [Due(**said(rules, "framework", days=int(rules["framework_within_days"]),
                           days_before=int(rules["framework_before_placing_days"])), due=due, basis=CODE)]
    return [Due(**said(rules, "notify", days=int(rules["notify_within_days"])),
                due=notification_due(values.get("condition_date"), rules))]


def initial_clock(values: dict[str, Any], rules: dict[str, Any]) -> tuple[int, str] | None:
    """(days, harm category) of the initial report: the shortest clock of the categories that apply [U]."""
    clocks = rules["clocks"]
    categories = [c for c in values.get("harm_category") or () if c in clocks]
    if not categories:
        return None
    category = min(categories, key=lambda c: (clocks[c], list(clocks).index(c)))
    return int(clocks[category]), category


def incident_dues(values: dict[str, Any], sent: list[tuple[str, dt.date]], rules: dict[str, Any]) -> list[Due]:
    """The next report of an incident: initial 2/5/10/15 days after awareness [P] (shortest when several
    categories apply, calendar days [U]); then every 28 days after the last report while unresolved [P]; the
    final report 60 days after resolution [P]; records kept 5 years after the later of the documentation and
    the incident [P]."""
    stages = [stage for stage, _ in sent]
    awareness = _date(values.get("awareness_datetime"))
    resolved = _date(values.get("resolution_date"))
    out: list[Due] = []
    if "final" in stages:
        documented = max(day for _, day in sent)
        incident = _date(values.get("start_date")) or awareness or documented
        keep = add_months(max(documented, incident), 12 * int(rules["retention_years"]))
        return [Due(**said(rules, "retention", years=int(rules["retention_years"])), due=keep, stage="retention",
                    action=False, basis=CODE)]
    if "initial" not in stages:
        clock = initial_clock(values, rules)
        if clock is None or awareness is None:
            return [Due(**said(rules, "initial_report"), due=None, **_note(rules, "no_awareness"), stage="initial",
                        basis=CODE)]
        if values.get("causal_link_status") not in rules["clock_statuses"]:
            return [Due(**said(rules, "initial_report"), due=None, **_note(rules, "no_clock"), stage="initial",
                        basis=CODE)]
        days, category = clock
        return [Due(**said(rules, "initial", days=days, harm=rules["clock_labels"][category]),
                    due=awareness + dt.timedelta(days=days), stage="initial", basis=CODE)]
    if resolved:
        days = int(rules["final_after_resolution_days"])
        out.append(Due(**said(rules, "final", days=days), due=resolved + dt.timedelta(days=days), stage="final",
                       basis=CODE))
    else:
        last = max(day for _, day in sent)
        days = int(rules["intermediate_every_days"])
        out.append(Due(**said(rules, "intermediate", days=days), due=last + dt.timedelta(days=days),
                       stage="intermediate", basis=CODE))
    return out


def add_business_days(day: dt.date, days: int) -> dt.date:
    """Monday to Friday; public holidays are not known here and not skipped [U]."""
    while days > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def model_report_dues(values: dict[str, Any], issued: list[dt.date], rules: dict[str, Any]) -> list[Due]:
    """AI Office access by placement [P]; with an interim report, the full one at most 15 business days later
    [P]; an update within 5 business days of its governance confirmation [P]; most capable models at least
    every six months [P] (its three exemptions are the provider's call)."""
    placed = _date(values.get("placement_date"))
    confirmed = _date(values.get("confirmed_date"))
    if not issued:
        return [Due(**said(rules, "access"), due=placed, basis=CODE)]
    out = []
    last = max(issued)
    if values.get("interim_flag") == "yes" and placed:
        days = int(rules["late_with_interim_business_days"])
        out.append(Due(**said(rules, "full_after_interim", days=days), due=add_business_days(placed, days),
                       basis=CODE))
    elif confirmed and confirmed > last:
        days = int(rules["update_business_days"])
        out.append(Due(**said(rules, "update", days=days), due=add_business_days(confirmed, days), basis=CODE))
    if values.get("most_capable") == "yes":
        months = int(rules["periodic_months"])
        out.append(Due(**said(rules, "periodic", months=months), due=add_months(last, months), basis=CODE))
    return out


def copyright_policy_dues(values: dict[str, Any], issued: list[dt.date], rules: dict[str, Any]) -> list[Due]:
    """In place at placement (legacy models by 2 Aug 2027) [P]; reviewed at least yearly [U: our proposal]."""
    if not issued:
        placed = _date(values.get("placement_date"))
        if placed and placed < _date(rules["legacy_placed_before"]):
            return [Due(**said(rules, "approve_legacy"), due=_date(rules["legacy_deadline"]))]
        return [Due(**said(rules, "approve"), due=placed)]
    months = int(rules["review_months"])
    return [Due(**said(rules, "review", months=months), due=add_months(max(issued), months), basis=SUGGESTED)]


DUES = {"training_summary": training_summary_dues, "art52_notification": notification_dues,
        "serious_incident": incident_dues, "model_report": model_report_dues,
        "copyright_policy": copyright_policy_dues}


# not a legal sentence: the interface's own words, translated from the catalogues where they are shown
OUT_OF_RANGE = Due(gettext_noop("Check this document's dates"), None, gettext_noop(
    "One of its dates is out of range, so its deadline cannot be computed: correct the date"))


def dues(kind: str, values: dict[str, Any], issued: list[dt.date], rules: dict[str, Any],
         stages: list[tuple[str, dt.date]] | None = None) -> list[Due]:
    """The open deadlines of one document (or register entry). Every page, export and check asks here, so a
    record whose date cannot carry a clock (stored before dates were bounded at the field, e.g. 9999-12-31
    plus 14 days) gives one "check the dates" row instead of failing the page for everyone."""
    rule = DUES.get(kind)
    if rule is None:
        return []
    try:
        if kind in STAGED:
            return rule(values, stages or [], rules)
        return rule(values, issued, rules)
    except (OverflowError, ValueError):
        return [OUT_OF_RANGE]


STAGED = {"serious_incident"}
