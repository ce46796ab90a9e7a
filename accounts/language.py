"""The member's language (contract §6). A visitor's language is Django's: the cookie that `/i18n/setlang/`
(django.views.i18n.set_language) sets, else Accept-Language, else English (LocaleMiddleware). A signed-in
member's choice is remembered in MemberLanguage: it is saved when they use the language switch, put in the
session when they sign in, and activated on every request after LocaleMiddleware has chosen the browser's.
`member_language(user)` is the language to write to someone outside a request (e-mails sent by tasks)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.urls import reverse
from django.utils import translation

from .models import MemberLanguage

SESSION_KEY = "member_language"


def supported(code: str | None) -> str | None:
    """`code` if it is one of settings.LANGUAGES (or a variant of one, "de-AT" -> "de"), else None."""
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None


def member_language(user) -> str:
    """The language to write to this member in: their choice, else the site's default (English)."""
    choice = MemberLanguage.objects.filter(user=user).values_list("language", flat=True).first() if user else None
    return supported(choice) or settings.LANGUAGE_CODE


def remember(user, code: str) -> None:
    MemberLanguage.objects.update_or_create(user=user, defaults={"language": code})


@receiver(user_logged_in)
def _apply_on_sign_in(sender, request, user, **kwargs):
    """Signing in brings back the member's language, or keeps the one they chose on this device before signing
    in and remembers it (a first choice made while signed out is a choice too)."""
    if request is None or not hasattr(request, "session"):
        return
    stored = MemberLanguage.objects.filter(user=user).values_list("language", flat=True).first()
    chosen = supported(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
    if stored is None and chosen:
        remember(user, chosen)
        stored = chosen
    request.session[SESSION_KEY] = stored or ""


class MemberLanguageMiddleware:
    """After AuthenticationMiddleware: a signed-in member's remembered language overrides the browser's; a POST to
    the language switch by a signed-in member is remembered for next time. One query per session, not per page
    (the choice is kept in the session)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in:
            if SESSION_KEY not in request.session:
                request.session[SESSION_KEY] = MemberLanguage.objects.filter(user=user).values_list(
                    "language", flat=True).first() or ""
            code = supported(request.session[SESSION_KEY])
            if code:
                translation.activate(code)
                request.LANGUAGE_CODE = code
        response = self.get_response(request)
        if signed_in and request.method == "POST" and request.path_info == reverse("set_language") \
                and response.status_code in (302, 204):
            code = supported(request.POST.get("language"))
            if code and code == request.POST.get("language"):
                remember(user, code)
                request.session[SESSION_KEY] = code
        return response
