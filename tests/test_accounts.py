"""Accounts: signing in and out, password reset, lockout, organisations, members and invitations."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from axes.utils import reset as reset_axes
from django.contrib.auth import get_user_model
from django.contrib.sessions.middleware import SessionMiddleware
from django.test import RequestFactory
from django.utils import timezone

from accounts.memberships import SESSION_KEY, current_membership
from accounts.models import Invitation, Membership, Organisation, Role

from .conftest import PASSWORD
from .mfa import staff_login, with_second_factor

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture
def make_user():
    def make(username: str, email: str = "", password: str = PASSWORD):
        return User.objects.create_user(username, email or f"{username}@example.org", password)
    return make


@pytest.fixture
def other_organisation(stranger):
    return stranger.organisations.get()


def make_invitation(*, token: str, **fields) -> Invitation:
    """An open invitation whose link ends with `token` (only its hash is stored)."""
    return Invitation.objects.create(token_hash=Invitation.hash_token(token),
                                     expires_at=timezone.now() + dt.timedelta(days=7), **fields)


def links_in(message) -> list[str]:
    return re.findall(r"https?://\S+", message.body)


def invite(client, owner, email: str, role: str = Role.EDITOR):
    client.force_login(owner)
    return client.post("/accounts/organisation/invite/", {"email": email, "role": role})


# ---- signing in and out


def test_login_page_is_accessible(client):
    text = client.get("/accounts/login/").content.decode()
    assert "<h1>Sign in</h1>" in text
    assert 'for="id_username"' in text and 'for="id_password"' in text
    assert 'autocomplete="username"' in text and 'autocomplete="current-password"' in text


def test_login_with_username_and_password(client, make_user):
    user = make_user("alice")
    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(user.pk)


def test_login_follows_next(client, make_user):
    make_user("alice")
    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD,
                                                "next": "/accounts/organisation/"})
    assert response["Location"] == "/accounts/organisation/"


def test_wrong_password_is_explained_in_an_error_summary(client, make_user):
    make_user("alice")
    response = client.post("/accounts/login/", {"username": "alice", "password": "wrong"})
    assert response.status_code == 200
    text = response.content.decode()
    assert '<div class="error-summary" role="alert" tabindex="-1"' in text
    assert '<a href="#id_username">Enter a correct username and password.' in text
    assert "<title>Error: Sign in" in text
    assert "_auth_user_id" not in client.session


def test_missing_fields_are_linked_and_described(client):
    text = client.post("/accounts/login/", {"username": "", "password": ""}).content.decode()
    assert '<a href="#id_username">Enter your username.</a>' in text
    assert '<a href="#id_password">Enter your password.</a>' in text
    assert 'id="id_username_error"' in text
    assert 'aria-describedby="id_username_error"' in text
    assert 'aria-invalid="true"' in text


def test_logout_is_a_post(client, make_user):
    client.force_login(make_user("alice"))
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert "_auth_user_id" not in client.session


# ---- password reset


def test_password_reset_sends_one_email_with_a_working_link(client, make_user, mailoutbox):
    make_user("alice", "alice@example.org")
    response = client.post("/accounts/password/reset/", {"email": "alice@example.org"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/done/"
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["alice@example.org"]
    assert message.subject == "Reset your password for the GPAI compliance checker"
    [link] = links_in(message)

    response = client.get(link)  # allauth swaps the key for a session value and redirects
    assert response.status_code == 302
    form_url = response["Location"]
    assert "Choose a new password" in client.get(form_url).content.decode()

    new_password = "a brand new passphrase 42"
    response = client.post(form_url, {"password1": new_password, "password2": new_password})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/key/done/"
    assert client.post("/accounts/login/", {"username": "alice", "password": new_password}).status_code == 302


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client, mailoutbox):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.org"}, follow=True)
    assert "Check your email" in response.content.decode()
    assert mailoutbox == []


def test_password_reset_link_cannot_be_reused(client, make_user, mailoutbox):
    make_user("alice", "alice@example.org")
    client.post("/accounts/password/reset/", {"email": "alice@example.org"})
    [link] = links_in(mailoutbox[0])
    form_url = client.get(link)["Location"]
    new_password = "a brand new passphrase 42"
    client.post(form_url, {"password1": new_password, "password2": new_password})
    response = client.get(link, follow=True)
    assert "This link no longer works" in response.content.decode()


def test_new_password_is_checked_by_the_validators(client, make_user, mailoutbox):
    make_user("alice", "alice@example.org")
    client.post("/accounts/password/reset/", {"email": "alice@example.org"})
    form_url = client.get(links_in(mailoutbox[0])[0])["Location"]
    text = client.post(form_url, {"password1": "short", "password2": "short"}).content.decode()
    assert 'class="error-summary"' in text
    assert "This password is too short." in text


# ---- brute-force protection (django-axes)


@pytest.fixture
def fresh_axes():
    reset_axes()
    yield
    reset_axes()


def test_lockout_after_too_many_wrong_passwords(client, make_user, settings, fresh_axes):
    make_user("mallory-target")
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        response = client.post("/accounts/login/", {"username": "mallory-target", "password": "wrong"})
        assert response.status_code == 200
    response = client.post("/accounts/login/", {"username": "mallory-target", "password": "wrong"})
    assert response.status_code == 429
    text = response.content.decode()
    assert "Sign-in is paused" in text
    minutes = round(settings.AXES_COOLOFF_TIME * 60)
    assert f"Try again in {minutes} minutes" in text

    response = client.post("/accounts/login/", {"username": "mallory-target", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_lockout_page_shows_minutes_from_the_setting(client, make_user, settings, fresh_axes):
    settings.AXES_COOLOFF_TIME = 1.0  # hours
    settings.AXES_FAILURE_LIMIT = 2
    make_user("bob")
    client.post("/accounts/login/", {"username": "bob", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "bob", "password": "wrong"})
    assert response.status_code == 429
    assert "Try again in 60 minutes" in response.content.decode()


# ---- organisations


def test_a_user_without_an_organisation_gets_one(make_user):
    user = make_user("alice")
    request = RequestFactory().get("/")
    SessionMiddleware(lambda r: None).process_request(request)
    request.user = user
    membership = current_membership(request)
    assert membership.role == Role.OWNER
    assert membership.organisation.name == "alice's organisation"
    assert request.session[SESSION_KEY] == str(membership.organisation_id)
    assert Membership.objects.filter(user=user).count() == 1


def test_organisation_page_needs_a_sign_in(client):
    response = client.get("/accounts/organisation/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/accounts/organisation/"


def test_organisation_page_for_an_owner(client, owner, editor, organisation):
    make_invitation(organisation=organisation, email="new@example.org", token="t1", invited_by=owner)
    client.force_login(owner)
    text = client.get("/accounts/organisation/").content.decode()
    assert "<h1>Acme AI</h1>" in text
    assert "eddie" in text and "olivia" in text
    assert "new@example.org" in text
    assert "Send invitation" in text and "Save the name" in text and "Change role" in text


def test_organisation_page_is_read_only_for_others(client, owner, editor, organisation):
    client.force_login(editor)
    response = client.get("/accounts/organisation/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "olivia" in text
    assert "Send invitation" not in text and "Change role" not in text and "Save the name" not in text


def test_owner_renames_the_organisation(client, owner, organisation):
    client.force_login(owner)
    response = client.post("/accounts/organisation/", {"name": "  Acme Research  "})
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.name == "Acme Research"


def test_a_blank_name_is_refused(client, owner, organisation):
    client.force_login(owner)
    text = client.post("/accounts/organisation/", {"name": " "}).content.decode()
    assert '<a href="#id_name">Enter a name for the organisation.</a>' in text
    organisation.refresh_from_db()
    assert organisation.name == "Acme AI"


def test_non_owners_cannot_change_anything(client, owner, editor, organisation):
    client.force_login(editor)
    owner_membership = Membership.objects.get(user=owner)
    invitation = make_invitation(organisation=organisation, email="x@example.org", token="t1")
    assert client.post("/accounts/organisation/invite/",
                       {"email": "friend@example.org", "role": Role.OWNER}).status_code == 403
    assert client.post("/accounts/organisation/", {"name": "Mine now"}).status_code == 403
    assert client.post("/accounts/organisation/members/role/",
                       {"member": owner_membership.pk, "role": Role.VIEWER}).status_code == 403
    assert client.post("/accounts/organisation/members/remove/", {"member": owner_membership.pk}).status_code == 403
    assert client.post("/accounts/organisation/invitations/cancel/",
                       {"invitation": invitation.pk}).status_code == 403
    assert not Invitation.objects.filter(email="friend@example.org").exists()
    owner_membership.refresh_from_db()
    assert owner_membership.role == Role.OWNER
    assert Invitation.objects.filter(pk=invitation.pk).exists()


def test_owner_changes_a_role(client, owner, editor):
    client.force_login(owner)
    membership = Membership.objects.get(user=editor)
    response = client.post("/accounts/organisation/members/role/", {"member": membership.pk, "role": Role.VIEWER})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == Role.VIEWER


def test_owner_removes_a_member(client, owner, editor):
    client.force_login(owner)
    membership = Membership.objects.get(user=editor)
    assert client.post("/accounts/organisation/members/remove/", {"member": membership.pk}).status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_the_last_owner_cannot_be_removed_or_demoted(client, owner):
    client.force_login(owner)
    membership = Membership.objects.get(user=owner)
    response = client.post("/accounts/organisation/members/remove/", {"member": membership.pk})
    assert response.status_code == 200
    text = response.content.decode()
    assert 'class="error-summary"' in text
    assert "olivia is the only owner and cannot be removed." in text
    assert Membership.objects.filter(pk=membership.pk).exists()

    response = client.post("/accounts/organisation/members/role/", {"member": membership.pk, "role": Role.EDITOR})
    assert "olivia is the only owner." in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == Role.OWNER


def test_an_owner_can_leave_when_another_owner_remains(client, owner, editor):
    Membership.objects.filter(user=editor).update(role=Role.OWNER)
    client.force_login(owner)
    own = Membership.objects.get(user=owner)
    assert client.post("/accounts/organisation/members/remove/", {"member": own.pk}).status_code == 302
    assert not Membership.objects.filter(pk=own.pk).exists()


def test_members_of_another_organisation_are_not_found(client, owner, other_organisation):
    client.force_login(owner)
    theirs = other_organisation.memberships.get()
    assert client.post("/accounts/organisation/members/remove/", {"member": theirs.pk}).status_code == 404
    assert client.post("/accounts/organisation/members/role/",
                       {"member": theirs.pk, "role": Role.VIEWER}).status_code == 404
    invitation = make_invitation(organisation=other_organisation, email="x@example.org", token="t1")
    assert client.post("/accounts/organisation/invitations/cancel/",
                       {"invitation": invitation.pk}).status_code == 404
    assert Membership.objects.filter(pk=theirs.pk, role=Role.OWNER).exists()


# ---- switching organisation


def test_switch_to_another_of_ones_organisations(client, owner, other_organisation):
    Membership.objects.create(user=owner, organisation=other_organisation, role=Role.VIEWER)
    client.force_login(owner)
    assert "Work in Other Labs" in client.get("/accounts/organisation/").content.decode()
    response = client.post("/accounts/organisation/switch/", {"organisation": str(other_organisation.pk)})
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(other_organisation.pk)
    assert "<h1>Other Labs</h1>" in client.get("/accounts/organisation/").content.decode()


def test_switch_follows_a_safe_next_only(client, owner, other_organisation):
    Membership.objects.create(user=owner, organisation=other_organisation, role=Role.VIEWER)
    client.force_login(owner)
    data = {"organisation": str(other_organisation.pk)}
    assert client.post("/accounts/organisation/switch/", {**data, "next": "/"})["Location"] == "/"
    response = client.post("/accounts/organisation/switch/", {**data, "next": "https://evil.example/"})
    assert response["Location"] == "/accounts/organisation/"


def test_cannot_switch_to_an_organisation_one_is_not_in(client, owner, organisation, other_organisation):
    client.force_login(owner)
    client.get("/accounts/organisation/")
    response = client.post("/accounts/organisation/switch/", {"organisation": str(other_organisation.pk)})
    assert response.status_code == 404
    assert client.session[SESSION_KEY] == str(organisation.pk)
    assert client.post("/accounts/organisation/switch/", {"organisation": "not-a-uuid"}).status_code == 404
    assert client.get("/accounts/organisation/switch/").status_code == 405


# ---- invitations


def test_owner_invites_and_an_existing_user_accepts(client, owner, organisation, make_user, mailoutbox):
    invitee = make_user("ivan", "ivan@example.org")
    response = invite(client, owner, "Ivan@Example.org", Role.VIEWER)
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.email == "Ivan@example.org"
    assert invitation.role == Role.VIEWER
    assert invitation.invited_by == owner
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["Ivan@example.org"]
    assert "Acme AI" not in mailoutbox[0].subject  # no free text in a subject (#22.7) ...
    assert "The organisation's name, as its owner typed it (we have not checked it): Acme AI" in mailoutbox[0].body
    [link] = links_in(mailoutbox[0])
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert len(token) >= 43
    assert invitation.token_hash == Invitation.hash_token(token)  # only the hash is stored
    assert token not in str(Invitation.objects.values().get())

    client.force_login(invitee)
    text = client.get(link).content.decode()
    assert "Join Acme AI" in text and "Accept the invitation" in text
    response = client.post(link)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/organisation/"
    membership = Membership.objects.get(user=invitee, organisation=organisation)
    assert membership.role == Role.VIEWER
    assert client.session[SESSION_KEY] == str(organisation.pk)
    invitation.refresh_from_db()
    assert invitation.accepted_by == invitee and invitation.accepted_at is not None

    assert client.get(link).status_code == 404
    assert client.post(link).status_code == 404


def test_an_anonymous_invitee_with_an_account_is_sent_to_sign_in(client, owner, make_user, mailoutbox):
    make_user("ivan", "ivan@example.org")
    invite(client, owner, "ivan@example.org")
    client.logout()
    token = links_in(mailoutbox[0])[0].rstrip("/").rsplit("/", 1)[1]
    response = client.get(f"/accounts/invitations/{token}/")
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next=/accounts/invitations/{token}/"


def test_a_new_person_creates_an_account_and_joins(client, owner, organisation, mailoutbox):
    invite(client, owner, "newbie@example.org", Role.EDITOR)
    client.logout()
    [link] = links_in(mailoutbox[0])
    text = client.get(link).content.decode()
    assert "Create an account to join Acme AI" in text
    assert 'autocomplete="username"' in text and 'autocomplete="new-password"' in text
    assert "/accounts/login/?next=" in text

    response = client.post(link, {"username": "newbie", "password1": "password", "password2": "password"})
    assert response.status_code == 200
    text = response.content.decode()
    assert 'class="error-summary"' in text
    assert "This password is too common." in text
    assert not User.objects.filter(username="newbie").exists()

    password = "a long enough passphrase 7"
    response = client.post(link, {"username": "newbie", "password1": password, "password2": password})
    assert response.status_code == 302
    user = User.objects.get(username="newbie")
    assert user.email == "newbie@example.org"
    assert user.check_password(password)
    assert client.session["_auth_user_id"] == str(user.pk)
    assert Membership.objects.get(user=user, organisation=organisation).role == Role.EDITOR
    assert client.session[SESSION_KEY] == str(organisation.pk)

    client.logout()
    assert client.get(link).status_code == 404


def test_account_creation_refuses_a_taken_username_and_mismatched_passwords(client, owner, make_user, mailoutbox):
    make_user("taken")
    invite(client, owner, "newbie@example.org")
    client.logout()
    [link] = links_in(mailoutbox[0])
    text = client.post(link, {"username": "Taken", "password1": "a long enough passphrase 7",
                              "password2": "another long passphrase 8"}).content.decode()
    assert "A user with that username already exists." in text
    assert "The two passwords do not match." in text
    assert '<a href="#id_password2">' in text


def test_unknown_and_cancelled_tokens_are_not_found(client, owner, organisation, mailoutbox):
    assert client.get("/accounts/invitations/no-such-token/").status_code == 404
    invite(client, owner, "gone@example.org")
    invitation = Invitation.objects.get()
    response = client.post("/accounts/organisation/invitations/cancel/", {"invitation": invitation.pk})
    assert response.status_code == 302
    response = client.get(links_in(mailoutbox[0])[0])
    assert response.status_code == 404
    assert "This invitation link does not work" in response.content.decode()


def test_inviting_a_member_or_an_invited_address_again_is_refused(client, owner, editor, mailoutbox):
    text = invite(client, owner, "eddie@example.org").content.decode()
    assert "eddie@example.org is already a member of Acme AI." in text
    assert '<a href="#id_email">' in text
    invite(client, owner, "new@example.org")
    text = invite(client, owner, "NEW@example.org").content.decode()
    assert "NEW@example.org has already been invited." in text
    assert Invitation.objects.count() == 1
    assert len(mailoutbox) == 1


def test_an_invalid_invitation_form_shows_errors(client, owner):
    text = invite(client, owner, "not an address").content.decode()
    assert '<a href="#id_email">Enter an email address like name@example.org.</a>' in text
    assert 'aria-describedby="id_email_error"' in text
    assert Invitation.objects.count() == 0


def test_an_existing_member_accepting_keeps_their_role(client, owner, organisation):
    invitation = make_invitation(organisation=organisation, email="olivia@example.org", role=Role.VIEWER,
                                 token="tok")
    client.force_login(owner)
    assert "You are already a member" in client.get("/accounts/invitations/tok/").content.decode()
    client.post("/accounts/invitations/tok/")
    assert Membership.objects.get(user=owner).role == Role.OWNER
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None


# ---- admin


def test_admin_pages_open(client, owner, organisation):
    admin = with_second_factor(User.objects.create_superuser("root", "root@example.org", PASSWORD))
    make_invitation(organisation=organisation, email="x@example.org", token="t1")
    staff_login(client, admin)
    for url in ["/admin/accounts/organisation/", f"/admin/accounts/organisation/{organisation.pk}/change/",
                "/admin/accounts/invitation/", "/admin/accounts/invitation/?accepted_at__isempty=1",
                "/admin/accounts/membership/", "/admin/accounts/organisation/?q=olivia"]:
        assert client.get(url).status_code == 200, url


def test_an_organisation_name_cannot_break_the_email_subject(client, owner, organisation, mailoutbox):
    Organisation.objects.filter(pk=organisation.pk).update(name="Acme\nBcc: victim@example.org")
    assert invite(client, owner, "new@example.org").status_code == 302
    assert "\n" not in mailoutbox[0].subject
