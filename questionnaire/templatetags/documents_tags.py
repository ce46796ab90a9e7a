"""Links to the legal documents from the result page and the gap analysis (one tag each); the action plan's
document rows are a row source of code_of_practice/action_plan.py."""

from __future__ import annotations

from django import template

from ..core.translations import document_language
from ..core.versions import spec_for
from ..legal_documents.definitions import definitions
from ..legal_documents.store import applies, documents_of
from ..legal_documents.wording import due_note as _due_note
from ..legal_documents.wording import due_what as _due_what

register = template.Library()


def _in_commitment(assessment, measure, where: dict | None) -> bool:
    """Whether the measure belongs to the commitment a document is limited to (e.g. the Model Report)."""
    if not where:
        return True
    spec = spec_for(assessment.questionnaire_version)
    return any(measure in c.measures for ch in spec.chapters if ch.id == where["chapter"]
               for c in ch.commitments if c.number == where["number"])


def _documents(assessment, obligations=None, measure=None) -> list[dict]:
    existing = {}
    for document in documents_of(assessment).prefetch_related("issues"):
        existing.setdefault(document.kind, []).append(document)
    out = []
    for doc in definitions(document_language()).values():
        if not applies(assessment, doc) or (obligations is not None and doc.obligation not in obligations):
            continue
        if measure is not None and not _in_commitment(assessment, measure, doc.extra.get("commitment")):
            continue
        documents = existing.get(doc.kind, [])
        issues = sorted((i for d in documents for i in d.issues.all()), key=lambda i: i.issued_on)
        out.append({"definition": doc, "entries": len(documents), "last": issues[-1] if issues else None})
    return out


@register.inclusion_tag("documents/_links.html")
def document_links(assessment):
    """The documents the result's obligations ask for, with where each stands."""
    return {"assessment": assessment, "documents": _documents(assessment)}


@register.inclusion_tag("documents/_links.html")
def measure_documents(assessment, measure):
    """The documents that serve the obligations this Code measure serves: they are evidence for it."""
    return {"assessment": assessment, "documents": _documents(assessment, set(measure.serves), measure),
            "evidence": True}


@register.filter
def due_what(due) -> str:
    """What a document's deadline asks, in the reader's language (legal_documents.wording)."""
    return _due_what(due)


@register.filter
def due_note(due) -> str:
    """Why a document's deadline has no date yet, in the reader's language."""
    return _due_note(due)
