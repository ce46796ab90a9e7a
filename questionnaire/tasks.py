"""Background work (django-tasks): the report's part of background rendering (what a report shows, asking for
it, pre-rendering it), and noticing which models' current assessments a newly published questionnaire version
would change (and e-mailing their organisations once).

The machinery (stored rows, the task, the lease, the progress page) is questionnaire/rendering.py, shared by
every PDF. With TASKS_BACKEND=immediate (make run, tests) the task runs in the request; with `database` it is
queued and `python manage.py task_worker` runs it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from .models import QuestionnaireVersion, Report, ReportStatus, RulesChange
from .rendering import MAX_ATTEMPTS, render_document, request_render, retry

# the task's historical name: tasks queued before the move still find it
render_report = render_document
__all__ = ["MAX_ATTEMPTS", "notice_rules_changes", "prerender_report", "render_report", "report_snapshot",
           "request_report", "retry_report"]


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


def prerender_report(assessment) -> None:
    """Queue the report of the assessment's current snapshot now, on completion and when its gap records change,
    so that the download is normally instant (settings.REPORT_PRERENDER: with a background worker). Called inside
    the writing transaction: the queued report commits with the change or not at all."""
    if not (settings.REPORT_PRERENDER and assessment.is_completed):
        return
    report = request_report(assessment)
    # an earlier report of the assessment still waiting for its turn shows gap records changed since: drop it
    # (its queued task then finds nothing to do), so that a run of edits costs one render, not one per edit
    Report.objects.filter(assessment=assessment, kind="report", status=ReportStatus.PENDING, attempts=0).exclude(
        pk=report.pk).delete()


def request_report(assessment, *, user=None) -> Report:
    """The report of the assessment's snapshot, queued for rendering if it is not there yet."""
    snapshot, digest = report_snapshot(assessment)
    return request_render(assessment, "report", snapshot, key=digest, user=user)


def retry_report(report: Report) -> None:
    retry(report)


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
