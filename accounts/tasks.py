"""Background tasks of accounts (django-tasks): mailing an invitation, so that a request never sends mail to an
outside address itself. With TASKS_BACKEND=immediate (make run, tests) the task runs in the request."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django_tasks import task

from .models import Invitation
from .services import send_invitation_mail


@task()
def send_invitation(invitation_id: str, site: str) -> str:
    """Mail the invitation, if it is still open (it may have been cancelled or accepted while queued)."""
    with transaction.atomic():
        invitation = (Invitation.objects.select_for_update(of=("self",)).select_related("organisation", "invited_by")
                      .filter(pk=invitation_id, accepted_at__isnull=True).first())
        if invitation is None:
            return "no longer open"
        send_invitation_mail(invitation, site)
    return "sent"


def queue_invitation(invitation: Invitation, site: str) -> None:
    """Send the invitation's mail through the task queue. Only the invitation's id and the site's address
    (SITE_URL, else the address the request came to) are queued: the link's token is made by the task and
    exists only in the mail."""
    send_invitation.enqueue(str(invitation.pk), settings.SITE_URL or site.rstrip("/"))
