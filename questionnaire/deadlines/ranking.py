"""One ranked list of what is next for an organisation, across every source of dates:

- the legal dates of each model's current assessment (the result's deadlines that are duties:
  `obligations_apply_from`, `comply_by`, `systemic_duties_from`; and its dated notices: `notify_by`, `mandate_due`),
  a passed application date summarised once per model with the Code measures still open behind it;
- the due dates the organisation set on gap-analysis records;
- the legal documents' clocks (serious-incident reports, the notification, the Model Report, the training-content
  summary, the copyright policy: `legal_documents.deadlines`, through the action plan's row source);
- rules changes that wait for a review.

`ranked` is the one home of this list: the action plan, the dashboard's "Next deadline", the CSV, the calendar feed
and the reminder digest all read it. Dates are days in the organisation's time zone (`organisation_today`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from ..code_of_practice.action_plan import PlanRow, document_rows, measure_rows
from ..core.display import long_date
from ..core.translations import content_language, display_spec
from ..core.versions import current_version, spec_for
from ..engine.citations import cite
from ..legal_documents.deadlines import ACT, CODE, SUGGESTED
from ..legal_documents.definitions import definitions
from ..legal_documents.store import applies
from ..legal_documents.wording import due_what
from ..models import Assessment, RulesChange, current_assessments

DEFAULT_TIME_ZONE = "Europe/Brussels"

LEGAL, MEASURE, DOCUMENT, RULES_CHANGE = "legal", "measure", "document", "rules_change"  # Deadline.kind
OWN = "own"  # Deadline.basis: a date the organisation set itself (beside ACT, CODE and SUGGESTED)
BASIS_LABELS = {ACT: gettext_noop("AI Act"), CODE: gettext_noop("Code of Practice commitment, not a legal deadline"),
                SUGGESTED: gettext_noop("our suggestion, set by neither the AI Act nor the Code"),
                OWN: gettext_noop("your due date")}  # said in the language in use (basis_label)
SOON_DAYS = 30  # the action plan's "Due in the next 30 days"
STANDING_AFTER_DAYS = 30  # a date passed longer ago than this is a backlog: ranked after the clocks that still run


def time_zone(organisation) -> ZoneInfo:
    """The organisation's time zone (Europe/Brussels when unset or unknown)."""
    try:
        return ZoneInfo(getattr(organisation, "time_zone", "") or DEFAULT_TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIME_ZONE)


def organisation_today(organisation, now: dt.datetime | None = None) -> dt.date:
    """Today in the organisation's time zone: 23:30 UTC on 31 March is already 1 April in Brussels."""
    return (now or timezone.now()).astimezone(time_zone(organisation)).date()


@dataclass(frozen=True)
class OpenMeasure:
    """A Code measure still open behind an obligation's date."""

    id: str
    title: str
    status_label: str
    url: str


@dataclass(frozen=True)
class Deadline:
    """One dated thing to do for one model: what, by when, on what basis, where to act."""

    date: dt.date
    kind: str  # LEGAL, MEASURE, DOCUMENT or RULES_CHANGE
    title: str  # what is due, in the content's words where it has them
    model: Any  # the AIModel
    assessment: Any  # its current Assessment
    url: str  # where to act (a path)
    today: dt.date
    reference: str = ""  # the article(s) or the measure: "Art. 53(1)(a)", "TR-1.1"
    basis: str = ACT  # ACT, CODE, SUGGESTED or OWN
    detail: str = ""  # more words: what exactly is due, a status
    measures: tuple[OpenMeasure, ...] = ()  # for a legal date: the Code measures still open behind it
    key: str = ""  # what it is within its model (stable across amendments): the source of `uid`
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def overdue(self) -> bool:
        return self.date < self.today

    @property
    def days_left(self) -> int:
        """Days until the date (negative once passed)."""
        return (self.date - self.today).days

    @property
    def days_overdue(self) -> int:
        return max(0, -self.days_left)

    def due_within(self, days: int) -> bool:
        return 0 <= self.days_left <= days

    @property
    def standing(self) -> bool:
        """Passed more than STANDING_AFTER_DAYS ago: still binding, but a backlog rather than a running clock."""
        return self.days_overdue > STANDING_AFTER_DAYS

    @property
    def when(self) -> str:
        """'today', 'tomorrow', 'in 3 days', 'overdue by 12 days' (for a passed legal date: 'since 460 days')."""
        days = self.days_left
        if days == 0:
            return _("today")
        if days == 1:
            return _("tomorrow")
        if days > 1:
            return ngettext("in %(days)d day", "in %(days)d days", days) % {"days": days}
        if self.kind in (LEGAL, RULES_CHANGE):  # a date that applies since, not a task that is late
            return ngettext("%(days)d day ago", "%(days)d days ago", -days) % {"days": -days}
        return ngettext("overdue by %(days)d day", "overdue by %(days)d days", -days) % {"days": -days}

    @property
    def basis_label(self) -> str:
        label = BASIS_LABELS.get(self.basis, "")
        return _(label) if label else ""

    @property
    def cited(self) -> str:
        """The reference as the language in use cites the law ("Art. 55 Abs. 1 Buchst. c"); a measure as it is."""
        return cite(self.reference, content_language()) if self.reference else ""

    @property
    def summary(self) -> str:
        """One line for a summary, a calendar or a mail: the model first, then what and the reference."""
        reference = f" ({self.cited})" if self.reference and self.reference not in self.title else ""
        return f"{self.model.name}: {self.title}{reference}"

    @property
    def uid(self) -> str:
        """A stable identifier (calendar UID): the same thing to do keeps it when its date or the current
        assessment changes."""
        digest = hashlib.sha256(f"{self.model.pk}|{self.kind}|{self.key}".encode()).hexdigest()[:32]
        return f"{digest}@gpai-deadlines"


def rank_key(item: Deadline) -> tuple:
    """By date, except that what passed more than STANDING_AFTER_DAYS ago (obligations that apply since long with
    measures still open, a document that was due at placing) comes after what is recently overdue or still ahead:
    a serious-incident report due in three days comes before "obligations apply since 1 September 2025"."""
    return (item.standing, item.date, item.model.name, str(item.model.pk), KIND_ORDER.get(item.kind, 9), item.title)


KIND_ORDER = {LEGAL: 0, DOCUMENT: 1, MEASURE: 2, RULES_CHANGE: 3}  # on the same day and model: the law's date first


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _article(label: str) -> str:
    """'Art. 53' of 'Art. 53(1)(a)': a date that many obligations share names their articles once."""
    return label.split("(")[0].strip()


def _legal_items(assessment: Assessment, measures: list[PlanRow], today: dt.date,
                 documents_for: set[str], every_date: bool = False) -> list[Deadline]:
    """The result's duties with a date, and its dated notices, for one current assessment. A passed date with
    nothing open behind it is left out (nothing to do) unless `every_date` (the calendar keeps every date); a notice
    about an obligation whose legal document applies is left out (the document's own clock says it, with the
    document to act on)."""
    spec = spec_for(assessment.questionnaire_version)
    said = display_spec(assessment.questionnaire_version)  # the same texts in the reader's language, for titles
    said_deadlines = {d.key: d for d in said.deadlines}
    said_notices = {n.id: n for n in said.notices}
    result = assessment.snapshot["result"]
    due_keys = spec.constants.get("due_deadline_keys")
    due_keys = set(due_keys) if isinstance(due_keys, list) else {d.key for d in spec.deadlines}
    labels = {o.id: o.label for o in spec.obligations}
    result_url = reverse("result", kwargs={"assessment_id": assessment.pk})
    items = []
    for deadline in spec.deadlines:
        day = _date(result["deadlines"].get(deadline.key))
        if deadline.key not in due_keys or day is None:
            continue
        obligations = [o for o in spec.obligations if deadline.key in o.deadlines and o.id in result["obligations"]]
        reference = ", ".join(dict.fromkeys(_article(o.label) for o in obligations))
        labels_of_key = {deadline.label, deadline.label_passed}
        open_measures = tuple(
            OpenMeasure(r.key, r.title, r.status_label, r.url) for r in measures
            if r.assessment.pk == assessment.pk and r.legal_deadline == day and r.legal_deadline_label in labels_of_key)
        passed = day < today
        if passed and not open_measures and not every_date:
            continue
        words = said_deadlines.get(deadline.key, deadline)
        title = (words.label_passed or words.label) if passed else words.label
        detail = (ngettext("%(count)d measure not yet implemented", "%(count)d measures not yet implemented",
                           len(open_measures)) % {"count": len(open_measures)} if open_measures else "")
        items.append(Deadline(date=day, kind=LEGAL, title=f"{title} {long_date(day)}", model=assessment.ai_model,
                              assessment=assessment, url=result_url, today=today, reference=reference, basis=ACT,
                              detail=detail, measures=open_measures, key=f"deadline:{deadline.key}"))
    notices = {n.id: n for n in spec.notices}
    for shown in result.get("notices", []):
        day = _date(shown.get("date"))
        notice = notices.get(shown["id"])
        if day is None or notice is None or set(notice.about) & documents_for:
            continue
        reference = ", ".join(labels[o] for o in notice.about if o in labels)
        title = said_notices.get(notice.id, notice).title
        items.append(Deadline(date=day, kind=LEGAL, title=title, model=assessment.ai_model,
                              assessment=assessment, url=result_url, today=today, reference=reference, basis=ACT,
                              detail=shown["text_passed"] if day < today and shown.get("text_passed")
                              else shown.get("text", ""), key=f"notice:{notice.id}"))
    return items


def _measure_items(rows: list[PlanRow], today: dt.date) -> list[Deadline]:
    """The due dates the organisation set on open gap-analysis records."""
    return [Deadline(date=r.due_date, kind=MEASURE, title=f"{r.key} {r.title}", model=r.model, assessment=r.assessment,
                     url=r.url, today=today, reference=r.key, basis=OWN,
                     detail=_(r.status_label) + (_(", owner %(name)s") % {"name": r.owner_name} if r.owner_name
                                                 else ""),
                     key=f"measure:{r.key}") for r in rows if r.due_date]


def _document_items(rows: list[PlanRow], today: dt.date) -> list[Deadline]:
    """The legal documents' open clocks that have a date."""
    docs = definitions()
    items = []
    for r in rows:
        if r.date is None:
            continue
        doc = docs.get(r.key)
        reference = ""
        if doc is not None:
            spec = spec_for(r.assessment.questionnaire_version)
            reference = next((o.label for o in spec.obligations if o.id == doc.obligation), doc.legal_basis)
        basis = ACT if r.legal_deadline else CODE if r.code_date else SUGGESTED
        # the key (the calendar's UID) in English whatever the reader's language: "Serious-incident report No. 1",
        # "Initial report"
        what = r.status_label.split(" (")[0].strip()
        english = (f"{doc.title} No. {r.number}" if doc.many else doc.title) if doc is not None else r.title
        said = due_what(r.due) if r.due else _(r.status_label)  # in the language in use (the sentence of the content)
        shown = said.split(" (")[0].strip()
        items.append(Deadline(date=r.date, kind=DOCUMENT, title=_("%(document)s: %(what)s") % {
                                  "document": r.title, "what": shown}, model=r.model,
                              assessment=r.assessment, url=r.url, today=today, reference=reference, basis=basis,
                              detail=said, key=f"document:{r.key}:{english}:{what}"))
    return items


def _rules_change_items(assessments: list[Assessment], today: dt.date, zone: ZoneInfo) -> list[Deadline]:
    """A published rules version would change a current assessment's result: review it (dated the day it was
    noticed; no law sets a date for it)."""
    version = current_version()
    if version is None or not assessments:
        return []
    by_pk = {a.pk: a for a in assessments}
    items = []
    for change in RulesChange.objects.filter(assessment__in=list(by_pk), version=version):
        assessment = by_pk[change.assessment_id]
        items.append(Deadline(
            date=change.created_at.astimezone(zone).date(), kind=RULES_CHANGE,
            title=_("Review what the new rules would change"), model=assessment.ai_model, assessment=assessment,
            url=reverse("model_detail", kwargs={"model_id": assessment.ai_model_id}), today=today,
            reference="", basis=SUGGESTED, detail="; ".join(change.changes[:3]), key=f"rules:{version.pk}"))
    return items


def ranked(organisation, *, today: dt.date | None = None, model=None, every_date: bool = False) -> list[Deadline]:
    """Every dated deadline of the organisation's current assessments, ranked (rank_key). `today` defaults to
    today in the organisation's time zone; `every_date` keeps the legal dates passed with nothing open behind them
    (the calendar shows them, the lists do not). A fixed number of queries however many models and records."""
    zone = time_zone(organisation)
    today = today or organisation_today(organisation)
    currents = current_assessments(Assessment.objects.filter(organisation=organisation)).select_related(
        "ai_model", "organisation", "questionnaire_version")
    if model is not None:
        currents = currents.filter(ai_model=model)
    assessments = list(currents)
    if not assessments:
        return []
    measures = measure_rows(assessments, today)
    documents = document_rows(assessments, today)
    docs = definitions()
    items: list[Deadline] = []
    for assessment in assessments:
        documents_for = {doc.obligation for doc in docs.values() if applies(assessment, doc)}
        items += _legal_items(assessment, measures, today, documents_for, every_date)
    items += _measure_items(measures, today)
    items += _document_items(documents, today)
    items += _rules_change_items(assessments, today, zone)
    return sorted(items, key=rank_key)


def next_by_model(items: list[Deadline]) -> dict[Any, Deadline]:
    """The first ranked item of each model (the dashboard's "Next deadline")."""
    first: dict[Any, Deadline] = {}
    for item in items:
        first.setdefault(item.model.pk, item)
    return first


def standing_by_model(items: list[Deadline]) -> list[dict[str, Any]]:
    """The items passed long ago (`standing`), one group per model in rank order: the page and the digest say
    them once per model ("since 1 October 2025: the obligations, 40 measures; the copyright policy; …")."""
    groups: dict[Any, dict[str, Any]] = {}
    for item in items:
        if item.standing:
            group = groups.setdefault(item.model.pk, {"model": item.model, "since": item.date, "items": []})
            group["since"] = min(group["since"], item.date)
            group["items"].append(item)
    for group in groups.values():
        group["days"] = (group["items"][0].today - group["since"]).days
        group["others"] = [i for i in group["items"] if not i.measures]  # beside the obligations' summary
    return list(groups.values())


def sections(items: list[Deadline], *, days: int = SOON_DAYS) -> dict[str, Any]:
    """The action plan's (and the digest's) parts: what is recently overdue (a clock that ran out in the last
    STANDING_AFTER_DAYS), what passed long ago grouped per model (`standing`), what is due within `days`, and what
    comes later. `overdue_all`: both overdue parts, in the page's order (the CSV's rows)."""
    standing = standing_by_model(items)
    recent = [i for i in items if i.overdue and not i.standing]
    return {"overdue": recent, "standing": standing,
            "overdue_all": recent + [i for group in standing for i in group["items"]],
            "soon": [i for i in items if i.due_within(days)],
            "later": [i for i in items if i.days_left > days]}
