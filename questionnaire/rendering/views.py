"""The answer to a request for a rendered document: the file when it is done, else the progress page (202 waiting, 503
failed), with its status and retry endpoints; 429 when a member has too many waiting."""

from __future__ import annotations

import re

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from ..core.access import assessment_for
from ..models import RenderedDocument, RenderStatus
from .queue import TooManyRenders, document, progress, retry


def refresh_seconds(seconds: int) -> int:
    """How often a progress page reloads itself without JavaScript: every 5 s when the PDF is near, up to 15 s when
    not. ?manual=1 turns it off (WCAG 2.2.1: a page that reloads itself lets the user stop it)."""
    return min(15, max(5, seconds // 2))


def serve(request: HttpRequest, report: RenderedDocument) -> HttpResponse:
    """The file when it is rendered; otherwise the progress page (202 waiting, 503 failed) with the renders ahead
    and an estimate, reloading itself (a meta refresh without JavaScript, static/js/report.js with it). A reload
    from the progress page (?waited=1) that finds the PDF ready offers it with a link, rather than downloading it
    under a page that would reload again."""
    kind = document(report.kind)
    if report.status == RenderStatus.DONE and not request.GET.get("waited"):
        filename = re.sub(r"[^A-Za-z0-9._-]+", "-", kind.filename(report))
        response = FileResponse(report.file.open("rb"), content_type="application/pdf", filename=filename,
                                as_attachment=True)
        response["X-Content-Type-Options"] = "nosniff"
        return response
    assessment = report.assessment
    waiting = report.status in (RenderStatus.PENDING, RenderStatus.RENDERING)
    estimate = progress(report) if waiting else None
    status = {RenderStatus.DONE: 200, RenderStatus.FAILED: 503}.get(report.status, 202)
    return render(request, "questionnaire/report_pending.html", {
        "assessment": assessment, "report": report, "document_title": kind.title, "progress": estimate,
        "refresh": refresh_seconds(estimate.seconds) if estimate and not request.GET.get("manual") else None,
        "pdf_url": request.path, "waited_url": f"{request.path}?waited=1", "manual_url": f"{request.path}?manual=1",
        "status_url": reverse("render_status", kwargs={"assessment_id": assessment.pk, "render_id": report.pk}),
        "retry_url": reverse("render_retry", kwargs={"assessment_id": assessment.pk, "render_id": report.pk}),
    }, status=status)


def too_many(request: HttpRequest, error: TooManyRenders) -> HttpResponse:
    if error.organisation:
        title = "Too many documents are being prepared for your organisation"
        text = (f"Your organisation already has {error.limit} documents waiting to be rendered. Wait until one of "
                "them is ready (a few seconds to a minute), then ask again.")
    else:
        title = "Too many documents are being prepared for you"
        text = (f"You already have {error.limit} documents waiting to be rendered. Wait until one of them is "
                "ready (a few seconds to a minute), then ask again.")
    response = render(request, "refused.html", {"title": title, "text": text}, status=429)
    response["Retry-After"] = "30"
    return response


# ---- any rendered document (rendering.queue): the progress page polls its status and offers "Try again"

@login_required
def render_status(request: HttpRequest, assessment_id, render_id) -> JsonResponse:
    assessment = assessment_for(request, assessment_id)
    report = get_object_or_404(RenderedDocument, pk=render_id, assessment=assessment)
    if report.status in (RenderStatus.PENDING, RenderStatus.RENDERING):
        estimate = progress(report)
        return JsonResponse({"status": report.status, "ahead": estimate.ahead, "seconds": estimate.seconds})
    return JsonResponse({"status": report.status})


@login_required
@require_POST
def render_retry(request: HttpRequest, assessment_id, render_id) -> HttpResponse:
    assessment = assessment_for(request, assessment_id, edit=True)
    report = get_object_or_404(RenderedDocument, pk=render_id, assessment=assessment)
    if report.status == RenderStatus.FAILED:
        retry(report)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        back = reverse("result", kwargs={"assessment_id": assessment.pk})
    return redirect(back)
