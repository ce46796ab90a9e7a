"""Who is calling: a bearer token of an organisation (accounts.api_tokens), and the anonymous rate limit of
`POST /assess` per client address (the address the audit log and the sign-in limits use)."""

from __future__ import annotations

from django.conf import settings
from ninja.security import HttpBearer
from ninja.throttling import AnonRateThrottle

from accounts.api_tokens import TokenHolder, TokenRefused, holder_for
from accounts.audit import audit, client_ip

from .problems import Problem

WWW_AUTHENTICATE = {"WWW-Authenticate": 'Bearer realm="api"'}


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`. A good token puts its holder on `request.holder` and records the call in
    the audit log; a missing, unknown, revoked or expired one answers 401."""

    openapi_description = "An organisation's API token, made by an owner on the organisation's API tokens page."

    def __call__(self, request):
        header = request.headers.get("Authorization", "")
        if not header:
            raise Problem(401, "Authentication required", "Send an organisation's token as "
                          "`Authorization: Bearer <token>`.", headers=WWW_AUTHENTICATE)
        return super().__call__(request)

    def authenticate(self, request, token: str) -> TokenHolder:
        try:
            holder = holder_for(token)
        except TokenRefused as refused:
            if refused.token is not None:  # an organisation's own token, revoked or expired; unknown ones are
                #                            not recorded, so that nobody can fill the audit log from outside
                audit(request, "api_token_refused", target=f"{request.method} {request.path}"[:300],
                      organisation=refused.token.organisation, token=refused.token.hint, reason=str(refused))
            raise Problem(401, "Token refused", str(refused), headers=WWW_AUTHENTICATE) from None
        request.holder = holder
        audit(request, "api_call", target=f"{request.method} {request.path}"[:300], organisation=holder.organisation,
              user=holder.user, token=holder.token.hint, token_name=holder.token.name)
        return holder


def holder(request) -> TokenHolder:
    return request.holder


def writer(request) -> TokenHolder:
    """The holder of a token that may write, else 403."""
    found = request.holder
    if not found.can_write:
        raise Problem(403, "Read-only token", "This token may only read: an owner can make one that may write "
                      "(and the member who made it must be an owner or editor).")
    return found


class AddressRateThrottle(AnonRateThrottle):
    """The anonymous limit per client address (settings.API_ASSESS_RATE, e.g. "60/m"), counted in Django's cache."""

    scope = "api-assess"

    def __init__(self) -> None:
        super().__init__(settings.API_ASSESS_RATE)

    def allow_request(self, request) -> bool:
        self.rate = settings.API_ASSESS_RATE  # read per request: a changed setting applies without a restart
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)

    def get_ident(self, request) -> str:
        return client_ip(request) or "unknown"
