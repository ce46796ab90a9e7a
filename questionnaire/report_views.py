"""Report download (rendered in the background, served from storage) and report verification."""

from __future__ import annotations

import hashlib
import io
import json

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.audit import audit

from .access import assessment_for
from .forms import VerifyForm
from .models import Report, ReportStatus
from .rendering import DOCUMENTS, TooManyRenders, retry, serve, too_many
from .tasks import request_report, retry_report


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
    if report.status == ReportStatus.DONE:
        audit(request, "report_download", target=f"assessment {assessment.pk} report {report.snapshot_hash[:19]}",
              organisation=assessment.organisation)
    return serve(request, report)


@login_required
def report_status(request: HttpRequest, assessment_id) -> JsonResponse:
    assessment = _completed(request, assessment_id)
    report = Report.objects.filter(assessment=assessment, kind="report").order_by("-created_at").first() \
        if assessment else None
    return JsonResponse({"status": report.status if report else "none"})


@login_required
@require_POST
def report_retry(request: HttpRequest, assessment_id) -> HttpResponse:
    assessment = assessment_for(request, assessment_id, edit=True)
    report = Report.objects.filter(assessment=assessment, kind="report",
                                   status=ReportStatus.FAILED).order_by("-created_at").first()
    if report is not None:
        retry_report(report)
    return redirect("report_pdf", assessment_id=assessment.pk)


# ---- any rendered document (rendering.py): the progress page polls its status and offers "Try again"

@login_required
def render_status(request: HttpRequest, assessment_id, render_id) -> JsonResponse:
    assessment = assessment_for(request, assessment_id)
    report = get_object_or_404(Report, pk=render_id, assessment=assessment)
    return JsonResponse({"status": report.status})


@login_required
@require_POST
def render_retry(request: HttpRequest, assessment_id, render_id) -> HttpResponse:
    assessment = assessment_for(request, assessment_id, edit=True)
    report = get_object_or_404(Report, pk=render_id, assessment=assessment)
    if report.status == ReportStatus.FAILED:
        retry(report)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        back = reverse("result", kwargs={"assessment_id": assessment.pk})
    return redirect(back)


def verify_upload(assessment, upload) -> dict:
    content = upload.read()
    digest = hashlib.sha256(content).hexdigest()
    report = Report.objects.filter(assessment=assessment, file_sha256=digest, status=ReportStatus.DONE).first()
    if report is not None:
        what = "report" if report.kind == "report" else DOCUMENTS[report.kind].title
        return {"match": True, "kind": "file", "text": f"This file is exactly the {what} rendered on "
                f"{report.rendered_at:%d %B %Y at %H:%M} from snapshot {report.snapshot_hash}."}
    attached = attached_snapshot(content)
    if attached is not None:
        claimed = attached.pop("snapshot_hash", "")
        from .services.assessments import snapshot_hash

        known = {assessment.snapshot_hash, *_report_snapshots(assessment)}
        if claimed in known and snapshot_hash(attached) == claimed:
            # genuine data in a file we did not issue: its pages may say anything
            return {"match": False, "kind": "snapshot", "text": "The data attached is genuine, but this file is "
                    "not the report we issued: the answers and result attached to it match the stored snapshot "
                    f"{claimed} of this assessment, but the file itself is not one we rendered, so its pages "
                    "may have been changed. Compare them with a fresh download."}
    return {"match": False, "text": "This file does not match any report of this assessment. It may belong to "
            "another assessment, or it has been changed."}


def _report_snapshots(assessment) -> list[str]:
    """The snapshot hashes of the assessment's reports (other rendered documents hash other content)."""
    return list(Report.objects.filter(assessment=assessment, kind="report").values_list("snapshot_hash", flat=True))


def attached_snapshot(content: bytes) -> dict | None:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(content))
        files = reader.attachments
        data = files.get("assessment-snapshot.json")
        if not data:
            return None
        return json.loads(data[0])
    except Exception:  # a damaged or foreign PDF simply does not match
        return None


@login_required
def verify(request: HttpRequest, assessment_id) -> HttpResponse:
    assessment = assessment_for(request, assessment_id)
    form = VerifyForm(request.POST or None, request.FILES or None)
    outcome = None
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data.get("pdf"):
            outcome = verify_upload(assessment, form.cleaned_data["pdf"])
        else:
            value = form.cleaned_data["digest"]
            snapshots = [assessment.snapshot_hash, *_report_snapshots(assessment)]
            found = next((h for h in snapshots if h and h.removeprefix("sha256:").startswith(value)), None)
            if found:
                outcome = {"match": True, "text": f"This hash matches the stored snapshot {found} of this "
                           "assessment."}
            elif Report.objects.filter(assessment=assessment, file_sha256=value).exists():
                outcome = {"match": True, "text": "This is the SHA-256 of a report PDF rendered from this "
                           "assessment."}
            else:
                outcome = {"match": False, "text": "This hash does not match this assessment's snapshot or any of "
                           "its report files."}
    return render(request, "questionnaire/verify.html", {"assessment": assessment, "form": form, "outcome": outcome},
                  status=400 if form.errors else 200)
