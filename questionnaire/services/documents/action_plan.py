"""The documents' rows of the action plan: every document that is not yet issued, or whose next deadline
(an update, an intermediate or final incident report) is due, with the date and overdue marked.

The action plan shows them through `document_action_rows(organisation, today=...)` (one call)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from ...models import LegalDocument
from .checks import check
from .deadlines import dues
from .definitions import definitions
from .store import applies


def document_action_rows(organisation, *, today: dt.date) -> list[dict]:
    """One row per open deadline of a document of the organisation's completed assessments (for each model
    only its most recently completed assessment's documents), by due date."""
    documents = (LegalDocument.objects.filter(assessment__organisation=organisation,
                                              assessment__status="completed")
                 .select_related("assessment__ai_model").prefetch_related("issues")
                 .order_by("-assessment__completed_at"))
    latest: dict = {}
    for document in documents:
        latest.setdefault(document.assessment.ai_model_id, document.assessment_id)
    rows = []
    for document in documents:
        doc = definitions().get(document.kind)
        if doc is None or latest[document.assessment.ai_model_id] != document.assessment_id:
            continue
        if not applies(document.assessment, doc):
            continue
        issues = sorted(document.issues.all(), key=lambda i: i.sequence)
        url = reverse("document_entry" if doc.many else "document",
                      kwargs={"assessment_id": document.assessment_id, "kind": doc.kind,
                              **({"number": document.number} if doc.many else {})})
        title = f"{doc.title} No. {document.number}" if doc.many else doc.title
        open_dues = dues(doc.kind, document.values, [i.issued_on for i in issues], doc.rules,
                         [(i.stage, i.issued_on) for i in issues])
        incomplete = not issues and not check(doc, document.values).ok
        for due in (d for d in open_dues if d.action):
            rows.append({"model": document.assessment.ai_model, "title": title, "what": due.what, "due": due.due,
                         "overdue": due.overdue(today), "url": url, "kind": doc.kind, "incomplete": incomplete,
                         "number": document.number})
    far = dt.date.max
    rows.sort(key=lambda r: (r["due"] or far, r["model"].name, r["title"]))
    return rows
