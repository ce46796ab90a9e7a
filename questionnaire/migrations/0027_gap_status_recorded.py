"""A gap record's status counts as recorded only when someone chose it (#27): an owner or a due date alone no longer
reads "Not started". Existing records keep their status where their history shows a status was saved or the status
is not the untouched default."""

from django.db import migrations, models
from django.db.models import Exists, OuterRef, Q


def mark_recorded_statuses(apps, schema_editor):
    GapItem = apps.get_model("questionnaire", "GapItem")
    GapRevision = apps.get_model("questionnaire", "GapRevision")
    chosen = GapRevision.objects.filter(item=OuterRef("pk"), field="status")
    GapItem.objects.filter(Q(Exists(chosen)) | ~Q(status="not_started")).update(status_recorded=True)


class Migration(migrations.Migration):
    dependencies = [
        ("questionnaire", "0021_record_sources"),
    ]

    operations = [
        migrations.AddField(
            model_name="gapitem",
            name="status_recorded",
            field=models.BooleanField(default=False, help_text="Someone chose the status (an owner, a due date or "
                                                               "evidence alone records none)"),
        ),
        migrations.RunPython(mark_recorded_statuses, migrations.RunPython.noop),
    ]
