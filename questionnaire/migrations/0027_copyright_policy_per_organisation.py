"""#27: one copyright policy per organisation (the Code expects one policy per provider). Of an organisation's
per-assessment policies the latest (last changed) becomes the policy; the earlier ones become its history: their
issued versions (one of each, amendments copied them) join its versions in the order they were issued, their
field changes join its history, and each earlier draft's values are kept as one history row ("earlier_policy")."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

KIND = "copyright_policy"


def one_policy_per_organisation(apps, schema_editor):
    LegalDocument = apps.get_model("questionnaire", "LegalDocument")
    DocumentIssue = apps.get_model("questionnaire", "DocumentIssue")
    LegalDocumentRevision = apps.get_model("questionnaire", "LegalDocumentRevision")
    organisations = (LegalDocument.objects.filter(kind=KIND, organisation__isnull=True)
                     .values_list("assessment__organisation_id", flat=True).distinct())
    for organisation_id in list(organisations):
        documents = list(LegalDocument.objects.filter(kind=KIND, assessment__organisation_id=organisation_id)
                         .order_by("updated_at", "created_at", "pk"))
        policy, earlier = documents[-1], documents[:-1]
        LegalDocument.objects.filter(pk=policy.pk).update(organisation_id=organisation_id)
        if not earlier:
            continue
        kept, seen = [], set()
        issues = DocumentIssue.objects.filter(document__in=documents).order_by("recorded_at", "sequence", "pk")
        for issue in sorted(issues, key=lambda i: (i.document_id != policy.pk,)):  # the policy's own copy first
            if issue.sha256 and issue.sha256 in seen:
                issue.delete()  # the same frozen version, copied by an amendment
                continue
            seen.add(issue.sha256)
            kept.append(issue)
        kept.sort(key=lambda i: (i.issued_on, i.recorded_at, i.sequence))
        for offset, issue in enumerate(kept):  # out of the way of the unique (document, sequence) first
            DocumentIssue.objects.filter(pk=issue.pk).update(document_id=policy.pk, sequence=100_000 + offset)
        for number, issue in enumerate(kept, 1):
            DocumentIssue.objects.filter(pk=issue.pk).update(sequence=number)
        LegalDocumentRevision.objects.filter(document__in=earlier).update(document_id=policy.pk)
        for document in earlier:
            row = LegalDocumentRevision.objects.create(
                document_id=policy.pk, field="earlier_policy", old_value=None, revision=0,
                new_value={"assessment": str(document.assessment_id), "values": document.values},
                user_id=document.updated_by_id)
            LegalDocumentRevision.objects.filter(pk=row.pk).update(created_at=document.updated_at)
        LegalDocument.objects.filter(pk__in=[d.pk for d in earlier]).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0006_accounts_invitations_mfa'),
        ('questionnaire', '0021_record_sources'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='legaldocument',
            name='organisation',
            field=models.ForeignKey(blank=True, help_text='Set on a document kept once per organisation (the copyright policy), shared by its assessments', null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.organisation'),
        ),
        migrations.AlterField(
            model_name='legaldocument',
            name='assessment',
            field=models.ForeignKey(help_text='For a document the organisation keeps once (organisation set): the latest assessment that carried it forward', on_delete=django.db.models.deletion.CASCADE, related_name='legal_documents', to='questionnaire.assessment'),
        ),
        migrations.AddConstraint(
            model_name='legaldocument',
            constraint=models.UniqueConstraint(condition=models.Q(('organisation__isnull', False)), fields=('organisation', 'kind'), name='one_organisation_document'),
        ),
        migrations.RunPython(one_policy_per_organisation, migrations.RunPython.noop),
    ]
