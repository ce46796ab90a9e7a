"""The Model Documentation Form: filled in with history, exported per audience with exactly its fields."""

from __future__ import annotations

import io
import json

import pytest
from django.urls import reverse
from pypdf import PdfReader

from accounts.models import Role
from questionnaire.documentation import AUDIENCES, all_fields, documentation_form
from questionnaire.models import DocumentationRevision

from .test_gap import completed
from .wizard_driver import make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(django_user_model, published):
    owner, organisation = make_member(django_user_model, "dora")
    viewer, _ = make_member(django_user_model, "val", role=Role.VIEWER, organisation=organisation)
    return organisation, owner, viewer


def test_the_form_has_the_groups_and_fields_of_the_code():
    groups = documentation_form()
    assert [g.code for g in groups] == list("ABCDEFGH")
    fields = all_fields()
    assert len(fields) == 45
    assert fields["model_size_exact"].audiences == {"AIO"}
    assert fields["output_max_size"].audiences == {"DP"}
    assert fields["training_design"].audiences == {"AIO", "NCA"}


@pytest.mark.parametrize("audience", sorted(AUDIENCES))
def test_each_audience_export_has_exactly_its_fields(client, team, audience):
    organisation, owner, _ = team
    client.force_login(owner)
    assessment = completed(organisation, owner, "T01")
    url = reverse("documentation", kwargs={"assessment_id": assessment.pk})
    values = {code: f"value of {code}" for code in all_fields()}
    response = client.post(url, {**values, "seen_revision": 0})
    assert response.status_code == 302
    mark = AUDIENCES[audience][0]
    expected = {code for code, f in all_fields().items() if mark in f.audiences}
    document = client.get(reverse("documentation_export", kwargs={
        "assessment_id": assessment.pk, "audience": audience, "fmt": "json"})).json()
    exported = {f["code"]: f["value"] for s in document["sections"] for f in s["fields"]}
    assert set(exported) == expected
    assert all(exported[c] == f"value of {c}" for c in expected)
    pdf = client.get(reverse("documentation_export", kwargs={
        "assessment_id": assessment.pk, "audience": audience, "fmt": "pdf"}))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(b"".join(pdf.streaming_content)))
    text = " ".join(p.extract_text() for p in reader.pages).replace("\n", " ")
    attached = json.loads(next(iter(reader.attachments.values()))[0])
    assert {f["code"] for s in attached["sections"] for f in s["fields"]} == expected
    for code in all_fields():
        assert (f"value of {code}" in text) == (code in expected), code


def test_changes_are_recorded_and_viewers_cannot_edit(client, team):
    organisation, owner, viewer = team
    assessment = completed(organisation, owner, "T01")
    url = reverse("documentation", kwargs={"assessment_id": assessment.pk})
    client.force_login(owner)
    client.post(url, {"model_name": "Atlas-70B v1", "seen_revision": 0})
    client.post(url, {"model_name": "Atlas-70B v1.1", "seen_revision": 1})
    history = list(DocumentationRevision.objects.values_list("old_value", "new_value"))
    assert history == [("Atlas-70B v1", "Atlas-70B v1.1"), ("", "Atlas-70B v1")]
    stale = client.post(url, {"model_name": "Other", "seen_revision": 1})
    assert stale.status_code == 400 and "Someone saved this form" in stale.content.decode()
    client.force_login(viewer)
    assert client.get(url).status_code == 200
    assert client.post(url, {"model_name": "x", "seen_revision": 2}).status_code == 403


def test_not_offered_when_transparency_does_not_apply(client, team):
    organisation, owner, _ = team
    client.force_login(owner)
    exempt = completed(organisation, owner, "T08")  # open-source exemption: no Transparency chapter
    assert client.get(reverse("documentation", kwargs={"assessment_id": exempt.pk})).status_code == 404
