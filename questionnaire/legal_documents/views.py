"""The legal documents of an assessment: fill in (with history), check and issue (publish or send), download.

Every view goes through the one access helper; a document of a kind that does not apply to the assessment's
result is 404."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from accounts.audit import audit

from ..core.access import SUPERSEDED_MESSAGE, assessment_for, can_change_records, can_edit
from ..core.forms import revision_number
from ..core.history import ConcurrentEditError
from ..core.translations import document_language
from ..models import DocumentIssue, LegalDocument, LegalDocumentRevision, RenderStatus, current_assessment_of
from ..rendering.queue import TooManyRenders, progress, retry_if_stuck
from ..rendering.views import refresh_seconds, too_many
from .checks import check
from .deadlines import dues
from .definitions import DocumentDefinition, Field, definitions
from .export import publishable_html, publishable_markdown, shown_label
from .forms import legal_document_form, posted_table, table_formset, table_initial
from .store import (
    Fact,
    IssueRefused,
    applies,
    check_context,
    document_for,
    documents_of,
    issue_document,
    new_numbered_document,
    prefill_facts,
    save_document,
)
from .values import input_text, parse_date


@dataclass
class FieldView:
    """One field of the form, as the template shows it."""

    field: Field
    html_id: str
    value: Any
    required: bool
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    source: str = ""  # where a pre-filled value that the user has not changed came from
    formset: Any = None  # a table's rows (forms.table_formset)

    @property
    def conditional(self) -> bool:
        """Required in some cases (a condition or a rule), so not simply optional."""
        f = self.field
        return bool(f.required_if or f.required_for or f.conditional)

    @property
    def widget(self) -> str:
        kind = self.field.type
        if kind in ("yes_no", "choice"):
            return "radio"
        if kind == "multi":
            return "checkbox"
        if kind == "table":
            return "rows"
        if kind in ("long_text", "list"):
            return "textarea"
        return "input"

    @property
    def input_type(self) -> str:
        return {"date": "date", "month": "month", "url": "url", "email": "email",
                "datetime": "datetime-local"}.get(self.field.type, "text")

    @property
    def options(self) -> list[dict[str, Any]]:
        choices = ((("yes", gettext("Yes")), ("no", gettext("No"))) if self.field.type == "yes_no"
                   else self.field.choices)
        picked = self.value if isinstance(self.value, list) else [self.value]
        options = [{"value": v, "label": label, "id": f"{self.html_id}_{i}", "checked": v in picked}
                   for i, (v, label) in enumerate(choices)]
        if self.widget == "radio" and not self.field.required:
            # a radio cannot be unticked without JavaScript: this one clears an answer given by mistake
            options.append({"value": "", "label": gettext("No answer"), "id": f"{self.html_id}_{len(options)}",
                            "checked": False})
        return options


def _document_assessment(request, assessment_id, kind: str, *, edit=False):
    doc = definitions(document_language()).get(kind)  # its words in the reader's language
    if doc is None:
        raise Http404("No such document")
    assessment = assessment_for(request, assessment_id, edit=edit)
    if not applies(assessment, doc):
        raise Http404("This document does not apply to the assessment's result")
    return assessment, doc


def _document(assessment, doc: DocumentDefinition, number: int) -> LegalDocument:
    if not doc.many:
        if number:
            raise Http404
        return document_for(assessment, doc.kind)
    document = LegalDocument.objects.filter(assessment=assessment, kind=doc.kind, number=number).first()
    if document is None or number == 0:
        raise Http404("No such entry")
    return document


def _form_sections(doc, shown: dict[str, Any], values: dict[str, Any], stage, errors, warnings,
                   formsets: dict[str, Any], sources: dict[str, str] | None = None):
    sections = []
    sources = sources or {}
    for section in doc.sections:
        blocks = []
        for block in section.blocks:
            views = []
            for f in block.fields:
                views.append(FieldView(f, f"f-{f.id}", shown.get(f.id), doc.is_required(f, values, stage),
                                       errors.get(f.id, []), [m for fid, m in warnings if fid == f.id],
                                       sources.get(f.id, ""), formsets.get(f.id)))
            blocks.append({"block": block, "fields": views})
        sections.append({"section": section, "blocks": blocks})
    return sections


def _issue_request(doc: DocumentDefinition, post) -> tuple[str, str, dt.date | None, list[str]]:
    """(stage, date as typed, date, problems) of a request to publish or send: which report (for documents
    with several kinds of report) and a real date that is not in the future."""
    problems = []
    stage = doc.issue.get("stage", "")
    if doc.stages:
        stage = post.get("stage", "") if post.get("stage", "") in dict(doc.stages) else ""
        if not stage:
            problems.append("Choose which report this is")
    typed = post.get("issued_on", "").strip()
    issued_date = None
    try:
        issued_date = dt.date.fromisoformat(parse_date(typed))
    except ValueError as exc:
        problems.append(f"{doc.issue['date_label']}: {exc}")
    else:
        if issued_date > timezone.localdate():
            problems.append(f"{doc.issue['date_label']} cannot be in the future")
    return stage, typed, issued_date, problems


def _refused_when_superseded(request: HttpRequest, assessment, back: str) -> HttpResponse | None:
    """Every write on the documents of a superseded assessment (saving, issuing, a new register entry, a new
    render) is refused, as for its gap records and documentation form (access.can_change_records): the
    amendment or newer assessment carries the documents on."""
    if request.method == "POST" and not can_change_records(assessment):
        messages.error(request, SUPERSEDED_MESSAGE)
        return redirect(back)
    return None


@login_required
def document_edit(request: HttpRequest, assessment_id, kind: str, number: int = 0) -> HttpResponse:
    assessment, doc = _document_assessment(request, assessment_id, kind, edit=request.method == "POST")
    refused = _refused_when_superseded(request, assessment, request.path)
    if refused:
        return refused
    if doc.many and not number:
        return _register(request, assessment, doc)
    document = _document(assessment, doc, number)
    document.assessment = assessment
    errors: dict[str, list[str]] = {}
    summary_errors: list[str] = []
    shown = {f.id: input_text(f, document.values.get(f.id)) for f in doc.fields().values()}
    values = dict(document.values)
    stage = None
    issued_on = timezone.localdate().isoformat()
    facts = prefill_facts(doc, current_assessment_of(assessment))
    if request.method == "POST" and request.POST.get("action") == "take_new":
        return _take_new_value(request, document, doc, facts)
    tables = [f for f in doc.fields().values() if f.type == "table"]
    formsets = {f.id: table_formset(doc.kind, f.id)(prefix=f.id, initial=table_initial(f, document.values.get(f.id)))
                for f in tables}
    anchors: dict[str, str] = {}
    if request.method == "POST":
        form = legal_document_form(doc.kind, document_language())(request.POST)
        form.is_valid()  # a refused field keeps its error; the others are saved
        parsed, errors = form.cleaned_data, {name: list(refused) for name, refused in form.errors.items()}
        shown = form.typed()
        action = request.POST.get("action", "save")
        for f in tables:  # the rows of a table come as a formset (a script may still post "a | b" text)
            formset = posted_table(doc.kind, f, request.POST, add_row=action == f"add_row:{f.id}",
                                   initial=table_initial(f, document.values.get(f.id)))
            if formset is None:
                continue
            formsets[f.id] = formset
            if formset.is_valid():
                parsed[f.id] = formset.rows()
            else:
                anchors[f.id], message = formset.first_error() or (f"f-{f.id}", "Check the rows")
                errors[f.id] = [message]
        if action.startswith("add_row:") and action[8:] in formsets:  # one more empty row, nothing saved yet
            return _edit_page(request, doc, document, assessment, shown=shown, values=values, formsets=formsets,
                              errors=errors, anchors=anchors, summary_errors=[], stage=None, issued_on=issued_on,
                              focus=action[8:])
        if action == "issue":
            stage, issued_on, issued_date, problems = _issue_request(doc, request.POST)
            summary_errors += problems
        if not errors:
            try:
                seen = revision_number(request.POST.get("seen_revision"))
                if seen is None:  # a tampered form is answered as a conflict: nothing is saved
                    raise ConcurrentEditError([], "someone", None)
                document = save_document(document, parsed, user=request.user, seen_revision=seen)
            except ConcurrentEditError as exc:
                summary_errors.append(f"{exc.by} saved this document while you were editing. Your changes below "
                                      "were not saved: compare them with the saved document and save again.")
            else:
                document.assessment = assessment
                values = dict(document.values)
                if action != "issue":
                    messages.success(request, f"{doc.title} saved.")
                    return redirect(request.path)
                if not summary_errors:
                    try:
                        issue = issue_document(document, stage=stage, issued_on=issued_date, user=request.user)
                    except TooManyRenders as exc:
                        return too_many(request, exc)
                    except IssueRefused as refused:
                        errors = {k: v for k, v in refused.findings.errors.items() if k}
                        summary_errors[:0] = [f"Saved as a draft, but not {doc.issue['done']}: complete the "
                                              "fields marked below.", *refused.findings.errors.get("", [])]
                    else:
                        audit(request, "document_issue", target=f"{doc.kind} {issue.label}",
                              organisation=assessment.organisation)
                        messages.success(request, f"{doc.title}: {issue.label} {doc.issue['done']} on "
                                                  f"{issue.issued_on:%-d %B %Y}.")
                        return redirect(request.path)
        else:
            values = {**document.values, **{k: v for k, v in parsed.items() if k not in errors}}
    return _edit_page(request, doc, document, assessment, shown=shown, values=values, formsets=formsets,
                      errors=errors, anchors=anchors, summary_errors=summary_errors, stage=stage, issued_on=issued_on)


def _edit_page(request: HttpRequest, doc: DocumentDefinition, document: LegalDocument, assessment, *, shown, values,
               formsets, errors, anchors, summary_errors, stage, issued_on, focus: str = "") -> HttpResponse:
    editable = can_change_records(assessment)
    # what is still to complete; the rules of a new version (new number, links) are checked when it is issued
    findings = check(doc, values, check_context(document, stage, issued_on=timezone.localdate()))
    issues = list(document.issues.order_by("-sequence"))
    for issue in issues:  # the label as the reader's language names the report (stored in English)
        issue.shown_label = shown_label(doc, issue.label, issue.stage)
    context = {
        "assessment": assessment, "definition": doc, "document": document,
        "sections": _form_sections(doc, shown, values, stage, errors, findings.warnings, formsets, {
            code: fact.source for code, fact in prefill_facts(doc, assessment).items()
            if code in document.sources and document.values.get(code) == document.sources[code]}),
        "summary_errors": summary_errors, "has_errors": bool(errors or summary_errors),
        "error_fields": [(f, errors[f.id], anchors.get(f.id, "")) for f in doc.fields().values() if f.id in errors],
        "focus": focus,
        "missing": 0 if errors else len(findings.errors), "warnings": findings.warnings,
        "issues": issues, "issued_on": issued_on, "selected_stage": stage or "",
        "dues": dues(doc.kind, values, [i.issued_on for i in issues], doc.rules,
                     [(i.stage, i.issued_on) for i in issues]),
        "history": LegalDocumentRevision.objects.filter(document=document).select_related("user")[:50],
        "can_edit": editable, "superseded": can_edit(assessment) and not editable, "today": timezone.localdate(),
        "labels": {**{f.id: f.label for f in doc.fields().values()},
                   "earlier_policy": "An earlier policy, kept from another assessment"},
    }
    return render(request, "documents/edit.html", context, status=400 if context["has_errors"] else 200)


def _take_new_value(request: HttpRequest, document: LegalDocument, doc: DocumentDefinition,
                    facts: dict[str, Fact]) -> HttpResponse:
    """A stale field of the draft takes what the current assessment (or another document) says now, recorded in
    the field's history like any edit, and counts from now on as built from that value."""
    code = request.POST.get("field", "")
    if code not in doc.fields():
        messages.error(request, "That field is not part of this document.")
        return redirect(request.path)
    fact = facts.get(code)
    new = fact.value if fact else None
    try:
        save_document(document, {code: new}, user=request.user, seen_revision=document.revision,
                      sources={code: new})
    except ConcurrentEditError:
        messages.error(request, "Someone saved this document at the same moment: try again.")
    else:
        messages.success(request, f"{doc.fields()[code].label}: the new value is in the draft.")
    return redirect(request.path)


def _register(request: HttpRequest, assessment, doc: DocumentDefinition) -> HttpResponse:
    """The entries of a document kind of which there are several (the serious-incident register);
    a POST opens a new entry."""
    kind = doc.kind
    editable = can_change_records(assessment)
    if request.method == "POST":
        document = new_numbered_document(assessment, kind, user=request.user)
        return redirect("legal_document_entry", assessment_id=assessment.pk, kind=kind, number=document.number)
    today = timezone.localdate()
    entries = []
    for document in LegalDocument.objects.filter(assessment=assessment, kind=kind).prefetch_related("issues"):
        issues = sorted(document.issues.all(), key=lambda i: i.sequence)
        for issue in issues:
            issue.shown_label = shown_label(doc, issue.label, issue.stage)
        categories = [f.choice_label(v) for f in doc.fields().values() if f.type == "multi" and f.id in
                      doc.rules.get("register_shows", ()) for v in document.values.get(f.id) or ()]
        entries.append({"document": document, "issues": issues, "categories": categories,
                        "dues": dues(kind, document.values, [i.issued_on for i in issues], doc.rules,
                                     [(i.stage, i.issued_on) for i in issues])})
    return render(request, "documents/register.html", {
        "assessment": assessment, "definition": doc, "entries": entries, "today": today,
        "can_edit": editable, "superseded": can_edit(assessment) and not editable})


DOWNLOADS = {"pdf": "application/pdf", "json": "application/json; charset=utf-8",
             "html": "text/html; charset=utf-8", "md": "text/markdown; charset=utf-8"}


@login_required
def document_download(request: HttpRequest, assessment_id, kind: str, issue_id, fmt: str) -> HttpResponse:
    """An issued version: its PDF/A (rendered in the background), JSON, or the publishable HTML or Markdown."""
    assessment, doc = _document_assessment(request, assessment_id, kind)
    issue = DocumentIssue.objects.select_related("document").filter(
        pk=issue_id, document__in=documents_of(assessment), document__kind=kind).first()
    if issue is None or fmt not in DOWNLOADS or (fmt in ("html", "md") and not doc.issue.get("publishable")):
        raise Http404
    name = f"{kind}-{assessment.ai_model.name}-{issue.label}".replace(" ", "-")
    name = "".join(c for c in name if c.isalnum() or c in "-._")[:120]
    audit(request, "document_download", target=f"{name}.{fmt}", organisation=assessment.organisation)
    if fmt == "pdf":
        if issue.status != RenderStatus.DONE or not issue.file or request.GET.get("waited"):
            # the progress page (rendering.views.serve does the same for reports): where it stands, reloading
            # itself, and once done (?waited=1 from that reload) a link to the PDF
            waiting = issue.status in (RenderStatus.PENDING, RenderStatus.RENDERING)
            estimate = progress(issue) if waiting else None
            return render(request, "documents/pending.html", {
                "assessment": assessment, "definition": doc, "issue": issue, "progress": estimate,
                "refresh": refresh_seconds(estimate.seconds) if estimate and not request.GET.get("manual") else None,
                "pdf_url": request.path, "waited_url": f"{request.path}?waited=1",
                "manual_url": f"{request.path}?manual=1",
                "back": reverse("legal_document", kwargs={"assessment_id": assessment.pk, "kind": kind})},
                status=200 if issue.status == RenderStatus.DONE else 202)
        return FileResponse(issue.file.open("rb"), as_attachment=True, filename=f"{name}.pdf",
                            content_type=DOWNLOADS[fmt])
    if fmt == "json":
        body = json.dumps(issue.document_json, indent=2, ensure_ascii=False)
    elif fmt == "html":
        body = publishable_html(doc, issue)
    else:
        body = publishable_markdown(doc, issue)
    response = HttpResponse(body, content_type=DOWNLOADS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response



@login_required
@require_POST
def document_retry(request: HttpRequest, assessment_id, kind: str, issue_id) -> HttpResponse:
    """Render an issued document's PDF again after a failure (or a worker that died)."""
    assessment, _doc = _document_assessment(request, assessment_id, kind, edit=True)
    issue = DocumentIssue.objects.filter(pk=issue_id, document__in=documents_of(assessment),
                                         document__kind=kind).first()
    if issue is None:
        raise Http404
    refused = _refused_when_superseded(request, assessment, reverse("legal_document_download", kwargs={
        "assessment_id": assessment.pk, "kind": kind, "issue_id": issue.pk, "fmt": "pdf"}))
    if refused:
        return refused
    retry_if_stuck(issue)
    return redirect("legal_document_download", assessment_id=assessment.pk, kind=kind, issue_id=issue.pk, fmt="pdf")
