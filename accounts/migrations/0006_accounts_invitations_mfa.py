"""Invitations keep only a hash of their token and expire; organisations can require a second factor;
existing users' addresses count as verified (they were entered by an administrator or proven by an invitation);
the audit log records sign-ups and second factors."""

import datetime
import hashlib

from django.conf import settings
from django.db import migrations, models


def hash_tokens_and_set_expiry(apps, schema_editor):
    Invitation = apps.get_model("accounts", "Invitation")
    days = getattr(settings, "INVITATION_DAYS", 7)
    for invitation in Invitation.objects.all():
        invitation.token_hash = hashlib.sha256(invitation.token.encode()).hexdigest()
        invitation.expires_at = invitation.created_at + datetime.timedelta(days=days)
        invitation.save(update_fields=["token_hash", "expires_at"])


def verify_existing_addresses(apps, schema_editor):
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    EmailAddress = apps.get_model("account", "EmailAddress")
    for user in User.objects.exclude(email=""):
        if not EmailAddress.objects.filter(user=user).exists() \
                and not EmailAddress.objects.filter(email__iexact=user.email).exists():
            EmailAddress.objects.create(user=user, email=user.email.lower(), verified=True, primary=True)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_documents_audit_actions"),
        ("account", "0009_emailaddress_unique_primary_email"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="organisation", name="require_mfa",
            field=models.BooleanField(default=False, help_text="Members must set up an authenticator app before "
                                      "they can use the tool.", verbose_name="require two-factor authentication"),
        ),
        migrations.AddField(model_name="invitation", name="token_hash",
                            field=models.CharField(max_length=64, null=True)),
        migrations.AddField(model_name="invitation", name="expires_at", field=models.DateTimeField(null=True)),
        migrations.RunPython(hash_tokens_and_set_expiry, migrations.RunPython.noop),
        migrations.RemoveField(model_name="invitation", name="token"),
        migrations.AlterField(model_name="invitation", name="token_hash",
                              field=models.CharField(max_length=64, unique=True)),
        migrations.AlterField(model_name="invitation", name="expires_at", field=models.DateTimeField()),
        migrations.RunPython(verify_existing_addresses, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='auditevent',
            name='action',
            field=models.CharField(choices=[('sign_in', 'Signed in'), ('sign_out', 'Signed out'), ('sign_in_failed', 'Sign-in failed'), ('export', 'Exported answers and result'), ('report_download', 'Downloaded a report'), ('documentation_export', 'Exported the Model Documentation Form'), ('evidence_download', 'Downloaded an evidence file'), ('publish', 'Published a questionnaire version'), ('member_invited', 'Invited a member'), ('member_joined', 'Joined an organisation'), ('member_role_changed', "Changed a member's role"), ('member_removed', 'Removed a member'), ('account_deleted', 'Deleted an account'), ('organisation_deleted', 'Deleted an organisation'), ('document_issue', 'Published or sent a legal document'), ('document_download', 'Downloaded a legal document'), ('signed_up', 'Created an account'), ('mfa_added', 'Added a second factor'), ('mfa_removed', 'Removed a second factor'), ('mfa_required', 'Changed the two-factor requirement')], max_length=40),
        ),
    ]
