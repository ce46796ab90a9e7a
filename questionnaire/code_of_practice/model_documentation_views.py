"""The Model Documentation Form: fill it in, export it per audience (JSON or PDF)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.audit import audit

from ..core.access import SUPERSEDED_MESSAGE, assessment_for, can_change_records
from ..core.display import display_answer
from ..core.forms import posted_revision
from ..core.history import ConcurrentEditError
from ..core.translations import display_spec, document_language
from ..models import RenderStatus, current_assessment_of
from ..rendering.queue import TooManyRenders, request_render
from ..rendering.views import serve, too_many
from .forms import documentation_form_class
from .model_documentation import (
    AUDIENCES,
    all_fields,
    audience_document,
    audience_names,
    audiences,
    completeness,
    documentation_content,
    documentation_form,
    prefills,
)
from .model_documentation_store import documentation_for, save_documentation, stored_text
from .stale import documentation_facts


def _transparency_assessment(request, assessment_id, *, edit=False):
    """The completed assessment whose result includes the chapter the form serves (a content constant)."""
    assessment = assessment_for(request, assessment_id, edit=edit)
    chapter = display_spec(assessment.questionnaire_version).constants.get("documentation_form_chapter")
    if not assessment.is_completed or chapter not in assessment.snapshot["result"]["code_chapters"]:
        raise Http404("The Model Documentation Form belongs to a Code chapter that does not apply here")
    return assessment


def has_systemic_risk(assessment) -> bool:
    """The result's fact (contract.md §2: `facts.systemic_risk`), which decides the export's Annex XI note."""
    return bool(assessment.snapshot["result"].get("facts", {}).get("systemic_risk"))


@login_required
def documentation_edit(request: HttpRequest, assessment_id) -> HttpResponse:
    assessment = _transparency_assessment(request, assessment_id, edit=request.method == "POST")
    editable = can_change_records(assessment)
    if request.method == "POST" and not editable:
        messages.error(request, SUPERSEDED_MESSAGE)
        return redirect("model_documentation", assessment_id=assessment.pk)
    spec = display_spec(assessment.questionnaire_version)
    documentation = documentation_for(assessment)
    known = prefills(organisation=assessment.organisation.name, model=assessment.ai_model.name,
                     answers=assessment.snapshot.get("answers", {}), questions=spec.questions,
                     show_answer=display_answer)
    if request.method == "POST" and request.POST.get("action") == "take_new":
        return _take_new_value(request, assessment, documentation)
    prefilled = {code: p for code, p in known.items() if not documentation.values.get(code)}
    initial = {**{code: p.value for code, p in prefilled.items()}, **documentation.values}
    language = document_language()  # the form's words in the reader's language (English where untranslated)
    form = documentation_form_class(language)(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            changed = set(form.changed_data) | {c for c in prefilled if form.cleaned_data.get(c)}
            saved = {c: v for c, v in form.cleaned_data.items() if c in changed}
            save_documentation(assessment, saved, user=request.user, seen_revision=posted_revision(request),
                               sources={c: known[c].value for c in saved if c in prefilled
                                        and stored_text(saved[c]) == known[c].value})
        except ConcurrentEditError as exc:
            names = ", ".join(f"“{all_fields(language)[c].label}”" for c in exc.codes if c in all_fields())
            when = timezone.localtime(exc.at).strftime("%-d %B %Y, %H:%M %Z")
            form.add_error(None, f"{exc.by} saved {names} at {when} while you were editing. Your changes below "
                                 "were not saved: compare them with the saved form and save again.")
        else:
            messages.success(request, "Model documentation saved.")
            return redirect("model_documentation", assessment_id=assessment.pk)
    kept = {code: p for code, p in known.items()  # saved as pre-filled, not changed since
            if code in documentation.sources and documentation.values.get(code) == documentation.sources[code]}
    groups = [{"group": g, "fields": [{"spec": f, "field": form[f.code], "prefill": prefilled.get(f.code),
                                       "kept": kept.get(f.code), "for": audience_names(f, language)} for f in g.fields]}
              for g in documentation_form(language)]
    return render(request, "questionnaire/documentation.html", {
        "assessment": assessment, "form": form, "groups": groups, "documentation": documentation,
        "audiences": audiences(language), "completeness": completeness(documentation.values, language),
        "can_edit": editable}, status=400 if form.errors else 200)


def _take_new_value(request: HttpRequest, assessment, documentation) -> HttpResponse:
    """A stale field (code_of_practice.stale) takes what the model's current assessment says now, recorded in
    the field's history like any edit."""
    code = request.POST.get("field", "")
    if code not in all_fields():
        messages.error(request, "That field is not part of the form.")
        return redirect("model_documentation", assessment_id=assessment.pk)
    current = current_assessment_of(assessment)
    fact = documentation_facts(current).get(code)
    new = fact.value if fact else ""
    try:
        save_documentation(assessment, {code: new}, user=request.user, seen_revision=documentation.revision,
                           sources={code: new})
    except ConcurrentEditError:
        messages.error(request, "Someone saved the form at the same moment: try again.")
    else:
        messages.success(request, f"{all_fields()[code].label}: the new value is saved.")
    return redirect("model_documentation", assessment_id=assessment.pk)


@login_required
def documentation_export(request: HttpRequest, assessment_id, audience: str, fmt: str) -> HttpResponse:
    if audience not in AUDIENCES or fmt not in ("json", "pdf"):
        raise Http404
    assessment = _transparency_assessment(request, assessment_id)
    documentation = documentation_for(assessment)
    filename = f"model-documentation-{audience}-{assessment.pk}"
    if fmt == "json":
        document = audience_document(audience, documentation.values, model=assessment.ai_model.name,
                                     organisation=assessment.organisation.name, version=documentation.revision,
                                     systemic_risk=has_systemic_risk(assessment))
        audit(request, "documentation_export", target=f"{filename}.json", organisation=assessment.organisation)
        response = HttpResponse(json.dumps(document, indent=2, ensure_ascii=False),
                                content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}.json"'
        return response
    # the PDF is rendered in the background, like the report (rendering.queue)
    content = documentation_content(audience, documentation, model=assessment.ai_model.name,
                                    organisation=assessment.organisation.name,
                                    systemic_risk=has_systemic_risk(assessment))
    try:
        rendered = request_render(assessment, "documentation", content, user=request.user)
    except TooManyRenders as exc:
        return too_many(request, exc)
    if rendered.status == RenderStatus.DONE:
        audit(request, "documentation_export", target=f"{filename}.pdf", organisation=assessment.organisation)
    return serve(request, rendered)
