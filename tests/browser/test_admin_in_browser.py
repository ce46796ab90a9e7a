"""The admin's authoring pages pass axe-core (no serious or critical violation)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from questionnaire import models as m
from questionnaire.authoring.content import clone_version

from ..mfa import SECRET, with_second_factor
from .helpers import PASSWORD, serious_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_pages_are_accessible(live_server, new_page, django_user_model, published):
    admin_user = with_second_factor(django_user_model.objects.create_superuser("root", "root@example.org", PASSWORD))
    draft = clone_version(published, user=admin_user)
    page = new_page(javascript=True)
    sign_in(page, live_server.url, "root", totp_secret=SECRET)
    question = m.Question.objects.get(version=draft, code="role")
    paths = [
        reverse("admin:index"),
        reverse("admin:questionnaire_questionnaireversion_changelist"),
        reverse("admin:questionnaire_questionnaireversion_change", args=[draft.pk]),
        reverse("admin:questionnaire_question_changelist"),
        reverse("admin:questionnaire_question_change", args=[question.pk]),
        reverse("admin:questionnaire_version_validate", args=[draft.pk]),
        reverse("admin:questionnaire_version_diff", args=[draft.pk]),
        reverse("admin:questionnaire_version_preview", args=[draft.pk]),
        reverse("admin:questionnaire_version_import"),
    ]
    found = {}
    for path in paths:
        page.goto(live_server.url + path)
        violations = serious_violations(page)
        if violations:
            found[path] = violations
    assert found == {}
