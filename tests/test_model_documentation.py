"""The Model Documentation Form: filled in with history, exported per audience with exactly its fields."""

from __future__ import annotations

import html
import io
import json
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from accounts.models import Role
from questionnaire.assessments.services import complete, save_section
from questionnaire.code_of_practice.model_documentation import AUDIENCES, all_fields, documentation_form
from questionnaire.models import DocumentationRevision

from .factories import SCENARIOS, completed, make_member, new_assessment

pytestmark = pytest.mark.django_db


def valid_value(f) -> str:
    """A value each typed field accepts (text fields: a text naming the field)."""
    return {"number": "7.3e10", "date": "2025-08-02", "choice": f.choices[0] if f.choices else ""}.get(
        f.type, f"value of {f.code}")


def test_the_form_has_the_groups_and_fields_of_the_code():
    groups = documentation_form()
    assert [g.code for g in groups] == list("ABCDEFGH")
    fields = all_fields()
    assert len(fields) == 45
    assert fields["model_size_exact"].audiences == {"AIO"}
    assert fields["output_max_size"].audiences == {"DP"}
    assert fields["training_design"].audiences == {"AIO", "NCA"}


@pytest.mark.parametrize("audience", sorted(AUDIENCES))
def test_each_audience_export_has_exactly_its_fields(client, organisation, owner, audience):
    client.force_login(owner)
    assessment = completed(organisation, owner, "T01")
    url = reverse("model_documentation", kwargs={"assessment_id": assessment.pk})
    values = {code: valid_value(f) for code, f in all_fields().items()}
    response = client.post(url, {**values, "seen_revision": 0})
    assert response.status_code == 302
    mark = AUDIENCES[audience][0]
    expected = {code for code, f in all_fields().items() if mark in f.audiences}
    document = client.get(reverse("model_documentation_export", kwargs={
        "assessment_id": assessment.pk, "audience": audience, "fmt": "json"})).json()
    exported = {f["code"]: f["value"] for s in document["sections"] for f in s["fields"]}
    assert set(exported) == expected
    fields = all_fields()
    assert all(exported[c] == (f"{values[c]} {fields[c].unit}" if fields[c].unit else values[c]) for c in expected)
    pdf = client.get(reverse("model_documentation_export", kwargs={
        "assessment_id": assessment.pk, "audience": audience, "fmt": "pdf"}))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(b"".join(pdf.streaming_content)))
    text = " ".join(p.extract_text() for p in reader.pages).replace("\n", " ")
    attached = json.loads(next(iter(reader.attachments.values()))[0])
    assert {f["code"] for s in attached["sections"] for f in s["fields"]} == expected
    for code, f in all_fields().items():
        if f.type in ("text", "line"):
            assert (f"value of {code}" in text) == (code in expected), code


def test_changes_are_recorded_and_viewers_cannot_edit(client, organisation, owner, viewer):
    assessment = completed(organisation, owner, "T01")
    url = reverse("model_documentation", kwargs={"assessment_id": assessment.pk})
    client.force_login(owner)
    client.post(url, {"model_name": "Atlas-70B v1", "seen_revision": 0})
    client.post(url, {"model_name": "Atlas-70B v1.1", "seen_revision": 1})
    history = list(DocumentationRevision.objects.values_list("old_value", "new_value"))
    assert history == [("Atlas-70B v1", "Atlas-70B v1.1"), ("", "Atlas-70B v1")]
    stale = client.post(url, {"model_name": "Other", "seen_revision": 1})
    assert stale.status_code == 400 and "olivia saved “Model name” at" in stale.content.decode()
    client.force_login(viewer)
    assert client.get(url).status_code == 200
    assert client.post(url, {"model_name": "x", "seen_revision": 2}).status_code == 403


def test_not_offered_when_transparency_does_not_apply(client, organisation, owner):
    client.force_login(owner)
    exempt = completed(organisation, owner, "T08")  # open-source exemption: no Transparency chapter
    assert client.get(reverse("model_documentation", kwargs={"assessment_id": exempt.pk})).status_code == 404


def test_known_fields_are_pre_filled_and_marked_until_saved(client, organisation, owner):
    client.force_login(owner)
    assessment = completed(organisation, owner, "T01", name="Atlas-70B")
    url = reverse("model_documentation", kwargs={"assessment_id": assessment.pk})
    page = client.get(url).content.decode()
    answers = assessment.snapshot["answers"]

    def shown(code):
        match = re.search(rf'<(?:input|textarea)[^>]*name="{code}"[^>]*?(?:value="([^"]*)"[^>]*>|>([^<]*)</textarea>)',
                          page)
        assert match, code
        return html.unescape(match.group(1) if match.group(1) is not None else match.group(2)).strip()

    assert shown("provider_legal_name") == "Acme AI"
    assert shown("model_name") == "Atlas-70B"
    assert shown("union_release_date") == answers["first_eu_placement_date"]
    assert shown("compute_exact") == "6.3 × 10^24 FLOP"
    assert shown("compute_coarse") == "10^24"
    assert shown("output_modalities") == "Text"
    assert page.count("data-prefilled") >= 6 and "Pre-filled</span> from your answer to" in page
    # saving keeps the pre-filled values; they are then the saved form, no longer marked
    data = {code: shown(code) for code in ("provider_legal_name", "model_name", "union_release_date",
                                            "compute_exact", "compute_coarse", "output_modalities")}
    assert client.post(url, {**data, "seen_revision": 0}).status_code == 302
    saved = client.get(url).content.decode()
    assert 'data-field="model_name" data-prefilled' not in saved
    assert DocumentationRevision.objects.filter(field="compute_exact", new_value="6.3 × 10^24 FLOP").exists()


@pytest.mark.parametrize(("code", "value", "message"), [
    ("model_size_exact", "lots", "“lots” is not a number"),
    ("release_date", "2025-02-30", "Enter a real date"),
    ("model_size_range", "about 70B", "Choose one of the ranges"),
])
def test_typed_fields_refuse_bad_values_at_the_field(client, organisation, owner, code, value, message):
    client.force_login(owner)
    assessment = completed(organisation, owner, "T01")
    url = reverse("model_documentation", kwargs={"assessment_id": assessment.pk})
    response = client.post(url, {code: value, "architecture": "transformer", "seen_revision": 0})
    page = response.content.decode()
    assert response.status_code == 400
    assert f'href="#id_{code}"' in page and message in page
    assert not DocumentationRevision.objects.exists()
    ok = {"model_size_exact": "70B", "release_date": "2025-02-28", "model_size_range": "50–100B"}[code]
    assert client.post(url, {code: ok, "seen_revision": 0}).status_code == 302


def test_completeness_per_audience_counts_filled_fields_and_links_the_missing(client, organisation, owner):
    client.force_login(owner)
    assessment = completed(organisation, owner, "T01")
    url = reverse("model_documentation", kwargs={"assessment_id": assessment.pk})

    def counts():
        page = client.get(url).content.decode()
        return {m[0]: (int(m[1]), int(m[2])) for m in re.findall(
            r'data-audience="(\w+)" data-filled="(\d+)" data-total="(\d+)"', page)}, page

    before, page = counts()
    assert set(before) == {"aio", "nca", "dp"} and all(filled == 0 for filled, _ in before.values())
    assert "For the AI Office" in page and "For national competent authorities" in page
    assert "AIO" not in page.split("<main", 1)[1].split("</form>")[0].replace('"aio"', "")
    assert '<a href="#id_output_max_size">' in page  # a downstream-provider field, missing, linked
    client.post(url, {"output_max_size": "N/A", "model_size_exact": "7.3e10", "seen_revision": 0})
    after, page = counts()
    assert after["dp"][0] == 1 and after["aio"][0] == 1 and after["nca"][0] == 0
    assert '<a href="#id_output_max_size">' not in page


def test_two_people_editing_different_fields_both_keep_their_changes(client, organisation, owner, django_user_model):
    colleague, _ = make_member(django_user_model, "carl", role=Role.EDITOR, organisation=organisation)
    assessment = completed(organisation, owner, "T01")
    url = reverse("model_documentation", kwargs={"assessment_id": assessment.pk})
    client.force_login(owner)
    assert client.post(url, {"architecture": "Decoder-only transformer", "seen_revision": 0}).status_code == 302
    client.force_login(colleague)  # carl's page was opened at revision 0 too, before the owner saved
    assert client.post(url, {"intended_uses": "Chat assistants", "seen_revision": 0}).status_code == 302
    values = assessment.documentation.__class__.objects.get(assessment=assessment).values
    assert values["architecture"] == "Decoder-only transformer" and values["intended_uses"] == "Chat assistants"


def test_viewers_do_not_see_pre_filled_values_as_saved(client, organisation, owner, viewer):
    assessment = completed(organisation, owner, "T01", name="Atlas-70B")
    client.force_login(viewer)
    page = client.get(reverse("model_documentation", kwargs={"assessment_id": assessment.pk})).content.decode()
    assert "Atlas-70B</p>" not in page and "Pre-filled</span>" not in page
    block = page.split('data-field="model_name"')[1].split("</div>")[0]
    assert "Not filled in" in block


def test_the_export_for_the_ai_office_reads_as_the_providers_statement(client, organisation, owner):
    """M15 and U12 of the lawyer's review: no questionnaire label passed off as the licence document or as the
    method, units printed, a cover note on what is missing (and on Annex XI Section 2 for a model with systemic
    risk), and a footer naming the document, not "Not legal advice"."""
    client.force_login(owner)
    assessment = new_assessment(organisation, owner, name="Atlas-70B")
    answers = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in SCENARIOS["T06"]["answers"].items()}
    save_section(assessment, "all", {**answers, "training_compute_method": "hardware"}, user=owner, seen_revision=0)
    complete(assessment, user=owner)
    url = reverse("model_documentation", kwargs={"assessment_id": assessment.pk})
    page = html.unescape(client.get(url).content.decode())
    for code in ("compute_methodology", "licence_document"):
        block = page.split(f'data-field="{code}"')[1].split("</div>")[0]
        assert "Pre-filled" not in block, code
    assert "beyond what the law already prohibits" in page.split('data-field="intended_uses"')[1]
    saved = client.post(url, {"training_energy": "21000", "compute_exact": "3.8e25", "seen_revision": 0})
    assert saved.status_code == 302
    document = client.get(reverse("model_documentation_export", kwargs={
        "assessment_id": assessment.pk, "audience": "aio", "fmt": "json"})).json()
    exported = {f["code"]: f["value"] for s in document["sections"] for f in s["fields"]}
    assert exported["training_energy"] == "21000 MWh" and exported["compute_exact"].endswith(" FLOP")
    empty = [f["label"] for s in document["sections"] for f in s["fields"] if not f["value"]]
    assert document["notes"][0] == f"Incomplete: {len(empty)} of the {len(exported)} fields meant for the AI Office " \
                                   "are not filled in (listed below)."
    assert document["missing"] == empty
    assert "Annex XI Section 2" in document["notes"][1]
    downstream = client.get(reverse("model_documentation_export", kwargs={
        "assessment_id": assessment.pk, "audience": "dp", "fmt": "json"})).json()
    assert not any("Annex XI" in note for note in downstream["notes"])
    pdf = client.get(reverse("model_documentation_export", kwargs={
        "assessment_id": assessment.pk, "audience": "aio", "fmt": "pdf"}))
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(b"".join(pdf.streaming_content))).pages)
    assert "legal advice" not in text.lower() and "Model Documentation Form, document version" in text
    assert "21000 MWh" in text and "Incomplete:" in text


# ---------------------------------------------------------------- #27: values, unit examples, missing fields

@pytest.mark.parametrize(("code", "example", "not_shown"), [
    ("training_energy", "1.2 × 10^3", "7B"),
    ("compute_exact", "6.3 × 10^24", "15T"),
    ("model_size_exact", "73B", "MWh"),
])
def test_a_number_fields_error_gives_an_example_in_its_unit(client, organisation, owner, code, example, not_shown):
    client.force_login(owner)
    assessment = completed(organisation, owner, "T01")
    url = reverse("model_documentation", kwargs={"assessment_id": assessment.pk})
    page = client.post(url, {code: "lots", "seen_revision": 0}).content.decode()
    error = page.split(f'id="id_{code}-error"')[1].split("</p>")[0]
    assert example in error and not_shown not in error


def test_the_licence_is_exported_as_a_value_not_the_questions_label(client, organisation, owner):
    client.force_login(owner)
    assessment = completed(organisation, owner, "T01")  # proprietary, through an API
    url = reverse("model_documentation", kwargs={"assessment_id": assessment.pk})
    page = client.get(url).content.decode()
    assert 'value="Proprietary"' in page and "for example API or product terms" not in page.split(
        'data-field="licence_type"')[1].split("</div>")[0]


def test_each_audiences_export_names_its_missing_fields(client, organisation, owner):
    client.force_login(owner)
    assessment = completed(organisation, owner, "T01")
    notes = {}
    for audience in ("aio", "nca", "dp"):
        document = client.get(reverse("model_documentation_export", kwargs={
            "assessment_id": assessment.pk, "audience": audience, "fmt": "json"})).json()
        empty = [f["label"] for s in document["sections"] for f in s["fields"] if not f["value"]]
        notes[audience] = document["missing"]
        assert document["missing"] == empty and str(len(empty)) in document["notes"][0]
    assert len({tuple(n) for n in notes.values()}) == 3  # each audience its own list
