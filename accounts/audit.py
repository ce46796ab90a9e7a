"""The audit log: sign-ins, sign-ups, second factors, exports, report downloads, publishing and membership changes,
for admins to read."""

from __future__ import annotations

import ipaddress

from allauth.account.signals import user_signed_up
from allauth.mfa.signals import authenticator_added, authenticator_removed
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .models import AuditEvent


def client_ip(request) -> str | None:
    """The client's address: behind trusted proxies (BEHIND_PROXY, PROXY_COUNT) the entry PROXY_COUNT from the
    right of X-Forwarded-For (what our own proxy saw; entries further left are the client's word), else the
    connection's address. The audit log, django-axes and allauth's rate limits all use this one answer."""
    if request is None:
        return None
    proxies = getattr(settings, "PROXY_COUNT", 0)
    if proxies:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(hops) >= proxies:
            try:
                return str(ipaddress.ip_address(hops[-proxies]))
            except ValueError:
                pass  # not an address: fall back to the connection's
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
    who = credentials.get("username") or credentials.get("email") or ""
    audit(request, "sign_in_failed", target=str(who)[:150])


# Account events from django-allauth's signals.
@receiver(user_signed_up)
def _signed_up(sender, request, user, **kwargs):
    audit(request, "signed_up", user=user, target=user.get_username())


@receiver(authenticator_added)
def _second_factor_added(sender, request, user, authenticator, **kwargs):
    audit(request, "mfa_added", user=user, target=f"{user.get_username()}: {authenticator.type}")


@receiver(authenticator_removed)
def _second_factor_removed(sender, request, user, authenticator, **kwargs):
    audit(request, "mfa_removed", user=user, target=f"{user.get_username()}: {authenticator.type}")
