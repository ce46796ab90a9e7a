"""Report download (rendered in the background, served from storage) and report verification
(reports/services.py)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.audit import audit

from ..core.access import assessment_for
from ..models import RenderStatus
from ..rendering.queue import TooManyRenders
from ..rendering.views import serve, too_many
from .forms import VerifyForm
from .services import ATTACHMENT, latest_report, request_report, retry_failed_report, verify_file, verify_hash


def _completed(request, assessment_id):
    assessment = assessment_for(request, assessment_id)
    return assessment if assessment.is_completed else None


@login_required
def report_pdf(request: HttpRequest, assessment_id) -> HttpResponse:
    assessment = _completed(request, assessment_id)
    if assessment is None:
        return redirect("check_answers", assessment_id=assessment_id)
    try:
        report = request_report(assessment, user=request.user)
    except TooManyRenders as exc:
        return too_many(request, exc)
    if report.status == RenderStatus.DONE:
        audit(request, "report_download", target=f"assessment {assessment.pk} report {report.document_hash[:19]}",
              organisation=assessment.organisation)
    return serve(request, report)


@login_required
def report_status(request: HttpRequest, assessment_id) -> JsonResponse:
    assessment = _completed(request, assessment_id)
    report = latest_report(assessment) if assessment else None
    return JsonResponse({"status": report.status if report else "none"})


@login_required
@require_POST
def report_retry(request: HttpRequest, assessment_id) -> HttpResponse:
    assessment = assessment_for(request, assessment_id, edit=True)
    retry_failed_report(assessment)
    return redirect("report_pdf", assessment_id=assessment.pk)


@login_required
def verify(request: HttpRequest, assessment_id) -> HttpResponse:
    assessment = assessment_for(request, assessment_id)
    form = VerifyForm(request.POST or None, request.FILES or None, attachment=ATTACHMENT)
    outcome = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("pdf")
        if upload:
            upload.seek(0)
            outcome = verify_file(assessment, upload.read(), form.pdf_facts.attachment)
        else:
            outcome = verify_hash(assessment, form.cleaned_data["digest"])
    return render(request, "questionnaire/verify.html", {"assessment": assessment, "form": form, "outcome": outcome},
                  status=400 if form.errors else 200)
