"""The Model Documentation Form: fill it in, export it per audience (JSON or PDF)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string

from accounts.audit import audit

from .access import SUPERSEDED_MESSAGE, assessment_for, can_change_records
from .documentation import AUDIENCES, audience_document, documentation_form
from .services.documentation import DocumentationConflictError, documentation_for, save_documentation


def _transparency_assessment(request, assessment_id, *, edit=False):
    assessment = assessment_for(request, assessment_id, edit=edit)
    if not assessment.is_completed or "TRANSPARENCY" not in assessment.snapshot["result"]["code_chapters"]:
        raise Http404("The Model Documentation Form belongs to the Transparency chapter, which does not apply here")
    return assessment


def documentation_form_class():
    fields = {f.code: forms.CharField(label=f.label, help_text=f.help, required=False, max_length=20000,
                                      widget=forms.Textarea(attrs={"rows": 3}))
              for g in documentation_form() for f in g.fields}
    return type("DocumentationForm", (forms.Form,), fields)


@login_required
def documentation_edit(request: HttpRequest, assessment_id) -> HttpResponse:
    assessment = _transparency_assessment(request, assessment_id, edit=request.method == "POST")
    editable = can_change_records(assessment)
    if request.method == "POST" and not editable:
        messages.error(request, SUPERSEDED_MESSAGE)
        return redirect("documentation", assessment_id=assessment.pk)
    documentation = documentation_for(assessment)
    form = documentation_form_class()(request.POST or None, initial=documentation.values)
    if request.method == "POST" and form.is_valid():
        try:
            save_documentation(assessment, form.cleaned_data, user=request.user,
                               seen_revision=int(request.POST.get("seen_revision") or 0))
        except DocumentationConflictError:
            form.add_error(None, "Someone saved this form while you were editing. Your changes below were not "
                                 "saved: compare them with the saved form and save again.")
        else:
            messages.success(request, "Model documentation saved.")
            return redirect("documentation", assessment_id=assessment.pk)
    groups = [{"group": g, "fields": [(f, form[f.code]) for f in g.fields]} for g in documentation_form()]
    return render(request, "questionnaire/documentation.html", {
        "assessment": assessment, "form": form, "groups": groups, "documentation": documentation,
        "audiences": AUDIENCES, "can_edit": editable}, status=400 if form.errors else 200)


@login_required
def documentation_export(request: HttpRequest, assessment_id, audience: str, fmt: str) -> HttpResponse:
    if audience not in AUDIENCES or fmt not in ("json", "pdf"):
        raise Http404
    assessment = _transparency_assessment(request, assessment_id)
    documentation = documentation_for(assessment)
    document = audience_document(audience, documentation.values, model=assessment.ai_model.name,
                                 organisation=assessment.organisation.name, version=documentation.revision)
    filename = f"model-documentation-{audience}-{assessment.pk}"
    audit(request, "documentation_export", target=f"{filename}.{fmt}", organisation=assessment.organisation)
    if fmt == "json":
        response = HttpResponse(json.dumps(document, indent=2, ensure_ascii=False),
                                content_type="application/json; charset=utf-8")
    else:
        from .pdf import html_to_pdf

        html = render_to_string("reports/documentation.html", {"document": document,
                                                                 "updated": documentation.updated_at})
        when = documentation.updated_at or dt.datetime.now(dt.UTC)
        identifier = hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()[:32].encode()
        rendered = html_to_pdf(html, when=when, identifier=identifier,
                               attachment=(f"{filename}.json", "The filled form for this audience (JSON)",
                                           json.dumps(document, indent=2, ensure_ascii=False)))
        response = HttpResponse(rendered.pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
