from django.conf import settings
from django.http import HttpRequest


def organisation(request: HttpRequest) -> dict:
    """The organisation the page acts for, when a view has already looked it up (no extra query), and whether
    anyone may create an account here."""
    membership = getattr(request, "_membership", None)
    return {"membership": membership, "organisation": membership.organisation if membership else None,
            "signup_open": settings.ACCOUNT_SIGNUP_OPEN}
