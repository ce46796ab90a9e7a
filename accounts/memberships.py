"""The organisation side of access: which organisation a request acts for, and the member's role.

Every view that touches an organisation's data goes through `membership_for` (or the assessment helper in
questionnaire/core/access.py, which uses it): a user who is not a member gets 404, never someone else's data.
"""

from __future__ import annotations

from django.db import transaction
from django.http import Http404, HttpRequest

from .models import Membership, Organisation, Role

SESSION_KEY = "organisation_id"


@transaction.atomic
def ensure_organisation(user) -> Membership:
    """The user's first membership; a user with none gets an organisation of their own (as owner)."""
    membership = Membership.objects.select_related("organisation").filter(user=user).order_by("created_at").first()
    if membership is not None:
        return membership
    name = (user.get_full_name() or user.get_username()).strip()
    organisation = Organisation.objects.create(name=f"{name}'s organisation", name_confirmed=False)
    return Membership.objects.create(user=user, organisation=organisation, role=Role.OWNER)


def current_membership(request: HttpRequest) -> Membership:
    """The membership the request acts for: the organisation chosen in this session, else the first."""
    user = request.user
    if not user.is_authenticated:
        raise Http404
    cached = getattr(request, "_membership", None)
    if cached is not None:
        return cached
    chosen = request.session.get(SESSION_KEY)
    membership = None
    if chosen:
        membership = Membership.objects.select_related("organisation").filter(user=user, organisation_id=chosen).first()
    if membership is None:
        membership = ensure_organisation(user)
        request.session[SESSION_KEY] = str(membership.organisation_id)
    request._membership = membership
    return membership


def membership_for(user, organisation_id) -> Membership:
    """The user's membership of an organisation, or 404."""
    if not user.is_authenticated:
        raise Http404
    membership = Membership.objects.select_related("organisation").filter(
        user=user, organisation_id=organisation_id).first()
    if membership is None:
        raise Http404
    return membership
