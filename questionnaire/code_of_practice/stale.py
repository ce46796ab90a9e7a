"""Stale records: the one place that compares what a record was built from with what the assessment knows now.

A record is the Model Documentation Form, a legal document's draft, or its latest issued version (a sent
notification, a published summary). Each stores the values it was built from (`sources`, by field: the
pre-filled facts when it was made, or taken since with "take the new value"; an issued version freezes its
draft's). When the model's current assessment (after an amendment or a new version) or another document now
gives a field another value, and the record does not already say the new value, the field is stale: the record
page, the result page and the action plan name it with the old and the new value. A draft offers "take the new
value"; an issued version offers "issue a corrected version" (its draft first takes the new values).

What the law may expect after such a change (e.g. telling the Commission again) is content: a document's
`stale_note` in questionnaire/content/documents/*.yaml, with its source, flagged for counsel where uncertain.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.urls import reverse

from ..core.display import display_answer
from ..core.signatory import statuses_for_many
from ..core.versions import spec_for
from ..legal_documents.definitions import DocumentDefinition, definitions
from ..legal_documents.store import applies, documents_of, organisation_kinds, prefill_facts
from ..legal_documents.values import display
from ..models import AIModel, Assessment, LegalDocument, ModelDocumentation, current_assessment_of
from .model_documentation import Prefill, all_fields, prefills


@dataclass(frozen=True)
class StaleField:
    field: str
    label: str
    old: str  # what the record says, in words
    new: str  # what the assessment (or another document) says now, in words
    source: str  # where the new value comes from
    new_value: Any = None  # the stored form of the new value ("take the new value")


@dataclass(frozen=True)
class StaleRecord:
    kind: str  # "documentation" or a legal document's kind
    title: str
    url: str
    fields: tuple[StaleField, ...]
    issued: str = ""  # the issued version's label ("Version 1"), empty for a draft
    issued_on: Any = None
    note: dict[str, Any] = field(default_factory=dict)  # the document's stale_note (text, source, counsel)

    @property
    def action(self) -> str:
        return "issue a corrected version" if self.issued else "take the new value"


def _changed(built: dict[str, Any], says: dict[str, Any], now: dict[str, Any]) -> list[str]:
    """Fields whose fact changed since the record was built and which the record does not already say anew.
    A record stored before sources were kept counts as built from what it says."""
    built = built or {code: says.get(code) for code in now}
    return [code for code in sorted(set(built) | set(now))
            if built.get(code) != now.get(code) and says.get(code) != now.get(code)
            and (code in built or now.get(code) is not None)]


def document_stale_fields(doc: DocumentDefinition, built: dict[str, Any], says: dict[str, Any],
                          facts: dict[str, Any]) -> tuple[StaleField, ...]:
    """The stale fields of one legal document record (a draft or an issued version) against `facts`
    (legal_documents.store.prefill_facts of the current assessment)."""
    fields = doc.fields()
    now = {code: fact.value for code, fact in facts.items()}
    out = []
    for code in _changed(built, says, now):
        if code not in fields:
            continue
        f = fields[code]
        fact = facts.get(code)
        out.append(StaleField(code, f.label, display(f, says.get(code)) or "(empty)",
                              display(f, now.get(code)) or "(empty)",
                              fact.source if fact else "the assessment no longer gives a value", now.get(code)))
    return tuple(out)


def documentation_facts(assessment: Assessment) -> dict[str, Prefill]:
    """What the assessment knows for the Model Documentation Form (model_documentation.prefills)."""
    spec = spec_for(assessment.questionnaire_version)
    return prefills(organisation=assessment.organisation.name, model=assessment.ai_model.name,
                    answers=(assessment.snapshot or {}).get("answers", {}), questions=spec.questions,
                    show_answer=display_answer)


def documentation_stale_fields(documentation: ModelDocumentation,
                               facts: dict[str, Prefill]) -> tuple[StaleField, ...]:
    fields = all_fields()
    now = {code: p.value for code, p in facts.items()}
    says = {code: value for code, value in documentation.values.items() if value}
    built = documentation.sources or {code: value for code, value in says.items() if code in now}
    out = []
    for code in _changed(built, says, now):
        if code not in fields or (code not in says and code not in built):
            continue  # an empty field shows the pre-filled value anyway
        fact = facts.get(code)
        out.append(StaleField(code, fields[code].label, says.get(code) or "(empty)", now.get(code) or "(empty)",
                              fact.source if fact else "the assessment no longer gives a value",
                              now.get(code, "")))
    return tuple(out)


def stale_records(assessment: Assessment, *, kind: str | None = None, number: int | None = None,
                  only_current: bool = False) -> list[StaleRecord]:
    """Every stale record of the assessment (or only those of one kind, "documentation" or a document kind, and
    one register number): its Model Documentation Form, each legal document's draft and latest issued version.
    `only_current`: none for a superseded assessment (its result page; its records stay as they were, and its
    record pages still say what changed). A constant number of queries however many documents there are."""
    if not assessment.snapshot:
        return []
    current = current_assessment_of(assessment)
    if only_current and current.pk != assessment.pk:
        return []
    return _stale(assessment, current, kind=kind, number=number)


def stale_records_of_current(assessments: list[Assessment]) -> dict[Any, list[StaleRecord]]:
    """stale_records of many current assessments (the action plan's), by pk, in a constant number of queries
    however many there are: what each compares with is read once for all."""
    assessments = list(Assessment.objects.filter(pk__in=[a.pk for a in assessments if a.snapshot]).select_related(
        "ai_model", "organisation", "questionnaire_version"))
    if not assessments:
        return {}
    shared = organisation_kinds()
    organisations = {a.organisation_id for a in assessments}
    documents = list(LegalDocument.objects.filter(
        (Q(assessment__in=assessments) & ~Q(kind__in=shared))
        | Q(organisation_id__in=organisations, kind__in=shared)).prefetch_related("issues"))
    forms = {d.assessment_id: d for d in ModelDocumentation.objects.filter(assessment__in=assessments)}
    statuses = statuses_for_many(assessments)
    models: dict[Any, list[str]] = {}
    for organisation_id, name in AIModel.objects.filter(organisation_id__in=organisations).values_list(
            "organisation_id", "name"):
        models.setdefault(organisation_id, []).append(name)
    out = {}
    for assessment in assessments:
        own = [d for d in documents if (d.assessment_id == assessment.pk and d.kind not in shared)
               or (d.organisation_id == assessment.organisation_id and d.kind in shared)]
        out[assessment.pk] = _stale(assessment, assessment, documentation=forms.get(assessment.pk), documents=own,
                                    statuses=statuses.get(assessment.pk, {}),
                                    models=models.get(assessment.organisation_id, []))
    return out


_UNREAD = object()


def _stale(assessment: Assessment, current: Assessment, *, kind: str | None = None, number: int | None = None,
           documentation: Any = _UNREAD, documents: Any = None, statuses: dict | None = None,
           models: list[str] | None = None) -> list[StaleRecord]:
    """The comparison itself: each record of `assessment` against the facts of `current` (what is not given is
    read here)."""
    out: list[StaleRecord] = []
    if kind in (None, "documentation"):
        if documentation is _UNREAD:
            documentation = ModelDocumentation.objects.filter(assessment=assessment).first()
        if documentation is not None and documentation.values:
            stale = documentation_stale_fields(documentation, documentation_facts(current))
            if stale:
                out.append(StaleRecord("documentation", "Model Documentation Form",
                                       reverse("model_documentation", args=[assessment.pk]), stale))
    if documents is None:
        documents = documents_of(assessment).prefetch_related("issues")
        if kind is not None:
            documents = documents.filter(kind=kind)
        if number is not None:
            documents = documents.filter(number=number)
        related = {d.kind: d.values for d in documents_of(current).filter(number=0)}
    else:
        related = {d.kind: d.values for d in documents if d.number == 0}
    for document in documents:
        doc = definitions().get(document.kind)
        if doc is None or not applies(assessment, doc):
            continue
        facts = prefill_facts(doc, current, related=related, statuses=statuses, organisation_models=models)
        url = reverse("legal_document_entry" if document.number else "legal_document",
                      args=[assessment.pk, doc.kind, *([document.number] if document.number else [])])
        title = f"{doc.title} No. {document.number}" if document.number else doc.title
        note = dict(doc.extra.get("stale_note") or {})
        stale = document_stale_fields(doc, document.sources, document.values, facts)
        if stale:  # the draft first: taking its new values is the first step of a corrected version too
            out.append(StaleRecord(doc.kind, title, url, stale))
        issues = sorted(document.issues.all(), key=lambda i: i.sequence)
        if issues:
            latest = issues[-1]
            stale = document_stale_fields(doc, latest.sources, latest.values, facts)
            if stale:
                out.append(StaleRecord(doc.kind, title, url, stale, issued=latest.label,
                                       issued_on=latest.issued_on, note=note))
    return out
