"""#27: the values each record was built from (stale detection), and a gap record's status counts as recorded only
when someone chose it: an owner or a due date alone no longer reads "Not started". Existing gap records keep their
status where their history shows a status was saved or the status is not the untouched default."""

from django.db import migrations, models
from django.db.models import Exists, OuterRef, Q

import questionnaire.models.content


def mark_recorded_statuses(apps, schema_editor):
    GapItem = apps.get_model("questionnaire", "GapItem")
    GapRevision = apps.get_model("questionnaire", "GapRevision")
    chosen = GapRevision.objects.filter(item=OuterRef("pk"), field="status")
    GapItem.objects.filter(Q(Exists(chosen)) | ~Q(status="not_started")).update(status_recorded=True)


class Migration(migrations.Migration):

    dependencies = [
        ('questionnaire', '0022_version_from_file'),
    ]

    operations = [
        migrations.AddField(
            model_name='documentissue',
            name='sources',
            field=models.JSONField(blank=True, decoder=questionnaire.models.content.ExactNumberDecoder, default=dict, help_text='The values the issued version was built from, frozen with it'),
        ),
        migrations.AddField(
            model_name='legaldocument',
            name='sources',
            field=models.JSONField(blank=True, decoder=questionnaire.models.content.ExactNumberDecoder, default=dict, help_text="The values this draft was built from (the assessment's facts, another document's), by field: what stale detection compares"),
        ),
        migrations.AddField(
            model_name='modeldocumentation',
            name='sources',
            field=models.JSONField(blank=True, decoder=questionnaire.models.content.ExactNumberDecoder, default=dict, help_text='The pre-filled values the saved form was built from, by field'),
        ),
        migrations.AddField(
            model_name="gapitem",
            name="status_recorded",
            field=models.BooleanField(default=False, help_text="Someone chose the status (an owner, a due date or "
                                                               "evidence alone records none)"),
        ),
        migrations.RunPython(mark_recorded_statuses, migrations.RunPython.noop),
    ]
