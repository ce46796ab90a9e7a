"""One record that stays true (#27): documents pre-filled from one set of facts and marked so, the user's edits
kept, and stale detection (code_of_practice.stale) on each kind of record: the Model Documentation Form, a legal
document's draft, an issued version, and a value another document gives."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from questionnaire.assessments.living import amend
from questionnaire.assessments.services import complete, save_section
from questionnaire.code_of_practice.model_documentation_store import documentation_for
from questionnaire.code_of_practice.stale import stale_records
from questionnaire.legal_documents.definitions import definition
from questionnaire.legal_documents.store import document_for, issue_document, prefill_facts
from questionnaire.legal_documents.values import input_text
from questionnaire.models import DocumentIssue, LegalDocument, LegalDocumentRevision

from .factories import SCENARIOS, as_wizard_answers, new_assessment

NOTIFICATION = "art52_notification"


def systemic(organisation, user, flop=3.8e25, *, name="Atlas-400B", **answers):
    """A completed assessment of a developer's model trained with `flop` FLOP (systemic risk)."""
    case = {**SCENARIOS["T05"]["answers"], "training_compute_flop": flop, "training_compute_method": "architecture",
            "threshold_known_date": "2026-11-02", **answers}
    assessment = new_assessment(organisation, user, name=name)
    case = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in case.items()}
    save_section(assessment, "all", as_wizard_answers(case), user=user, seen_revision=0)
    return complete(assessment, user=user)


def amended(assessment, user, **answers):
    """The assessment amended with `answers` and completed: the model's current assessment."""
    draft = amend(assessment, user=user).assessment
    save_section(draft, "all", answers, user=user, seen_revision=draft.revision)
    return complete(draft, user=user)


def complete_notification(document):
    document.values = {**document.values, "provider_contact": "compliance@acme.example",
                       "estimation_description": "6 × 400e9 parameters × 16e12 tokens"}
    document.save()
    return document


# ---------------------------------------------------------------- pre-filled from one set of facts

def test_the_notification_starts_with_what_the_assessment_knows(organisation, owner):
    assessment = systemic(organisation, owner)
    facts = prefill_facts(definition(NOTIFICATION), assessment)
    values = {code: fact.value for code, fact in facts.items()}
    assert values["compute_mantissa"] == "3.8" and values["compute_exponent"] == 25
    assert values["condition_date"] == "2026-11-02"
    assert values["trigger_type"] == "compute_threshold_met"
    assert values["estimation_approach"] == "architecture_based"
    assert values["provider_legal_name"] == "Acme AI" and values["model_name_version"] == "Atlas-400B"
    assert "training compute" in facts["compute_mantissa"].source.lower() or "your answer" in facts[
        "compute_mantissa"].source
    document = document_for(assessment, NOTIFICATION)
    assert document.sources == document.values  # what it was built from is stored with it


@pytest.mark.parametrize(("answers", "trigger"), [
    ({}, "compute_threshold_met"),
    ({"planned_cumulative_compute_flop": 5e25}, "compute_threshold_foreseen"),
])
def test_the_trigger_follows_the_answers(organisation, owner, answers, trigger):
    assessment = systemic(organisation, owner, **answers)
    assert prefill_facts(definition(NOTIFICATION), assessment)["trigger_type"].value == trigger


def test_the_page_marks_pre_filled_fields_and_keeps_an_edit(client, organisation, owner):
    assessment = systemic(organisation, owner)
    client.force_login(owner)
    url = reverse("legal_document", args=[assessment.pk, NOTIFICATION])
    page = client.get(url).content.decode()
    assert 'data-prefilled="compute_mantissa"' in page and 'data-prefilled="condition_date"' in page
    document = LegalDocument.objects.get(assessment=assessment, kind=NOTIFICATION)
    doc = definition(NOTIFICATION)
    posted = {f.id: input_text(f, document.values.get(f.id)) for f in doc.fields().values()}
    response = client.post(url, {**posted, "seen_revision": document.revision, "action": "save",
                                 "model_name_version": "Atlas-400B (v2 and v3 planned)"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert 'data-prefilled="model_name_version"' not in page  # the user's value, no longer the assessment's
    assert 'data-prefilled="compute_mantissa"' in page
    document.refresh_from_db()
    assert document.values["model_name_version"] == "Atlas-400B (v2 and v3 planned)"


def test_the_copyright_policy_names_the_summarys_crawlers(organisation, owner):
    assessment = systemic(organisation, owner)
    summary = document_for(assessment, "training_summary")
    summary.values = {**summary.values, "crawler_ids": ["AcmeBot", "AcmeImageBot"]}
    summary.save()
    policy = document_for(assessment, "copyright_policy")
    assert "AcmeBot" in policy.values["crawler_transparency"] and "AcmeImageBot" in policy.values[
        "crawler_transparency"]


# ---------------------------------------------------------------- stale detection, each kind of record

def test_nothing_is_stale_while_the_assessment_is_unchanged(organisation, owner, django_assert_max_num_queries):
    assessment = systemic(organisation, owner)
    document_for(assessment, NOTIFICATION)
    documentation = documentation_for(assessment)
    documentation.values = {"compute_exact": "3.8 × 10^25 FLOP"}
    documentation.sources = dict(documentation.values)
    documentation.save()
    assert stale_records(assessment) == []


def test_an_amendment_makes_the_draft_stale_and_take_the_new_value_fixes_it(client, organisation, owner):
    first = systemic(organisation, owner)
    document_for(first, NOTIFICATION)
    current = amended(first, owner, training_compute_flop=4.2e25)
    records = stale_records(current)
    assert [(r.kind, r.issued) for r in records] == [(NOTIFICATION, "")]
    (field,) = [f for f in records[0].fields if f.field == "compute_mantissa"]
    assert (field.old, field.new, field.new_value) == ("3.8", "4.2", "4.2")
    # the superseded assessment's record is compared with the current assessment too
    assert [r.kind for r in stale_records(first)] == [NOTIFICATION]

    client.force_login(owner)
    url = reverse("legal_document", args=[current.pk, NOTIFICATION])
    page = client.get(url).content.decode()
    assert 'data-stale-field="compute_mantissa"' in page and "Take the new value" in page
    assert client.post(url, {"action": "take_new", "field": "compute_mantissa"}).status_code == 302
    document = LegalDocument.objects.get(assessment=current, kind=NOTIFICATION)
    assert document.values["compute_mantissa"] == "4.2" and document.sources["compute_mantissa"] == "4.2"
    assert LegalDocumentRevision.objects.filter(document=document, field="compute_mantissa",
                                                new_value="4.2").exists()
    assert stale_records(current) == []


def test_an_issued_notification_is_stale_until_a_corrected_version_is_issued(client, organisation, owner):
    first = systemic(organisation, owner)
    notification = complete_notification(document_for(first, NOTIFICATION))
    issue_document(notification, stage="send", issued_on=dt.date(2026, 11, 10), user=owner)
    current = amended(first, owner, training_compute_flop=4.2e25)
    kinds = {(r.kind, bool(r.issued)) for r in stale_records(current)}
    assert kinds == {(NOTIFICATION, True), (NOTIFICATION, False)}
    (issued,) = [r for r in stale_records(current) if r.issued]
    assert issued.action == "issue a corrected version" and issued.note["counsel"]
    assert "Guidelines" in issued.note["source"]

    client.force_login(owner)
    url = reverse("legal_document", args=[current.pk, NOTIFICATION])
    for name in ("compute_mantissa",):
        client.post(url, {"action": "take_new", "field": name})
    document = LegalDocument.objects.get(assessment=current, kind=NOTIFICATION)
    assert [bool(r.issued) for r in stale_records(current)] == [True]  # the draft is right; the sent one is not
    issue_document(document, stage="send", issued_on=dt.date(2026, 12, 1), user=owner)
    assert stale_records(current) == []
    assert DocumentIssue.objects.filter(document=document).count() == 2


def test_the_documentation_form_is_stale_after_an_amendment(client, organisation, owner):
    first = systemic(organisation, owner)
    client.force_login(owner)
    url = reverse("model_documentation", args=[first.pk])
    page = client.get(url).content.decode()
    assert "3.8 × 10^25" in page
    # saving keeps the pre-filled compute as what the form was built from
    assert client.post(url, {"seen_revision": 0, "compute_exact": "3.8 × 10^25 FLOP",
                             "model_name": "Atlas-400B"}).status_code == 302
    assert documentation_for(first).sources.get("compute_exact") == "3.8 × 10^25 FLOP"
    current = amended(first, owner, training_compute_flop=4.2e25)
    (record,) = stale_records(current)
    assert record.kind == "documentation"
    changed = [(f.field, f.old, f.new) for f in record.fields]
    assert changed == [("compute_exact", "3.8 × 10^25 FLOP", "4.2 × 10^25 FLOP")]
    url = reverse("model_documentation", args=[current.pk])
    assert 'data-stale-field="compute_exact"' in client.get(url).content.decode()
    assert client.post(url, {"action": "take_new", "field": "compute_exact"}).status_code == 302
    assert documentation_for(current).values["compute_exact"] == "4.2 × 10^25 FLOP"
    assert stale_records(current) == []


def test_a_users_own_value_that_already_says_the_new_figure_is_not_stale(organisation, owner):
    first = systemic(organisation, owner)
    document = document_for(first, NOTIFICATION)
    document.values = {**document.values, "compute_mantissa": "4.2"}
    document.save()
    current = amended(first, owner, training_compute_flop=4.2e25)
    assert stale_records(current) == []


def test_a_value_another_document_gives_can_go_stale(organisation, owner):
    assessment = systemic(organisation, owner)
    summary = document_for(assessment, "training_summary")
    summary.values = {**summary.values, "crawler_ids": ["AcmeBot"]}
    summary.save()
    document_for(assessment, "copyright_policy")
    summary.values = {**summary.values, "crawler_ids": ["AcmeBot", "AcmeNewsBot"]}
    summary.save()
    (record,) = stale_records(assessment)
    assert record.kind == "copyright_policy" and record.fields[0].field == "crawler_transparency"
    assert "AcmeNewsBot" in record.fields[0].new and "summary of training content" in record.fields[0].source


def test_result_page_and_action_plan_name_the_stale_figure(client, organisation, owner):
    first = systemic(organisation, owner)
    document_for(first, NOTIFICATION)
    current = amended(first, owner, training_compute_flop=4.2e25)
    client.force_login(owner)
    for url in (reverse("result", args=[current.pk]), reverse("action_plan")):
        page = client.get(url).content.decode()
        assert 'data-stale="art52_notification"' in page and "3.8" in page and "4.2" in page, url
    # the superseded assessment's result page stays as it was; its document page still says what changed
    assert "data-stale-records" not in client.get(reverse("result", args=[first.pk])).content.decode()
    assert "data-stale-records" in client.get(reverse("legal_document", args=[first.pk, NOTIFICATION])).content.decode()


def test_stale_records_take_a_constant_number_of_queries(organisation, owner, django_assert_max_num_queries):
    first = systemic(organisation, owner)
    for kind in ("training_summary", "copyright_policy", NOTIFICATION, "model_report"):
        document_for(first, kind)
    current = amended(first, owner, training_compute_flop=4.2e25)
    with django_assert_max_num_queries(12):
        stale_records(current)



# ---------------------------------------------------------------- confidence tags in one note per group

@pytest.mark.parametrize("kind", ["art52_notification", "training_summary", "copyright_policy", "model_report"])
def test_confidence_tags_are_in_one_sources_note_per_group_not_at_the_fields(client, organisation, owner, kind):
    import re

    assessment = systemic(organisation, owner)
    client.force_login(owner)
    page = client.get(reverse("legal_document", args=[assessment.pk, kind])).content.decode()
    notes = re.findall(r"<details class=\"sources-confidence\".*?</details>", page, re.S)
    blocks = [b for b in definition(kind).blocks() if any(f.tag for f in b.fields)]
    assert len(notes) == len(blocks)
    outside = re.sub(r"<details class=\"sources-confidence\".*?</details>", "", page, flags=re.S)
    form = outside.split('class="document-form"')[1]
    assert not re.search(r"\[(P~?|S|U)\]", form), re.search(r".{80}\[(P~?|S|U)\].{20}", form).group(0)
    assert "[U]" in "".join(notes) or "[S]" in "".join(notes) or "[P]" in "".join(notes)


def test_document_dates_read_in_the_apps_one_format(client, organisation, owner):
    from questionnaire.legal_documents.values import date_words, display, month_words

    assert date_words("2025-09-01") == "1 September 2025" and month_words("2025-09") == "September 2025"
    f = definition(NOTIFICATION).fields()["condition_date"]
    assert display(f, "2025-09-01") == "1 September 2025"


# ---------------------------------------------------------------- table fields as repeatable rows (formsets)

def posted(document, rows: list[dict] | None = None, **extra):
    """What the page posts: every field as shown, the notification's inputs table as formset rows."""
    doc = definition(document.kind)
    data = {f.id: input_text(f, document.values.get(f.id)) for f in doc.fields().values() if f.type != "table"}
    data = {k: v for k, v in data.items() if v not in ("", [])}
    for f in doc.fields().values():
        if f.type == "table":
            data[f"{f.id}-TOTAL_FORMS"], data[f"{f.id}-INITIAL_FORMS"] = "0", "0"
    rows = rows or []
    data.update({"estimate_inputs-TOTAL_FORMS": str(len(rows)), "estimate_inputs-INITIAL_FORMS": "0",
                 "estimate_inputs-MIN_NUM_FORMS": "0", "estimate_inputs-MAX_NUM_FORMS": "5000"})
    for i, row in enumerate(rows):
        data.update({f"estimate_inputs-{i}-{k}": v for k, v in row.items()})
    return {**data, "seen_revision": document.revision, "action": "save", **extra}


INPUTS = [{"name": "Parameters", "value": "4e11", "unit": "parameters"},
          {"name": "Tokens", "value": "1.6e13", "unit": "tokens"}]


def test_rows_are_added_removed_and_reordered(client, organisation, owner):
    assessment = systemic(organisation, owner)
    client.force_login(owner)
    url = reverse("legal_document", args=[assessment.pk, NOTIFICATION])
    page = client.get(url).content.decode()
    assert 'name="estimate_inputs-0-name"' in page and 'data-action="add-row"' in page
    assert "separated by “|”" not in page
    document = LegalDocument.objects.get(assessment=assessment, kind=NOTIFICATION)
    # "Add a row" shows one more empty row and saves nothing
    more = client.post(url, posted(document, INPUTS, action="add_row:estimate_inputs"))
    assert more.status_code == 200 and 'name="estimate_inputs-2-name"' in more.content.decode()
    assert 'value="Tokens"' in more.content.decode()
    document.refresh_from_db()
    assert "estimate_inputs" not in document.values
    # save two rows, then put the second first and remove the first
    assert client.post(url, posted(document, INPUTS)).status_code == 302
    document.refresh_from_db()
    assert document.values["estimate_inputs"] == [{"name": "Parameters", "value": 4e11, "unit": "parameters"},
                                                   {"name": "Tokens", "value": 1.6e13, "unit": "tokens"}]
    three = [*INPUTS, {"name": "Utilisation", "value": "0.4", "unit": "share"}]
    reordered = [{**three[0], "ORDER": "3"}, {**three[1], "ORDER": "1"}, {**three[2], "ORDER": "2"}]
    assert client.post(url, posted(document, reordered)).status_code == 302
    document.refresh_from_db()
    assert [r["name"] for r in document.values["estimate_inputs"]] == ["Tokens", "Utilisation", "Parameters"]
    removed = [{**three[1], "ORDER": "1"}, {**three[2], "ORDER": "2", "DELETE": "on"}, {**three[0], "ORDER": "3"}]
    assert client.post(url, posted(document, removed)).status_code == 302
    document.refresh_from_db()
    assert [r["name"] for r in document.values["estimate_inputs"]] == ["Tokens", "Parameters"]
    page = client.get(url).content.decode()
    assert 'value="Tokens"' in page and page.index('value="Tokens"') < page.index('value="Parameters"')


def test_a_bad_row_is_refused_at_its_cell_and_nothing_is_saved(client, organisation, owner):
    assessment = systemic(organisation, owner)
    client.force_login(owner)
    url = reverse("legal_document", args=[assessment.pk, NOTIFICATION])
    client.get(url)
    document = LegalDocument.objects.get(assessment=assessment, kind=NOTIFICATION)
    bad = [INPUTS[0], {"name": "Tokens", "value": "sixteen trillion", "unit": "tokens"}, {"value": "3", "unit": "x"}]
    response = client.post(url, posted(document, bad))
    page = response.content.decode()
    assert response.status_code == 400
    assert 'href="#id_estimate_inputs-1-value"' in page and "Row 2, Value:" in page
    assert 'id="id_estimate_inputs-1-value-error"' in page  # the message is at the cell itself
    assert 'id="id_estimate_inputs-2-name-error"' in page and "Fill in “Input”" in page
    assert 'value="sixteen trillion"' in page  # what was typed is shown again
    document.refresh_from_db()
    assert "estimate_inputs" not in document.values


def test_the_row_count_is_bounded(client, organisation, owner):
    from questionnaire.legal_documents.values import MAX_ROWS

    assessment = systemic(organisation, owner)
    client.force_login(owner)
    url = reverse("legal_document", args=[assessment.pk, NOTIFICATION])
    client.get(url)
    document = LegalDocument.objects.get(assessment=assessment, kind=NOTIFICATION)
    data = posted(document, INPUTS)
    data["estimate_inputs-TOTAL_FORMS"] = str(MAX_ROWS + 1)
    response = client.post(url, data)
    assert response.status_code == 400 and f"{MAX_ROWS}" in response.content.decode()
    data["estimate_inputs-TOTAL_FORMS"] = "many"
    assert client.post(url, data).status_code == 400  # a tampered count is an error, never a 500


# ---------------------------------------------------------------- one copyright policy per organisation

POLICY = "copyright_policy"


def test_assessments_of_one_organisation_share_one_policy_carried_forward(client, organisation, owner):
    first = systemic(organisation, owner)
    policy = document_for(first, POLICY)
    assert policy.organisation_id == organisation.pk
    other = systemic(organisation, owner, name="Orbit-7B")  # another model of the same organisation
    assert document_for(other, POLICY).pk == policy.pk
    assert document_for(other, POLICY).values["scope_models"] == ["Atlas-400B"]  # as first made, kept
    current = amended(first, owner, training_compute_flop=4.2e25)
    assert LegalDocument.objects.filter(kind=POLICY).count() == 1  # carried forward, not copied
    assert document_for(current, POLICY).pk == policy.pk
    policy.refresh_from_db()
    assert policy.assessment_id == current.pk  # the latest assessment that needs it holds it
    client.force_login(owner)
    page = client.get(reverse("legal_document", args=[first.pk, POLICY]))
    assert page.status_code == 200 and "data-organisation-document" in page.content.decode()  # read-only there


def test_the_migration_makes_the_latest_policy_the_organisations_and_keeps_the_earlier_as_history(
        organisation, owner):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("questionnaire.migrations.0027_copyright_policy_per_organisation")
    first = systemic(organisation, owner)
    second = systemic(organisation, owner)
    old = LegalDocument.objects.create(assessment=first, kind=POLICY, values={"policy_version": "1.0"})
    LegalDocumentRevision.objects.create(document=old, field="policy_version", old_value=None, new_value="1.0",
                                         revision=1, user=owner)
    DocumentIssue.objects.create(document=old, sequence=1, label="1.0", issued_on=dt.date(2026, 1, 5),
                                          values=old.values, sha256="a" * 64)
    new = LegalDocument.objects.create(assessment=second, kind=POLICY, values={"policy_version": "2.0"})
    DocumentIssue.objects.create(document=new, sequence=1, label="2.0", issued_on=dt.date(2026, 6, 5),
                                 values=new.values, sha256="b" * 64)
    DocumentIssue.objects.create(document=new, sequence=2, label="1.0", issued_on=dt.date(2026, 1, 5),
                                 values=old.values, sha256="a" * 64)  # a copy an amendment made of the old one
    LegalDocument.objects.filter(pk=new.pk).update(updated_at=old.updated_at + dt.timedelta(days=1))
    other = systemic(*_other_organisation(owner))
    untouched = LegalDocument.objects.create(assessment=other, kind=POLICY, values={"policy_version": "9"})

    migration.one_policy_per_organisation(apps, None)

    policy = LegalDocument.objects.get(kind=POLICY, organisation=organisation)
    assert policy.pk == new.pk and policy.values == {"policy_version": "2.0"}
    assert not LegalDocument.objects.filter(pk=old.pk).exists()
    versions = list(policy.issues.order_by("sequence").values_list("sequence", "label"))
    assert versions == [(1, "1.0"), (2, "2.0")]  # one of each, in the order issued
    assert DocumentIssue.objects.filter(document=policy, sha256="a" * 64).count() == 1
    history = LegalDocumentRevision.objects.filter(document=policy)
    assert history.filter(field="policy_version", new_value="1.0").exists()  # the earlier one's changes
    earlier = history.get(field="earlier_policy")
    assert earlier.new_value == {"assessment": str(first.pk), "values": {"policy_version": "1.0"}}
    assert LegalDocument.objects.get(pk=untouched.pk).organisation_id == other.organisation_id


def _other_organisation(owner):
    from accounts.models import Membership, Organisation

    organisation = Organisation.objects.create(name="Other AI")
    Membership.objects.create(user=owner, organisation=organisation, role="owner")
    return organisation, owner


def test_the_action_plans_stale_records_take_the_same_queries_for_one_model_or_three(client, organisation, owner):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from questionnaire.code_of_practice.stale import stale_records_of_current
    from questionnaire.models import current_assessments

    client.force_login(owner)
    counts = []
    for n in range(3):
        first = systemic(organisation, owner, name=f"Model {n}")
        document_for(first, NOTIFICATION)
        amended(first, owner, training_compute_flop=4.2e25)
        page = client.get(reverse("action_plan")).content.decode()
        assert page.count('data-stale="art52_notification"') == n + 1  # every model's stale notification
        current = list(current_assessments().filter(organisation=organisation))
        with CaptureQueriesContext(connection) as queries:
            found = stale_records_of_current(current)
        assert sum(len(records) for records in found.values()) == n + 1
        counts.append(len(queries))
    assert counts[0] == counts[2], counts


def test_an_incident_report_starts_with_the_model_and_the_provider(organisation, owner):
    from questionnaire.legal_documents.store import new_numbered_document

    assessment = systemic(organisation, owner)
    report = new_numbered_document(assessment, "serious_incident", user=owner)
    assert report.values["model_involved"] == "Atlas-400B"
    assert report.values["submitter"] == [{"organisation": "Acme AI", "role": "Provider of the model", "email": ""}]


def test_the_model_report_starts_with_what_the_gap_records_hold_and_follows_them(organisation, owner):
    from questionnaire.code_of_practice.gap import ensure_gap_items, update_gap_item

    assessment = systemic(organisation, owner)
    items = ensure_gap_items(assessment)
    update_gap_item(items["SS-5.1"], {"status": "implemented", "evidence": "Refusal training; output filters"},
                    user=owner, seen_revision=0)
    report = document_for(assessment, "model_report")
    assert report.values["m73_safety_mitigations"] == "SS-5.1: Refusal training; output filters"
    assert "m73_security" not in report.values  # nothing recorded for SS-6.1 or SS-6.2
    item = ensure_gap_items(assessment)["SS-5.1"]
    update_gap_item(item, {"evidence": "Refusal training; output filters; staged release"}, user=owner,
                    seen_revision=item.revision)
    (record,) = stale_records(assessment)
    assert record.kind == "model_report" and record.fields[0].field == "m73_safety_mitigations"
    assert "staged release" in record.fields[0].new and "gap analysis (SS-5.1)" in record.fields[0].source
