"""django-allauth, adapted: sign-up can be closed by a setting, the client address is ours (audit.client_ip),
messages are in our words, a kept quick check continues after signing in or up, and addresses of accounts
made outside sign-up (createsuperuser, the admin, an invitation link) count as verified."""

from __future__ import annotations

from allauth.account import stages
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.http import HttpRequest
from django.urls import reverse

from .audit import client_ip

# Set on the session by the quick check when a visitor asks to keep a result; the page to go on to after
# signing in or up (and after confirming the e-mail address in the same browser).
KEEP_SESSION_KEY = "quick_check_keep"


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "username_password_mismatch": "Enter a correct username and password. Both are case-sensitive.",
        "email_password_mismatch": "Enter a correct email address and password. The password is case-sensitive.",
        "too_many_login_attempts": "Too many failed attempts to sign in to this account. Try again later, "
                                   "or reset your password.",
        "rate_limited": "Too many requests from your network. Wait a few minutes and try again.",
        "email_taken": "An account already uses this email address. Sign in, or reset your password.",
    }

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return settings.ACCOUNT_SIGNUP_OPEN

    def get_client_ip(self, request: HttpRequest) -> str:
        return client_ip(request) or super().get_client_ip(request)

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials) -> str:
        """The key of the failed sign-in limit (ACCOUNT_RATE_LIMITS["login_failed"], "…/key"): the account *and*
        the client address, so that a stranger who knows a user's name cannot lock them out from elsewhere (the
        per-address limit still caps each address over all accounts). A successful password reset clears it."""
        return f"{super()._get_login_attempts_cache_key(request, **credentials)}@{self.get_client_ip(request)}"

    def save_user(self, request, user, form, commit=True):
        user._signing_up = True  # its address must be verified by mail (see _trust_address)
        return super().save_user(request, user, form, commit=commit)

    def get_login_stages(self) -> list[str]:
        return [f"{__name__}.EmailVerificationStage" if stage == "allauth.account.stages.EmailVerificationStage"
                else stage for stage in super().get_login_stages()]

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        if request.session.get(KEEP_SESSION_KEY):  # also after confirming the address in the same browser
            return reverse("quick_check_keep")
        return super().get_login_redirect_url(request)


class EmailVerificationStage(stages.EmailVerificationStage):
    """Every address must be confirmed before signing in, except that an account an administrator made without
    any address (createsuperuser or the admin with the e-mail left empty) has nothing to confirm.

    A sign-up with an address already in use has no user: allauth's enumeration protection then runs this stage
    for a stand-in login (user None), which sends that address the "account already exists" mail and answers as
    for any sign-up, so a stranger learns nothing."""

    def handle(self):
        user = self.login.user
        if user is not None and not user.email and not EmailAddress.objects.filter(user=user).exists():
            return None, True
        return super().handle()


@receiver(post_save, sender=get_user_model())
def _trust_address(sender, instance, created, raw=False, **kwargs):
    """An account made by an administrator (createsuperuser, the admin) or through an invitation link (which
    proves the address) has its e-mail recorded as verified; a self-service sign-up verifies it by mail."""
    if not created or raw or not instance.email or getattr(instance, "_signing_up", False):
        return
    if not EmailAddress.objects.filter(email__iexact=instance.email).exists():
        EmailAddress.objects.create(user=instance, email=instance.email.lower(), verified=True, primary=True)
