"""Report.snapshot_hash becomes Report.document_hash (it is not Assessment.snapshot_hash: for a report it is the
report snapshot's hash, with the gap analysis; for another document the hash of its content). Issued documents
get the same render columns as reports (models.RenderedPdf: pages, size, an index on the file's SHA-256)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("questionnaire", "0016_security_form_submissions"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="report", name="one_render_per_content"),
        migrations.RenameField(model_name="report", old_name="snapshot_hash", new_name="document_hash"),
        migrations.AlterField(
            model_name="report",
            name="document_hash",
            field=models.CharField(help_text="hash of the content rendered (for the report: the report snapshot's "
                                             "hash, printed on the PDF)", max_length=80),
        ),
        migrations.AddConstraint(
            model_name="report",
            constraint=models.UniqueConstraint(fields=("assessment", "kind", "document_hash"),
                                               name="one_render_per_content"),
        ),
        migrations.AddField(model_name="documentissue", name="pages",
                            field=models.PositiveIntegerField(blank=True, null=True)),
        migrations.AddField(model_name="documentissue", name="size",
                            field=models.PositiveIntegerField(blank=True, null=True)),
        migrations.AlterField(model_name="documentissue", name="file_sha256",
                              field=models.CharField(blank=True, db_index=True, max_length=64)),
    ]
