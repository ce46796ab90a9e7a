"""Background work (django-tasks): rendering a report PDF once per snapshot, and noticing which models' current
assessments a newly published questionnaire version would change (and e-mailing their organisations once).

With TASKS_BACKEND=immediate (make run, tests) the task runs in the request; with `database` it is queued
and `python manage.py task_worker` runs it. A render is written to storage first and marked done after, so a
half-written file is never served; a failed render is retried up to MAX_ATTEMPTS times, then reported.
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from .models import QuestionnaireVersion, Report, ReportStatus, RulesChange
from .spec import spec_for

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 3
STALLED_AFTER_SECONDS = 300  # no render takes this long: its worker died


def report_snapshot(assessment) -> tuple[dict, str]:
    """What a report shows: the frozen snapshot, plus the gap analysis as it stands when one was recorded.
    A change in the gap analysis gives a new report snapshot and hash."""
    from .models import SignatoryStatus
    from .services.assessments import snapshot_hash
    from .services.gap import gap_snapshot
    from .signatory import statuses_for

    extra = {}
    gap = gap_snapshot(assessment)
    if gap:
        extra["gap_analysis"] = gap
    if SignatoryStatus.objects.filter(organisation_id=assessment.organisation_id).exists():
        extra["code_signatory"] = statuses_for(assessment)
    if not extra:
        return assessment.snapshot, assessment.snapshot_hash
    snapshot = {**assessment.snapshot, **extra}
    return snapshot, snapshot_hash(snapshot)


@task()
def render_report(report_id: str) -> str:
    with transaction.atomic():
        report = Report.objects.select_for_update().select_related(
            "assessment__questionnaire_version").filter(pk=report_id).first()
        if report is None or report.status == ReportStatus.DONE:
            return "nothing to do"
        report.status = ReportStatus.RENDERING
        report.attempts += 1
        report.started_at = timezone.now()
        report.save(update_fields=["status", "attempts", "started_at"])
    assessment = report.assessment
    try:
        from .pdf import render_pdf  # WeasyPrint is imported only where PDFs are made

        spec = spec_for(assessment.questionnaire_version)
        snapshot = report.snapshot or assessment.snapshot
        rendered = render_pdf(spec, snapshot, report.snapshot_hash, gap_analysis=snapshot.get("gap_analysis", {}))
        digest = hashlib.sha256(rendered.pdf).hexdigest()
        name = f"{assessment.pk}/{report.snapshot_hash.removeprefix('sha256:')[:16]}.pdf"
        report.file.save(name, ContentFile(rendered.pdf), save=False)
    except Exception as exc:  # report it, and retry a few times
        log.exception("rendering report %s failed (attempt %s)", report_id, report.attempts)
        report.error = f"{type(exc).__name__}: {exc}"[:2000]
        report.status = ReportStatus.PENDING if report.attempts < MAX_ATTEMPTS else ReportStatus.FAILED
        report.save(update_fields=["error", "status"])
        if report.status == ReportStatus.PENDING:
            render_report.enqueue(str(report.pk))
        return "failed"
    report.file_sha256 = digest
    report.pages = rendered.pages
    report.size = len(rendered.pdf)
    report.status = ReportStatus.DONE
    report.rendered_at = timezone.now()
    report.error = ""
    report.save(update_fields=["file", "file_sha256", "pages", "size", "status", "rendered_at", "error"])
    return "done"


def prerender_report(assessment) -> None:
    """Queue the report of the assessment's current snapshot now, on completion and when its gap records change,
    so that the download is normally instant (settings.REPORT_PRERENDER: with a background worker). Called inside
    the writing transaction: the queued report commits with the change or not at all."""
    if not (settings.REPORT_PRERENDER and assessment.is_completed):
        return
    report = request_report(assessment)
    # an earlier report of the assessment still waiting for its turn shows gap records changed since: drop it
    # (its queued task then finds nothing to do), so that a run of edits costs one render, not one per edit
    Report.objects.filter(assessment=assessment, status=ReportStatus.PENDING, attempts=0).exclude(
        pk=report.pk).delete()


def request_report(assessment) -> Report:
    """The report of the assessment's snapshot, queued for rendering if it is not there yet."""
    snapshot, digest = report_snapshot(assessment)
    report, created = Report.objects.get_or_create(assessment=assessment, snapshot_hash=digest,
                                                   defaults={"snapshot": snapshot})
    stale = _stalled(report)
    if created or stale:
        if stale:
            Report.objects.filter(pk=report.pk).update(status=ReportStatus.PENDING)
        render_report.enqueue(str(report.pk))  # in the same transaction: the queued row commits with it
        report.refresh_from_db()
    return report


def _stalled(report: Report) -> bool:
    """A worker died with this report: mid-render, or after taking its task off the queue and before starting.
    (A report only waiting in a long queue still has its task ready, and is not stalled.)"""
    now = timezone.now()
    if report.status == ReportStatus.RENDERING:
        return bool(report.started_at) and (now - report.started_at).total_seconds() > STALLED_AFTER_SECONDS
    if report.status == ReportStatus.PENDING and (now - report.created_at).total_seconds() > STALLED_AFTER_SECONDS:
        from django_tasks_db.models import DBTaskResult

        return not DBTaskResult.objects.ready().filter(args_kwargs__args__0=str(report.pk)).exists()
    return False


def retry_report(report: Report) -> None:
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.PENDING, attempts=0, error="")
    render_report.enqueue(str(report.pk))


@task()
def notice_rules_changes(version_id: int) -> str:
    """After a version is published: record which models' current assessments it would give another result,
    and e-mail each concerned organisation's owners and editors once (RULES_CHANGE_EMAILS turns it off)."""
    from .services.living import record_rules_changes  # services import this module: imported here

    version = QuestionnaireVersion.objects.filter(pk=version_id).first()
    if version is None:
        return "nothing to do"
    with transaction.atomic():  # a savepoint when run inside publish (immediate backend): a failure here
        changes = record_rules_changes(version)  # never breaks the publishing transaction
    if settings.RULES_CHANGE_EMAILS:
        send_rules_change_emails(version)
    return f"{len(changes)} assessment(s) concerned"


def send_rules_change_emails(version: QuestionnaireVersion) -> int:
    """One e-mail per owner or editor of each organisation with rules changes not yet e-mailed; each change is
    marked as e-mailed in the same transaction, so a change is never e-mailed twice."""
    from accounts.models import Membership, Role

    sent = 0
    with transaction.atomic():
        pending = list(RulesChange.objects.select_for_update(of=("self",))
                       .filter(version=version, notified_at__isnull=True)
                       .select_related("assessment__ai_model", "assessment__organisation"))
        by_organisation: dict = {}
        for change in pending:
            by_organisation.setdefault(change.assessment.organisation, []).append(change)
        for organisation, changes in by_organisation.items():
            recipients = sorted(set(Membership.objects.filter(organisation=organisation,
                                                              role__in=(Role.OWNER, Role.EDITOR))
                                    .exclude(user__email="").values_list("user__email", flat=True)))
            context = {"organisation": organisation, "version": version, "site_url": settings.SITE_URL,
                       "changes": [{"change": c, "model_url": reverse("model_detail", args=[c.assessment.ai_model_id])}
                                   for c in changes]}
            subject = " ".join(render_to_string("questionnaire/rules_change_subject.txt", context).split())
            body = render_to_string("questionnaire/rules_change_email.txt", context)
            for email in recipients:
                send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email])
                sent += 1
            RulesChange.objects.filter(pk__in=[c.pk for c in changes]).update(notified_at=timezone.now())
    return sent
