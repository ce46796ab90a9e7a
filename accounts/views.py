"""Views: thin. Access helper -> form -> one service call -> redirect.

Signing in and up, password reset and two-factor authentication are django-allauth's views (see urls.py).
Only owners change an organisation; everyone else sees it read-only and gets 403 for a change.
"""

from __future__ import annotations

import uuid

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from . import api_tokens as api_tokens_service
from . import services
from .audit import audit
from .forms import (
    ApiTokenForm,
    InvitationChoiceForm,
    InvitedAccountForm,
    InviteForm,
    MemberForm,
    MemberRoleForm,
    OrganisationNameForm,
    RequireMfaForm,
    SwitchOrganisationForm,
    TimeZoneForm,
)
from .memberships import SESSION_KEY, current_membership, membership_for
from .models import ApiToken, Membership, Role
from .tasks import queue_invitation

# The backend that logs in a person who has just created their account (django-axes' backend only checks).
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _as_role(role: str) -> str:
    return {Role.OWNER: _("an owner"), Role.EDITOR: _("an editor"), Role.VIEWER: _("a viewer")}[role]


def _owner_membership(request: HttpRequest) -> Membership:
    membership = current_membership(request)
    if not membership.is_owner:
        raise PermissionDenied("Only an owner of the organisation can change it.")
    return membership


def _act_for(request: HttpRequest, membership: Membership) -> None:
    """From now on this session works for the membership's organisation."""
    request.session[SESSION_KEY] = str(membership.organisation_id)


def _organisation_page(request: HttpRequest, membership: Membership, *, name_form=None, invite_form=None,
                       errors: list[str] | None = None) -> HttpResponse:
    organisation = membership.organisation
    context = {
        "membership": membership,
        "organisation": organisation,
        "members": organisation.memberships.select_related("user").order_by("user__username"),
        "invitations": organisation.invitations.filter(accepted_at__isnull=True)
                                               .select_related("invited_by").order_by("created_at"),
        "my_memberships": request.user.memberships.select_related("organisation").order_by("organisation__name"),
        "roles": Membership._meta.get_field("role").choices,
        "errors": errors or [],
        "now": timezone.now(),
        "invitation_days": settings.INVITATION_DAYS,
    }
    context["error_form"] = name_form or invite_form  # only the form just posted can have errors
    if membership.is_owner:
        context["name_form"] = name_form or OrganisationNameForm(instance=organisation)
        context["invite_form"] = invite_form or InviteForm()
        context["mfa_form"] = RequireMfaForm(instance=organisation)
        context["time_zone_form"] = TimeZoneForm(instance=organisation)
    return render(request, "accounts/organisation.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def organisation(request: HttpRequest) -> HttpResponse:
    """The organisation the session works for: members, open invitations; owners rename it here (POST)."""
    if request.method != "POST":
        return _organisation_page(request, current_membership(request))
    membership = _owner_membership(request)
    form = OrganisationNameForm(request.POST, instance=membership.organisation)
    if not form.is_valid():
        membership.organisation.refresh_from_db()
        return _organisation_page(request, membership, name_form=form)
    services.rename_organisation(membership.organisation, form.cleaned_data["name"])
    messages.success(request, _("The organisation is now called %(name)s.") % {"name": membership.organisation.name})
    return redirect("organisation")


@login_required
@require_POST
def organisation_security(request: HttpRequest) -> HttpResponse:
    """An owner requires (or stops requiring) a second factor of every member; they need one themselves first."""
    membership = _owner_membership(request)
    form = RequireMfaForm(request.POST, instance=membership.organisation)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Tick the box or leave it empty."))
    required = form.cleaned_data["require_mfa"]
    if required and not is_mfa_enabled(request.user):
        membership.organisation.refresh_from_db()
        return _organisation_page(request, membership, errors=[
            _("Set up two-factor authentication for your own account first, then require it of everyone.")])
    services.require_mfa(membership.organisation, required)
    audit(request, "mfa_required", target="required" if required else "not required",
          organisation=membership.organisation)
    messages.success(request, _("Every member now needs two-factor authentication.") if required
                     else _("Two-factor authentication is now each member's choice."))
    return redirect("organisation")


@login_required
@require_POST
def organisation_time_zone(request: HttpRequest) -> HttpResponse:
    """An owner sets the organisation's time zone (deadlines, reminders and the calendar count days in it)."""
    membership = _owner_membership(request)
    before = membership.organisation.time_zone
    form = TimeZoneForm(request.POST, instance=membership.organisation)
    if not form.is_valid():
        membership.organisation.refresh_from_db()
        return _organisation_page(request, membership, errors=[_("Choose a time zone from the list.")])
    form.save()
    after = membership.organisation.time_zone
    if after != before:
        audit(request, "time_zone_changed", target=f"{before} to {after}", organisation=membership.organisation)
    messages.success(request, _("Deadlines now count days in %(zone)s.") % {"zone": after})
    return redirect("organisation")


@login_required
@require_POST
def invite_member(request: HttpRequest) -> HttpResponse:
    membership = _owner_membership(request)
    form = InviteForm(request.POST)
    if not form.is_valid():
        return _organisation_page(request, membership, invite_form=form)
    try:
        invitation = services.invite(membership.organisation, form.cleaned_data["email"], form.cleaned_data["role"],
                                     invited_by=request.user)
    except services.MembershipError as error:
        form.add_error("email", str(error))
        return _organisation_page(request, membership, invite_form=form)
    audit(request, "member_invited", target=f"{invitation.email} as {invitation.role}",
          organisation=membership.organisation)  # also what the hourly limit counts
    queue_invitation(invitation, request.build_absolute_uri("/"))
    messages.success(request, _("We are sending an invitation to %(email)s.") % {"email": invitation.email})
    return redirect("organisation")


@login_required
@require_POST
def change_member_role(request: HttpRequest) -> HttpResponse:
    membership = _owner_membership(request)
    form = MemberRoleForm(membership.organisation, request.POST)
    if not form.is_valid():
        if "member" in form.errors:
            raise Http404
        return HttpResponseBadRequest("Choose owner, editor or viewer.")
    member, role = form.cleaned_data["member"], form.cleaned_data["role"]
    try:
        services.change_role(member, role)
    except services.MembershipError as error:
        return _organisation_page(request, membership, errors=[str(error)])
    audit(request, "member_role_changed", target=f"{member.user.get_username()} to {member.role}",
          organisation=membership.organisation)
    messages.success(request, _("%(member)s is now %(role)s.") % {"member": member.user.get_username(),
                                                                   "role": _as_role(member.role)})
    return redirect("organisation")


@login_required
@require_POST
def remove_member(request: HttpRequest) -> HttpResponse:
    membership = _owner_membership(request)
    form = MemberForm(membership.organisation, request.POST)
    if not form.is_valid():
        raise Http404
    member = form.cleaned_data["member"]
    try:
        services.remove_member(member)
    except services.MembershipError as error:
        return _organisation_page(request, membership, errors=[str(error)])
    audit(request, "member_removed", target=member.user.get_username(), organisation=membership.organisation)
    messages.success(request, _("%(member)s is no longer a member of %(organisation)s.") % {
        "member": member.user.get_username(), "organisation": membership.organisation.name})
    return redirect("organisation")


@login_required
@require_POST
def cancel_invitation(request: HttpRequest) -> HttpResponse:
    membership = _owner_membership(request)
    form = InvitationChoiceForm(membership.organisation, request.POST)
    if not form.is_valid():
        raise Http404
    invitation = form.cleaned_data["invitation"]
    services.cancel_invitation(invitation)
    messages.success(request, _("The invitation to %(email)s is cancelled. Its link no longer works.") % {
        "email": invitation.email})
    return redirect("organisation")


@login_required
@require_POST
def switch_organisation(request: HttpRequest) -> HttpResponse:
    """Work for another of the user's organisations; any other organisation is 404."""
    form = SwitchOrganisationForm(request.POST)
    if not form.is_valid():
        raise Http404
    membership = membership_for(request.user, form.cleaned_data["organisation"])
    _act_for(request, membership)
    messages.success(request, _("You are now working in %(organisation)s.") % {
        "organisation": membership.organisation.name})
    next_url = form.cleaned_data["next"]
    if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                                    require_https=request.is_secure()):
        return redirect(next_url)
    return redirect("organisation")


@require_http_methods(["GET", "POST"])
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    """Join an organisation by invitation. Signed in with the invited, verified address: accept (POST).
    Signed in otherwise: told so. Not signed in: sign in, or create an account with the invited address."""
    try:
        invitation = services.open_invitation(token)
    except services.InvitationUnavailable:
        return _unavailable(request)

    if request.user.is_authenticated:
        if request.method == "POST":
            try:
                membership = services.accept_invitation(token, request.user)
            except services.InvitationUnavailable:
                return _unavailable(request)
            except services.WrongInvitee:
                return _wrong_account(request, invitation)
            return _joined(request, membership)
        if not services.has_verified_address(request.user, invitation.email):
            return _wrong_account(request, invitation)
        already_member = invitation.organisation.memberships.filter(user=request.user).exists()
        return render(request, "accounts/invitation.html", {"invitation": invitation, "already_member": already_member,
                                                            "token": token})

    if get_user_model().objects.filter(email__iexact=invitation.email).exists():
        return redirect_to_login(request.get_full_path())
    form = InvitedAccountForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.create_account_and_accept(form, token)
        except services.InvitationUnavailable:
            return _unavailable(request)
        login(request, membership.user, backend=MODEL_BACKEND)
        return _joined(request, membership)
    login_url = f"{reverse('login')}?{urlencode({'next': request.path})}"
    return render(request, "accounts/invitation_signup.html",
                  {"invitation": invitation, "form": form, "login_url": login_url, "token": token})


def _wrong_account(request: HttpRequest, invitation) -> HttpResponse:
    return render(request, "accounts/invitation_wrong_account.html", {"invitation": invitation}, status=403)


def _unavailable(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/invitation_unavailable.html",
                  {"days": settings.INVITATION_DAYS}, status=404)


def _joined(request: HttpRequest, membership: Membership) -> HttpResponse:
    audit(request, "member_joined", target=f"{membership.user.get_username()} as {membership.role}",
          organisation=membership.organisation)
    _act_for(request, membership)
    messages.success(request, _("You are now a member of %(organisation)s, as %(role)s.") % {
        "organisation": membership.organisation.name, "role": _as_role(membership.role)})
    return redirect("organisation")


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    """The organisation's API tokens: owners make them (shown once, on the answer to the POST) and revoke them;
    everyone else reads the list."""
    membership = current_membership(request) if request.method == "GET" else _owner_membership(request)
    organisation = membership.organisation
    form = ApiTokenForm(request.POST or None) if membership.is_owner else None
    secret, status, errors = None, 200, []
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = api_tokens_service.create_token(
                organisation, name=form.cleaned_data["name"], scope=form.cleaned_data["scope"],
                days=form.cleaned_data["days"], user=request.user)
        except ValueError as error:
            errors, status = [str(error)], 400
        else:
            audit(request, "api_token_created", target=f"{token.name} ({token.hint}…, {token.scope})",
                  organisation=organisation)
            form = ApiTokenForm()
    elif request.method == "POST":
        status = 400
    tokens = organisation.api_tokens.select_related("created_by", "revoked_by")
    response = render(request, "accounts/api_tokens.html", {
        "membership": membership, "organisation": organisation, "form": form, "secret": secret,
        "error_form": form if status == 400 else None, "errors": errors,
        "tokens": tokens, "now": timezone.now()}, status=status)
    return response


@login_required
@require_POST
def revoke_api_token(request: HttpRequest) -> HttpResponse:
    membership = _owner_membership(request)
    token = ApiToken.objects.filter(organisation=membership.organisation,
                                    pk=_uuid_or_none(request.POST.get("token"))).first()
    if token is None:
        raise Http404("No such token")
    api_tokens_service.revoke_token(token, user=request.user)
    audit(request, "api_token_revoked", target=f"{token.name} ({token.hint}…)", organisation=membership.organisation)
    messages.success(request, f"The token “{token.name}” no longer works.")
    return redirect("api_tokens")


def _uuid_or_none(value):
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None
