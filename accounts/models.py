"""Organisations and memberships: every assessment belongs to one organisation."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy, gettext_noop, pgettext_lazy


def validate_time_zone(value: str) -> None:
    """An IANA time zone name that this system knows (e.g. Europe/Brussels)."""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(f"{value!r} is not a time zone name such as Europe/Brussels.") from None


class Role(models.TextChoices):
    OWNER = "owner", pgettext_lazy("member role", "Owner")
    EDITOR = "editor", pgettext_lazy("member role", "Editor")
    VIEWER = "viewer", pgettext_lazy("member role", "Viewer")


class Organisation(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)
    # False when the name was made up (an organisation created for a user who had none): the legal name is
    # asked before the first assessment is completed, since the report cover records it.
    name_confirmed = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, through="Membership", related_name="organisations")
    require_mfa = models.BooleanField(
        "require two-factor authentication", default=False,
        help_text="Members must set up an authenticator app before they can use the tool.")
    # the organisation's dates ("today", "overdue", reminders) are days in this zone
    time_zone = models.CharField(max_length=64, default="Europe/Brussels", validators=[validate_time_zone],
                                 help_text="An IANA time zone, e.g. Europe/Brussels: what 'today' means for deadlines.")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def new_calendar_token() -> str:
    """A member's private calendar-feed token: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


class ReminderFrequency(models.TextChoices):
    OFF = "off", gettext_noop("Off")  # noop: the digest e-mail translates the label it shows
    DAILY = "daily", gettext_noop("Daily")
    WEEKLY = "weekly", gettext_noop("Weekly")


class Membership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.EDITOR)
    created_at = models.DateTimeField(auto_now_add=True)
    # deadline reminders by e-mail (send_reminders) and the private calendar feed
    reminder_frequency = models.CharField(max_length=8, choices=ReminderFrequency.choices,
                                          default=ReminderFrequency.OFF)
    reminder_days_ahead = models.PositiveSmallIntegerField(default=14)
    calendar_token = models.CharField(max_length=64, unique=True, default=new_calendar_token)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_user")]

    def __str__(self) -> str:
        return f"{self.user} in {self.organisation} ({self.role})"

    @property
    def can_edit(self) -> bool:
        return self.role in (Role.OWNER, Role.EDITOR)

    @property
    def is_owner(self) -> bool:
        return self.role == Role.OWNER


class ReminderDigest(models.Model):
    """A reminder digest mailed to a member on a day (in the organisation's time zone): at most one a day."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="reminder_digests")
    day = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)
    items = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["membership", "day"], name="one_reminder_digest_a_day")]

    def __str__(self) -> str:
        return f"{self.membership} on {self.day}"


class Invitation(models.Model):
    """An owner invites someone by e-mail; the link in the mail lets the holder of that verified address join
    with the given role until `expires_at`. Only the token's SHA-256 is stored: the link is in the mail alone."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.EDITOR)
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    def __str__(self) -> str:
        return f"{self.email} to {self.organisation}"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()


class AuditEvent(models.Model):
    ACTIONS = [
        ("sign_in", "Signed in"), ("sign_out", "Signed out"), ("sign_in_failed", "Sign-in failed"),
        ("export", "Exported answers and result"), ("report_download", "Downloaded a report"),
        ("documentation_export", "Exported the Model Documentation Form"),
        ("evidence_download", "Downloaded an evidence file"), ("publish", "Published a questionnaire version"),
        ("accept_results", "Accepted changed results of golden scenarios"),
        ("member_invited", "Invited a member"), ("member_joined", "Joined an organisation"),
        ("member_role_changed", "Changed a member's role"), ("member_removed", "Removed a member"),
        ("account_deleted", "Deleted an account"), ("organisation_deleted", "Deleted an organisation"),
        ("document_issue", "Published or sent a legal document"),
        ("document_download", "Downloaded a legal document"),
        ("signed_up", "Created an account"), ("mfa_added", "Added a second factor"),
        ("mfa_removed", "Removed a second factor"), ("mfa_required", "Changed the two-factor requirement"),
        ("api_token_created", "Created an API token"), ("api_token_revoked", "Revoked an API token"),
        ("api_call", "Called the API with a token"), ("api_token_refused", "Refused an API token"),
        ("time_zone_changed", "Changed the organisation's time zone"),
    ]
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    action = models.CharField(max_length=40, choices=ACTIONS)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="audit_events")
    target = models.CharField(max_length=300, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target}"


class TokenScope(models.TextChoices):
    READ = "read", gettext_lazy("Read only")
    WRITE = "write", gettext_lazy("Read and write")


class ApiToken(models.Model):
    """An organisation's key to the API (`Authorization: Bearer <token>`). Owners make and revoke them on the
    organisation's API tokens page; the token is shown once and only the SHA-256 of its random secret is kept.
    It acts for its organisation alone, as the owner who made it, while that owner is still a member: read
    scope only reads, write scope also writes (as the maker's role allows)."""

    PREFIX = "gpai_"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What uses it, e.g. “CI pipeline” or “GRC suite”")
    scope = models.CharField(max_length=10, choices=TokenScope.choices, default=TokenScope.READ)
    token_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=16, help_text="The first characters of the token, to tell tokens apart")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()


class MemberLanguage(models.Model):
    """The language a member chose with the header's language switch (contract §6): applied on every request
    once they are signed in, on any device, and used for the e-mails they are sent. No row: the browser decides
    (the language cookie, else Accept-Language)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True,
                                related_name="language_choice")
    language = models.CharField(max_length=10, help_text="A code of settings.LANGUAGES, e.g. de")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user}: {self.language}"
