"""Accounts a security review accepts: sign-up (and turning it off), e-mail verification, second factors
(required in the admin and by organisations), rate limits and lockout per account and per address, the
client address behind trusted proxies, invitations bound to the invited address."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from allauth.account.models import EmailAddress
from axes.utils import reset as reset_axes
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from accounts.audit import client_ip
from accounts.models import AuditEvent, Invitation, Membership, Organisation, Role

from .conftest import PASSWORD
from .mfa import SECRET, staff_login, totp_code, with_second_factor

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture(autouse=True)
def fresh_axes():
    reset_axes()
    yield
    reset_axes()


def signup(client, REMOTE_ADDR="127.0.0.1", **overrides):
    data = {"organisation": "Acme AI GmbH", "email": "ana@acme.example", "username": "ana",
            "password1": "a long enough passphrase 7", "password2": "a long enough passphrase 7", **overrides}
    return client.post("/accounts/signup/", data, REMOTE_ADDR=REMOTE_ADDR)


def links_in(message) -> list[str]:
    return re.findall(r"https?://\S+", message.body)


# ---- sign-up and e-mail verification


def test_sign_up_makes_an_account_that_owns_its_named_organisation(client, mailoutbox, settings):
    settings.ACCOUNT_SIGNUP_OPEN = True
    page = client.get("/accounts/signup/").content.decode()
    assert "Your organisation&#x27;s legal name" in page and 'autocomplete="organization"' in page
    response = signup(client)
    assert response.status_code == 302 and response["Location"] == "/accounts/confirm-email/"
    user = User.objects.get(username="ana")
    membership = Membership.objects.get(user=user)
    assert membership.role == Role.OWNER and membership.organisation.name == "Acme AI GmbH"
    assert "_auth_user_id" not in client.session
    assert not EmailAddress.objects.get(user=user).verified
    assert AuditEvent.objects.get(action="signed_up").user == user


def test_sign_in_waits_for_the_confirmed_address(client, mailoutbox, settings):
    settings.ACCOUNT_SIGNUP_OPEN = True
    signup(client)
    client.cookies.clear()
    response = client.post("/accounts/login/", {"username": "ana", "password": "a long enough passphrase 7"})
    assert response.status_code == 302 and response["Location"] == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session
    link = links_in(mailoutbox[-1])[0]
    assert client.post(link).status_code == 302
    assert EmailAddress.objects.get(user__username="ana").verified
    response = client.post("/accounts/login/", {"username": "ana", "password": "a long enough passphrase 7"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(User.objects.get(username="ana").pk)


def test_sign_up_refuses_a_missing_organisation_and_weak_password(client, settings):
    settings.ACCOUNT_SIGNUP_OPEN = True
    response = signup(client, organisation="  ", password1="password", password2="password")
    text = response.content.decode()
    assert response.status_code == 200
    assert '<a href="#id_organisation">' in text and "This password is too common." in text
    assert not User.objects.exists() and not Organisation.objects.exists()


def test_sign_up_can_be_turned_off(client, settings):
    settings.ACCOUNT_SIGNUP_OPEN = False
    text = client.get("/accounts/signup/").content.decode()
    assert "Accounts are by invitation" in text
    signup(client)
    assert not User.objects.exists() and not Organisation.objects.exists()
    assert "/accounts/signup/" not in client.get("/").content.decode()
    settings.ACCOUNT_SIGNUP_OPEN = True
    assert 'href="/accounts/signup/"' in client.get("/").content.decode()


def test_sign_in_with_the_email_address_instead_of_the_username(client):
    user = User.objects.create_user("alice", "alice@example.org", PASSWORD)
    response = client.post("/accounts/login/", {"username": "Alice@Example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_createsuperuser_noinput_signs_in_and_starts_an_assessment(client, published, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "root")
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "root@example.org")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    call_command("createsuperuser", "--noinput", verbosity=0)
    response = client.post("/accounts/login/", {"username": "root", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/assessments/new/").status_code == 200


def test_an_account_made_without_an_address_signs_in(client):
    User.objects.create_user("noaddress", "", PASSWORD)
    response = client.post("/accounts/login/", {"username": "noaddress", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"


# ---- second factor


def test_a_user_with_an_authenticator_signs_in_with_its_code(client):
    user = with_second_factor(User.objects.create_user("tia", "tia@example.org", PASSWORD))
    response = client.post("/accounts/login/", {"username": "tia", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session
    assert client.post("/accounts/2fa/authenticate/", {"code": "000000"}).status_code == 200
    assert "_auth_user_id" not in client.session
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code(SECRET)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    assert list(AuditEvent.objects.filter(action="sign_in").values_list("target", flat=True)) == ["tia"]


def test_the_admin_refuses_staff_without_a_second_factor(client):
    staff = User.objects.create_superuser("root", "root@example.org", PASSWORD)
    client.force_login(staff)
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"] == "/accounts/2fa/"
    assert client.get("/admin/accounts/organisation/").status_code == 302
    assert client.get("/assessments/").status_code == 200  # the rest of the tool is open


def test_the_admin_needs_the_second_factor_used_in_this_session(client):
    staff = with_second_factor(User.objects.create_superuser("root", "root@example.org", PASSWORD))
    client.force_login(staff)  # a session that has not used the authenticator
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/reauthenticate/?next=%2Fadmin%2F"
    client.post(response["Location"], {"code": totp_code(SECRET)})
    assert client.get("/admin/").status_code == 200


def test_the_admin_opens_for_staff_who_signed_in_with_their_code(client):
    staff = User.objects.create_superuser("root", "root@example.org", PASSWORD)
    staff_login(client, staff)
    assert client.get("/admin/").status_code == 200


def test_the_admins_own_password_form_cannot_skip_the_second_factor(client):
    User.objects.create_superuser("root", "root@example.org", PASSWORD)
    response = client.post("/admin/login/", {"username": "root", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session


def test_an_organisation_can_require_a_second_factor(client):
    organisation = Organisation.objects.create(name="Strict AG")
    owner = User.objects.create_user("olivia", "olivia@example.org", PASSWORD)
    member = User.objects.create_user("eddie", "eddie@example.org", PASSWORD)
    Membership.objects.create(user=owner, organisation=organisation, role=Role.OWNER)
    Membership.objects.create(user=member, organisation=organisation, role=Role.EDITOR)
    client.force_login(owner)
    text = client.post("/accounts/organisation/security/", {"require_mfa": "on"}).content.decode()
    assert "Set up two-factor authentication for your own account first" in text
    organisation.refresh_from_db()
    assert not organisation.require_mfa

    with_second_factor(owner)
    assert client.post("/accounts/organisation/security/", {"require_mfa": "on"}).status_code == 302
    organisation.refresh_from_db()
    assert organisation.require_mfa
    assert AuditEvent.objects.get(action="mfa_required").organisation == organisation
    assert client.get("/assessments/").status_code == 200

    client.force_login(member)
    response = client.get("/assessments/")
    assert response.status_code == 302 and response["Location"] == "/accounts/2fa/"
    assert client.get("/accounts/2fa/").status_code == 200
    with_second_factor(member)
    assert client.get("/assessments/").status_code == 200


def test_only_an_owner_changes_the_requirement(client):
    organisation = Organisation.objects.create(name="Strict AG")
    editor = with_second_factor(User.objects.create_user("eddie", "eddie@example.org", PASSWORD))
    Membership.objects.create(user=editor, organisation=organisation, role=Role.EDITOR)
    client.force_login(editor)
    assert client.post("/accounts/organisation/security/", {"require_mfa": "on"}).status_code == 403


# ---- rate limits and lockout


def test_failed_sign_ins_are_limited_per_account_and_address_so_a_stranger_cannot_lock_a_user_out(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "100/m/ip,3/h/key"}
    User.objects.create_user("alice", "alice@example.org", PASSWORD)
    for _ in range(3):
        client.post("/accounts/login/", {"username": "alice", "password": "wrong"}, REMOTE_ADDR="198.51.100.66")
    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD},
                           REMOTE_ADDR="198.51.100.66")
    assert response.status_code == 200
    assert "Too many failed attempts to sign in to this account" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # the real user, from their own address, is not locked out by the stranger's guesses
    client.post("/accounts/login/", {"username": "alice", "password": PASSWORD}, REMOTE_ADDR="192.0.2.10")
    assert "_auth_user_id" in client.session


def test_failed_sign_ins_are_limited_per_address_across_accounts(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "3/m/ip,100/h/key"}
    User.objects.create_user("alice", "alice@example.org", PASSWORD)
    for name in ("bob", "carol", "dave"):
        client.post("/accounts/login/", {"username": name, "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert "Too many" in response.content.decode()
    client.post("/accounts/login/", {"username": "alice", "password": PASSWORD}, REMOTE_ADDR="192.0.2.50")
    assert "_auth_user_id" in client.session


def test_password_reset_requests_are_limited_per_account(client, mailoutbox, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "reset_password": "100/m/ip,2/h/key"}
    User.objects.create_user("alice", "alice@example.org", PASSWORD)
    for i in range(2):
        client.post("/accounts/password/reset/", {"email": "alice@example.org"}, REMOTE_ADDR=f"192.0.2.{i}")
    response = client.post("/accounts/password/reset/", {"email": "alice@example.org"}, REMOTE_ADDR="192.0.2.9")
    assert len(mailoutbox) == 2
    assert response.status_code == 429 and "<h1>Too many requests</h1>" in response.content.decode()


def test_sign_ups_are_limited_per_address(client, settings, mailoutbox):
    settings.ACCOUNT_SIGNUP_OPEN = True
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "2/h/ip"}
    for i in range(2):
        signup(client, email=f"u{i}@acme.example", username=f"u{i}")
    response = signup(client, email="u3@acme.example", username="u3")
    assert response.status_code == 429
    assert "<h1>Too many requests</h1>" in response.content.decode()
    assert User.objects.count() == 2
    signup(client, email="u4@acme.example", username="u4", REMOTE_ADDR="192.0.2.77")
    assert User.objects.count() == 3  # another address may still sign up


def test_lockout_is_per_account_and_address_so_the_real_user_still_signs_in(client, settings):
    User.objects.create_user("alice", "alice@example.org", PASSWORD)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post("/accounts/login/", {"username": "alice", "password": "wrong"},
                               REMOTE_ADDR="198.51.100.66")
    assert response.status_code == 429
    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD},
                           REMOTE_ADDR="198.51.100.66")
    assert response.status_code == 429  # the attacker's address stays locked for this account
    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD},
                           REMOTE_ADDR="203.0.113.5")
    assert response.status_code == 302 and "_auth_user_id" in client.session


# ---- client address behind the proxy


def _request(rf, **meta):
    return rf.get("/", **meta)


def test_client_ip_uses_the_trusted_proxys_entry_only_behind_a_proxy(rf, settings):
    settings.PROXY_COUNT = 0
    request = _request(rf, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert client_ip(request) == "10.0.0.2"  # without BEHIND_PROXY the header is anyone's word
    settings.PROXY_COUNT = 1
    request = _request(rf, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    assert client_ip(request) == "203.0.113.9"  # what our proxy saw, not what the client claimed
    settings.PROXY_COUNT = 2
    request = _request(rf, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9, 10.0.0.1")
    assert client_ip(request) == "203.0.113.9"
    request = _request(rf, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="not-an-address, 10.0.0.1")
    assert client_ip(request) == "10.0.0.2"
    request = _request(rf, REMOTE_ADDR="10.0.0.2")
    assert client_ip(request) == "10.0.0.2"


def test_audit_and_lockout_use_the_client_address_behind_the_proxy(client, settings):
    settings.PROXY_COUNT = 1
    User.objects.create_user("alice", "alice@example.org", PASSWORD)
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post("/accounts/login/", {"username": "alice", "password": "wrong"},
                               HTTP_X_FORWARDED_FOR="198.51.100.66", **proxy)
    assert response.status_code == 429
    assert set(AuditEvent.objects.filter(action="sign_in_failed").values_list("ip", flat=True)) == {"198.51.100.66"}
    # another client behind the same proxy is not locked out
    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD},
                           HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy)
    assert response.status_code == 302
    assert AuditEvent.objects.get(action="sign_in").ip == "203.0.113.5"


# ---- invitations bound to the invited address


@pytest.fixture
def acme():
    organisation = Organisation.objects.create(name="Acme AI")
    owner = User.objects.create_user("olivia", "olivia@example.org", PASSWORD)
    Membership.objects.create(user=owner, organisation=organisation, role=Role.OWNER)
    return organisation, owner


def invitation_link(client, owner, email, mailoutbox) -> str:
    client.force_login(owner)
    client.post("/accounts/organisation/invite/", {"email": email, "role": Role.EDITOR})
    client.logout()
    return links_in(mailoutbox[-1])[0]


def test_only_the_invited_verified_address_can_accept(client, acme, mailoutbox):
    _organisation, owner = acme
    link = invitation_link(client, owner, "ivan@example.org", mailoutbox)
    mallory = User.objects.create_user("mallory", "mallory@example.org", PASSWORD)
    client.force_login(mallory)
    response = client.get(link)
    assert response.status_code == 403
    assert "This invitation is for another address" in response.content.decode()
    assert client.post(link).status_code == 403
    assert not Membership.objects.filter(user=mallory).exists()

    unverified = User.objects.create_user("ivan2", "", PASSWORD)
    EmailAddress.objects.create(user=unverified, email="ivan@example.org", verified=False, primary=True)
    client.force_login(unverified)
    assert client.post(link).status_code == 403
    assert not Membership.objects.filter(user=unverified).exists()
    assert Invitation.objects.get().accepted_at is None


def test_invitations_expire_after_the_set_number_of_days(client, acme, mailoutbox, settings):
    _organisation, owner = acme
    settings.INVITATION_DAYS = 3
    link = invitation_link(client, owner, "ivan@example.org", mailoutbox)
    invitation = Invitation.objects.get()
    assert invitation.expires_at - invitation.created_at == pytest.approx(dt.timedelta(days=3),
                                                                          abs=dt.timedelta(seconds=5))
    Invitation.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    ivan = User.objects.create_user("ivan", "ivan@example.org", PASSWORD)
    client.force_login(ivan)
    response = client.get(link)
    assert response.status_code == 404
    assert "more than 3 days old" in response.content.decode()
    assert client.post(link).status_code == 404
    assert not Membership.objects.filter(user=ivan).exists()
    # an expired invitation does not block a new one to the same address
    client.force_login(owner)
    assert client.post("/accounts/organisation/invite/", {"email": "ivan@example.org", "role": "editor"}
                       ).status_code == 302
    assert Invitation.objects.count() == 1 and Invitation.objects.get().expires_at > timezone.now()


def test_only_a_hash_of_the_token_is_stored_and_nothing_else_opens_it(client, acme, mailoutbox):
    _organisation, owner = acme
    link = invitation_link(client, owner, "ivan@example.org", mailoutbox)
    token = link.rstrip("/").rsplit("/", 1)[1]
    invitation = Invitation.objects.get()
    assert invitation.token_hash == Invitation.hash_token(token) != token
    assert client.get(f"/accounts/invitations/{invitation.token_hash}/").status_code == 404


def test_an_invitation_made_in_the_admin_is_mailed(client, acme, mailoutbox):
    organisation, _owner = acme
    staff = User.objects.create_superuser("root", "root@example.org", PASSWORD)
    staff_login(client, staff)
    response = client.post("/admin/accounts/invitation/add/", {
        "organisation": organisation.pk, "email": "new@example.org", "role": "viewer", "invited_by": staff.pk})
    assert response.status_code == 302, re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.content.decode())
    [link] = links_in(mailoutbox[-1])
    client.logout()
    assert "Create an account to join Acme AI" in client.get(link).content.decode()


def test_changing_the_password_in_the_site_style(client):
    user = User.objects.create_user("alice", "alice@example.org", PASSWORD)
    client.force_login(user)
    assert 'href="/accounts/password/change/"' in client.get("/accounts/organisation/").content.decode()
    text = client.post("/accounts/password/change/", {"oldpassword": "wrong", "password1": "x", "password2": "x"}
                       ).content.decode()
    assert 'class="error-summary"' in text and "<h1>Change your password</h1>" in text
    new = "a new long passphrase 9"
    response = client.post("/accounts/password/change/", {"oldpassword": PASSWORD, "password1": new, "password2": new})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)
