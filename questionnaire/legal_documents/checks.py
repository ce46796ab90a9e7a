"""Completeness and rule checks before a document is issued (pure: no Django, no clock).

`check` answers every question a document must answer before it is published or sent: the mandatory
fields of the open blocks, then the document's own rules (numbers from its YAML). Errors block the issue
and are shown at their field; warnings are shown but do not block.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..engine import format_flop
from .deadlines import dues
from .definitions import DocumentDefinition

UNKNOWN_FIELD = "unknown_items"  # a serious-incident report records items not yet known here (M9.2)


@dataclass(frozen=True)
class CheckContext:
    stage: str | None = None
    earlier_labels: tuple[str, ...] = ()  # labels of the versions or reports issued before
    earlier: tuple[tuple[str, dt.date], ...] = ()  # (stage, date) of the reports issued before
    issued_on: dt.date | None = None  # the date of the version or report being issued
    last_issued_on: dt.date | None = None
    signatory: bool | None = None  # the organisation's signatory status for the document's chapter, if known
    today: dt.date | None = None
    related: dict[str, dict[str, Any]] = field(default_factory=dict)  # other documents of the assessment, by kind


@dataclass
class Findings:
    errors: dict[str, list[str]] = field(default_factory=dict)
    warnings: list[tuple[str, str]] = field(default_factory=list)

    def error(self, field_id: str, message: str) -> None:
        self.errors.setdefault(field_id, []).append(message)

    def warn(self, field_id: str, message: str) -> None:
        self.warnings.append((field_id, message))

    @property
    def ok(self) -> bool:
        return not self.errors


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def check(definition: DocumentDefinition, values: dict[str, Any], context: CheckContext | None = None) -> Findings:
    context = context or CheckContext()
    findings = Findings()
    open_fields = definition.open_fields(values)
    unknown = {str(v) for v in values.get(UNKNOWN_FIELD) or ()}
    unknown_allowed = context.stage not in definition.rules.get("unknown_not_allowed_in", ())
    if not unknown_allowed:
        unknown = set()
    for f in definition.fields().values():
        if f.id not in open_fields or not is_empty(values.get(f.id)):
            continue
        if f.report_item is not None and str(f.report_item) in unknown:
            continue  # recorded as not yet known (M9.2)
        if definition.is_required(f, values, context.stage):
            findings.error(f.id, "Record it as not yet known, or answer it" if f.report_item is not None
                           and unknown_allowed else "Answer it: the final report has every item"
                           if f.report_item is not None
                           else "Answer this question" if f.type in ("yes_no", "choice", "multi")
                           else "Fill in this field")
    rules = KIND_RULES.get(definition.kind)
    if rules:
        rules(definition, {k: v for k, v in values.items() if k in open_fields}, context, findings)
    return findings


# ---------------------------------------------------------------- training-content summary (legal-documents §1.4)


def required_domain_count(domain_count: int, *, sme: bool, rules: dict[str, Any]) -> int:
    """How many domains 2.3 must list: the top 10 % of the crawled domains (rounded up: a share of a domain
    is a domain); SMEs the top 5 % or 1 000 domains, whichever is lower [S; rounding U]."""
    if domain_count <= 0:
        return 0
    if sme:
        share = -(-domain_count * int(rules["sme_top_domains_percent"]) // 100)
        return min(share, int(rules["sme_top_domains_max"]))
    return -(-domain_count * int(rules["top_domains_percent"]) // 100)


def is_large_dataset(share_percent: Any, rules: dict[str, Any]) -> bool:
    """A public dataset above 3 % of the public data of its modality must be listed [S] (3 % itself is not)."""
    return Decimal(str(share_percent)) > Decimal(str(rules["large_dataset_share_percent"]))


def _same_modality(a: Any, b: str) -> bool:
    return str(a).strip().lower() == b


def training_summary_rules(definition, values, context: CheckContext, findings: Findings) -> None:
    rules = definition.rules
    fields = definition.fields()
    modalities = list(values.get("modalities") or [])
    alternatives = values.get("size_alt") or []
    for modality, size_field in rules["size_modalities"].items():
        if modality in modalities and is_empty(values.get(size_field)) and not any(
                _same_modality(row.get("modality"), modality) for row in alternatives):
            findings.error(size_field, f"{modality.capitalize()} is ticked: choose its size range, or give an "
                                       "approximate size in another unit")
    described = values.get("content_types") or []
    missing = [m for m in modalities if not any(_same_modality(r.get("modality"), m) for r in described)]
    if missing:
        findings.error("content_types", "Describe the types of content of every ticked modality; missing: "
                       + ", ".join(missing))
    for subset in rules["modality_subsets"]:
        extra = [m for m in values.get(subset) or () if m not in modalities]
        if extra:
            findings.error(subset, f"{', '.join(fields[subset].choice_label(m) for m in extra)} "
                                   f"{'is' if len(extra) == 1 else 'are'} not ticked under 1.3 Modality: "
                                   "the modalities of a data source must be among the model's")
    threshold = rules["large_dataset_share_percent"]
    for row in values.get("public_other_shares") or ():
        share = row.get("share_percent")
        if share not in ("", None) and is_large_dataset(share, rules):
            findings.warn("public_large_datasets", f"{row.get('name')} is {share} % of the public "
                          f"{row.get('modality') or ''} data, above {threshold} %: list it as a large dataset")
    for number, row in enumerate(values.get("public_large_datasets") or (), 1):
        if not row.get("url") and not row.get("description"):
            findings.error("public_large_datasets", f"Row {number} ({row.get('name')}): give a link, or describe "
                                                    "the dataset with its collection dates")
    if values.get("crawl_used") == "yes":
        count = values.get("crawl_domain_count")
        listed = values.get("crawl_top_domains") or []
        if count is not None and (not isinstance(count, int) or count < 1):
            findings.error("crawl_domain_count", "Give the number of crawled domains as a whole number, at least 1")
        elif count is not None:
            sme = values.get("is_sme") == "yes"
            needed = required_domain_count(count, sme=sme, rules=rules)
            if len(listed) < needed:
                most = f"{int(rules['sme_top_domains_max']):,}".replace(",", "\u00a0")
                rule = (f"SMEs list the top {rules['sme_top_domains_percent']} % or {most} domains, "
                        "whichever is lower"
                        if sme else f"the top {rules['top_domains_percent']} % of domains")
                findings.error("crawl_top_domains", f"List at least {needed} domain{'s' if needed != 1 else ''} "
                                                    f"({rule}, of {count} crawled); {len(listed)} listed")
            elif len(listed) > count:
                findings.error("crawl_top_domains", f"{len(listed)} domains listed but only {count} crawled")
        start, end = values.get("crawl_period_from"), values.get("crawl_period_to")
        if start and end and start > end:
            findings.error("crawl_period_to", "The end of the collection period is before its start")
    if values.get("covers_modification_only") == "yes" and str(values.get("model_dependencies") or "").strip(
            ).lower() in ("", "none", "n/a"):
        findings.error("model_dependencies", "This summary covers a modification: name the original model with "
                                             "its version and link its summary")
    if context.signatory is not None and values.get("cop_signatory") in ("yes", "no") and (
            values["cop_signatory"] == "yes") != context.signatory:
        findings.warn("cop_signatory", "This answer differs from your recorded signatory status for the "
                                       "Copyright chapter (gap analysis)")
    for crawler in crawlers_missing_from_policy(values, context.related.get(rules["cross_check_document"]) or {}):
        findings.warn("crawler_ids", f"{crawler} is not named in your copyright policy's crawler information")
    _versioning(values, context, findings, label_field="summary_version", date_field="last_update",
                links_field="previous_versions", done=definition.issue["done"])


def _versioning(values, context: CheckContext, findings: Findings, *, label_field: str, date_field: str,
                links_field: str | None, done: str = "issued") -> None:
    """A new version has a new id, a date not before the last one, and links to the earlier versions."""
    if context.stage is None or not context.earlier_labels:
        return
    label = str(values.get(label_field) or "").strip()
    if label and label in context.earlier_labels:
        findings.error(label_field, f"Version {label} was already {done}: give this version a new number")
    if links_field and is_empty(values.get(links_field)):
        findings.error(links_field, "Link the earlier published version(s): "
                                    + ", ".join(context.earlier_labels))
    updated = values.get(date_field)
    if updated and context.last_issued_on and dt.date.fromisoformat(updated) < context.last_issued_on:
        findings.error(date_field, f"The date cannot be before the previous version's "
                                   f"({context.last_issued_on.isoformat()})")


# ---------------------------------------------------------------- Art. 52(1) notification (legal-documents §2.4)


def two_significant_figures(text: Any) -> bool:
    """A figure written with exactly two significant figures as d.d (1.0 to 9.9), as the Guidelines ask."""
    return bool(re.fullmatch(r"[1-9]\.\d", str(text or "").strip()))


def flop_value(mantissa: Any, exponent: Any) -> Decimal:
    return Decimal(str(mantissa).strip()).scaleb(int(exponent))


def notification_rules(definition, values, context: CheckContext, findings: Findings) -> None:
    rules = definition.rules
    for mantissa_field, exponent_field in (("compute_mantissa", "compute_exponent"),
                                           ("original_compute_mantissa", "original_compute_exponent")):
        mantissa, exponent = values.get(mantissa_field), values.get(exponent_field)
        if mantissa not in (None, "") and not two_significant_figures(mantissa):
            findings.error(mantissa_field, f"Write “{mantissa}” with exactly two significant figures, as 1.0 to "
                                           "9.9 (e.g. 2.3), and put the power of ten in the next field")
        if exponent is not None and (not isinstance(exponent, int) or not 0 <= exponent <= 40):
            findings.error(exponent_field, "Give the power of ten as a whole number, e.g. 25")
    mantissa, exponent = values.get("compute_mantissa"), values.get("compute_exponent")
    if (values.get("trigger_type") in rules["threshold_triggers"] and two_significant_figures(mantissa)
            and isinstance(exponent, int) and 0 <= exponent <= 40
            and flop_value(mantissa, exponent) <= Decimal(rules["threshold_flop"])):
        threshold = format_flop(float(rules["threshold_flop"]))  # the rule's own figure, never a second copy
        findings.error("compute_mantissa", f"{mantissa} × 10^{exponent} FLOP is not above {threshold} FLOP: the "
                                           "presumption needs strictly more (Art. 51(2))")
    # the notification's own clock (deadlines.notification_due), through dues(): a date that cannot carry it
    # (9999-12-31) gives no due date here, never an error
    due = next((d.due for d in dues(definition.kind, values, [], rules) if d.due), None)
    if context.issued_on and due and not context.earlier:
        late = (context.issued_on - due).days
        if late > 0:
            findings.warn("condition_date", f"Sending on {context.issued_on:%-d %B %Y} is {late} day"
                                            f"{'s' if late != 1 else ''} after the two-week deadline of Art. 52(1) "
                                            f"({due:%-d %B %Y}): notify without further delay")
    refused = [g for g in values.get("args_grounds") or () if g in rules["refused_grounds"]]
    if refused:
        findings.error("args_grounds", "Mitigations are not accepted grounds for Art. 52(2) arguments "
                                       "(Guidelines §2.3.3): argue from the model's capabilities instead")


# ---------------------------------------------------------------- serious incidents (legal-documents §3.4)


def incident_rules(definition, values, context: CheckContext, findings: Findings) -> None:
    rules = definition.rules
    start, end = values.get("start_date"), values.get("end_date")
    if start and end and end < start:
        findings.error("end_date", "The end date is before the start date")
    awareness, resolved = values.get("awareness_datetime"), values.get("resolution_date")
    if awareness and resolved and resolved < awareness[:10]:
        findings.error("resolution_date", "The resolution date is before you became aware of the incident")
    if context.stage is None:
        return
    _report_dates_in_order(definition, values, context, findings)
    sent = [stage for stage, _ in context.earlier]
    if context.stage in rules["needs_initial_first"] and sent.count(definition.stages[0][0]) == 0:
        findings.error("", f"Send the {definition.stages[0][1].lower()} first")
    if context.stage == definition.stages[0][0] and definition.stages[0][0] in sent:
        findings.error("", f"The {definition.stages[0][1].lower()} was already sent: record an update as an "
                           f"{definition.stages[1][1].lower()} or the {definition.stages[2][1].lower()}")
    if context.stage == definition.stages[2][0] and definition.stages[2][0] in sent:
        findings.error("", f"The {definition.stages[2][1].lower()} was already sent")
    if context.issued_on and is_empty(values.get("exceptional_circumstances")):
        due = next((d.due for d in dues(definition.kind, values, [], rules, list(context.earlier))
                    if d.stage == context.stage and d.due), None)
        if due and context.issued_on > due:
            findings.error("exceptional_circumstances", f"This report is late (due {due:%-d %B %Y}): give the "
                                                        "exceptional circumstances")


def _report_dates_in_order(definition, values, context: CheckContext, findings: Findings) -> None:
    """A report cannot have been sent before the incident was known, before the report it follows, or (the
    final one) before the incident was resolved: a date that would hide a late report is refused."""
    day = context.issued_on
    if day is None:
        return
    label = dict(definition.stages).get(context.stage, "report")
    awareness = values.get("awareness_datetime")
    if awareness and day.isoformat() < awareness[:10]:
        findings.error("", f"The {label.lower()} cannot have been sent on {day:%-d %B %Y}, before you became aware "
                           f"of the incident ({dt.date.fromisoformat(awareness[:10]):%-d %B %Y})")
    last = max((sent_on for _, sent_on in context.earlier), default=None)
    if last and day < last:
        findings.error("", f"The {label.lower()} cannot have been sent on {day:%-d %B %Y}, before the report it "
                           f"follows ({last:%-d %B %Y})")
    resolved = values.get("resolution_date")
    final = definition.stages[-1][0]
    if context.stage == final and resolved and day.isoformat() < resolved:
        findings.error("", f"The {label.lower()} cannot have been sent on {day:%-d %B %Y}, before the incident was "
                           f"resolved ({dt.date.fromisoformat(resolved):%-d %B %Y})")


# ---------------------------------------------------------------- Model Report (legal-documents §4.4)


def model_report_rules(definition, values, context: CheckContext, findings: Findings) -> None:
    needed = int(definition.rules["min_samples_per_evaluation"])
    samples: dict[str, int] = {}
    for row in values.get("m73_samples") or ():
        key = str(row.get("eval", "")).strip().lower()
        samples[key] = samples.get(key, 0) + 1
    for row in values.get("m73_evals") or ():
        name = str(row.get("eval", "")).strip()
        count = samples.get(name.lower(), 0)
        if count < needed:
            findings.error("m73_samples", f"{name}: {count} random sample{'s' if count != 1 else ''}; give at "
                                          f"least {needed} per evaluation (M7.3)")
    if context.stage is not None and context.earlier_labels:
        for field_id in ("changelog", "update_trigger"):
            if is_empty(values.get(field_id)):
                findings.error(field_id, "Required for an updated report (M7.6)")
    _versioning(values, context, findings, label_field="report_version", date_field="report_date",
                links_field=None, done=definition.issue["done"])


# ---------------------------------------------------------------- copyright policy (legal-documents §5.4)


def crawlers_missing_from_policy(summary: dict[str, Any], policy: dict[str, Any]) -> list[str]:
    """Crawlers the training-content summary names (2.3) that the copyright policy's crawler information does
    not: the two documents state the same facts [U: our check]."""
    if summary.get("crawl_used") != "yes" or not policy:
        return []
    described = f"{policy.get('crawler_transparency') or ''} {policy.get('robots_txt') or ''}".lower()
    return [str(c) for c in summary.get("crawler_ids") or () if str(c).lower() not in described]


def copyright_policy_rules(definition, values, context: CheckContext, findings: Findings) -> None:
    summary = context.related.get(definition.rules["cross_check_document"]) or {}
    for crawler in crawlers_missing_from_policy(summary, values):
        findings.warn("crawler_transparency", f"The training-content summary names the crawler {crawler}; "
                                              "the policy's crawler information does not")
    _versioning(values, context, findings, label_field="policy_version", date_field="review_date",
                links_field=None, done=definition.issue["done"])


KIND_RULES: dict[str, Callable[[DocumentDefinition, dict[str, Any], CheckContext, Findings], None]] = {
    "training_summary": training_summary_rules,
    "art52_notification": notification_rules,
    "serious_incident": incident_rules,
    "model_report": model_report_rules,
    "copyright_policy": copyright_policy_rules,
}
