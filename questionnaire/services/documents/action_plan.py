"""The documents' rows of the action plan: every document that is not yet issued (also one not yet started),
or whose next deadline (an update, an intermediate or final incident report) is open, with its date and
overdue marked.

The action plan shows them through `document_action_rows(organisation, today=...)` (one call)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from ...models import Assessment, LegalDocument
from .checks import check
from .deadlines import dues
from .definitions import definitions
from .store import applies, prefill_values


def _latest_assessments(organisation, model=None) -> list[Assessment]:
    """For each model, its most recently completed assessment (the one its documents belong to)."""
    latest: dict = {}
    assessments = Assessment.objects.filter(organisation=organisation, status="completed")
    if model:
        assessments = assessments.filter(ai_model_id=model)
    for assessment in assessments.select_related("ai_model", "organisation").order_by("-completed_at"):
        latest.setdefault(assessment.ai_model_id, assessment)
    return list(latest.values())


def document_action_rows(organisation, *, today: dt.date, model=None) -> list[dict]:
    """One row per open deadline of a document of the organisation's models (or of one model), by due date."""
    assessments = {a.pk: a for a in _latest_assessments(organisation, model)}
    documents = (LegalDocument.objects.filter(assessment_id__in=list(assessments)).prefetch_related("issues"))
    started = {(d.assessment_id, d.kind) for d in documents}
    rows = []
    for document in documents:
        doc = definitions().get(document.kind)
        assessment = assessments[document.assessment_id]
        if doc is None or not applies(assessment, doc):
            continue
        issues = sorted(document.issues.all(), key=lambda i: i.sequence)
        open_dues = dues(doc.kind, document.values, [i.issued_on for i in issues], doc.rules,
                         [(i.stage, i.issued_on) for i in issues])
        incomplete = not issues and not check(doc, document.values).ok
        title = f"{doc.title} No. {document.number}" if doc.many else doc.title
        url = reverse("document_entry" if doc.many else "document",
                      kwargs={"assessment_id": assessment.pk, "kind": doc.kind,
                              **({"number": document.number} if doc.many else {})})
        rows += [_row(assessment, doc, title, url, due, today, incomplete) for due in open_dues if due.action]
    for assessment in assessments.values():
        for doc in definitions().values():
            if doc.many or (assessment.pk, doc.kind) in started or not applies(assessment, doc):
                continue
            url = reverse("document", kwargs={"assessment_id": assessment.pk, "kind": doc.kind})
            rows += [_row(assessment, doc, doc.title, url, due, today, True)
                     for due in dues(doc.kind, prefill_values(doc, assessment), [], doc.rules, []) if due.action]
    far = dt.date.max
    rows.sort(key=lambda r: (r["due"] or far, r["model"].name, r["title"]))
    return rows


def _row(assessment, doc, title, url, due, today, incomplete) -> dict:
    return {"model": assessment.ai_model, "title": title, "what": due.what, "due": due.due,
            "overdue": due.overdue(today), "url": url, "kind": doc.kind, "incomplete": incomplete}
