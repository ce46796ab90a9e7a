"""Background tasks (django-tasks), each calling a service: noticing which models' current assessments a newly
published questionnaire version would change (and e-mailing their organisations once), and, under its
historical name, rendering a report.

Rendering PDFs (the rows, the task, the lease, the progress page) is questionnaire/rendering.py, shared by
every PDF; what a report shows and asking for it is services/reports.py. With TASKS_BACKEND=immediate (make
run, tests) a task runs in the request; with `database` it is queued and `python manage.py task_worker` runs it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from accounts.models import Membership, Role

from .models import QuestionnaireVersion, RulesChange
from .rendering import render_document

# the task's historical name: tasks queued before the move still find it
render_report = render_document
__all__ = ["notice_rules_changes", "render_report"]


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
