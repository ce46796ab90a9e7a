"""Writes on the legal documents, each atomic: create (pre-filled from the assessment), save a draft field by
field with history and optimistic concurrency, issue a version (publish or send) after the checks; and which were
issued (documents_issued: the report and the result page say "sent on …")."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils.translation import gettext

from ..core.display import mid_sentence
from ..core.history import save_fields
from ..core.signatory import statuses_for
from ..core.translations import display_spec, document_language
from ..engine.expressions import Evaluator, compile_expression
from ..models import AIModel, Assessment, DocumentIssue, GapItem, LegalDocument, LegalDocumentRevision
from ..rendering.queue import check_render_limit, enqueue, render_language
from .checks import CheckContext, Findings, check
from .definitions import DocumentDefinition, definition, definitions
from .export import document_json


class IssueRefused(Exception):
    def __init__(self, findings: Findings) -> None:
        super().__init__("the document is not complete or breaks a rule")
        self.findings = findings


def applies(assessment: Assessment, doc: DocumentDefinition) -> bool:
    """The document belongs to a completed assessment whose result has the document's obligation."""
    return bool(assessment.snapshot) and doc.obligation in assessment.snapshot["result"]["obligations"]


def signatory_status(assessment: Assessment, chapter: str | None,
                     statuses: dict[str, str] | None = None) -> bool | None:
    """Signed (True), not signing (False) or undecided (None). `statuses`: the assessment's statuses_for, when the
    caller has them for many assessments at once (statuses_for_many)."""
    if not chapter:
        return None
    status = (statuses if statuses is not None else statuses_for(assessment)).get(chapter)
    return {"signed": True, "not_signing": False}.get(status or "")


@dataclass(frozen=True)
class Fact:
    """A value a document field takes from what is already known, and where it comes from (shown beside the
    field as "From the assessment: …")."""

    value: Any
    source: str


def _answer_source(questions, code: str) -> str:
    question = questions.get(code)
    return gettext("your answer to “%(question)s”") % {"question": question.text} if question is not None else (
        gettext("your answers"))


def prefill_facts(doc: DocumentDefinition, assessment: Assessment, *,
                  related: dict[str, dict[str, Any]] | None = None, statuses: dict[str, str] | None = None,
                  organisation_models: list[str] | None = None,
                  gap_evidence: dict[str, str] | None = None) -> dict[str, Fact]:
    """What the assessment (its answers, result, model and organisation) and the assessment's other documents
    (`related`: kind -> values, read when None) already know for the document's fields, with the source of each.
    The one set of facts documents are filled from and compared against (code_of_practice.stale), which passes
    what it read for many assessments at once (`statuses`: core.signatory.statuses_for; `organisation_models`;
    `gap_evidence`: measure -> evidence text of the assessment's gap records)."""
    answers = (assessment.snapshot or {}).get("answers", {})
    result = (assessment.snapshot or {}).get("result", {})
    # the questions as the reader reads them: only the sources (said at display, never stored) quote them
    questions = display_spec(assessment.questionnaire_version).questions if assessment.questionnaire_version_id \
        else {}
    fields = doc.fields()
    out: dict[str, Fact] = {}
    for field_id, how in doc.prefill.items():
        f = fields[field_id]
        value: Any = None
        source = ""
        if how.get("from") == "organisation":
            value, source = assessment.organisation.name, gettext("your organisation's name")
        elif how.get("from") == "organisation_models":
            value = sorted(organisation_models if organisation_models is not None else AIModel.objects.filter(
                organisation_id=assessment.organisation_id).values_list("name", flat=True)) or None
            source = gettext("your organisation's models")
        elif how.get("from") == "model_name":
            value, source = assessment.ai_model.name, gettext("the model's name")
        elif "answer" in how:
            value, source = answers.get(how["answer"]), _answer_source(questions, how["answer"])
        elif "answer_map" in how:
            code, mapping = how["answer_map"]
            value, source = mapping.get(answers.get(code)), _answer_source(questions, code)
        elif "answer_is" in how or "result_is" in how:
            code, expected = how.get("answer_is") or how["result_is"]
            actual = (answers if "answer_is" in how else result).get(code)
            if actual is None and "value" in how:
                continue
            hit = actual == expected
            value = (how["value"] if hit else how.get("otherwise")) if "value" in how else "yes" if hit else "no"
            source = _answer_source(questions, code) if "answer_is" in how else gettext("the assessment's result")
        elif "signatory" in how:
            status = signatory_status(assessment, how["signatory"], statuses)
            value, source = None if status is None else ("yes" if status else "no"), gettext("your signatory status")
        elif "flop" in how:
            code = next((c for c in how["flop"] if answers.get(c) is not None), None)
            if code is not None:
                mantissa, exponent = f"{float(answers[code]):.1e}".split("e")
                value = mantissa if how["part"] == "mantissa" else int(exponent)
                source = _answer_source(questions, code)
        elif "answers_map" in how:
            value = [m for code, m in how["answers_map"].items() if answers.get(code) is True] or None
            source = gettext("your answers about what the model generates")
        elif "gap_evidence" in how:  # the evidence the gap analysis records for these measures
            found = gap_evidence if gap_evidence is not None else dict(
                GapItem.objects.filter(assessment_id=assessment.pk, measure__in=how["gap_evidence"])
                .exclude(evidence="").values_list("measure", "evidence"))
            value = "\n\n".join(f"{m}: {found[m]}" for m in how["gap_evidence"] if m in found) or None
            source = gettext("your gap analysis (%(measures)s)") % {"measures": ", ".join(how["gap_evidence"])}
        elif "row" in how:  # a table's first row, with the organisation's name where the row says {organisation}
            value = [{column: str(cell).replace("{organisation}", assessment.organisation.name)
                      for column, cell in how["row"].items()}]
            source = gettext("your organisation's name")
        elif "expr" in how:  # a value decided by several answers, e.g. the notification's trigger
            compiled = compile_expression(how["expr"])
            value = Evaluator({name: answers.get(name) for name in compiled.names})(compiled)
            source = gettext("your answers to %(questions)s") % {"questions": "; ".join(
                gettext("“%(question)s”") % {"question": questions[c].text} for c in sorted(compiled.names)
                if c in questions)}
        elif "document" in how:
            if related is None:
                related = related_values(assessment)
            value = (related.get(how["document"]) or {}).get(how.get("field", field_id))
            language = document_language()
            other = definitions(language).get(how["document"])
            # English reads "the training-content summary"; German and French name it in quotes, capitalised
            title = (mid_sentence(other.title) if language == "en" else other.title) if other else ""
            source = gettext("the %(document)s") % {"document": title} if other else gettext("another document")
        if value in (None, "", []):
            continue
        if f.type == "list" and not isinstance(value, list):
            value = [value]
        if f.type in ("text", "long_text") and isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        if f.type in ("text", "long_text") and "text" in how:
            value = str(how["text"]).replace("{value}", str(value))
        out[field_id] = Fact(value, source)
    return out


def organisation_kinds() -> list[str]:
    return [kind for kind, doc in definitions().items() if doc.per_organisation]


def documents_of(assessment_or_id, organisation_id=None):
    """The legal documents an assessment has: its own, and those its organisation keeps once (the copyright
    policy), whichever assessment carried them forward last."""
    if isinstance(assessment_or_id, Assessment):
        assessment_or_id, organisation_id = assessment_or_id.pk, assessment_or_id.organisation_id
    shared = organisation_kinds()
    return LegalDocument.objects.filter((Q(assessment_id=assessment_or_id) & ~Q(kind__in=shared))
                                        | Q(organisation_id=organisation_id, kind__in=shared))


def related_values(assessment: Assessment) -> dict[str, dict[str, Any]]:
    """The values of the assessment's one-per-assessment documents, by kind."""
    return {kind: values for kind, values in documents_of(assessment).filter(number=0).values_list("kind", "values")}


def prefill_values(doc: DocumentDefinition, assessment: Assessment, **known: Any) -> dict[str, Any]:
    """First values of a new document, from the assessment and its other documents. `known`: what the caller has
    read already for many assessments at once (prefill_facts' keyword arguments)."""
    return {field_id: fact.value for field_id, fact in prefill_facts(doc, assessment, **known).items()}


def document_for(assessment: Assessment, kind: str) -> LegalDocument:
    """The one document of this kind of the assessment, created pre-filled on first use. A document the
    organisation keeps once is shared: opened from a newer assessment, it is carried forward to it."""
    doc = definition(kind)
    if doc.per_organisation:
        return _organisation_document(assessment, doc)
    document = LegalDocument.objects.filter(assessment=assessment, kind=kind, number=0).first()
    if document is None:
        values = prefill_values(doc, assessment)
        document, _ = LegalDocument.objects.get_or_create(
            assessment=assessment, kind=kind, number=0, defaults={"values": values, "sources": dict(values)})
    return document


def _organisation_document(assessment: Assessment, doc: DocumentDefinition) -> LegalDocument:
    document = LegalDocument.objects.filter(organisation_id=assessment.organisation_id, kind=doc.kind).first()
    if document is None:
        values = prefill_values(doc, assessment)
        try:
            with transaction.atomic():
                return LegalDocument.objects.create(assessment=assessment, organisation_id=assessment.organisation_id,
                                                    kind=doc.kind, values=values, sources=dict(values))
        except IntegrityError:  # made by a second request at the same moment
            return LegalDocument.objects.get(organisation_id=assessment.organisation_id, kind=doc.kind)
    if document.assessment_id != assessment.pk and _newer(assessment, document.assessment):
        LegalDocument.objects.filter(pk=document.pk).update(assessment=assessment)  # carried forward
        document.assessment = assessment
    return document


def _newer(assessment: Assessment, than: Assessment) -> bool:
    return bool(assessment.completed_at and (than.completed_at is None or assessment.completed_at > than.completed_at))


@transaction.atomic
def new_numbered_document(assessment: Assessment, kind: str, *, user) -> LegalDocument:
    """A new entry of a register (e.g. a serious incident), numbered after the last one."""
    doc = definition(kind)
    # one numbering at a time; a NO KEY lock, so copies that reference the assessment are not held up
    Assessment.objects.select_for_update(no_key=True).filter(pk=assessment.pk).values_list("pk").first()
    last = LegalDocument.objects.filter(assessment=assessment, kind=kind).aggregate(n=Max("number"))["n"] or 0
    values = prefill_values(doc, assessment)
    return LegalDocument.objects.create(assessment=assessment, kind=kind, number=last + 1, values=values,
                                        sources=dict(values), updated_by=user)


@transaction.atomic
def save_document(document: LegalDocument, values: dict[str, Any], *, user, seen_revision: int,
                  sources: dict[str, Any] | None = None) -> LegalDocument:
    """Save the given fields (None clears one) with the shared save-with-history helper (core.history):
    every changed field is recorded; ConcurrentEditError (naming the fields) when someone else changed one of
    them since `seen_revision` and this save would set it differently. `sources`: fields now built from a new
    value of the assessment's facts ("take the new value")."""
    locked = LegalDocument.objects.select_for_update().get(pk=document.pk)
    if sources:
        locked.sources = {**locked.sources, **sources}
        locked.save(update_fields=["sources"])
    known = definition(locked.kind).fields()
    proposed = {code: value for code, value in values.items() if code in known}
    changes = save_fields(
        locked, locked.values, proposed, seen_revision=seen_revision,
        history=LegalDocumentRevision.objects.filter(document=locked), field_attr="field",
        new_row=lambda c, revision: LegalDocumentRevision(document=locked, field=c.field, old_value=c.old,
                                                          new_value=c.new, revision=revision, user=user))
    if changes:
        merged = dict(locked.values)
        for change in changes:
            if change.new is None:
                merged.pop(change.field, None)
            else:
                merged[change.field] = change.new
        locked.values = merged
        locked.updated_by = user
        locked.save()
    return locked


def check_context(document: LegalDocument, stage: str | None, *, today: dt.date | None = None,
                  issued_on: dt.date | None = None) -> CheckContext:
    doc = definition(document.kind)
    issues = list(document.issues.order_by("sequence"))
    return CheckContext(
        stage=stage, earlier_labels=tuple(i.label for i in issues), issued_on=issued_on,
        earlier=tuple((i.stage, i.issued_on) for i in issues),
        last_issued_on=issues[-1].issued_on if issues else None,
        signatory=signatory_status(document.assessment, doc.rules.get("signatory_chapter")), today=today,
        related={d.kind: d.values for d in documents_of(document.assessment_id, document.assessment.organisation_id)
                 .filter(number=0).exclude(pk=document.pk)})


def documents_issued(assessment) -> list[dict[str, Any]]:
    """The legal documents of the assessment recorded as issued (sent, published), first issue each: the report
    then says "sent on …" beside the date it was due (one of a register, such as incident reports, is left out)."""
    out = []
    documents = documents_of(assessment).filter(number=0).prefetch_related("issues")
    for legal_document in sorted(documents, key=lambda d: d.kind):
        definition = definitions().get(legal_document.kind)
        first = min((i.issued_on for i in legal_document.issues.all()), default=None)
        if definition is None or definition.many or first is None:
            continue
        out.append({"kind": legal_document.kind, "title": definition.title, "obligation": definition.obligation,
                    "done": definition.issue.get("done", "issued"), "date": first.isoformat()})
    return out


def issue_label(doc: DocumentDefinition, values: dict[str, Any], stage: str, sequence: int) -> str:
    label_field = doc.issue.get("label_field")
    if label_field and values.get(label_field):
        return str(values[label_field])[:100]
    if doc.stages:
        return f"{dict(doc.stages)[stage]} ({sequence})"
    return f"Version {sequence}"


@transaction.atomic
def issue_document(document: LegalDocument, *, stage: str, issued_on: dt.date, user) -> DocumentIssue:
    """Freeze the current draft as a published or sent version, after the checks; queue its PDF.
    IssueRefused (with the findings) when a mandatory field is missing or a rule is broken."""
    locked = LegalDocument.objects.select_for_update(of=("self",)).select_related(  # the document's row only
        "assessment__ai_model", "assessment__organisation").get(pk=document.pk)
    doc = definition(locked.kind)
    # its PDF joins the member's and the organisation's waiting renders (RENDER_LIMIT_PER_MEMBER, _PER_ORGANISATION)
    check_render_limit(user, locked.assessment.organisation_id)
    findings = check(doc, locked.values, check_context(locked, stage, issued_on=issued_on))
    if not findings.ok:
        raise IssueRefused(findings)
    sequence = (locked.issues.aggregate(n=Max("sequence"))["n"] or 0) + 1
    issue = DocumentIssue.objects.create(document=locked, sequence=sequence, stage=stage, issued_on=issued_on,
                                         values=dict(locked.values), sources=dict(locked.sources),
                                         recorded_by=user, language=render_language(),
                                         label=issue_label(doc, locked.values, stage, sequence))
    # written once the row has its recording time, which the JSON (and so the PDF and the hash) states next to
    # the date the user gives as sent or published
    issue.document_json = document_json(doc, locked, issue)
    issue.sha256 = hashlib.sha256(json.dumps(issue.document_json, sort_keys=True, ensure_ascii=False)
                                  .encode()).hexdigest()
    issue.save(update_fields=["document_json", "sha256"])
    enqueue(issue)
    issue.refresh_from_db()
    return issue


@transaction.atomic
def _own_copy(file) -> str:
    """A stored PDF copied under a name of its own, so deleting one assessment's files never breaks the other."""
    if not file:
        return ""
    with file.open("rb") as stored:
        return file.storage.save(file.name, ContentFile(stored.read()))


def copy_documents(source: Assessment, target: Assessment) -> int:
    """Carry the documents of an assessment over to its amendment or re-assessment: drafts, and the versions
    and reports already issued (their frozen JSON and stored PDF, which never change), so registers and
    version histories continue. Returns the number of documents copied."""
    copied = 0
    shared = organisation_kinds()  # the organisation's own (the copyright policy) are carried forward, not copied
    for document in LegalDocument.objects.filter(assessment=source).exclude(kind__in=shared).prefetch_related(
            "issues"):
        copy = LegalDocument.objects.create(assessment=target, kind=document.kind, number=document.number,
                                            values=dict(document.values), sources=dict(document.sources),
                                            updated_by=document.updated_by)
        originals = list(document.issues.all())
        copies = DocumentIssue.objects.bulk_create(
            DocumentIssue(document=copy, sequence=i.sequence, stage=i.stage, label=i.label, issued_on=i.issued_on,
                          values=i.values, sources=i.sources, document_json=i.document_json, sha256=i.sha256,
                          recorded_by=i.recorded_by, language=i.language, status=i.status, file=_own_copy(i.file),
                          file_sha256=i.file_sha256, attempts=i.attempts, error=i.error, rendered_at=i.rendered_at)
            for i in originals)
        for new, original in zip(copies, originals, strict=True):  # bulk_create stamped them with the time now
            new.recorded_at = original.recorded_at
        DocumentIssue.objects.bulk_update(copies, ["recorded_at"])
        copied += 1
    return copied
