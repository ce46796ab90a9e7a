# Deadline reminders (member settings and the digests sent), the private calendar token, the organisation's time zone.

import django.db.models.deletion
from django.db import migrations, models

import accounts.models


def fill_tokens(apps, schema_editor):
    Membership = apps.get_model("accounts", "Membership")
    for membership in Membership.objects.filter(calendar_token__isnull=True).only("pk"):
        membership.calendar_token = accounts.models.new_calendar_token()
        membership.save(update_fields=["calendar_token"])


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0006_accounts_invitations_mfa"),
    ]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="time_zone",
            field=models.CharField(default="Europe/Brussels", max_length=64,
                                   validators=[accounts.models.validate_time_zone],
                                   help_text="An IANA time zone, e.g. Europe/Brussels: what 'today' means for deadlines."),
        ),
        migrations.AddField(
            model_name="membership",
            name="reminder_frequency",
            field=models.CharField(choices=[("off", "Off"), ("daily", "Daily"), ("weekly", "Weekly")], default="off",
                                   max_length=8),
        ),
        migrations.AddField(
            model_name="membership",
            name="reminder_days_ahead",
            field=models.PositiveSmallIntegerField(default=14),
        ),
        migrations.AddField(
            model_name="membership",
            name="calendar_token",
            field=models.CharField(max_length=64, null=True),
        ),
        migrations.RunPython(fill_tokens, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="membership",
            name="calendar_token",
            field=models.CharField(default=accounts.models.new_calendar_token, max_length=64, unique=True),
        ),
        migrations.CreateModel(
            name="ReminderDigest",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("day", models.DateField()),
                ("sent_at", models.DateTimeField(auto_now_add=True)),
                ("items", models.PositiveIntegerField(default=0)),
                ("membership", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                                 related_name="reminder_digests", to="accounts.membership")),
            ],
            options={
                "constraints": [models.UniqueConstraint(fields=("membership", "day"),
                                                        name="one_reminder_digest_a_day")],
            },
        ),
    ]
