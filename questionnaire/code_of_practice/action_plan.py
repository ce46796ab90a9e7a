"""The organisation's action plan: what is still open on each model's current assessment, with its dates.

Rows come from row sources (ROW_SOURCES): each takes the current assessments and gives PlanRows. The Code of
Practice measures are one source, the legal documents due (not yet issued, or with a report or update due)
the other; their rows are sorted, filtered, shown and exported (CSV) together.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from ..core.csv_export import csv_text
from ..core.signatory import statuses_for_many
from ..core.translations import display_spec, document_language
from ..legal_documents.checks import check
from ..legal_documents.deadlines import ACT, CODE, SUGGESTED, Due, dues
from ..legal_documents.definitions import definitions
from ..legal_documents.store import applies, organisation_kinds, prefill_values
from ..models import (
    NOT_RECORDED,
    OPEN_STATUSES,
    AIModel,
    Assessment,
    GapItem,
    LegalDocument,
    MeasureStatus,
    SignatoryChoice,
    current_assessments,
)

NOT_RECORDED_STATUS = "not_recorded"
DOCUMENT_DUE = "document_due"  # a document row's status: something is due (what, in its status_label)


@dataclass
class PlanRow:
    """One open thing to do for a model's current assessment."""

    assessment: Assessment
    kind: str  # "measure" or "document"
    key: str  # the measure id (data-measure on the page), or the document's kind
    title: str
    status: str  # a MeasureStatus value, NOT_RECORDED_STATUS when nothing was recorded yet, or DOCUMENT_DUE
    status_label: str  # for a document: what is due
    url: str
    owner: Any = None
    due_date: dt.date | None = None
    legal_deadline: dt.date | None = None  # a date the AI Act sets (for a measure: when the obligation it serves
    #                                        applies), never a Code date
    legal_deadline_label: str = ""
    code_date: dt.date | None = None  # a commitment of the Code of Practice, for a signatory of its chapter only
    suggested_date: dt.date | None = None  # our suggestion, set by neither the AI Act nor the Code
    today: dt.date | None = None
    due: Due | None = None  # for a document: the deadline itself, to say it in the reader's language
    number: int = 0  # for a document of which there are several (an incident): its number
    position: int = 0  # order within the assessment (the Code's order of measures)
    incomplete: bool = False  # a document not issued yet whose draft misses something

    @property
    def model(self):
        return self.assessment.ai_model

    @property
    def overdue(self) -> bool:
        return bool(self.due_date and self.today and self.due_date < self.today)

    @property
    def legal_deadline_passed(self) -> bool:
        return bool(self.legal_deadline and self.today and self.legal_deadline < self.today)

    @property
    def code_date_passed(self) -> bool:
        return bool(self.code_date and self.today and self.code_date < self.today)

    @property
    def date(self) -> dt.date | None:
        """The row's date, whatever sets it: the AI Act, the Code or our suggestion (see `date_basis`)."""
        return self.legal_deadline or self.code_date or self.suggested_date

    @property
    def date_basis(self) -> str:
        """What sets the date, in the language in use (the page's words; the CSV has a column per basis)."""
        return (_("AI Act") if self.legal_deadline else _("Code commitment, not a legal deadline") if self.code_date
                else _("our suggestion") if self.suggested_date else "")

    @property
    def date_passed(self) -> bool:
        return bool(self.date and self.today and self.date < self.today)

    @property
    def days_since_legal_deadline(self) -> int:
        return (self.today - self.legal_deadline).days if self.legal_deadline_passed else 0

    @property
    def owner_name(self) -> str:
        return self.owner.get_username() if self.owner else ""


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def legal_deadline(spec, result: dict[str, Any], measure, today: dt.date | None = None) -> tuple[dt.date | None, str]:
    """When the law requires what a measure serves, for this result: for each obligation it serves that applies,
    the latest of that obligation's dates (as the content lists them); the earliest of those over the
    obligations. (None, "") when no date applies. The label reads "… since" once the date is before `today`."""
    deadlines = result["deadlines"]
    by_key = {d.key: d for d in spec.deadlines}
    obligations = {o.id: o for o in spec.obligations}
    best: tuple[dt.date, str] | None = None
    for obligation_id in measure.serves:
        obligation = obligations.get(obligation_id)
        if obligation is None or obligation_id not in result["obligations"]:
            continue
        dated = [(day, key) for key in obligation.deadlines if (day := _date(deadlines.get(key)))]
        if dated:
            day, key = max(dated)
            if best is None or day < best[0]:
                deadline = by_key.get(key)
                past = today is not None and day < today and deadline is not None and deadline.label_passed
                best = (day, (deadline.label_passed if past else deadline.label) if deadline else key)
    return best if best else (None, "")


def code_date(spec, assessment: Assessment, measure_id: str, signed: set[str]) -> dt.date | None:
    """When the Code expects a measure of a signed chapter in place (content constant
    `measures_due_before_placement`: days before placing on the market), or None."""
    expected = spec.constants.get("measures_due_before_placement") or {}
    placed = _date(str(assessment.snapshot.get("answers", {}).get("first_eu_placement_date") or "")[:10])
    chapter = next((ch.id for ch in spec.chapters if any(m.id == measure_id for m in ch.measures())), None)
    applies = spec.constants.get("chapter_v_applies")
    if measure_id not in expected or placed is None or chapter not in signed:
        return None
    if isinstance(applies, dt.date) and placed < applies:
        return None  # placed before the rules and the Code applied: no "by placing" date (Art. 111(3))
    return placed - dt.timedelta(days=int(expected[measure_id]))


def measure_rows(assessments: list[Assessment], today: dt.date) -> list[PlanRow]:
    """Every applicable Code measure of each assessment that is not done: recorded as open, or never recorded."""
    items: dict[Any, dict[str, GapItem]] = defaultdict(dict)
    for item in GapItem.objects.filter(assessment__in=[a.pk for a in assessments]).select_related("owner"):
        items[item.assessment_id][item.measure] = item
    statuses = statuses_for_many(assessments)
    labels = dict(MeasureStatus.choices)
    rows = []
    for assessment in assessments:
        spec = display_spec(assessment.questionnaire_version)
        measures = spec.measures()
        result = assessment.snapshot["result"]
        signed = {ch for ch, status in statuses.get(assessment.pk, {}).items() if status == SignatoryChoice.SIGNED}
        for position, measure_id in enumerate(result["code_measures"]):
            item = items[assessment.pk].get(measure_id)
            recorded = item is not None and item.revision > 0
            if recorded and item.status not in OPEN_STATUSES:
                continue
            measure = measures.get(measure_id)
            day, label = legal_deadline(spec, result, measure, today) if measure else (None, "")
            rows.append(PlanRow(
                assessment=assessment, kind="measure", key=measure_id, title=measure.title if measure else "",
                status=item.status if recorded else NOT_RECORDED_STATUS,
                status_label=labels[item.status] if recorded else NOT_RECORDED,
                url=reverse("gap_item", kwargs={"assessment_id": assessment.pk, "measure": measure_id}),
                owner=item.owner if recorded else None, due_date=item.due_date if recorded else None,
                legal_deadline=day, legal_deadline_label=label, today=today, position=position,
                code_date=code_date(spec, assessment, measure_id, signed)))
    return rows


def document_rows(assessments: list[Assessment], today: dt.date) -> list[PlanRow]:
    """One row per open deadline of each legal document that applies to an assessment: a document not yet
    issued (also one not yet started), or one whose next deadline (an update, an intermediate or final incident
    report) is open. The deadline is the row's legal deadline."""
    by_pk = {a.pk: a for a in assessments}
    shared = organisation_kinds()  # kept once per organisation: one row, under an assessment that needs it
    documents = LegalDocument.objects.filter(
        (Q(assessment_id__in=list(by_pk)) & ~Q(kind__in=shared))
        | Q(organisation_id__in={a.organisation_id for a in assessments}, kind__in=shared)).prefetch_related("issues")
    started = {(d.assessment_id, d.kind) for d in documents}
    started |= {(a.pk, d.kind) for d in documents if d.organisation_id for a in assessments
                if a.organisation_id == d.organisation_id}
    rows = []
    for document in documents:
        doc = definitions(document_language()).get(document.kind)
        assessment = by_pk.get(document.assessment_id) or next(
            (a for a in assessments if doc and a.organisation_id == document.organisation_id and applies(a, doc)), None)
        if doc is None or assessment is None or not applies(assessment, doc):
            continue
        issues = sorted(document.issues.all(), key=lambda i: i.sequence)
        open_dues = dues(doc.kind, document.values, [i.issued_on for i in issues], doc.rules,
                         [(i.stage, i.issued_on) for i in issues])
        incomplete = not issues and not check(doc, document.values).ok
        title = f"{doc.title} {_('No. %(n)s') % {'n': document.number}}" if doc.many else doc.title
        url = reverse("legal_document_entry" if doc.many else "legal_document",
                      kwargs={"assessment_id": assessment.pk, "kind": doc.kind,
                              **({"number": document.number} if doc.many else {})})
        rows += [_document_row(assessment, doc, title, url, due, today, incomplete, document.number)
                 for due in open_dues if due.action]
    # What a document not yet started would be filled from, read for every assessment at once (a fixed number of
    # queries however many assessments and documents there are).
    statuses = statuses_for_many(assessments)
    related: dict[Any, dict[str, Any]] = defaultdict(dict)
    for document in documents:
        if document.number == 0:
            for a in assessments:
                if a.pk == document.assessment_id or (document.kind in shared
                                                      and a.organisation_id == document.organisation_id):
                    related[a.pk][document.kind] = document.values
    models: dict[Any, list[str]] = defaultdict(list)
    for organisation_id, name in AIModel.objects.filter(
            organisation_id__in={a.organisation_id for a in assessments}).values_list("organisation_id", "name"):
        models[organisation_id].append(name)
    evidence: dict[Any, dict[str, str]] = defaultdict(dict)
    for assessment_id, measure, text in GapItem.objects.filter(assessment_id__in=list(by_pk)).exclude(
            evidence="").values_list("assessment_id", "measure", "evidence"):
        evidence[assessment_id][measure] = text
    for assessment in assessments:
        for doc in definitions(document_language()).values():
            if doc.many or (assessment.pk, doc.kind) in started or not applies(assessment, doc):
                continue
            url = reverse("legal_document", kwargs={"assessment_id": assessment.pk, "kind": doc.kind})
            values = prefill_values(doc, assessment, statuses=statuses.get(assessment.pk, {}),
                                    related=related[assessment.pk],
                                    organisation_models=models[assessment.organisation_id],
                                    gap_evidence=evidence[assessment.pk])
            rows += [_document_row(assessment, doc, doc.title, url, due, today, True)
                     for due in dues(doc.kind, values, [], doc.rules, []) if due.action]
    rows.sort(key=lambda r: (r.date or dt.date.max, r.model.name, r.title))
    for position, row in enumerate(rows):
        row.position = position
    return rows


def _document_row(assessment, doc, title: str, url: str, due, today: dt.date, incomplete: bool,
                  number: int = 0) -> PlanRow:
    """A document's open deadline, under the column of what sets it: the AI Act, the Code or our suggestion."""
    return PlanRow(assessment=assessment, kind="document", key=doc.kind, title=title, status=DOCUMENT_DUE,
                   status_label=due.what, due=due, number=number, url=url, today=today, incomplete=incomplete,
                   legal_deadline=due.due if due.basis == ACT else None,
                   code_date=due.due if due.basis == CODE else None,
                   suggested_date=due.due if due.basis == SUGGESTED else None)


ROW_SOURCES: tuple[Callable[[list[Assessment], dt.date], list[PlanRow]], ...] = (measure_rows, document_rows)


def sort_key(row: PlanRow) -> tuple:
    """Real dates before missing ones: legal deadline first, then due date; then model and the Code's order."""
    far = dt.date.max
    return (row.legal_deadline is None, row.legal_deadline or far, row.code_date or far, row.due_date is None,
            row.due_date or far, row.model.name, str(row.assessment.pk), row.position)


def plan_rows(organisation, *, today: dt.date, model=None, status=None, owner=None) -> list[PlanRow]:
    """The open rows of each model's current assessment (never of a superseded one), sorted by sort_key.
    A fixed number of queries however many assessments each model has."""
    currents = current_assessments(Assessment.objects.filter(organisation=organisation)).select_related(
        "ai_model", "organisation", "questionnaire_version")
    if model:
        currents = currents.filter(ai_model_id=model)
    assessments = list(currents)
    rows = [row for source in ROW_SOURCES for row in source(assessments, today)]
    if status:
        rows = [r for r in rows if r.status == status]
    if owner:
        rows = [r for r in rows if r.owner is not None and str(r.owner.pk) == str(owner)]
    return sorted(rows, key=sort_key)


def by_model(rows: list[PlanRow]) -> list[dict[str, Any]]:
    """The sorted rows grouped per model (and its current assessment), models in the order of their first
    row: the page shows one table per model."""
    groups: dict[Any, dict[str, Any]] = {}
    for row in rows:
        groups.setdefault(row.assessment.pk, {"model": row.model, "assessment": row.assessment, "rows": []})
        groups[row.assessment.pk]["rows"].append(row)
    return list(groups.values())


def page_sections(rows: list[PlanRow]) -> tuple[list[dict[str, Any]], list[PlanRow]]:
    """The page's two parts: the measures in one table per model (by_model), then the documents due in one
    table. The CSV has the same rows in the same order."""
    measures = by_model([r for r in rows if r.kind == "measure"])
    return measures, [r for r in rows if r.kind == "document"]


CSV_HEADER = ("model", "measure", "title", "status", "owner", "due_date", "overdue", "act_date", "act_date_passed",
              "code_date", "code_date_passed", "suggested_date", "assessment", "assessment_completed", "kind")
# the CSV's first line: what it is and what its date columns mean, for whoever opens it without the page
CSV_NOTE = ("Action plan of a self-assessment under the EU AI Act; not legal advice. act_date: a date the AI Act sets "
            "(for a Code measure: when the obligation it serves applies). code_date: a commitment of the GPAI Code of "
            "Practice for a signatory of that chapter, not a legal deadline. suggested_date: our suggestion, set by "
            "neither. due_date: the date your organisation set.")


def plan_csv(rows: list[PlanRow], before: list[list] = ()) -> str:
    """The page's rows, in the page's order, as CSV (a document's row: its kind as `measure`, what is due as
    `status`), after a first line saying what it is and what each date column means (CSV_NOTE). `before`: rows
    already in CSV_HEADER's columns that the page shows first (the deadlines overdue and due soon)."""
    groups, documents = page_sections(rows)
    ordered = [row for group in groups for row in group["rows"]] + documents
    return csv_text([CSV_NOTE], ()) + csv_text(CSV_HEADER, list(before) + [
        [r.model.name, r.key, r.title, r.status_label, r.owner_name, r.due_date or "", "yes" if r.overdue else "no",
         r.legal_deadline or "", "yes" if r.legal_deadline_passed else "no",
         r.code_date or "", "yes" if r.code_date_passed else "no", r.suggested_date or "", r.assessment.pk,
         r.assessment.completed_at.date().isoformat() if r.assessment.completed_at else "", r.kind]
        for r in ordered])
