"""Code of Practice gap analysis (measure by measure) and the organisation's action plan."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.audit import audit
from accounts.models import Membership

from .access import SUPERSEDED_MESSAGE, assessment_for, can_change_records, can_edit
from .forms import IsoDateInput, posted_revision
from .models import (
    Assessment,
    EvidenceFile,
    GapRevision,
    MeasureStatus,
    SignatoryChoice,
    SignatoryStatus,
)
from .services.gap import (
    GapConflictError,
    add_evidence_file,
    carried_not_applying,
    check_evidence_upload,
    ensure_gap_items,
    update_gap_item,
)
from .signatory import demonstration_text, statuses_for
from .spec import spec_for


class GapItemForm(forms.Form):
    status = forms.ChoiceField(label="Status", choices=MeasureStatus.choices, widget=forms.RadioSelect,
                               error_messages={"required": "Select a status"})
    not_applicable_reason = forms.CharField(label="Why it does not apply", required=False, max_length=5000,
                                            widget=forms.Textarea(attrs={"rows": 3}))
    owner = forms.ChoiceField(label="Owner", required=False,
                              help_text="A member of your organisation who is responsible for the measure.",
                              error_messages={"invalid_choice": "Choose a member of your organisation as owner"})
    due_date = forms.DateField(label="Due date", required=False, widget=IsoDateInput(), input_formats=["%Y-%m-%d"],
                               error_messages={"invalid": "Enter a real date as YYYY-MM-DD, for example 2027-03-31"})
    evidence = forms.CharField(label="Evidence", required=False, max_length=10000,
                               widget=forms.Textarea(attrs={"rows": 4}),
                               help_text="Documents, records and links that show the measure is met.")
    notes = forms.CharField(label="Notes", required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 3}))
    upload = forms.FileField(label="Add an evidence file (optional)", required=False,
                             help_text="PDF, PNG, JPEG, DOCX, XLSX, TXT, CSV or Markdown, at most 10 MB.")

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.members = {str(m.user_id): m.user for m in members}
        self.fields["owner"].choices = [("", "No owner yet")] + [
            (uid, user.get_full_name() or user.get_username()) for uid, user in self.members.items()]

    def clean_owner(self):
        value = self.cleaned_data.get("owner")
        if not value:
            return None
        if value not in self.members:
            raise ValidationError("Choose a member of your organisation as owner")
        return self.members[value]

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if upload:
            check_evidence_upload(upload)
        return upload

    def clean(self):
        data = super().clean()
        if data.get("status") == MeasureStatus.NOT_APPLICABLE and not (data.get("not_applicable_reason") or "").strip():
            self.add_error("not_applicable_reason", "Say why the measure does not apply")
        return data


def _completed(request, assessment_id, *, edit=False) -> Assessment:
    assessment = assessment_for(request, assessment_id, edit=edit)
    if not assessment.is_completed:
        raise Http404("The gap analysis starts when the assessment is completed")
    return assessment


def _measure_rows(spec, items, today):
    chapters = []
    obligations = {o.id: o for o in spec.obligations}
    for chapter in spec.chapters:
        rows = []
        for measure in chapter.measures():
            item = items.get(measure.id)
            if item is None:
                continue
            rows.append({"measure": measure, "item": item,
                         "overdue": bool(item.is_open and item.due_date and item.due_date < today),
                         "serves": [obligations[o] for o in measure.serves if o in obligations]})
        if rows:
            chapters.append({"chapter": chapter, "rows": rows})
    return chapters


@login_required
def gap_overview(request: HttpRequest, assessment_id) -> HttpResponse:
    assessment = _completed(request, assessment_id)
    spec = spec_for(assessment.questionnaire_version)
    items = ensure_gap_items(assessment)
    counts = {label: sum(1 for i in items.values() if i.status == value) for value, label in MeasureStatus.choices}
    statuses = statuses_for(assessment)
    titles = {ch.id: ch.title for ch in spec.chapters}
    signatory = [{"chapter": ch, "title": titles.get(ch, ch), "status": status,
                  "text": demonstration_text(titles.get(ch, ch), status)} for ch, status in statuses.items()]
    return render(request, "questionnaire/gap.html", {
        "signatory": signatory, "signatory_choices": SignatoryChoice.choices,
        "assessment": assessment, "chapters": _measure_rows(spec, items, timezone.localdate()),
        "counts": counts, "total": len(items), "can_edit": can_edit(assessment),
        "can_change_records": can_change_records(assessment),
        "no_longer_applies": carried_not_applying(assessment, spec),
    })


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
    spec = spec_for(assessment.questionnaire_version)
    items = ensure_gap_items(assessment)
    item = items.get(measure)
    spec_measure = spec.measures().get(measure)
    if item is None or spec_measure is None:
        raise Http404("This measure does not apply to the assessment")
    members = Membership.objects.filter(organisation=assessment.organisation).select_related("user")
    initial = {"status": item.status, "not_applicable_reason": item.not_applicable_reason,
               "owner": str(item.owner_id or ""), "due_date": item.due_date, "evidence": item.evidence,
               "notes": item.notes}
    editable = can_change_records(assessment)
    if request.method == "POST" and not editable:
        messages.error(request, SUPERSEDED_MESSAGE)
        return redirect("gap_item", assessment_id=assessment.pk, measure=measure)
    form = GapItemForm(request.POST or None, request.FILES or None, members=members, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in ("status", "not_applicable_reason", "owner", "due_date",
                                                  "evidence", "notes")}
        try:
            item = update_gap_item(item, data, user=request.user,
                                   seen_revision=posted_revision(request))
        except GapConflictError as exc:
            form.add_error(None, f"{exc.by} changed this measure while you were editing. Your changes below were "
                                 "not saved: check them against the saved record and save again.")
        else:
            if form.cleaned_data.get("upload"):
                add_evidence_file(item, form.cleaned_data["upload"], user=request.user)
            messages.success(request, f"{measure} saved.")
            return redirect("gap_overview", assessment_id=assessment.pk)
    obligations = {o.id: o for o in spec.obligations}
    return render(request, "questionnaire/gap_item.html", {
        "assessment": assessment, "item": item, "measure": spec_measure, "form": form,
        "serves": [obligations[o] for o in spec_measure.serves if o in obligations],
        "files": item.files.all(), "history": GapRevision.objects.filter(item=item).select_related("user")[:100],
        "can_edit": editable}, status=400 if form.errors else 200)


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
