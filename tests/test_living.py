"""Living assessments: amend and new model versions with everything carried over, one current assessment per
model, the action plan of current assessments, and notices when the rules change under a completed one."""

from __future__ import annotations

import copy

import pytest
from django.conf import settings
from django.urls import reverse

from questionnaire.models import Assessment
from questionnaire.services import load, read_content_file

from .test_gap import completed, team  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def content_with(change, label: str) -> dict:
    """The canonical content under a new version label, changed by `change(content)`."""
    content = copy.deepcopy(read_content_file(settings.QUESTIONNAIRE_CONTENT))
    content["version"] = label
    change(content)
    return content


def question(content: dict, code: str) -> dict:
    return next(q for s in content["sections"] for q in s["questions"] if q["code"] == code)


def rename_choice(code: str, old: str, new: str):
    def change(content):
        for choice in question(content, code)["choices"]:
            if choice["value"] == old:
                choice["value"] = new
        scenarios = content["scenarios"]
        for answers in [scenarios.get("defaults") or {}, *[c.get("answers") or {} for c in scenarios["cases"]]]:
            if answers.get(code) == old:
                answers[code] = new
    return change


def test_copy_onto_a_version_without_a_saved_choice_drops_that_answer(client, team):
    """#13: a saved answer that the new version no longer accepts is left out and named, never a 500."""
    organisation, owner, _, _ = team
    client.force_login(owner)
    original = completed(organisation, owner, "T01")
    assert original.answers["internal_use"] == "none"
    load(content_with(rename_choice("internal_use", "none", "not_used"), "2099.1"))
    response = client.post(reverse("copy", kwargs={"assessment_id": original.pk}), {"title": "v2"}, follow=True)
    assert response.status_code == 200
    new = Assessment.objects.exclude(pk=original.pk).get()
    assert "internal_use" not in new.answers
    assert new.answers["role"] == original.answers["role"]
    assert "no longer" in response.content.decode() and "internal" in response.content.decode().lower()
    for name in ("resume", "check_answers"):
        assert client.get(reverse(name, kwargs={"assessment_id": new.pk}), follow=True).status_code == 200, name
