"""The Model Documentation Form: fill it in, export it per audience (JSON or PDF)."""

from __future__ import annotations

import json

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.audit import audit

from .access import SUPERSEDED_MESSAGE, assessment_for, can_change_records
from .documentation import AUDIENCES, audience_document, documentation_content, documentation_form, form_chapter
from .forms import posted_revision
from .models import ReportStatus
from .rendering import TooManyRenders, request_render, serve, too_many
from .services.documentation import DocumentationConflictError, documentation_for, save_documentation


def _transparency_assessment(request, assessment_id, *, edit=False):
    assessment = assessment_for(request, assessment_id, edit=edit)
    if not assessment.is_completed or form_chapter() not in assessment.snapshot["result"]["code_chapters"]:
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
                               seen_revision=posted_revision(request))
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
    filename = f"model-documentation-{audience}-{assessment.pk}"
    if fmt == "json":
        document = audience_document(audience, documentation.values, model=assessment.ai_model.name,
                                     organisation=assessment.organisation.name, version=documentation.revision)
        audit(request, "documentation_export", target=f"{filename}.json", organisation=assessment.organisation)
        response = HttpResponse(json.dumps(document, indent=2, ensure_ascii=False),
                                content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}.json"'
        return response
    # the PDF is rendered in the background, like the report (rendering.py)
    content = documentation_content(audience, documentation, model=assessment.ai_model.name,
                                    organisation=assessment.organisation.name)
    try:
        rendered = request_render(assessment, "documentation", content, user=request.user)
    except TooManyRenders as exc:
        return too_many(request, exc)
    if rendered.status == ReportStatus.DONE:
        audit(request, "documentation_export", target=f"{filename}.pdf", organisation=assessment.organisation)
    return serve(request, rendered)
