"""Second factor where it is required: every staff user in the admin, and every member of an organisation
whose owner requires it. Such a user without an authenticator is sent to set one up; only the pages to do
that (and to sign out) stay open. The admin also needs this session to have used the second factor (signing
in with it, or entering a code again), not only an account that has one."""

from __future__ import annotations

from allauth.account.authentication import get_authentication_records
from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from .models import Membership

# Open to a user who still has to set up a second factor: setting it up, re-entering the password for it,
# signing out, and what every page needs. Compared with request.path_info, the path Django resolves to a view:
# request.path also carries SCRIPT_NAME, which a client could set through a proxy ("/accounts/login" in front
# of /admin/ once made the admin look like the sign-in page).
OPEN_PREFIXES = ("/accounts/2fa/", "/accounts/reauthenticate/", "/accounts/logout/", "/accounts/login/",
                 "/static/", "/healthz", "/readyz")


def is_admin(request) -> bool:
    """Whether the request goes to the admin site: decided on the view its path resolves to."""
    try:
        return "admin" in resolve(request.path_info).namespaces
    except Resolver404:
        return False


def needs_second_factor(request) -> str | None:
    """What this request still needs: "set_up" (an authenticator, for the admin or an organisation),
    "admin_code" (a staff session that has not used its second factor yet), or None."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or request.path_info.startswith(OPEN_PREFIXES):
        return None
    if user.is_staff and is_admin(request):
        if not is_mfa_enabled(user):
            return "admin_set_up"
        used = any(record.get("method") == "mfa" for record in get_authentication_records(request, user))
        return None if used else "admin_code"
    if Membership.objects.filter(user=user, organisation__require_mfa=True).exists() and not is_mfa_enabled(user):
        return "organisation_set_up"
    return None


class SecondFactorMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        reason = needs_second_factor(request)
        if reason == "admin_set_up":
            messages.warning(request, _("The admin needs two-factor authentication. Set up an authenticator app "
                                        "for your account first."))
            return redirect("mfa_index")
        if reason == "admin_code":
            messages.info(request, _("Enter the code from your authenticator app to open the admin."))
            return redirect(f"{reverse('mfa_reauthenticate')}?{urlencode({'next': request.get_full_path()})}")
        if reason == "organisation_set_up":
            messages.warning(request, _("Your organisation requires two-factor authentication. Set up an "
                                        "authenticator app to continue."))
            return redirect("mfa_index")
        return self.get_response(request)
