"""The model of every rendered PDF of an assessment (the report, the Model Documentation Form exports) is named
RenderedDocument; it was Report, the name of one of its kinds (#25)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("questionnaire", "0019_legal_document_revision_numbers")]

    operations = [migrations.RenameModel("Report", "RenderedDocument")]
