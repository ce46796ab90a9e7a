"""Multi-step writes on organisations, members and invitations. Views call these; they never raise Http404.

Changes that could leave an organisation without an owner lock the organisation row first, so two owners
demoting each other at the same moment cannot both succeed.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from .models import Invitation, Membership, Organisation, Role


class MembershipError(Exception):
    """A change that is refused, with a message for the user in plain English."""


class InvitationUnavailable(Exception):
    """The token is unknown, was cancelled or was already used."""


def rename_organisation(organisation: Organisation, name: str) -> Organisation:
    """Set the organisation's legal name (given by a person, so no longer a made-up one)."""
    organisation.name = name
    organisation.name_confirmed = True
    organisation.save(update_fields=["name", "name_confirmed"])
    return organisation


@transaction.atomic
def invite(organisation: Organisation, email: str, role: str, invited_by) -> Invitation:
    """A new open invitation with a random token; refused for members and for addresses already invited."""
    if organisation.memberships.filter(user__email__iexact=email).exists():
        raise MembershipError(f"{email} is already a member of {organisation.name}.")
    if organisation.invitations.filter(email__iexact=email, accepted_at__isnull=True).exists():
        raise MembershipError(f"{email} has already been invited. Cancel that invitation to send a new one.")
    return Invitation.objects.create(organisation=organisation, email=email, role=role, invited_by=invited_by,
                                     token=secrets.token_urlsafe(32))


def send_invitation(invitation: Invitation, accept_url: str) -> None:
    context = {"invitation": invitation, "organisation": invitation.organisation, "accept_url": accept_url,
               "inviter": invitation.invited_by}
    subject = " ".join(render_to_string("accounts/invitation_subject.txt", context).split())  # one header line
    body = render_to_string("accounts/invitation_email.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email])


def _other_owners(membership: Membership) -> bool:
    """Whether the organisation keeps an owner without this member (call inside a transaction)."""
    Organisation.objects.select_for_update().filter(pk=membership.organisation_id).first()
    return (Membership.objects.filter(organisation_id=membership.organisation_id, role=Role.OWNER)
            .exclude(pk=membership.pk).exists())


@transaction.atomic
def change_role(membership: Membership, role: str) -> Membership:
    if membership.role == Role.OWNER and role != Role.OWNER and not _other_owners(membership):
        raise MembershipError(f"{membership.user.get_username()} is the only owner. "
                              "Make someone else an owner first.")
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def remove_member(membership: Membership) -> None:
    if membership.role == Role.OWNER and not _other_owners(membership):
        raise MembershipError(f"{membership.user.get_username()} is the only owner and cannot be removed. "
                              "Make someone else an owner first.")
    membership.delete()


def cancel_invitation(invitation: Invitation) -> None:
    invitation.delete()


def open_invitation(token: str) -> Invitation:
    """The open invitation with this token, or InvitationUnavailable."""
    invitation = (Invitation.objects.select_related("organisation", "invited_by")
                  .filter(token=token, accepted_at__isnull=True).first())
    if invitation is None:
        raise InvitationUnavailable
    return invitation


@transaction.atomic
def accept_invitation(token: str, user) -> Membership:
    """Make the user a member with the invitation's role and mark the invitation used (once only).

    Someone who is already a member keeps their role: an invitation never demotes anyone.
    """
    invitation = Invitation.objects.select_for_update().filter(token=token, accepted_at__isnull=True).first()
    if invitation is None:
        raise InvitationUnavailable
    membership, _ = Membership.objects.get_or_create(
        user=user, organisation_id=invitation.organisation_id, defaults={"role": invitation.role})
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


@transaction.atomic
def create_account_and_accept(form, token: str) -> Membership:
    """Create the invited person's account from a valid InvitedAccountForm and join them, all or nothing."""
    user = form.save()
    return accept_invitation(token, user)
