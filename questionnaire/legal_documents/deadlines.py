"""The documents' deadlines (pure: today is passed in). Numbers come from each document's YAML `rules`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_noop

from ..engine.expressions import add_months

ACT, CODE, SUGGESTED = "act", "code", "suggested"  # where a date comes from (Due.basis)


# Fixed deadline texts, kept English in the documents' data; pages translate them where they show them
# ({% translate d.what %}).
PUBLISH_SUMMARY_LEGACY = gettext_noop("Publish the summary (model placed before 2 August 2025)")
PUBLISH_SUMMARY = gettext_noop("Publish the summary (by placing the model on the EU market)")
APPROVE_POLICY_LEGACY = gettext_noop("Approve the policy (model placed before 2 August 2025)")
APPROVE_POLICY = gettext_noop("Approve the policy (in place when the model is placed on the market)")
REPORT_ACCESS = gettext_noop("Code commitment: give the AI Office access to the report by placing on the market "
                             "(Measure 7.7)")
INITIAL_REPORT = gettext_noop("Initial report")

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

    def overdue(self, today: dt.date) -> bool:
        return self.due is not None and self.due < today


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(str(value)[:10]) if value else None


def training_summary_dues(values: dict[str, Any], issued: list[dt.date], rules: dict[str, Any]) -> list[Due]:
    """Published by placement on the EU market [P~/S]; a model placed before 2 Aug 2025 by 2 Aug 2027 [P];
    while trained on new data, a new version at least every six months [S]."""
    if not issued:
        placed = _date(values.get("placement_date"))
        legacy_before = _date(rules["legacy_placed_before"])
        if placed and placed < legacy_before:
            return [Due(PUBLISH_SUMMARY_LEGACY, _date(rules["legacy_deadline"]))]
        return [Due(PUBLISH_SUMMARY, placed)]
    if values.get("continuous_training") == "yes":
        return [Due("Publish an updated version (continuous training: at least every "
                    f"{rules['update_interval_months']} months, as reported of the AI Office template)",
                    add_months(max(issued), int(rules["update_interval_months"])))]
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
        return [Due("Code commitment, if you signed the Safety and Security chapter: confirm the Safety and Security "
                    f"Framework at the latest {rules['framework_within_days']} days after notifying and "
                    f"{rules['framework_before_placing_days']} days before placing the model on the market "
                    "(Measure 1.1)", due, basis=CODE)]
    return [Due(f"Notify the Commission (at the latest {rules['notify_within_days']} days after the condition was "
                "met or became known, counted from 2 August 2025 at the earliest)",
                notification_due(values.get("condition_date"), rules))]


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
        return [Due(f"Keep the incident records at least until ({rules['retention_years']} years, Code Measure 9.4)",
                    keep, stage="retention", action=False, basis=CODE)]
    if "initial" not in stages:
        clock = initial_clock(values, rules)
        if clock is None or awareness is None:
            return [Due(INITIAL_REPORT, None, "Record the harm category and when you became aware", "initial",
                        basis=CODE)]
        if values.get("causal_link_status") not in rules["clock_statuses"]:
            return [Due(INITIAL_REPORT, None, "No clock yet: the causal link is still being investigated, which "
                        "is our reading of the Code", "initial", basis=CODE)]
        days, category = clock
        what = rules["clock_labels"][category]
        return [Due(f"Initial report (Code, Measure 9.3: {days} days from awareness, {what}; the AI Act asks for "
                    "reports without undue delay)",
                    awareness + dt.timedelta(days=days), stage="initial", basis=CODE)]
    if resolved:
        out.append(Due(f"Final report (Code, Measure 9.3: {rules['final_after_resolution_days']} days after "
                       "resolution)",
                       resolved + dt.timedelta(days=int(rules["final_after_resolution_days"])), stage="final",
                       basis=CODE))
    else:
        last = max(day for _, day in sent)
        out.append(Due(f"Intermediate report (Code, Measure 9.3: every {rules['intermediate_every_days']} days while "
                       "unresolved)",
                       last + dt.timedelta(days=int(rules["intermediate_every_days"])), stage="intermediate",
                       basis=CODE))
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
        return [Due(REPORT_ACCESS,
                    placed, basis=CODE)]
    out = []
    last = max(issued)
    if values.get("interim_flag") == "yes" and placed:
        out.append(Due(f"Code commitment: the full report after the interim one, at most "
                       f"{rules['late_with_interim_business_days']} business days after placing on the market "
                       "(Measure 7.7)",
                       add_business_days(placed, int(rules["late_with_interim_business_days"])), basis=CODE))
    elif confirmed and confirmed > last:
        out.append(Due(f"Code commitment: give the AI Office the updated report {rules['update_business_days']} "
                       "business days after its confirmation (Measure 7.7)",
                       add_business_days(confirmed, int(rules["update_business_days"])), basis=CODE))
    if values.get("most_capable") == "yes":
        out.append(Due(f"Code commitment: a periodic update at least every {rules['periodic_months']} months "
                       "(Measure 7.6)", add_months(last, int(rules["periodic_months"])), basis=CODE))
    return out


def copyright_policy_dues(values: dict[str, Any], issued: list[dt.date], rules: dict[str, Any]) -> list[Due]:
    """In place at placement (legacy models by 2 Aug 2027) [P]; reviewed at least yearly [U: our proposal]."""
    if not issued:
        placed = _date(values.get("placement_date"))
        if placed and placed < _date(rules["legacy_placed_before"]):
            return [Due(APPROVE_POLICY_LEGACY, _date(rules["legacy_deadline"]))]
        return [Due(APPROVE_POLICY, placed)]
    return [Due(f"Review the policy (at least every {rules['review_months']} months: our suggestion, set by "
                "neither the AI Act nor the Code)", add_months(max(issued), int(rules["review_months"])),
                basis=SUGGESTED)]


DUES = {"training_summary": training_summary_dues, "art52_notification": notification_dues,
        "serious_incident": incident_dues, "model_report": model_report_dues,
        "copyright_policy": copyright_policy_dues}


OUT_OF_RANGE = Due("Check this document's dates", None, "One of its dates is out of range, so its deadline "
                   "cannot be computed: correct the date")


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
