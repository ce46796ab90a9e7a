"""Accounts, included at /accounts/. Signing in, signing out and password reset are Django's views."""

from django.contrib.auth import views as auth_views
from django.urls import path

from . import privacy, views
from .forms import NewPasswordForm, PasswordResetRequestForm, SignInForm

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(authentication_form=SignInForm, redirect_authenticated_user=True),
         name="login"),
    path("logout/", auth_views.LogoutView.as_view(next_page="/"), name="logout"),  # POST only
    path("password-reset/", auth_views.PasswordResetView.as_view(
        form_class=PasswordResetRequestForm,
        email_template_name="registration/password_reset_email.html",
        subject_template_name="registration/password_reset_subject.txt"), name="password_reset"),
    path("password-reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(form_class=NewPasswordForm),
         name="password_reset_confirm"),
    path("reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("organisation/", views.organisation, name="organisation"),
    path("organisation/delete/", privacy.delete_organisation, name="delete_organisation"),
    path("my-data/", privacy.my_data, name="my_data"),
    path("delete/", privacy.delete_account, name="delete_account"),
    path("organisation/invite/", views.invite_member, name="invite_member"),
    path("organisation/members/role/", views.change_member_role, name="change_member_role"),
    path("organisation/members/remove/", views.remove_member, name="remove_member"),
    path("organisation/invitations/cancel/", views.cancel_invitation, name="cancel_invitation"),
    path("organisation/switch/", views.switch_organisation, name="switch_organisation"),
    path("invitations/<str:token>/", views.accept_invitation, name="accept_invitation"),
]
