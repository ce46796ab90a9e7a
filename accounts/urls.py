"""Accounts, included at /accounts/. Sign-in, sign-up, e-mail confirmation, password reset and two-factor
authentication are django-allauth's views (allauth.urls) with our forms (settings.ACCOUNT_FORMS) and templates."""

from allauth.account import views as allauth_views
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import privacy, views

urlpatterns = [
    path("login/", allauth_views.login, name="login"),  # the name every page and LOGIN_URL use
    path("logout/", auth_views.LogoutView.as_view(next_page="/"), name="logout"),  # POST only
    path("organisation/", views.organisation, name="organisation"),
    path("organisation/security/", views.organisation_security, name="organisation_security"),
    path("organisation/time-zone/", views.organisation_time_zone, name="organisation_time_zone"),
    path("organisation/delete/", privacy.delete_organisation, name="delete_organisation"),
    path("my-data/", privacy.my_data, name="my_data"),
    path("delete/", privacy.delete_account, name="delete_account"),
    path("organisation/invite/", views.invite_member, name="invite_member"),
    path("organisation/members/role/", views.change_member_role, name="change_member_role"),
    path("organisation/members/remove/", views.remove_member, name="remove_member"),
    path("organisation/invitations/cancel/", views.cancel_invitation, name="cancel_invitation"),
    path("organisation/api-tokens/", views.api_tokens, name="api_tokens"),
    path("organisation/api-tokens/revoke/", views.revoke_api_token, name="revoke_api_token"),
    path("organisation/switch/", views.switch_organisation, name="switch_organisation"),
    path("invitations/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("", include("allauth.urls")),
]
