"""Forms for signing in, resetting a password, joining by invitation and managing an organisation.

Django renders `aria-invalid` and `aria-describedby` (`id_<field>_error`, `id_<field>_helptext`) itself; the
templates in templates/accounts/_field.html give those ids to the error and hint they print.
"""

from __future__ import annotations

from zoneinfo import available_timezones

from allauth.account.forms import LoginForm, ResetPasswordForm, ResetPasswordKeyForm, SignupForm
from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .api_tokens import EXPIRY_DAYS
from .models import Organisation, Role, TokenScope
from .services import create_own_organisation

MISMATCH_MESSAGE = _("The two passwords do not match. Enter the same password twice.")


class SignInForm(LoginForm):
    """allauth's sign-in form, posted as the standard `username` and `password` (contract §4): the `login`
    field keeps allauth's name inside but is named `username` in the page and in the POST."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        login = self.fields["login"]
        login.label = _("Username or email address")
        login.widget.attrs.update({"autocomplete": "username", "spellcheck": "false", "autocapitalize": "none"})
        login.widget.attrs.pop("placeholder", None)
        login.widget.attrs.pop("autofocus", None)  # the error summary comes first
        login.error_messages["required"] = _("Enter your username.")
        password = self.fields["password"]
        password.help_text = ""
        password.widget.attrs.pop("placeholder", None)
        password.error_messages["required"] = _("Enter your password.")

    def add_prefix(self, field_name: str) -> str:
        return "username" if field_name == "login" else super().add_prefix(field_name)


class SignUpForm(SignupForm):
    """A new account and the organisation it owns: the organisation's legal name is asked, never made up."""

    organisation = forms.CharField(
        label=_("Your organisation's legal name"), max_length=200,
        help_text=_("The company or body that provides or deploys the models, for example “Acme AI GmbH”. "
                    "You own it in this tool and can invite colleagues."),
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
        error_messages={"required": _("Enter your organisation's legal name.")})
    field_order = ["organisation", "email", "username", "password1", "password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        email = self.fields["email"]
        email.label = _("Email address")
        email.help_text = _("We send a link to this address to confirm it before you can sign in.")
        email.error_messages.update({"required": _("Enter your email address."),
                                     "invalid": _("Enter an email address like name@example.org.")})
        username = self.fields["username"]
        username.label = _("Username")
        username.help_text = _("You sign in with this or your email address.")
        username.error_messages["required"] = _("Enter a username.")
        self.fields["password1"].error_messages["required"] = _("Enter a password.")
        self.fields["password2"].label = _("Confirm password")
        self.fields["password2"].help_text = _("Enter the same password again.")
        self.fields["password2"].error_messages["required"] = _("Enter the password again.")
        for field in self.fields.values():
            field.widget.attrs.pop("placeholder", None)
            field.widget.attrs.pop("autofocus", None)

    def clean_organisation(self):
        name = " ".join(self.cleaned_data["organisation"].split())
        if not name:
            raise forms.ValidationError(_("Enter your organisation's legal name."))
        return name

    def save(self, request):
        with transaction.atomic():
            user = super().save(request)
            create_own_organisation(user, self.cleaned_data["organisation"])
        return user


class PasswordResetRequestForm(ResetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["email"]
        field.label = _("Email address")
        field.help_text = _("The address your account uses. We will send a link to choose a new password.")
        field.widget.attrs.pop("placeholder", None)
        field.error_messages.update({"required": _("Enter your email address."),
                                     "invalid": _("Enter an email address like name@example.org.")})


class NewPasswordForm(ResetPasswordKeyForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password1"].label = _("New password")
        self.fields["password1"].error_messages["required"] = _("Enter a new password.")
        self.fields["password2"].label = _("Confirm new password")
        self.fields["password2"].help_text = _("Enter the same password again.")
        self.fields["password2"].error_messages["required"] = _("Enter the new password again.")
        for field in self.fields.values():
            field.widget.attrs.pop("placeholder", None)


class InvitedAccountForm(auth_forms.UserCreationForm):
    """A new account for someone who was invited: username and password twice; the e-mail is the invitation's."""

    error_messages = {"password_mismatch": MISMATCH_MESSAGE}

    class Meta(auth_forms.UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username",)

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.email = email  # so the password validators compare the password with it too
        username = self.fields["username"]
        username.label = _("Username")
        username.help_text = _("You sign in with this. Letters, digits and @ . + - _ only, up to 150 characters.")
        username.widget.attrs["autocomplete"] = "username"
        username.widget.attrs.pop("autofocus", None)
        username.error_messages["required"] = _("Enter a username.")
        self.fields["password1"].error_messages["required"] = _("Enter a password.")
        self.fields["password2"].label = _("Confirm password")
        self.fields["password2"].help_text = _("Enter the same password again.")
        self.fields["password2"].error_messages["required"] = _("Enter the password again.")


class OrganisationNameForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ("name",)
        labels = {"name": "Organisation name"}
        error_messages = {"name": {"required": _("Enter a name for the organisation."),
                                   "max_length": _("The name can be at most 200 characters long.")}}
        widgets = {"name": forms.TextInput(attrs={"autocomplete": "organization"})}

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Enter a name for the organisation."))
        return name


class LegalNameForm(OrganisationNameForm):
    """Asked before an organisation's first completed assessment when its name was made up: the snapshot and
    the report cover record the name at completion."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"name": ""})  # never offer the made-up name
        super().__init__(*args, **kwargs)
        self.fields["name"].label = _("Your organisation's legal name")
        self.fields["name"].required = False  # asked, not forced: completing without it marks the report
        self.fields["name"].help_text = ("As it should appear on the report, for example “Example AI GmbH”. If you "
                                         "leave it empty, the report says that the legal name was not given.")

    def clean_name(self):
        return " ".join((self.cleaned_data.get("name") or "").split())


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"), max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={"required": _("Enter the email address of the person to invite."),
                        "invalid": _("Enter an email address like name@example.org.")})
    role = forms.ChoiceField(
        label=_("Role"), choices=Role.choices, initial=Role.EDITOR,
        help_text=_("Owners manage members; editors answer and change assessments; viewers can only read them."),
        error_messages={"required": _("Choose a role."), "invalid_choice": _("Choose owner, editor or viewer.")})

    def clean_email(self):
        return get_user_model().objects.normalize_email(self.cleaned_data["email"])


class MemberRoleForm(forms.Form):
    """Change one member's role: the member must belong to the organisation (else the view answers 404)."""

    member = forms.ModelChoiceField(queryset=None)
    role = forms.ChoiceField(choices=Role.choices)

    def __init__(self, organisation: Organisation, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = organisation.memberships.select_related("user")


class MemberForm(forms.Form):
    member = forms.ModelChoiceField(queryset=None)

    def __init__(self, organisation: Organisation, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = organisation.memberships.select_related("user")


class InvitationChoiceForm(forms.Form):
    invitation = forms.ModelChoiceField(queryset=None)

    def __init__(self, organisation: Organisation, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["invitation"].queryset = organisation.invitations.filter(accepted_at__isnull=True)


class RequireMfaForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ("require_mfa",)
        labels = {"require_mfa": "Every member must use two-factor authentication"}
        help_texts = {"require_mfa": "Members without an authenticator app are asked to set one up before they "
                                     "can open anything else."}


class TimeZoneForm(forms.ModelForm):
    """The organisation's time zone: what "today", "overdue" and the reminder day mean for its deadlines."""

    class Meta:
        model = Organisation
        fields = ("time_zone",)
        labels = {"time_zone": "Time zone"}
        help_texts = {"time_zone": "Deadlines, reminders and the calendar count days in this time zone."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].widget = forms.Select(choices=[(z, z) for z in sorted(available_timezones())
                                                                 if "/" in z and not z.startswith("Etc/")])


class SwitchOrganisationForm(forms.Form):
    organisation = forms.UUIDField()
    next = forms.CharField(required=False)


class ApiTokenForm(forms.Form):
    """An owner's new API token: what uses it, what it may do, how long it works."""

    name = forms.CharField(
        label=_("Name"), max_length=100,
        help_text=_("What will use it, so you can tell tokens apart, e.g. “CI pipeline” or “GRC suite”."),
        error_messages={"required": _("Enter a name for the token."),
                        "max_length": _("Enter a name of at most 100 characters.")})
    scope = forms.ChoiceField(
        label=_("What it may do"), choices=TokenScope.choices, initial=TokenScope.READ, widget=forms.RadioSelect,
        help_text=_("Read only: models, assessments, results, gap records, deadlines and reports. Read and write "
                    "also answers, completes and amends assessments and updates gap records."),
        error_messages={"required": _("Choose what the token may do."), "invalid_choice": _("Choose read or write.")})
    days = forms.TypedChoiceField(
        label=_("Works for"), coerce=int, initial=90,
        choices=[(d, format_lazy(_("{days} days"), days=d)) for d in EXPIRY_DAYS],
        error_messages={"required": _("Choose how long the token works."),
                        "invalid_choice": _("Choose 30, 90 or 365 days.")})
