"""The organisation endpoints (a bearer token, accounts.api_tokens): models, assessments (list, create, answer a
section, complete, amend), results, gap records, legal documents' status and reports. Each calls the service the
web page calls, after the same access check (core.access, for the token's organisation and role); a stale
revision answers 409 naming who changed what."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError
from django.db.models import BooleanField, Case, Count, IntegerField, Value, When
from django.db.models.fields.json import KT
from django.http import FileResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from ninja import Field as SchemaField
from ninja import Query, Router, Schema, Status

from accounts.audit import audit
from accounts.models import Membership
from accounts.services import rename_organisation

from ..assessments.forms import answers_to_form_data, section_form_class, to_json_answers
from ..assessments.living import amend
from ..assessments.services import IncompleteAssessmentError, complete, save_section, start_assessment
from ..code_of_practice.action_plan import document_rows
from ..code_of_practice.forms import GapItemForm
from ..code_of_practice.gap import ensure_gap_items, update_gap_item
from ..code_of_practice.gap_views import not_applicable_refused
from ..core.access import ai_model_of, assessment_of, can_change_records
from ..core.evaluation import answers_visibility, evaluate_assessment
from ..core.history import ConcurrentEditError
from ..core.versions import current_version, spec_for
from ..deadlines import organisation_today, ranked
from ..engine import check_answer
from ..legal_documents.definitions import definitions
from ..legal_documents.store import applies
from ..models import AIModel, Assessment, AssessmentStatus, GapItem, LegalDocument, RenderStatus
from ..models.assessments import current_assessment_id
from ..rendering.queue import TooManyRenders, document
from ..reports.services import latest_report, request_report
from .auth import TokenAuth, holder, writer
from .problems import Problem, bad_field, form_errors, invalid
from .schemas import (
    Amendment,
    AssessmentDetail,
    AssessmentPage,
    Completion,
    DeadlinePage,
    GapRecordOut,
    GapRecordPage,
    GapRecordUpdate,
    LegalDocumentOut,
    ModelDetail,
    ModelPage,
    NewAssessment,
    ProblemOut,
    ReportOut,
    Result,
    SectionAnswers,
)

router = Router(auth=TokenAuth(), tags=["organisation"])
READ_ERRORS = {400: ProblemOut, 401: ProblemOut, 404: ProblemOut, 422: ProblemOut}
WRITE_ERRORS = {**READ_ERRORS, 403: ProblemOut, 409: ProblemOut, 413: ProblemOut, 503: ProblemOut}
MAX_LIMIT = 100
MAX_OFFSET = 1_000_000


class Paging(Schema):
    limit: int = SchemaField(50, ge=1, le=MAX_LIMIT, description="How many per page")
    offset: int = SchemaField(0, ge=0, le=MAX_OFFSET, description="How many to skip")


def page(request, queryset, paging: Paging, serialize) -> dict[str, Any]:
    """One page of a list: two queries (the count and the rows) however long it grows."""
    count = queryset.count()
    rows = [serialize(row) for row in queryset[paging.offset:paging.offset + paging.limit]]
    following = paging.offset + paging.limit
    return {"count": count, "limit": paging.limit, "offset": paging.offset, "items": rows,
            "next": f"{request.path}?limit={paging.limit}&offset={following}" if following < count else None}


def conflict(exc: ConcurrentEditError) -> Problem:
    """409: someone else saved the same fields after the revision the caller started from."""
    when = exc.at.isoformat(timespec="seconds") if exc.at else None
    return Problem(409, "Changed by someone else",
                   f"{', '.join(exc.codes)} changed by {exc.by}{f' at {when}' if when else ''}: read the record "
                   "again and send your change with its new revision.",
                   changed_by=exc.by, changed_at=when, fields=list(exc.codes),
                   saved={k: _plain(v) for k, v in exc.saved.items()})


def _plain(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "get_username"):
        return value.get_username()
    return value


# ---------------------------------------------------------------- models


def _model_row(model: AIModel) -> dict[str, Any]:
    return {"id": model.pk, "name": model.name, "description": model.description, "created_at": model.created_at,
            "current_assessment": model.current_id}


@router.get("/models", response={200: ModelPage, **READ_ERRORS}, summary="The organisation's models")
def models_list(request, paging: Query[Paging]):
    models = (AIModel.objects.filter(organisation=holder(request).organisation)
              .annotate(current_id=current_assessment_id("pk")).order_by("name", "pk"))
    return page(request, models, paging, _model_row)


@router.get("/models/{model_id}", response={200: ModelDetail, **READ_ERRORS},
            summary="A model with its current assessment's result")
def model_detail(request, model_id: uuid.UUID):
    found = holder(request)
    model = ai_model_of(found.organisation.pk, model_id, role=found.role)
    current = (Assessment.objects.filter(pk=current_assessment_id("ai_model")).filter(ai_model=model)
               .only("snapshot").first())
    model.current_id = current.pk if current else None
    row = ModelDetail(**_model_row(model), result=None).dict()
    return JsonResponse({**row, "result": current.snapshot["result"] if current else None},
                        encoder=DjangoJSONEncoder)


# ---------------------------------------------------------------- assessments


def _assessments():
    return (Assessment.objects.select_related("ai_model", "questionnaire_version")
            .defer("answers", "snapshot", "ai_model__description")
            .annotate(classification=KT("snapshot__result__classification"),
                      is_current=Case(When(pk=current_assessment_id("ai_model"), then=Value(True)),
                                      default=Value(False), output_field=BooleanField())))


def _assessment_row(assessment: Assessment) -> dict[str, Any]:
    version = assessment.questionnaire_version
    return {"id": assessment.pk, "model": assessment.ai_model_id, "model_name": assessment.ai_model.name,
            "title": assessment.title, "status": assessment.status, "revision": assessment.revision,
            "questionnaire_version": f"{version.slug} {version.label}", "created_at": assessment.created_at,
            "completed_at": assessment.completed_at, "amends": assessment.amends_id,
            "current": bool(getattr(assessment, "is_current", False)),
            "classification": getattr(assessment, "classification", None)}


class AssessmentFilter(Paging):
    status: AssessmentStatus | None = SchemaField(None, description="draft or completed")
    model: uuid.UUID | None = SchemaField(None, description="Only this model's assessments")


@router.get("/assessments", response={200: AssessmentPage, **READ_ERRORS}, summary="The organisation's assessments")
def assessments_list(request, filters: Query[AssessmentFilter]):
    rows = _assessments().filter(organisation=holder(request).organisation)
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.model:
        rows = rows.filter(ai_model_id=filters.model)
    return page(request, rows.order_by("-created_at", "pk"), filters, _assessment_row)


def _one(request, assessment_id, *, edit: bool = False) -> Assessment:
    found = writer(request) if edit else holder(request)
    return assessment_of(found.organisation.pk, assessment_id, role=found.role, edit=edit)


def _detail(assessment: Assessment) -> dict[str, Any]:
    fresh = _assessments().get(pk=assessment.pk)
    row = _assessment_row(fresh)
    spec = spec_for(assessment.questionnaire_version)
    shown = answers_visibility(spec, assessment.answers)
    sections = [{"code": s.code, "title": s.title,
                 "questions": [q.code for q in s.questions if q.code in shown.visible_questions]}
                for s in spec.sections if s.code in shown.visible_sections]
    missing = ([] if assessment.is_completed
               else list(evaluate_assessment(assessment, spec).missing_required))
    return {**row, "answers": assessment.answers, "sections": sections, "missing_required": missing}


ASSESSMENT_LINKS = {
    "GetAssessment": {"operationId": "assessment_detail", "parameters": {"assessment_id": "$response.body#/id"}},
    "AnswerSection": {"operationId": "answer_section", "parameters": {"assessment_id": "$response.body#/id"}},
    "Complete": {"operationId": "complete_assessment", "parameters": {"assessment_id": "$response.body#/id"}},
    "Result": {"operationId": "assessment_result", "parameters": {"assessment_id": "$response.body#/id"}},
    "Amend": {"operationId": "amend_assessment", "parameters": {"assessment_id": "$response.body#/id"}},
    "GapRecords": {"operationId": "gap_records", "parameters": {"assessment_id": "$response.body#/id"}},
    "LegalDocuments": {"operationId": "legal_documents", "parameters": {"assessment_id": "$response.body#/id"}},
}


@router.post("/assessments", response={201: AssessmentDetail, **WRITE_ERRORS}, operation_id="create_assessment",
             summary="Start an assessment", openapi_extra={"responses": {"201": {"links": ASSESSMENT_LINKS}}})
def assessments_create(request, body: NewAssessment):
    found = writer(request)
    version = current_version()
    if version is None:
        raise Problem(503, "No questionnaire published", "An administrator must load the questionnaire first.")
    if (body.model is None) == (body.model_name is None):
        raise bad_field("model", "give either `model` (an existing model's id) or `model_name` (a new one)")
    if body.model is not None:
        model = ai_model_of(found.organisation.pk, body.model, role=found.role)
    else:
        name = body.model_name.strip()
        if not name:
            raise bad_field("model_name", "the name is empty")
        try:
            model, _ = AIModel.objects.get_or_create(organisation=found.organisation, name=name)
        except IntegrityError:
            model = AIModel.objects.get(organisation=found.organisation, name=name)
    assessment = start_assessment(organisation=found.organisation, ai_model=model, user=found.user,
                                  version=version, title=body.title.strip())
    return Status(201, _detail(_one(request, assessment.pk)))


@router.get("/assessments/{assessment_id}", response={200: AssessmentDetail, **READ_ERRORS},
            operation_id="assessment_detail", summary="An assessment: status, revision, answers, sections asked")
def assessment_detail(request, assessment_id: uuid.UUID):
    return _detail(_one(request, assessment_id))


@router.put("/assessments/{assessment_id}/sections/{section}", response={200: AssessmentDetail, **WRITE_ERRORS},
            operation_id="answer_section", summary="Answer a section",
            description="Validated as the wizard validates the section's page (the same form, the engine's checks "
                        "and the content's answer checks): every required question the section asks must have an "
                        "answer, sent now or saved before. Then saved with its history. Send the assessment's "
                        "`revision` you started from: if someone changed one of these answers since, 409 says who "
                        "and what, and nothing is saved.",
            openapi_extra={"responses": {"200": {"links": ASSESSMENT_LINKS}}})
def answer_section(request, assessment_id: uuid.UUID, section: str, body: SectionAnswers):
    assessment = _one(request, assessment_id, edit=True)
    if assessment.is_completed:
        raise Problem(409, "Completed", "A completed assessment is frozen: amend it to change answers.")
    spec = spec_for(assessment.questionnaire_version)
    if not any(s.code == section for s in spec.sections):
        raise bad_field("section", f"no section {section!r} in this questionnaire", status=404, title="Not found")
    shown = answers_visibility(spec, assessment.answers)
    if section not in shown.visible_sections:
        raise bad_field("section", "this section is not asked for the saved answers", status=409,
                        title="Section not asked")
    form_class = section_form_class(spec, section)
    asked = {q.code for q in form_class.questions if q.code in shown.visible_questions}
    errors = []
    for code, value in body.answers.items():
        if code not in asked:
            errors.append({"field": code, "message": "not a question this section asks for the saved answers"})
            continue
        try:
            check_answer(spec.questions[code], value)
        except ValueError as exc:
            errors.append({"field": code, "message": str(exc)})
    if errors:
        raise invalid("Invalid answers", errors)
    merged = {**{c: assessment.answers.get(c) for c in asked}, **body.answers}
    form = form_class(answers_to_form_data(form_class, section, merged), prefix=section,
                      shown=shown.visible_questions, answer_context=(spec, assessment.answers, timezone.localdate()))
    if not form.is_valid():
        raise invalid("Invalid answers", form_errors(form))
    try:
        save_section(assessment, section, to_json_answers(form.cleaned_data), user=request.holder.user,
                     seen_revision=body.revision)
    except ConcurrentEditError as exc:
        raise conflict(exc) from None
    return _detail(_one(request, assessment_id))


@router.post("/assessments/{assessment_id}/complete", response={200: AssessmentDetail, **WRITE_ERRORS},
             operation_id="complete_assessment", summary="Complete (freeze) an assessment",
             openapi_extra={"responses": {"200": {"links": ASSESSMENT_LINKS}}})
def complete_assessment(request, assessment_id: uuid.UUID, body: Completion | None = None):
    assessment = _one(request, assessment_id, edit=True)
    organisation = assessment.organisation
    if not organisation.name_confirmed and not assessment.is_completed:
        if not (body and body.organisation_name and body.organisation_name.strip()):
            raise bad_field("organisation_name", "give the organisation's legal name once: the report records it")
        rename_organisation(organisation, body.organisation_name.strip())
    try:
        complete(assessment, user=request.holder.user)
    except IncompleteAssessmentError as exc:
        errors = [{"field": code, "message": "required"} for code in exc.missing]
        errors += [{"field": code, "message": "; ".join(messages)} for problem in exc.problems
                   for code, messages in problem.errors.items()]
        raise Problem(422, "Not complete", "Answer every question the assessment asks before completing it.",
                      errors=errors) from None
    return _detail(_one(request, assessment_id))


@router.post("/assessments/{assessment_id}/amend", response={201: Amendment, **WRITE_ERRORS},
             operation_id="amend_assessment", summary="Amend a completed assessment",
             description="Starts (or reopens) its amendment with every answer, gap record and document carried over.")
def amend_assessment(request, assessment_id: uuid.UUID):
    source = _one(request, assessment_id, edit=True)
    if not source.is_completed:
        raise Problem(409, "Not completed", "Only a completed assessment can be amended; answer this one instead.")
    derived = amend(source, user=request.holder.user)
    return Status(201, {"assessment": _assessment_row(_assessments().get(pk=derived.assessment.pk)),
                        "created": derived.created, "dropped": dict(derived.dropped or {})})


@router.get("/assessments/{assessment_id}/result", response={200: Result, **READ_ERRORS},
            operation_id="assessment_result", summary="An assessment's result",
            description="The frozen result of a completed assessment; of a draft, the result of its answers so far.")
def assessment_result(request, assessment_id: uuid.UUID):
    assessment = _one(request, assessment_id)
    result = assessment.snapshot["result"] if assessment.is_completed else evaluate_assessment(assessment).to_json()
    return JsonResponse(result)  # as it is: the schema's model would drop keys the contract adds


# ---------------------------------------------------------------- gap records


def _completed(request, assessment_id, *, edit: bool = False) -> Assessment:
    assessment = _one(request, assessment_id, edit=edit)
    if not assessment.is_completed:
        raise Problem(404, "Not completed yet", "Gap records, legal documents and reports start when the "
                      "assessment is completed.")
    return assessment


def _gap_row(item: GapItem) -> dict[str, Any]:
    return {"measure": item.measure, "status": item.status if item.is_recorded else None,
            "not_applicable_reason": item.not_applicable_reason,
            "owner": item.owner.get_username() if item.owner else None, "due_date": item.due_date,
            "evidence": item.evidence, "notes": item.notes, "revision": item.revision, "updated_at": item.updated_at,
            "evidence_files": item.file_count if hasattr(item, "file_count") else item.files.count()}


@router.get("/assessments/{assessment_id}/gap", response={200: GapRecordPage, **READ_ERRORS},
            operation_id="gap_records", summary="The gap-analysis records of every Code measure that applies")
def gap_list(request, assessment_id: uuid.UUID, paging: Query[Paging]):
    assessment = _completed(request, assessment_id)
    items = ensure_gap_items(assessment)
    order = {measure: position for position, measure in enumerate(items)}
    rows = (GapItem.objects.filter(pk__in=[i.pk for i in items.values()]).select_related("owner")
            .annotate(file_count=Count("files"),
                      position=Case(*[When(measure=m, then=Value(p)) for m, p in order.items()],
                                    default=Value(len(order)), output_field=IntegerField()))
            .order_by("position"))
    return page(request, rows, paging, _gap_row)


def _gap_item(assessment, measure: str) -> GapItem:
    item = ensure_gap_items(assessment).get(measure)
    if item is None:
        raise Problem(404, "Not found", f"Measure {measure} does not apply to this assessment.")
    return item


@router.get("/assessments/{assessment_id}/gap/{measure}", response={200: GapRecordOut, **READ_ERRORS},
            summary="One measure's gap-analysis record")
def gap_detail(request, assessment_id: uuid.UUID, measure: str):
    return _gap_row(_gap_item(_completed(request, assessment_id), measure))


@router.patch("/assessments/{assessment_id}/gap/{measure}", response={200: GapRecordOut, **WRITE_ERRORS},
              summary="Update one measure's gap-analysis record",
              description="The fields you send change; the others keep their values. Validated as the gap-analysis "
                          "page validates (status values, a member as owner, a real due date, a reason for not "
                          "applicable). Send the record's `revision`: a later change by someone else answers 409.")
def gap_update(request, assessment_id: uuid.UUID, measure: str, body: GapRecordUpdate):
    assessment = _completed(request, assessment_id, edit=True)
    if not can_change_records(assessment):
        raise Problem(409, "Superseded", "This assessment was superseded by a newer one of the same model: record "
                      "changes on the model's current assessment.")
    item = _gap_item(assessment, measure)
    members = Membership.objects.filter(organisation=assessment.organisation).select_related("user")
    usernames = {m.user.get_username(): str(m.user_id) for m in members}
    sent = body.dict(exclude_unset=True)
    sent.pop("revision", None)
    data = {"status": item.status if item.is_recorded else "", "not_applicable_reason": item.not_applicable_reason,
            "owner": str(item.owner_id or ""), "due_date": item.due_date.isoformat() if item.due_date else "",
            "evidence": item.evidence, "notes": item.notes}
    for field, value in sent.items():
        value = "" if value is None else value
        if field == "owner" and value:
            if value not in usernames:
                raise bad_field("owner", "not a member of the organisation")
            value = usernames[value]
        data[field] = value
    spec = spec_for(assessment.questionnaire_version)
    form = GapItemForm(data, members=members, not_applicable_refused=not_applicable_refused(spec, measure))
    if not form.is_valid():
        raise invalid("Invalid record", form_errors(form))
    cleaned = {k: form.cleaned_data[k] for k in data}
    try:
        item = update_gap_item(item, cleaned, user=request.holder.user, seen_revision=body.revision)
    except ConcurrentEditError as exc:
        raise conflict(exc) from None
    return _gap_row(item)


# ---------------------------------------------------------------- legal documents and reports


@router.get("/assessments/{assessment_id}/legal-documents", response={200: list[LegalDocumentOut], **READ_ERRORS},
            operation_id="legal_documents",
            summary="The legal documents the result asks for: started, issued, open deadlines")
def legal_documents(request, assessment_id: uuid.UUID):
    assessment = _completed(request, assessment_id)
    today = timezone.localdate()
    stored = {}
    for legal_document in LegalDocument.objects.filter(assessment=assessment).prefetch_related("issues"):
        stored.setdefault(legal_document.kind, []).append(legal_document)
    open_rows = document_rows([assessment], today)
    out = []
    for kind, definition in definitions().items():
        if not applies(assessment, definition):
            continue
        documents = stored.get(kind, [])
        issued = [{"number": d.number, "label": i.label, "stage": i.stage, "issued_on": i.issued_on,
                   "status": i.status} for d in documents for i in sorted(d.issues.all(), key=lambda i: i.sequence)]
        deadlines = [{"what": r.status_label, "title": r.title,
                      "due": (r.legal_deadline or r.code_date or r.suggested_date or None),
                      "basis": "act" if r.legal_deadline else "code" if r.code_date else "suggested",
                      "overdue": bool(r.legal_deadline and r.legal_deadline < today)}
                     for r in open_rows if r.kind == "document" and r.key == kind]
        out.append({"kind": kind, "title": definition.title, "obligation": definition.obligation,
                    "started": bool(documents), "issued": issued, "open_deadlines": deadlines})
    return out


def _report_row(request, assessment, report) -> dict[str, Any]:
    ready = report.status == RenderStatus.DONE
    return {"id": report.pk, "status": report.status, "report_hash": report.document_hash,
            "download": request.build_absolute_uri(reverse("api-1:report_download",
                                                           kwargs={"assessment_id": assessment.pk}))
            if ready else None}


@router.post("/assessments/{assessment_id}/report", response={200: ReportOut, 202: ReportOut, 429: ProblemOut,
                                                               **READ_ERRORS},
             summary="Ask for the PDF report",
             description="Queues the report of the assessment as it stands (rendered in the background); 200 with "
                         "its download path when it is ready, else 202: ask again in a few seconds.")
def report_request(request, assessment_id: uuid.UUID):
    assessment = _completed(request, assessment_id)
    try:
        report = request_report(assessment, user=request.holder.user)
    except TooManyRenders as exc:
        raise Problem(429, "Too many reports waiting", f"{exc.limit} documents are already waiting to be "
                      "rendered for this token's member: ask again when one is ready.",
                      headers={"Retry-After": "30"}) from None
    return Status(200 if report.status == RenderStatus.DONE else 202, _report_row(request, assessment, report))


@router.get("/assessments/{assessment_id}/report", response={200: None, 202: ReportOut, **READ_ERRORS},
            url_name="report_download", summary="Download the PDF report",
            description="The PDF (application/pdf) when the latest report is ready; 202 with its status while it "
                        "is rendered; 404 before one was asked for.",
            openapi_extra={"responses": {"200": {"description": "The PDF", "content": {
                "application/pdf": {"schema": {"type": "string", "format": "binary"}}}}}})
def report_download(request, assessment_id: uuid.UUID):
    assessment = _completed(request, assessment_id)
    report = latest_report(assessment)
    if report is None:
        raise Problem(404, "No report yet", "Ask for one first: POST to this path.")
    if report.status != RenderStatus.DONE:
        return Status(202, _report_row(request, assessment, report))
    audit(request, "report_download", target=f"assessment {assessment.pk} report {report.document_hash[:19]}",
          organisation=assessment.organisation, user=request.holder.user, token=request.holder.token.hint)
    filename = re.sub(r"[^A-Za-z0-9._-]+", "-", document(report.kind).filename(report))
    response = FileResponse(report.file.open("rb"), content_type="application/pdf", filename=filename,
                            as_attachment=True)
    response["X-Content-Type-Options"] = "nosniff"
    return response





# ---------------------------------------------------------------- deadlines


class DeadlineFilter(Paging):
    within_days: int | None = SchemaField(None, ge=0, le=3660, description="Only what falls due within this many "
                                          "days from today, and what is overdue (30: what do we owe this month?)")
    model: uuid.UUID | None = SchemaField(None, description="Only this model's deadlines")


def deadline_row(request, item) -> dict[str, Any]:
    return {"uid": item.uid, "date": item.date, "kind": item.kind, "title": item.title, "reference": item.reference,
            "basis": item.basis_label or item.basis, "detail": item.detail, "model": item.model.pk,
            "model_name": item.model.name, "assessment": item.assessment.pk, "overdue": item.overdue,
            "days_left": item.days_left, "url": request.build_absolute_uri(item.url) if item.url else "",
            "measures": [{"id": m.id, "title": m.title, "status": m.status_label} for m in item.measures]}


def ranked_deadlines(organisation, *, within_days: int | None = None, model=None) -> tuple[Any, list]:
    """(today, the ranked deadlines) of the organisation (questionnaire.deadlines.ranked), the same list as the
    action plan and the calendar feed; `within_days` keeps what is due by then (overdue included)."""
    today = organisation_today(organisation)
    items = ranked(organisation, today=today, model=model)
    if within_days is not None:
        items = [item for item in items if item.days_left <= within_days]
    return today, items


@router.get("/deadlines", response={200: DeadlinePage, **READ_ERRORS}, operation_id="deadlines",
            summary="The organisation's deadlines, ranked",
            description="Every dated deadline of the current assessments (legal dates such as obligations_apply_from "
                        "and notify_by, gap-record due dates, legal-document clocks, rules changes), ranked as on the "
                        "action plan: what is recently overdue or next first, long-standing dates after.")
def deadlines(request, filters: Query[DeadlineFilter]):
    found = holder(request)
    model = ai_model_of(found.organisation.pk, filters.model, role=found.role) if filters.model else None
    today, items = ranked_deadlines(found.organisation, within_days=filters.within_days, model=model)
    chunk = items[filters.offset:filters.offset + filters.limit]
    following = filters.offset + filters.limit
    return {"today": today, "count": len(items), "limit": filters.limit, "offset": filters.offset,
            "items": [deadline_row(request, item) for item in chunk],
            "next": f"{request.path}?limit={filters.limit}&offset={following}" if following < len(items) else None}
