"""Views: thin. Access helper -> form -> one service call -> redirect. The wizard's section pages are in wizard.py."""

from __future__ import annotations

import itertools
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.audit import audit
from accounts.forms import LegalNameForm
from accounts.memberships import current_membership
from accounts.services import rename_organisation

from ..core.access import ai_model_for, assessment_for, can_edit
from ..core.csv_export import csv_response
from ..core.display import display_answer, display_fact, long_date
from ..core.evaluation import assessment_visibility, evaluate_assessment
from ..core.once import submit_once
from ..core.signatory import statuses_for
from ..core.translations import display_spec
from ..core.versions import current_version
from ..models import AIModel, AnswerRevision, Assessment, current_assessments
from . import presenters
from .forms import NewAssessmentForm
from .living import Carry, amend, new_version_assessment
from .services import IncompleteAssessmentError, complete, start_assessment


def start(request: HttpRequest) -> HttpResponse:
    """The start page: what the tool does and what you need to hand."""
    version = current_version()
    spec = display_spec(version) if version else None
    return render(request, "questionnaire/start.html", {"version": version, "spec": spec})


# ---------------------------------------------------------------- dashboard and models


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Each model of the organisation with its latest assessment, classification, status and next deadline."""
    membership = current_membership(request)
    rows = presenters.dashboard_rows(membership.organisation, today=timezone.localdate())
    return render(request, "questionnaire/dashboard.html", {"rows": rows, "can_edit": membership.can_edit})


@login_required
def new_assessment(request: HttpRequest) -> HttpResponse:
    membership = current_membership(request)
    if not membership.can_edit:
        raise PermissionDenied("Viewers cannot start assessments")
    if current_version() is None:
        messages.error(request, _("No questionnaire is published yet. An administrator must load it first."))
        return redirect("dashboard")
    models = list(AIModel.objects.filter(organisation=membership.organisation))
    preselected = request.GET.get("model")
    form = NewAssessmentForm(request.POST or None, models=models,
                             initial={"ai_model": preselected} if preselected else None)
    if request.method == "POST" and form.is_valid():
        choice = form.cleaned_data["ai_model"]
        if choice == "new":
            try:
                ai_model = AIModel.objects.create(organisation=membership.organisation,
                                                  name=form.cleaned_data["new_model_name"].strip())
            except IntegrityError:
                form.add_error("new_model_name", _("Your organisation already has a model with this name"))
                return render(request, "questionnaire/new.html", {"form": form}, status=400)
        else:
            ai_model = next((m for m in models if str(m.pk) == choice), None)
            if ai_model is None:
                raise Http404
        assessment = start_assessment(organisation=membership.organisation, ai_model=ai_model, user=request.user,
                                      title=form.cleaned_data["title"])
        return redirect("resume", assessment_id=assessment.pk)
    return render(request, "questionnaire/new.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def model_detail(request: HttpRequest, model_id) -> HttpResponse:
    ai_model = ai_model_for(request, model_id)
    assessments = list(Assessment.objects.filter(ai_model=ai_model).select_related(
        "questionnaire_version", "completed_by", "amends"))
    for newer, older in itertools.pairwise(assessments):
        newer.previous = older
    current = current_assessments().filter(ai_model=ai_model).first()
    return render(request, "questionnaire/model.html", {
        "ai_model": ai_model, "assessments": assessments, "can_edit": can_edit(ai_model), "current": current,
        "rules_change": presenters.pending_rules_changes([current]).get(current.pk) if current else None})


# ---------------------------------------------------------------- wizard entry, check answers, completion


@login_required
def resume(request: HttpRequest, assessment_id) -> HttpResponse:
    """Completed: the result. Otherwise the first section with an unanswered question, else the check page."""
    assessment = assessment_for(request, assessment_id)
    if assessment.is_completed or not can_edit(assessment):
        return redirect("result" if assessment.is_completed else "check_answers", assessment_id=assessment.pk)
    spec = display_spec(assessment.questionnaire_version)
    section = presenters.first_open_section(spec, assessment_visibility(assessment, spec), assessment.answers)
    if section is None:
        return redirect("check_answers", assessment_id=assessment.pk)
    return redirect("wizard_step", assessment_id=assessment.pk, step=section)


@login_required
def check_answers(request: HttpRequest, assessment_id, name_form: LegalNameForm | None = None) -> HttpResponse:
    assessment = assessment_for(request, assessment_id)
    if assessment.is_completed:
        return redirect("result", assessment_id=assessment.pk)
    spec = display_spec(assessment.questionnaire_version)
    result = evaluate_assessment(assessment, spec)
    if name_form is None and not assessment.organisation.name_confirmed:
        name_form = LegalNameForm(instance=assessment.organisation, prefix="organisation")
    return render(request, "questionnaire/check.html", {
        "name_form": name_form, "amends": assessment.amends,
        "assessment": assessment, "spec": spec, "result": result, "can_edit": can_edit(assessment),
        "sections": presenters.answered_sections(assessment, spec, result),
        "missing": presenters.missing_questions(spec, result),
        "preview_label": spec.outcome("classification").label(result.classification),
    }, status=400 if name_form is not None and name_form.errors else 200)


@login_required
@require_POST
def complete_assessment(request: HttpRequest, assessment_id) -> HttpResponse:
    assessment = assessment_for(request, assessment_id, edit=True)
    organisation = assessment.organisation
    if not organisation.name_confirmed and not assessment.is_completed:
        form = LegalNameForm(request.POST, instance=organisation, prefix="organisation")
        if not form.is_valid():
            return check_answers(request, assessment_id, name_form=form)
        if form.cleaned_data["name"]:
            rename_organisation(organisation, form.cleaned_data["name"])
    try:
        complete(assessment, user=request.user)
    except IncompleteAssessmentError as exc:
        if exc.problems:
            first = exc.problems[0]
            messages.error(request, _("Check your answers in “%(section)s”: some are no longer valid.") % {
                "section": first.title})
            return redirect("wizard_step", assessment_id=assessment.pk, step=first.section)
        messages.error(request, _("Answer every question before you complete the assessment."))
        return redirect("resume", assessment_id=assessment.pk)
    messages.success(request, _("Assessment completed. The result below is frozen with the rules version used."))
    return redirect("result", assessment_id=assessment.pk)


# ---------------------------------------------------------------- result, exports, history


# The legal documents recorded as issued, read by dotted path (as living.CARRIERS): assessments and legal_documents
# do not know each other.
DOCUMENTS_ISSUED = "questionnaire.legal_documents.store.documents_issued"


@login_required
def result(request: HttpRequest, assessment_id) -> HttpResponse:
    assessment = assessment_for(request, assessment_id)
    if not assessment.is_completed:
        return redirect("check_answers", assessment_id=assessment.pk)
    spec = display_spec(assessment.questionnaire_version)
    # the documents recorded as sent, so that a notification's date reads "sent on …" as in the report
    snapshot = {**assessment.snapshot, "documents_issued": import_string(DOCUMENTS_ISSUED)(assessment)}
    page = presenters.result_page(spec, snapshot, today=timezone.localdate(), signatory=statuses_for(assessment))
    return render(request, "questionnaire/result.html", {
        "assessment": assessment, "spec": spec, "page": page, "can_edit": can_edit(assessment),
        "living": presenters.lineage(assessment), "carry_choices": CARRY_CHOICES,
        "documentation_chapter": spec.constants.get("documentation_form_chapter")})


def _export_document(assessment: Assessment) -> dict:
    if assessment.is_completed:
        return {**assessment.snapshot, "snapshot_hash": assessment.snapshot_hash}
    result = evaluate_assessment(assessment)
    return {"assessment": {"id": str(assessment.pk), "status": "draft", "model": assessment.ai_model.name},
            "answers": assessment.answers, "result": result.to_json()}


@login_required
def export_json(request: HttpRequest, assessment_id) -> HttpResponse:
    assessment = assessment_for(request, assessment_id)
    audit(request, "export", target=f"assessment {assessment.pk} (JSON)", organisation=assessment.organisation)
    response = HttpResponse(json.dumps(_export_document(assessment), indent=2, ensure_ascii=False),
                            content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="assessment-{assessment.pk}.json"'
    return response


@login_required
def export_csv(request: HttpRequest, assessment_id) -> HttpResponse:
    assessment = assessment_for(request, assessment_id)
    audit(request, "export", target=f"assessment {assessment.pk} (CSV)", organisation=assessment.organisation)
    spec = display_spec(assessment.questionnaire_version)
    document = _export_document(assessment)
    # codes and machine-readable values first (as before), the words people read beside them
    rows = []
    for code, value in document["answers"].items():
        question = spec.questions.get(code)
        rows.append(["answer", code, question.text if question else code, value, display_answer(question, value)
                     if question else ""])
    outcome = document["result"]
    outcomes = {o.name for o in spec.outcomes}
    for key in ("classification", "role_outcome", "obligation_scope"):
        known = key in outcomes
        rows.append(["result", key, spec.outcome(key).title if known else key, outcome[key] or "",
                     spec.outcome(key).label(outcome[key]) if known and outcome[key] else ""])
    titles = {o.id: f"{o.label} {o.title}" for o in spec.obligations}
    rows += [["obligation", ob, titles.get(ob, ob), "applies", "Applies"] for ob in outcome["obligations"]]
    deadline_labels = {d.key: d.label for d in spec.deadlines}
    rows += [["deadline", key, deadline_labels.get(key, key.replace("_", " ")), value, display_fact(value)]
             for key, value in outcome["deadlines"].items()]
    flag_titles = {f.id: f.title for f in spec.flags}
    rows += [["flag", flag, flag_titles.get(flag, ""), "", ""] for flag in outcome["flags"]]
    measures = spec.measures()
    rows += [["code_measure", measure, measures[measure].title if measure in measures else "", "applies", "Applies"]
             for measure in outcome["code_measures"]]
    return csv_response(f"assessment-{assessment.pk}.csv", ["kind", "code", "label", "value", "value_label"], rows)


@login_required
def history(request: HttpRequest, assessment_id) -> HttpResponse:
    assessment = assessment_for(request, assessment_id)
    spec = display_spec(assessment.questionnaire_version)
    revisions = AnswerRevision.objects.filter(assessment=assessment).select_related("user").order_by("-revision",
                                                                                                     "-id")[:500]
    return render(request, "questionnaire/history.html", {
        "assessment": assessment, "spec": spec,
        "revisions": [presenters.revision_row(spec, r) for r in revisions]})


# ---------------------------------------------------------------- re-assessment and comparison


CARRY_CHOICES = (
    ("answers", gettext_lazy("Answers")),
    ("gap_records", gettext_lazy("Gap-analysis records (status, owner, dates, evidence and files, notes, history)")),
    ("documentation", gettext_lazy("Model Documentation Form and the legal documents (training-content summary, "
                                   "notification, incident register, Model Report, copyright policy)")),
)


def _carry(post) -> Carry:
    """What the "assess a new version" form asks to carry over; everything when the form does not ask."""
    if "carry_chosen" not in post:
        return Carry()
    chosen = set(post.getlist("carry"))
    return Carry(**{name: name in chosen for name, _label in CARRY_CHOICES})


def _say_dropped(request: HttpRequest, derived) -> None:
    if not derived.dropped:
        return
    spec = display_spec(derived.assessment.questionnaire_version)
    names = "; ".join(f"“{spec.questions[code].text}”" for code in derived.dropped)
    messages.warning(request, _("Some saved answers no longer fit rules version %(version)s and were left out. "
                                "Answer them again: %(questions)s.") % {
        "version": derived.assessment.questionnaire_version.label, "questions": names})


@login_required
@require_POST
def copy(request: HttpRequest, assessment_id) -> HttpResponse:
    """Assess a new version of the model (or under new rules), carrying over what the user chose."""
    source = assessment_for(request, assessment_id, edit=True)

    def create() -> str:
        derived = new_version_assessment(source, user=request.user, carry=_carry(request.POST),
                                         title=request.POST.get("title", "").strip()[:200])
        messages.success(request, _("A new assessment was started from the one of %(date)s, on rules version "
                                    "%(version)s. Change what is different, then complete it: it becomes the "
                                    "model's current assessment.") % {
            "date": long_date(source.created_at), "version": derived.assessment.questionnaire_version.label})
        _say_dropped(request, derived)
        return reverse("check_answers", kwargs={"assessment_id": derived.assessment.pk})

    return redirect(submit_once(request, create))  # a double submission starts one assessment


@login_required
@require_POST
def amend_assessment(request: HttpRequest, assessment_id) -> HttpResponse:
    """Start (or reopen) the amendment of a completed assessment, with everything carried over."""
    source = assessment_for(request, assessment_id, edit=True)
    if not source.is_completed:
        return redirect("check_answers", assessment_id=source.pk)
    derived = amend(source, user=request.user)
    if derived.created:
        messages.success(request, _("Amendment started with every answer, gap-analysis record and the Model "
                                    "Documentation Form carried over. Change what needs correcting and complete it: "
                                    "it then becomes the model's current assessment. The original stays as it is."))
        _say_dropped(request, derived)
    else:
        messages.info(request, _("This assessment already has an amendment in progress; you are back in it."))
    return redirect("check_answers", assessment_id=derived.assessment.pk)


@login_required
def compare(request: HttpRequest, assessment_id, other_id) -> HttpResponse:
    first = assessment_for(request, assessment_id)
    second = assessment_for(request, other_id)
    if first.ai_model_id != second.ai_model_id:
        raise Http404("Only assessments of the same model can be compared")
    return render(request, "questionnaire/compare.html", {
        "first": first, "second": second, "diff": presenters.compare(first, second)})
