"""Privacy: personal data export, account deletion, organisation deletion, report retention."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Organisation, Role
from questionnaire.models import Assessment, RenderedDocument

from .factories import completed, make_member, new_assessment
from .wizard_driver import post_section

pytestmark = pytest.mark.django_db


def test_user_can_download_their_data(client, django_user_model, published, spec):
    user, organisation = make_member(django_user_model, "paula")
    client.force_login(user)
    assessment = new_assessment(organisation, user)
    post_section(client, assessment, "role", {"role": "developer"}, spec)
    data = client.get(reverse("my_data"), {"download": "1"}).json()
    assert data["account"]["username"] == "paula"
    assert data["memberships"][0]["role"] == "owner"
    assert data["answers_saved"][0]["question"] == "role"


def test_account_deletion_needs_confirmation_and_a_successor_owner(client, django_user_model, published):
    user, organisation = make_member(django_user_model, "paula")
    colleague, _ = make_member(django_user_model, "quentin", role=Role.EDITOR, organisation=organisation)
    client.force_login(user)
    client.post(reverse("delete_account"), {"confirm": "wrong"})
    assert django_user_model.objects.filter(username="paula").exists()
    response = client.post(reverse("delete_account"), {"confirm": "paula"}, follow=True)
    assert "Make another member an owner" in response.content.decode()
    Membership.objects.filter(user=colleague).update(role=Role.OWNER)
    client.post(reverse("delete_account"), {"confirm": "paula"})
    assert not django_user_model.objects.filter(username="paula").exists()
    assert Organisation.objects.filter(pk=organisation.pk).exists()  # shared organisation stays


def test_owner_deletes_the_organisation_with_its_assessments(client, django_user_model, published):
    user, organisation = make_member(django_user_model, "paula")
    editor, _ = make_member(django_user_model, "eddie", role=Role.EDITOR, organisation=organisation)
    completed(organisation, user, "T01")
    client.force_login(editor)
    assert client.post(reverse("delete_organisation"), {"confirm": organisation.name}).status_code == 403
    client.force_login(user)
    client.post(reverse("delete_organisation"), {"confirm": "not the name"})
    assert Assessment.objects.exists()
    client.post(reverse("delete_organisation"), {"confirm": organisation.name})
    assert not Organisation.objects.filter(pk=organisation.pk).exists()
    assert not Assessment.objects.exists()


def test_reports_older_than_the_retention_are_pruned(client, django_user_model, published, settings):
    user, organisation = make_member(django_user_model, "paula")
    client.force_login(user)
    assessment = completed(organisation, user, "T01")
    client.get(reverse("report_pdf", kwargs={"assessment_id": assessment.pk}))
    report = RenderedDocument.objects.get()
    assert settings.REPORT_RETENTION_DAYS == 3653
    out = io.StringIO()
    call_command("prune_reports", stdout=out)
    assert "Deleted 0" in out.getvalue()
    RenderedDocument.objects.filter(pk=report.pk).update(rendered_at=timezone.now() - dt.timedelta(days=3700))
    call_command("prune_reports", stdout=io.StringIO())
    assert not RenderedDocument.objects.exists()
    assert Assessment.objects.get().snapshot  # the snapshot stays; the report can be rendered again
