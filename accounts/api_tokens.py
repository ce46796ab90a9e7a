"""API tokens: an owner makes one (name, scope, expiry) and sees it once; only the SHA-256 of its random secret is
kept. A request bearing it acts for the token's organisation only, as the owner who made it, while that owner is
still a member; every use is recorded (`last_used_at`, and an `api_call` audit event by the API)."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from .models import ApiToken, Membership, Organisation, Role, TokenScope

SECRET_BYTES = 32  # 256 bits from the operating system's generator
EXPIRY_DAYS = (30, 90, 365)  # the choices offered; an owner revokes earlier when need be
MAX_OPEN_TOKENS = 50  # unrevoked, unexpired tokens an organisation may hold at once


class TokenRefused(Exception):
    """Why a bearer token does not open the API: the message is safe to show (it never says whether a token of
    another organisation exists). `token`: the token when it exists (revoked, expired, its maker gone)."""

    def __init__(self, message: str, token: ApiToken | None = None) -> None:
        super().__init__(message)
        self.token = token


@dataclass(frozen=True)
class TokenHolder:
    """Who a request with a valid token acts as: the organisation, the member who made the token (the user
    written into histories) and whether the token may write."""

    token: ApiToken
    organisation: Organisation
    user: object
    role: str  # the maker's role, limited to "viewer" by a read-scope token

    @property
    def can_write(self) -> bool:
        return self.role in (Role.OWNER, Role.EDITOR)


def open_tokens(organisation: Organisation):
    return ApiToken.objects.filter(organisation=organisation, revoked_at__isnull=True,
                                   expires_at__gt=timezone.now())


@transaction.atomic
def create_token(organisation: Organisation, *, name: str, scope: str, days: int, user) -> tuple[ApiToken, str]:
    """A new token and its secret (shown once, never stored)."""
    if scope not in TokenScope.values:
        raise ValueError(f"unknown scope {scope!r}")
    if days not in EXPIRY_DAYS:
        raise ValueError(f"an expiry of {days} days is not offered")
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()  # one creation at a time
    if open_tokens(organisation).count() >= MAX_OPEN_TOKENS:
        raise ValueError(f"An organisation may hold at most {MAX_OPEN_TOKENS} tokens at once: revoke one first.")
    secret = ApiToken.PREFIX + secrets.token_urlsafe(SECRET_BYTES)
    token = ApiToken.objects.create(
        organisation=organisation, name=name, scope=scope, token_hash=ApiToken.hash_token(secret),
        hint=secret[:len(ApiToken.PREFIX) + 6], created_by=user,
        expires_at=timezone.now() + dt.timedelta(days=days))
    return token, secret


def revoke_token(token: ApiToken, *, user) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at, token.revoked_by = timezone.now(), user
        token.save(update_fields=["revoked_at", "revoked_by"])
    return token


def holder_for(secret: str, *, now: dt.datetime | None = None) -> TokenHolder:
    """The holder of a bearer token, or TokenRefused. Records the use (`last_used_at`)."""
    now = now or timezone.now()
    if not secret or len(secret) > 200 or not secret.startswith(ApiToken.PREFIX):
        raise TokenRefused("Unknown token.")
    token = (ApiToken.objects.select_related("organisation", "created_by")
             .filter(token_hash=ApiToken.hash_token(secret)).first())
    if token is None:
        raise TokenRefused("Unknown token.")
    if token.revoked_at is not None:
        raise TokenRefused("This token was revoked.", token)
    if token.expires_at <= now:
        raise TokenRefused("This token has expired.", token)
    membership = (Membership.objects.filter(user_id=token.created_by_id, organisation_id=token.organisation_id)
                  .only("role").first()) if token.created_by_id else None
    if membership is None:
        raise TokenRefused("The member who made this token has left the organisation.", token)
    role = membership.role if token.scope == TokenScope.WRITE else Role.VIEWER
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return TokenHolder(token, token.organisation, token.created_by, role)
