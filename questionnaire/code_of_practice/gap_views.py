"""Code of Practice gap analysis, measure by measure and chapter by chapter, its evidence files and the signatory status
per chapter (the action plan is action_plan.py)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.audit import audit
from accounts.models import Membership

from ..core.access import SUPERSEDED_MESSAGE, assessment_for, can_change_records, can_edit
from ..core.forms import posted_revision
from ..core.history import ConcurrentEditError
from ..core.signatory import (
    demonstration_text,
    good_faith_text,
    optional_chapter_texts,
    review_text,
    signing_texts,
    statuses_for,
)
from ..core.translations import display_spec
from ..models import (
    NOT_RECORDED,
    Assessment,
    EvidenceFile,
    GapRevision,
    MeasureStatus,
    SignatoryChoice,
    SignatoryStatus,
    current_assessment_of,
)
from .forms import GAP_FIELD_LABELS, ChapterRowForm, GapItemForm
from .gap import GapUpdate, add_evidence_file, carried_not_applying, ensure_gap_items, update_gap_item, update_gap_items

STATUS_LABELS = dict(MeasureStatus.choices)


def gap_value_text(field: str, value) -> str:
    """A gap-analysis value as people read it (history, conflicts): labels, names, dates in words."""
    if field == "status" and value is None:
        return NOT_RECORDED
    if value in (None, ""):
        return "–"
    if field == "status":
        return str(STATUS_LABELS.get(value, value))
    if field == "owner":
        return value.get_full_name() or value.get_username() if hasattr(value, "get_username") else str(value)
    if field == "due_date":
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
        return f"{day:%-d %B %Y}"
    return str(value)


def _completed(request, assessment_id, *, edit=False) -> Assessment:
    assessment = assessment_for(request, assessment_id, edit=edit)
    if not assessment.is_completed:
        raise Http404("The gap analysis starts when the assessment is completed")
    return assessment


def _good_faith(spec, item, status: str | None) -> str:
    """The FAQ's good-faith note beside a measure a signatory has partly implemented (else empty)."""
    if not item.is_recorded or item.status != MeasureStatus.PARTIAL or status is None:
        return ""
    return good_faith_text(spec, status)


def _measure_rows(spec, items, today, statuses=None):
    chapters = []
    obligations = {o.id: o for o in spec.obligations}
    statuses = statuses or {}
    for chapter in spec.chapters:
        rows = []
        for measure in chapter.measures():
            item = items.get(measure.id)
            if item is None:
                continue
            rows.append({"measure": measure, "item": item,
                         "overdue": bool(item.is_open and item.due_date and item.due_date < today),
                         "serves": [obligations[o] for o in measure.serves if o in obligations],
                         "good_faith": _good_faith(spec, item, statuses.get(chapter.id))})
        if rows:
            chapters.append({"chapter": chapter, "rows": rows})
    return chapters


def not_applicable_refused(spec, measure_id: str) -> str:
    """Why a measure cannot be recorded as not applicable (content: `measures_never_not_applicable`), or ""."""
    refused = spec.constants.get("measures_never_not_applicable") or {}
    return str(refused.get(measure_id, "")) if isinstance(refused, dict) else ""


@login_required
def gap_overview(request: HttpRequest, assessment_id) -> HttpResponse:
    assessment = _completed(request, assessment_id)
    spec = display_spec(assessment.questionnaire_version)
    items = ensure_gap_items(assessment)
    counts = {NOT_RECORDED: sum(1 for i in items.values() if not i.is_recorded)}
    counts.update({label: sum(1 for i in items.values() if i.is_recorded and i.status == value)
                   for value, label in MeasureStatus.choices})
    statuses = statuses_for(assessment)
    chapters = {ch.id: ch for ch in spec.chapters}
    signatory = [{"chapter": ch, "title": chapters[ch].title, "status": status,
                  "text": demonstration_text(spec, chapters[ch], status, open_measures=sum(
                      1 for m in chapters[ch].measures()
                      if m.id not in items or items[m.id].is_open or not items[m.id].is_recorded))}
                 for ch, status in statuses.items() if ch in chapters]
    signing = {"by_status": signing_texts(spec, [(s["title"], s["status"]) for s in signatory]),
               "optional": optional_chapter_texts(spec, list(statuses)), "review": review_text(spec)}
    return render(request, "questionnaire/gap.html", {
        "signatory": signatory, "signatory_choices": SignatoryChoice.choices, "signing": signing,
        "assessment": assessment, "chapters": _measure_rows(spec, items, timezone.localdate(), statuses),
        "counts": counts, "total": len(items), "can_edit": can_edit(assessment),
        "can_change_records": can_change_records(assessment),
        "no_longer_applies": carried_not_applying(assessment, spec),
    })


def _members(assessment) -> dict:
    return {str(m.user_id): m.user for m in
            Membership.objects.filter(organisation=assessment.organisation).select_related("user")}


@login_required
def gap_chapter(request: HttpRequest, assessment_id, chapter: str) -> HttpResponse:
    """Every measure of one chapter with status, owner and due date, edited inline and saved together."""
    assessment = _completed(request, assessment_id, edit=request.method == "POST")
    spec = display_spec(assessment.questionnaire_version)
    items = ensure_gap_items(assessment)
    block = next((c for c in _measure_rows(spec, items, timezone.localdate()) if c["chapter"].id == chapter), None)
    if block is None:
        raise Http404("This chapter does not apply to the assessment")
    members = _members(assessment)
    editable = can_change_records(assessment)
    if request.method == "POST" and not editable:
        messages.error(request, SUPERSEDED_MESSAGE)
        return redirect("gap_chapter", assessment_id=assessment.pk, chapter=chapter)

    def row_forms(data=None):
        return [ChapterRowForm(data, item=row["item"], measure=row["measure"], members=members,
                               not_applicable_refused=not_applicable_refused(spec, row["measure"].id), initial={
            "status": row["item"].status if row["item"].is_recorded else "",
            "owner": str(row["item"].owner_id or ""), "due_date": row["item"].due_date,
            "not_applicable_reason": row["item"].not_applicable_reason}) for row in block["rows"]]

    forms_ = row_forms(request.POST if request.method == "POST" else None)
    conflicts = []
    status = 200
    if request.method == "POST":
        if all(f.is_valid() for f in forms_):
            updates = [GapUpdate(f.measure.id, f.changes(), posted_revision(request, f"{f.measure.id}-seen_revision"))
                       for f in forms_]
            outcome = update_gap_items(items, updates, user=request.user)
            if not outcome.conflicts:
                messages.success(request, f"{block['chapter'].title}: {len(outcome.saved)} "
                                          f"measure{'s' if len(outcome.saved) != 1 else ''} saved.")
                return redirect(f"{reverse('gap_overview', args=[assessment.pk])}#chapter-{chapter}")
            conflicts = [_conflict_view(measure, exc, spec) for measure, exc in outcome.conflicts.items()]
            if outcome.saved:
                messages.success(request, f"Saved: {', '.join(outcome.saved)}.")
            items = ensure_gap_items(assessment)
            block = next(c for c in _measure_rows(spec, items, timezone.localdate()) if c["chapter"].id == chapter)
            forms_ = row_forms()
            status = 409
        else:
            status = 400
    for row, form in zip(block["rows"], forms_, strict=True):
        row["form"] = form
    errors = [(f, field, error) for f in forms_ for field in f for error in field.errors]
    return render(request, "questionnaire/gap_chapter.html", {
        "assessment": assessment, "chapter": block["chapter"], "rows": block["rows"], "errors": errors,
        "conflicts": conflicts, "can_edit": editable,
        **_superseded(assessment, editable, "gap_chapter", chapter=chapter)}, status=status)


def _superseded(assessment, editable: bool, url_name: str, **kwargs) -> dict:
    """Why a page of a superseded assessment is read-only, and the same page of the current assessment."""
    current = current_assessment_of(assessment)
    if editable or current.pk == assessment.pk:
        return {"superseded": False}
    return {"superseded": True, "current": current,
            "current_url": reverse(url_name, kwargs={"assessment_id": current.pk, **kwargs})}


def _conflict_view(measure: str, exc: ConcurrentEditError, spec) -> dict:
    title = spec.measures()[measure].title if measure in spec.measures() else ""
    saved = "; ".join(f"{GAP_FIELD_LABELS.get(f, f).lower()} {gap_value_text(f, v)}" for f, v in exc.saved.items())
    when = timezone.localtime(exc.at).strftime("%-d %B %Y, %H:%M %Z") if exc.at else ""
    return {"measure": measure, "title": title, "by": exc.by, "when": when, "saved": saved}


@login_required
@require_POST
def gap_signatory(request: HttpRequest, assessment_id) -> HttpResponse:
    """Record whether the organisation signed each chapter that applies."""
    assessment = _completed(request, assessment_id, edit=True)
    allowed = dict(SignatoryChoice.choices)
    for chapter in assessment.snapshot["result"]["code_chapters"]:
        status = request.POST.get(f"signatory-{chapter}")
        if status in allowed:
            SignatoryStatus.objects.update_or_create(organisation=assessment.organisation, chapter=chapter,
                                                     defaults={"status": status, "updated_by": request.user})
    messages.success(request, "Signatory status saved.")
    return redirect("gap_overview", assessment_id=assessment.pk)


@login_required
def gap_item(request: HttpRequest, assessment_id, measure: str) -> HttpResponse:
    assessment = _completed(request, assessment_id, edit=request.method == "POST")
    spec = display_spec(assessment.questionnaire_version)
    items = ensure_gap_items(assessment)
    item = items.get(measure)
    spec_measure = spec.measures().get(measure)
    if item is None or spec_measure is None:
        raise Http404("This measure does not apply to the assessment")
    members = Membership.objects.filter(organisation=assessment.organisation).select_related("user")
    initial = {"status": item.status if item.is_recorded else None,
               "not_applicable_reason": item.not_applicable_reason,
               "owner": str(item.owner_id or ""), "due_date": item.due_date, "evidence": item.evidence,
               "notes": item.notes}
    editable = can_change_records(assessment)
    if request.method == "POST" and not editable:
        messages.error(request, SUPERSEDED_MESSAGE)
        return redirect("gap_item", assessment_id=assessment.pk, measure=measure)
    form = GapItemForm(request.POST or None, request.FILES or None, members=members, initial=initial,
                       not_applicable_refused=not_applicable_refused(spec, measure))
    order = list(items)
    following = order[order.index(measure) + 1] if order.index(measure) + 1 < len(order) else None
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in ("status", "not_applicable_reason", "owner", "due_date",
                                                  "evidence", "notes")}
        try:
            item = update_gap_item(item, data, user=request.user,
                                   seen_revision=posted_revision(request))
        except ConcurrentEditError as exc:
            conflict = _conflict_view(measure, exc, spec)
            form.add_error(None, f"{conflict['by']} changed {measure} while you were editing ({conflict['when']}): "
                                 f"they saved {conflict['saved']}. Your changes below were not saved: check them "
                                 "against the saved record and save again.")
        else:
            if form.cleaned_data.get("upload"):
                add_evidence_file(item, form.cleaned_data["upload"], user=request.user)
            messages.success(request, f"{measure} saved.")
            if request.POST.get("next") and following:
                return redirect("gap_item", assessment_id=assessment.pk, measure=following)
            return redirect(f"{reverse('gap_overview', args=[assessment.pk])}#measure-{measure}")
    obligations = {o.id: o for o in spec.obligations}
    history = [{"revision": r, "what": GAP_FIELD_LABELS.get(r.field, r.field),
                "old": gap_value_text(r.field, r.old_value), "new": gap_value_text(r.field, r.new_value)}
               for r in GapRevision.objects.filter(item=item).select_related("user")[:100]]
    chapter = next((ch.id for ch in spec.chapters if any(m.id == measure for m in ch.measures())), None)
    good_faith = _good_faith(spec, item, statuses_for(assessment).get(chapter))
    return render(request, "questionnaire/gap_item.html", {
        "assessment": assessment, "item": item, "measure": spec_measure, "form": form, "good_faith": good_faith,
        "serves": [obligations[o] for o in spec_measure.serves if o in obligations], "following": following,
        "files": item.files.all(), "history": history,
        "not_applicable_refused": not_applicable_refused(spec, measure),
        "can_edit": editable, **_superseded(assessment, editable, "gap_item", measure=measure)},
        status=400 if form.errors else 200)


@login_required
def evidence_file(request: HttpRequest, assessment_id, file_id) -> FileResponse:
    assessment = _completed(request, assessment_id)
    evidence = EvidenceFile.objects.filter(pk=file_id, item__assessment=assessment).first()
    if evidence is None:
        raise Http404
    audit(request, "evidence_download", target=f"{evidence.name} ({evidence.sha256[:12]})",
          organisation=assessment.organisation)
    response = FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.name,
                            content_type=evidence.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
