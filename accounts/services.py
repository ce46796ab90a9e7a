"""Multi-step writes on organisations, members and invitations. Views call these; they never raise Http404.

Changes that could leave an organisation without an owner lock the organisation row first, so two owners
demoting each other at the same moment cannot both succeed.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from questionnaire.core.display import full_stop

from .language import member_language
from .models import AuditEvent, Invitation, Membership, Organisation, Role


class MembershipError(Exception):
    """A change that is refused, with a message for the user in plain English."""


class InvitationUnavailable(Exception):
    """The token is unknown, was cancelled, was already used or has expired."""


class WrongInvitee(Exception):
    """The signed-in user has no verified e-mail address matching the invitation's."""


def has_verified_address(user, email: str) -> bool:
    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()


@transaction.atomic
def create_own_organisation(user, name: str) -> Membership:
    """A new organisation with this legal name, owned by the user (sign-up)."""
    organisation = Organisation.objects.create(name=name)
    return Membership.objects.create(user=user, organisation=organisation, role=Role.OWNER)


def require_mfa(organisation: Organisation, required: bool) -> Organisation:
    organisation.require_mfa = required
    organisation.save(update_fields=["require_mfa"])
    return organisation


def rename_organisation(organisation: Organisation, name: str) -> Organisation:
    """Set the organisation's legal name (given by a person, so no longer a made-up one)."""
    organisation.name = name
    organisation.name_confirmed = True
    organisation.save(update_fields=["name", "name_confirmed"])
    return organisation


def new_token(invitation: Invitation) -> str:
    """Give the invitation a fresh random token and expiry; the token is returned (and kept on the instance as
    `token` for the mail) but only its hash is stored."""
    token = secrets.token_urlsafe(32)
    invitation.token_hash = Invitation.hash_token(token)
    invitation.expires_at = timezone.now() + dt.timedelta(days=settings.INVITATION_DAYS)
    invitation.token = token
    return token


def _check_invitation_limits(organisation: Organisation, invited_by) -> None:
    """Invitations go to outside addresses: an organisation, and an owner over all their organisations, send at
    most INVITATIONS_PER_HOUR an hour, counted in the audit log (a cancelled invitation still counts), and an
    organisation has at most OPEN_INVITATIONS_MAX open. Call with the organisation row locked."""
    now = timezone.now()
    open_ones = organisation.invitations.filter(accepted_at__isnull=True, expires_at__gt=now).count()
    if open_ones >= settings.OPEN_INVITATIONS_MAX:
        raise MembershipError(f"{organisation.name} has {open_ones} open invitations, the most it can have. Cancel "
                              "the ones no longer needed, or wait until they are accepted or expire.")
    sent = AuditEvent.objects.filter(action="member_invited", created_at__gte=now - dt.timedelta(hours=1))
    if sent.filter(Q(organisation=organisation) | Q(user=invited_by)).count() >= settings.INVITATIONS_PER_HOUR:
        raise MembershipError(f"At most {settings.INVITATIONS_PER_HOUR} invitations can be sent in an hour. Try "
                              "again later.")


@transaction.atomic
def invite(organisation: Organisation, email: str, role: str, invited_by) -> Invitation:
    """A new open invitation; refused for members, for addresses already invited (an expired invitation is
    replaced) and beyond the invitation limits. Its link is made when its mail is sent (send_invitation)."""
    Organisation.objects.select_for_update(no_key=True).filter(pk=organisation.pk).first()  # one count at a time
    if organisation.memberships.filter(user__email__iexact=email).exists():
        raise MembershipError(f"{email} is already a member of {full_stop(organisation.name)}")
    open_ones = organisation.invitations.filter(email__iexact=email, accepted_at__isnull=True)
    if open_ones.filter(expires_at__gt=timezone.now()).exists():
        raise MembershipError(f"{email} has already been invited. Cancel that invitation to send a new one.")
    _check_invitation_limits(organisation, invited_by)
    open_ones.delete()
    invitation = Invitation(organisation=organisation, email=email, role=role, invited_by=invited_by)
    new_token(invitation)  # never mailed: the mail's own token replaces it
    invitation.save()
    return invitation


# Free text in an invitation is the organisation's name and the inviter's name, both typed by users of the tool.
# In a mail to an outside address a mail program would turn a web address or an e-mail address in them into a
# link: their dots, "://" and "@" are bracketed, as phishing reports "defang" links.
_DOMAIN = re.compile(r"(?i)\b[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}\b")


def inert_text(text: str) -> str:
    """A user-provided name on one line, with nothing in it that a mail program would make a link of."""
    text = " ".join(str(text).split())
    text = re.sub(r"(?i)\b([a-z][a-z0-9+.-]*)://", r"\1[:]//", text)  # https://x
    text = re.sub(r"(?i)\b(mailto|tel|sms|data|javascript):", r"\1[:]", text)
    text = _DOMAIN.sub(lambda m: m.group(0).replace(".", "[.]"), text)
    return text.replace("@", "[at]")


def send_invitation_mail(invitation: Invitation, site: str) -> None:
    """A fresh token for the invitation (its hash stored, the link in this mail only), then the mail. Its subject
    has no free text; its body gives the organisation's and inviter's names as inert text, marked as typed by a
    user of the tool."""
    token = new_token(invitation)
    invitation.save(update_fields=["token_hash", "expires_at"])
    inviter = invitation.invited_by
    context = {"invitation": invitation, "organisation_name": inert_text(invitation.organisation.name),
               "inviter_name": inert_text(inviter.get_full_name() or inviter.get_username()) if inviter else "",
               "accept_url": f"{site}{reverse('accept_invitation', args=[token])}"}
    # in the language of the invited address's account if it has one, else in the inviter's
    invitee = get_user_model().objects.filter(email__iexact=invitation.email).first()
    with translation.override(member_language(invitee) if invitee else member_language(inviter)):
        subject = " ".join(render_to_string("accounts/invitation_subject.txt", context).split())  # one header line
        body = render_to_string("accounts/invitation_email.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email])


def _other_owners(membership: Membership) -> bool:
    """Whether the organisation keeps an owner without this member (call inside a transaction)."""
    Organisation.objects.select_for_update(no_key=True).filter(pk=membership.organisation_id).first()
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


def _open(token: str):
    return Invitation.objects.filter(token_hash=Invitation.hash_token(token), accepted_at__isnull=True,
                                     expires_at__gt=timezone.now())


def open_invitation(token: str) -> Invitation:
    """The open, unexpired invitation with this token, or InvitationUnavailable."""
    invitation = _open(token).select_related("organisation", "invited_by").first()
    if invitation is None:
        raise InvitationUnavailable
    return invitation


@transaction.atomic
def accept_invitation(token: str, user) -> Membership:
    """Make the user a member with the invitation's role and mark the invitation used (once only).

    Only a user with a verified e-mail address equal to the invitation's may accept (WrongInvitee otherwise).
    Someone who is already a member keeps their role: an invitation never demotes anyone.
    """
    invitation = _open(token).select_for_update().first()
    if invitation is None:
        raise InvitationUnavailable
    if not has_verified_address(user, invitation.email):
        raise WrongInvitee
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
    # the link came to this address, so it is proven; recorded even if a stranger's unconfirmed sign-up names it
    EmailAddress.objects.update_or_create(user=user, email=user.email.lower(),
                                          defaults={"verified": True, "primary": True})
    return accept_invitation(token, user)
