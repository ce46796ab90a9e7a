from django.db import migrations, models


def mark_loaded_versions(apps, schema_editor):
    """Versions published before this field existed: those without a publisher were published by
    load_questionnaire (the admin's Publish records who), so they came from a file."""
    Version = apps.get_model("questionnaire", "QuestionnaireVersion")
    Version.objects.exclude(status="draft").filter(published_by__isnull=True).update(from_file=True)


class Migration(migrations.Migration):
    dependencies = [
        ("questionnaire", "0020_names_rendered_document"),
    ]

    operations = [
        migrations.AddField(
            model_name="questionnaireversion",
            name="from_file",
            field=models.BooleanField(default=False, editable=False, verbose_name="loaded from a file"),
        ),
        migrations.RunPython(mark_loaded_versions, migrations.RunPython.noop),
    ]
