"""The audit log records sign-ins, exports, report downloads, publishing and membership changes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import AuditEvent, Membership, Role
from questionnaire.authoring.content import clone_version

from .factories import completed, make_member
from .mfa import staff_login, with_second_factor

pytestmark = pytest.mark.django_db


def actions():
    return list(AuditEvent.objects.order_by("created_at", "id").values_list("action", flat=True))


def test_sign_in_export_download_membership_and_publish_are_logged(client, django_user_model, published):
    owner, organisation = make_member(django_user_model, "olive")
    colleague, _ = make_member(django_user_model, "colin", role=Role.EDITOR, organisation=organisation)
    client.post("/accounts/login/", {"username": "olive", "password": "wrong password here"})
    client.post("/accounts/login/", {"username": "olive", "password": "correct horse battery staple"})
    assert actions() == ["sign_in_failed", "sign_in"]
    assessment = completed(organisation, owner, "T01")
    client.get(reverse("export_json", kwargs={"assessment_id": assessment.pk}))
    client.get(reverse("report_pdf", kwargs={"assessment_id": assessment.pk}))
    membership = Membership.objects.get(user=colleague)
    client.post(reverse("change_member_role"), {"member": membership.pk, "role": "viewer"})
    superuser = with_second_factor(
        django_user_model.objects.create_superuser("root", "r@example.org", "correct horse battery staple"))
    staff_login(client, superuser)
    draft = clone_version(published, user=superuser)
    client.post(reverse("admin:questionnaire_version_publish", args=[draft.pk]))
    logged = actions()
    for action in ("export", "report_download", "member_role_changed", "publish"):
        assert action in logged, (action, logged)
    event = AuditEvent.objects.get(action="report_download")
    assert event.user == owner and event.organisation == organisation and event.request_id
    page = client.get(reverse("admin:accounts_auditevent_changelist")).content.decode()
    assert "report_download" in page or "Downloaded a report" in page
