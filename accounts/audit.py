"""The audit log: sign-ins, exports, report downloads, publishing and membership changes, for admins to read."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .models import AuditEvent


def client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR")


def audit(request, action: str, *, target: str = "", organisation=None, user=None, **details) -> AuditEvent:
    if user is None and request is not None and getattr(request, "user", None) is not None \
            and request.user.is_authenticated:
        user = request.user
    return AuditEvent.objects.create(
        action=action, target=str(target)[:300], organisation=organisation, user=user,
        ip=client_ip(request), request_id=getattr(request, "request_id", "") if request else "", details=details)


# Sign-in events reach us only through Django's auth signals.
@receiver(user_logged_in)
def _signed_in(sender, request, user, **kwargs):
    audit(request, "sign_in", user=user, target=user.get_username())


@receiver(user_logged_out)
def _signed_out(sender, request, user, **kwargs):
    if user is not None:
        audit(request, "sign_out", user=user, target=user.get_username())


@receiver(user_login_failed)
def _sign_in_failed(sender, credentials, request=None, **kwargs):
    audit(request, "sign_in_failed", target=str(credentials.get("username", ""))[:150])
