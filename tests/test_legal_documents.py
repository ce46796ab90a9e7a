"""Legal documents: the training-content summary's rules at their boundaries, its deadlines, and the page:
save with history, publish after the checks, download the PDF/A (JSON attached), JSON, HTML and Markdown."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.urls import reverse
from pypdf import PdfReader

from questionnaire.legal_documents.checks import CheckContext, check, is_large_dataset, required_domain_count
from questionnaire.legal_documents.deadlines import training_summary_dues
from questionnaire.legal_documents.definitions import definition
from questionnaire.legal_documents.values import input_text, parse_input
from questionnaire.models import DocumentIssue, LegalDocument, LegalDocumentRevision

from .factories import completed

SUMMARY = "training_summary"


def summary_values(**changes):
    """A complete summary of an open-source text model that was crawled for 40 domains."""
    values = {
        "summary_version": "1.0", "last_update": "2026-11-01",
        "provider_name_contact": "Acme AI SAS, 1 rue de la Paix, Paris; ai-summary@acme.example",
        "authorised_rep_name_contact": "Not applicable (established in the EU)",
        "model_names": ["Acme-7B v1"], "model_dependencies": "None", "placement_date": "2025-10-01",
        "modalities": ["text"], "size_text": "1b_10t_tokens",
        "content_types": [{"modality": "text", "description": "Web pages, code, scientific articles"}],
        "latest_collection_date": "2025-06", "continuous_training": "no",
        "linguistic_characteristics": "Mostly English and French", "other_characteristics": "European focus",
        "public_used": "yes", "public_modalities": ["text"],
        "public_large_datasets": [{"name": "Common Crawl", "version": "CC-MAIN-2025-05",
                                   "url": "https://commoncrawl.org", "description": "", "collection_start": "",
                                   "collection_end": "", "subset_selection": "", "share_percent": 40}],
        "public_other_description": "Smaller open datasets of code",
        "licensed_used": "no", "private_other_used": "no",
        "crawl_used": "yes", "crawler_ids": ["AcmeBot"], "crawler_purposes": "Training data",
        "crawler_behaviour": "Follows robots.txt", "crawl_period_from": "2024-01", "crawl_period_to": "2025-06",
        "crawl_content_description": "News and blogs", "crawl_modalities": ["text"], "crawl_domain_count": 40,
        "crawl_top_domains": [{"rank": i, "domain": f"site{i}.example", "share_percent": ""} for i in range(1, 5)],
        "user_model_interactions": "no", "user_other_services": "no", "synthetic_used": "no",
        "other_sources_used": "no", "cop_signatory": "no", "tdm_measures": "robots.txt and TDMRep honoured",
        "illegal_content_measures": "Block lists and classifiers", "is_sme": "no", "covers_modification_only": "no",
    }
    values.update(changes)
    return {k: v for k, v in values.items() if v is not None}


def published_summary(assessment, user):
    """Version 1.0 of a complete summary, published on 1 November 2026 (its PDF rendered)."""
    from questionnaire.legal_documents.store import document_for, issue_document

    summary = document_for(assessment, SUMMARY)
    summary.values = {**summary.values, **summary_values()}
    summary.save()
    return issue_document(summary, stage="publish", issued_on=dt.date(2026, 11, 1), user=user)


def errors_of(values, context=None):
    return check(definition(SUMMARY), values, context).errors


# ---------------------------------------------------------------- rules at their boundaries (pure)

RULES = definition(SUMMARY).rules


@pytest.mark.parametrize(("domains", "sme", "needed"), [
    (1, False, 1), (10, False, 1), (11, False, 2), (20, False, 2), (21, False, 3), (1000, False, 100),
    (1, True, 1), (20, True, 1), (21, True, 2), (19_980, True, 999), (20_000, True, 1000), (20_001, True, 1000),
    (1_000_000, True, 1000), (1_000_000, False, 100_000), (0, False, 0),
])
def test_top_domains_rule_and_its_sme_variant(domains, sme, needed):
    assert required_domain_count(domains, sme=sme, rules=RULES) == needed


@pytest.mark.parametrize(("share", "large"), [(3, False), ("3.0", False), (2.99, False), (3.01, True), (40, True)])
def test_large_public_dataset_is_above_three_percent(share, large):
    assert is_large_dataset(share, RULES) is large


def test_a_complete_summary_passes():
    assert errors_of(summary_values()) == {}


@pytest.mark.parametrize(("listed", "ok"), [(3, False), (4, True)])
def test_domain_list_must_reach_the_top_ten_percent(listed, ok):
    rows = [{"rank": i, "domain": f"d{i}.example", "share_percent": ""} for i in range(1, listed + 1)]
    errors = errors_of(summary_values(crawl_domain_count=31, crawl_top_domains=rows))
    assert ("crawl_top_domains" not in errors) is ok
    if not ok:
        assert "at least 4 domains" in errors["crawl_top_domains"][0] and "top 10 %" in errors["crawl_top_domains"][0]


def test_an_sme_lists_the_top_five_percent_or_a_thousand_domains():
    rows = [{"rank": i, "domain": f"d{i}.example", "share_percent": ""} for i in range(1, 1000)]
    errors = errors_of(summary_values(is_sme="yes", crawl_domain_count=50_000, crawl_top_domains=rows))
    assert "at least 1000 domains" in errors["crawl_top_domains"][0]
    assert "1\u00a0000 domains, whichever is lower" in errors["crawl_top_domains"][0]
    rows.append({"rank": 1000, "domain": "last.example", "share_percent": ""})
    assert "crawl_top_domains" not in errors_of(summary_values(is_sme="yes", crawl_domain_count=50_000,
                                                               crawl_top_domains=rows))
    assert "crawl_top_domains" in errors_of(summary_values(crawl_domain_count=50_000, crawl_top_domains=rows))


def test_a_gate_answered_no_closes_its_block():
    values = summary_values(crawl_used="no", crawl_top_domains=[], crawl_domain_count=None, crawler_ids=None)
    assert errors_of(values) == {}
    values = summary_values(public_used="no", public_modalities=["image"], public_other_description=None)
    assert errors_of(values) == {}  # the closed block's leftovers are neither required nor checked


def test_each_ticked_modality_needs_a_size_range_or_another_unit():
    values = summary_values(modalities=["text", "image"], content_types=[
        {"modality": "text", "description": "x"}, {"modality": "image", "description": "photos"}])
    assert "Image is ticked" in errors_of(values)["size_image"][0]
    values["size_alt"] = [{"modality": "Image", "value": 3_000_000, "unit": "images"}]
    assert errors_of(values) == {}
    values["size_image"] = "1m_1b_images"
    assert errors_of(values) == {}


def test_content_types_cover_every_modality_and_sources_stay_within_the_model_modalities():
    errors = errors_of(summary_values(crawl_modalities=["text", "video"], content_types=[]))
    assert "missing: text" in errors["content_types"][0]
    assert "Video is not ticked under 1.3" in errors["crawl_modalities"][0]


def test_other_modality_needs_its_table():
    values = summary_values(modalities=["text", "other"])
    errors = errors_of(values)
    assert errors["other_modalities"] == ["Fill in this field"]


def test_a_public_dataset_above_three_percent_not_listed_is_warned_about():
    values = summary_values(public_other_shares=[{"name": "Wiki", "modality": "text", "share_percent": 3},
                                                 {"name": "Books", "modality": "text", "share_percent": 3.5}])
    findings = check(definition(SUMMARY), values)
    assert findings.ok
    assert [m for _, m in findings.warnings] == ["Books is 3.5 % of the public text data, above 3 %: list it as a "
                                                 "large dataset"]


def test_a_listed_large_dataset_needs_a_link_or_a_description():
    row = {"name": "Private crawl", "version": "1", "url": "", "description": "", "share_percent": 5}
    assert "give a link" in errors_of(summary_values(public_large_datasets=[row]))["public_large_datasets"][0]


def test_a_modification_names_its_original_model():
    assert "model_dependencies" in errors_of(summary_values(covers_modification_only="yes"))
    assert errors_of(summary_values(covers_modification_only="yes",
                                    model_dependencies="Llama 3.1-8B, https://example.org/summary")) == {}


def test_synthetic_data_names_a_generator():
    errors = errors_of(summary_values(synthetic_used="yes", synthetic_modalities=["text"]))
    assert set(errors) == {"synthetic_market_models", "synthetic_other_models"}
    assert errors_of(summary_values(synthetic_used="yes", synthetic_modalities=["text"],
                                    synthetic_other_models="Our own 70B model")) == {}


def test_a_legacy_model_discloses_its_data_gaps():
    assert errors_of(summary_values(placement_date="2025-08-01"))["legacy_gap_disclosure"]
    assert "legacy_gap_disclosure" not in errors_of(summary_values(placement_date="2025-08-02"))


def test_a_new_version_has_a_new_number_a_later_date_and_links_to_the_earlier_ones():
    context = CheckContext(stage="publish", earlier_labels=("1.0",), last_issued_on=dt.date(2026, 11, 2))
    errors = errors_of(summary_values(), context)
    assert set(errors) == {"summary_version", "previous_versions", "last_update"}
    assert errors_of(summary_values(summary_version="1.1", last_update="2026-11-02",
                                    previous_versions=["https://acme.example/summary-1.0"]), context) == {}


def test_signatory_status_differing_from_the_answer_is_warned_about():
    findings = check(definition(SUMMARY), summary_values(cop_signatory="no"), CheckContext(signatory=True))
    assert findings.ok and findings.warnings[0][0] == "cop_signatory"


@pytest.mark.parametrize(("placed", "issued", "continuous", "expected"), [
    ("2025-10-01", [], "no", dt.date(2025, 10, 1)),
    ("2025-08-02", [], "no", dt.date(2025, 8, 2)),
    ("2025-08-01", [], "no", dt.date(2027, 8, 2)),  # legacy model: Art. 111(3)
    ("2025-10-01", [dt.date(2026, 8, 31)], "yes", dt.date(2027, 2, 28)),
    ("2025-10-01", [dt.date(2026, 1, 15)], "no", None),
])
def test_summary_deadlines(placed, issued, continuous, expected):
    dues = training_summary_dues({"placement_date": placed, "continuous_training": continuous}, issued, RULES)
    assert (dues[0].due if dues else None) == expected


def test_every_fact_marked_secondary_or_uncertain_says_so_in_its_help():
    for f in definition(SUMMARY).fields().values():
        if f.tag in ("[S]", "[U]"):
            assert f.confidence_note.endswith(f"{f.tag}.")


@pytest.mark.parametrize(("field_id", "typed", "expected"), [
    ("crawl_top_domains", "1 | a.example | 12.5\n2 | b.example", [
        {"rank": 1, "domain": "a.example", "share_percent": 12.5}, {"rank": 2, "domain": "b.example",
                                                                   "share_percent": ""}]),
    ("previous_versions", "https://a.example/1\n\nhttps://a.example/2", ["https://a.example/1", "https://a.example/2"]),
    ("latest_collection_date", "2025-06", "2025-06"),
    ("crawl_domain_count", "1 200", 1200),
])
def test_typed_values_round_trip(field_id, typed, expected):
    f = definition(SUMMARY).fields()[field_id]
    assert parse_input(f, typed) == expected
    assert parse_input(f, input_text(f, expected)) == expected


@pytest.mark.parametrize(("field_id", "typed", "message"), [
    ("crawl_top_domains", "1 | a.example | 1 | extra", "Row 1 has 4 cells"),
    ("crawl_top_domains", "first | a.example", "Row 1, Rank: “first” is not a number"),
    ("previous_versions", "acme.example/1", "Line 1: “acme.example/1” is not a web address"),
    ("latest_collection_date", "2025-13", "is not a month"),
    ("last_update", "31/12/2025", "is not a date"),
    ("tdm_measures", "robots.txt\x00", "control character"),
])
def test_bad_input_gets_a_clear_message(field_id, typed, message):
    with pytest.raises(ValueError, match=message):
        parse_input(definition(SUMMARY).fields()[field_id], typed)


# ---------------------------------------------------------------- the page

pytestmark_db = pytest.mark.django_db


def form_data(values):
    doc = definition(SUMMARY)
    data = {}
    for f in doc.fields().values():
        text = input_text(f, values.get(f.id))
        if text not in ("", []):
            data[f.id] = text
    return data


def page_url(assessment, kind=SUMMARY):
    return reverse("legal_document", kwargs={"assessment_id": assessment.pk, "kind": kind})


@pytestmark_db
def test_prefilled_from_the_assessment_and_linked_from_the_result(client, organisation, owner):
    assessment = completed(organisation, owner, "T08")
    client.force_login(owner)
    result = client.get(reverse("result", kwargs={"assessment_id": assessment.pk})).content.decode()
    assert f'href="{page_url(assessment)}"' in result
    assert client.get(page_url(assessment)).status_code == 200
    values = LegalDocument.objects.get(assessment=assessment, kind=SUMMARY).values
    assert values["provider_name_contact"] == organisation.name
    assert values["model_names"] == ["Model T08"]
    assert values["placement_date"] == "2025-10-01"
    assert values["modalities"] == ["text"]
    assert values["is_sme"] == "no" and values["covers_modification_only"] == "no"
    assert values["authorised_rep_name_contact"].startswith("Not applicable")


@pytestmark_db
def test_a_document_that_does_not_apply_is_404(client, organisation, owner):
    assessment = completed(organisation, owner, "T02")  # not a GPAI model
    client.force_login(owner)
    assert client.get(page_url(assessment)).status_code == 404
    assert client.get(page_url(completed(organisation, owner, "T01"), kind="nonsense")).status_code == 404


@pytestmark_db
def test_publish_refused_then_published_with_every_export(client, organisation, owner):
    assessment = completed(organisation, owner, "T08")
    client.force_login(owner)
    url = page_url(assessment)
    client.get(url)
    incomplete = form_data(summary_values(tdm_measures=None, crawl_domain_count=100))
    response = client.post(url, {**incomplete, "seen_revision": 0, "action": "issue", "issued_on": "2026-11-20"})
    page = response.content.decode()
    assert response.status_code == 400 and "not published" in page
    assert "Measures to respect TDM reservations" in page and "List at least 10 domains" in page
    assert not DocumentIssue.objects.exists()
    document = LegalDocument.objects.get(assessment=assessment, kind=SUMMARY)
    assert document.values["crawl_domain_count"] == 100  # saved as a draft: nothing typed is lost
    response = client.post(url, {**form_data(summary_values()), "seen_revision": document.revision,
                                 "action": "issue", "issued_on": "2026-11-20"})
    assert response.status_code == 302
    issue = DocumentIssue.objects.get()
    assert (issue.label, issue.issued_on, issue.status) == ("1.0", dt.date(2026, 11, 20), "done")
    from accounts.models import AuditEvent

    assert AuditEvent.objects.filter(action="document_issue", target="training_summary 1.0").count() == 1
    status = client.get(url).content.decode().split("data-document-status")[1].split("</dl>")[0]
    assert "Published: 1.0 on 20 November 2026" in status and "still to complete" not in status
    downloads = {fmt: client.get(reverse("legal_document_download", kwargs={
        "assessment_id": assessment.pk, "kind": SUMMARY, "issue_id": issue.pk, "fmt": fmt}))
        for fmt in ("pdf", "json", "html", "md")}
    reader = PdfReader(io.BytesIO(b"".join(downloads["pdf"].streaming_content)))
    text = " ".join(p.extract_text() for p in reader.pages)
    assert "Public summary of training content" in text and "site4.example" in text
    attached = json.loads(next(iter(reader.attachments.values()))[0])
    assert attached["values"]["crawl_domain_count"] == 40 and attached["version"] == "1.0"
    assert downloads["json"].json() == attached
    html = downloads["html"].content.decode()
    assert "site4.example" in html and "Number of crawled domains" not in html  # not printed
    assert "<h3>2.2.1 Datasets commercially licensed" in html and "Version 1.0, last update 1 November 2026" in html
    assert AuditEvent.objects.filter(action="document_download").count() == 4
    markdown = downloads["md"].content.decode()
    assert markdown.startswith("# Public summary of training content") and "| 4 | site4.example |" in markdown
    # a second version needs a new number and links to the first
    response = client.post(url, {**form_data(summary_values()), "seen_revision": document.revision + 1,
                                 "action": "issue", "issued_on": "2026-11-21"})
    assert response.status_code == 400 and "Version 1.0 was already published" in response.content.decode()


@pytestmark_db
def test_changes_are_recorded_stale_saves_refused_viewers_read_only(client, organisation, owner, viewer):
    assessment = completed(organisation, owner, "T08")
    url = page_url(assessment)
    client.force_login(owner)
    client.get(url)
    document = LegalDocument.objects.get(assessment=assessment, kind=SUMMARY)
    data = form_data(document.values)
    assert client.post(url, {**data, "summary_version": "0.1", "seen_revision": 0}).status_code == 302
    assert client.post(url, {**data, "summary_version": "0.2", "seen_revision": 1}).status_code == 302
    changes = list(LegalDocumentRevision.objects.filter(field="summary_version").values_list("old_value",
                                                                                             "new_value"))
    assert changes == [("0.1", "0.2"), (None, "0.1")]
    stale = client.post(url, {**data, "summary_version": "9", "seen_revision": 1})
    assert stale.status_code == 400 and "saved this document while you were editing" in stale.content.decode()
    bad = client.post(url, {**data, "last_update": "yesterday", "seen_revision": 2})
    assert bad.status_code == 400 and "is not a date" in bad.content.decode()
    assert LegalDocument.objects.get(pk=document.pk).values["summary_version"] == "0.2"
    client.force_login(viewer)
    assert client.get(url).status_code == 200
    assert client.post(url, {**data, "seen_revision": 2}).status_code == 403


@pytestmark_db
def test_unpublished_summary_is_in_the_action_plan_and_the_gap_measure_lists_documents(client, organisation, owner):
    assessment = completed(organisation, owner, "T01")
    client.force_login(owner)
    client.get(page_url(assessment))
    plan = client.get(reverse("action_plan")).content.decode()
    assert 'data-document="training_summary" data-due="2025-10-01" class="row-overdue" data-overdue' in plan
    client.get(reverse("gap_overview", kwargs={"assessment_id": assessment.pk}))
    item = client.get(reverse("gap_item", kwargs={"assessment_id": assessment.pk, "measure": "CR-1.1"}))
    assert 'data-document="training_summary"' not in item.content.decode()  # it serves Art. 53(1)(c) only


@pytestmark_db
def test_documents_not_yet_started_are_in_the_action_plan(client, organisation, owner):
    completed(organisation, owner, "T05")  # systemic risk: summary and notification, nothing opened yet
    client.force_login(owner)
    plan = client.get(reverse("action_plan")).content.decode()
    assert 'data-document="training_summary" data-due="2025-10-01"' in plan
    assert 'data-document="art52_notification" data-due=""' in plan  # no condition date yet
    assert 'data-document="serious_incident"' not in plan  # an empty register has nothing due


@pytestmark_db
def test_documents_carry_over_to_a_re_assessment(client, organisation, owner):
    from questionnaire.assessments.living import new_version_assessment
    from questionnaire.assessments.services import complete

    assessment = completed(organisation, owner, "T08")
    issue = published_summary(assessment, owner)
    summary = issue.document
    again = complete(new_version_assessment(assessment, user=owner).assessment, user=owner)
    copied = LegalDocument.objects.get(assessment=again, kind=SUMMARY)
    assert copied.values == summary.values
    (copied_issue,) = copied.issues.all()
    assert (copied_issue.label, copied_issue.sha256) == ("1.0", issue.sha256)
    # the issued PDF is the same bytes under a name of its own (deleting one assessment never breaks the other)
    if issue.file:
        assert copied_issue.file.name != issue.file.name
        assert copied_issue.file.read() == issue.file.open("rb").read()
    client.force_login(owner)
    page = client.get(page_url(again)).content.decode()
    assert "Published: 1.0 on 1 November 2026" in page


def test_document_content_refers_to_the_questionnaire_content(spec):
    """Every document names an obligation, and where it says so a chapter and commitment, of gpai.yaml; every
    field has a known confidence tag."""
    from questionnaire.legal_documents.definitions import definitions

    obligations = {o.id for o in spec.obligations}
    chapters = {ch.id: {c.number for c in ch.commitments} for ch in spec.chapters}
    assert set(definitions()) == {"training_summary", "art52_notification", "serious_incident", "model_report",
                                  "copyright_policy"}
    for doc in definitions().values():
        assert doc.obligation in obligations, doc.kind
        where = doc.extra.get("commitment")
        if where:
            assert where["number"] in chapters[where["chapter"]], doc.kind
        if doc.rules.get("signatory_chapter"):
            assert doc.rules["signatory_chapter"] in chapters
        for f in doc.fields().values():
            assert f.tag in ("[P]", "[P~]", "[S]", "[U]"), (doc.kind, f.id)


@pytestmark_db
def test_action_plan_filters_apply_to_document_rows(client, organisation, owner):
    first = completed(organisation, owner, "T08", name="Alpha")
    completed(organisation, owner, "T01", name="Beta")
    client.force_login(owner)
    plan = client.get(reverse("action_plan"), {"model": str(first.ai_model_id)}).content.decode()
    rows = plan.split("data-document-rows")[1]
    assert "Alpha" in rows and "Beta" not in rows
    assert "data-document-rows" not in client.get(reverse("action_plan"), {"status": "planned"}).content.decode()


@pytestmark_db
def test_a_modifier_summary_is_prefilled_as_covering_the_modification(client, organisation, owner):
    assessment = completed(organisation, owner, "T26")  # downstream modifier above the one-third threshold
    client.force_login(owner)
    client.get(page_url(assessment))
    values = LegalDocument.objects.get(assessment=assessment, kind=SUMMARY).values
    assert values["covers_modification_only"] == "yes"
    assert "model_dependencies" not in values  # the modifier names the original model itself
    assert "model_dependencies" in errors_of({**summary_values(), **values})
    assert values["model_names"] == ["Model T26"]


@pytestmark_db
def test_a_pdf_not_rendered_yet_shows_a_wait_page_and_a_failed_one_can_be_retried(client, organisation, owner, viewer):
    assessment = completed(organisation, owner, "T08")
    issue = published_summary(assessment, owner)
    DocumentIssue.objects.filter(pk=issue.pk).update(status="failed", error="RuntimeError: boom")
    kwargs = {"assessment_id": assessment.pk, "kind": SUMMARY, "issue_id": issue.pk}
    client.force_login(viewer)
    waiting = client.get(reverse("legal_document_download", kwargs={**kwargs, "fmt": "pdf"}))
    assert waiting.status_code == 202 and "could not be made" in waiting.content.decode()
    assert client.post(reverse("legal_document_retry", kwargs=kwargs)).status_code == 403
    client.force_login(owner)
    assert client.post(reverse("legal_document_retry", kwargs=kwargs)).status_code == 302
    issue.refresh_from_db()
    assert issue.status == "done" and issue.error == ""
    assert client.get(reverse("legal_document_download", kwargs={**kwargs, "fmt": "pdf"})).status_code == 200


def test_the_summary_names_the_same_crawlers_as_the_copyright_policy():
    policy = {"crawler_transparency": "OtherBot", "robots_txt": "RFC 9309"}
    findings = check(definition(SUMMARY), summary_values(), CheckContext(related={"copyright_policy": policy}))
    assert findings.ok and findings.warnings == [("crawler_ids", "AcmeBot is not named in your copyright policy's "
                                                                 "crawler information")]
    policy["crawler_transparency"] = "acmebot: user agent of our crawler"
    assert check(definition(SUMMARY), summary_values(), CheckContext(related={"copyright_policy": policy})
                 ).warnings == []
    assert check(definition(SUMMARY), summary_values()).warnings == []  # no policy yet: nothing to compare


@pytest.mark.parametrize(("due", "overdue"), [(dt.date(2026, 11, 28), True), (dt.date(2026, 11, 29), False)])
def test_a_deadline_is_overdue_the_day_after_it(due, overdue):
    from questionnaire.legal_documents.deadlines import Due

    assert Due("x", due).overdue(dt.date(2026, 11, 29)) is overdue


@pytestmark_db
def test_an_optional_choice_can_be_cleared_without_javascript(client, organisation, owner):
    assessment = completed(organisation, owner, "T08")
    client.force_login(owner)
    url = page_url(assessment)
    client.get(url)
    document = LegalDocument.objects.get(assessment=assessment, kind=SUMMARY)
    data = form_data({**document.values, "size_image": "lt_1m_images"})
    assert client.post(url, {**data, "seen_revision": 0}).status_code == 302
    assert 'name="size_image" value=""' in client.get(url).content.decode()
    assert client.post(url, {**data, "size_image": "", "seen_revision": 1}).status_code == 302
    assert "size_image" not in LegalDocument.objects.get(pk=document.pk).values


@pytestmark_db
def test_a_tampered_revision_is_a_conflict_not_an_error(client, organisation, owner):
    assessment = completed(organisation, owner, "T08")
    client.force_login(owner)
    for tampered in ("x", "²", "٣", "9" * 40):  # "²".isdigit() is true and int("²") raises; int("٣") is 3
        response = client.post(page_url(assessment), {"summary_version": "1", "seen_revision": tampered})
        assert response.status_code == 400 and "while you were editing" in response.content.decode()


def test_any_typed_text_is_accepted_or_refused_with_a_message_never_an_exception():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from questionnaire.legal_documents.definitions import definitions

    fields = [f for doc in definitions().values() for f in doc.fields().values()]

    @settings(max_examples=300, deadline=None)
    @given(st.sampled_from(fields), st.one_of(st.text(max_size=80), st.lists(st.text(max_size=12), max_size=3)))
    def typed(f, raw):
        try:
            value = parse_input(f, raw)
        except ValueError as exc:
            assert str(exc)
        else:
            assert parse_input(f, input_text(f, value)) == value

    typed()


@pytestmark_db
def test_issued_documents_count_towards_the_member_render_limit(organisation, owner, settings):
    """An issued document's PDF joins the member's waiting renders: beyond RENDER_LIMIT_PER_MEMBER nothing is
    issued (#12: a member cannot queue more than a few renders at once)."""
    from questionnaire.rendering.queue import TooManyRenders, waiting_for

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # renders stay waiting
    settings.RENDER_LIMIT_PER_MEMBER = 1
    assessment = completed(organisation, owner, "T08")
    first = published_summary(assessment, owner)
    assert first.status == "pending" and waiting_for(owner) == 1
    with pytest.raises(TooManyRenders):
        published_summary(assessment, owner)
    assert LegalDocument.objects.get(assessment=assessment, kind=SUMMARY).issues.count() == 1


@pytestmark_db
def test_the_worker_sweep_requeues_a_document_render_whose_worker_died(organisation, owner, settings):
    """A legal document's PDF whose worker died mid-render is queued again by the task worker's own sweep
    (rendering.reclaim_stalled), without anyone asking for it (#12 item 14)."""
    from django.utils import timezone

    from questionnaire.models import RenderStatus
    from questionnaire.rendering.queue import reclaim_stalled

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    issue = published_summary(completed(organisation, owner, "T08"), owner)
    DocumentIssue.objects.filter(pk=issue.pk).update(status=RenderStatus.RENDERING, started_at=timezone.now())
    assert reclaim_stalled() == 0  # still within its lease
    long_ago = timezone.now() - dt.timedelta(seconds=settings.RENDER_LEASE_SECONDS + 60)
    DocumentIssue.objects.filter(pk=issue.pk).update(started_at=long_ago)
    assert reclaim_stalled() == 1
    issue.refresh_from_db()
    assert issue.status == RenderStatus.PENDING


@pytestmark_db
def test_an_issued_document_and_a_report_render_through_the_same_function(organisation, owner, monkeypatch):
    """One render path (#13): an issued document's PDF and a report's are both made by rendering.render_row,
    which stores the file and its SHA-256 on the row the same way."""
    import hashlib

    from questionnaire.rendering import queue as rendering
    from questionnaire.reports.services import request_report

    calls = []
    real = rendering.render_row
    monkeypatch.setattr(rendering, "render_row", lambda rows, row_id: calls.append(rows.model) or real(rows, row_id))
    assessment = completed(organisation, owner, "T08")
    issue = published_summary(assessment, owner)
    report = request_report(assessment, user=owner)
    assert calls == [DocumentIssue, rendering.RenderedDocument]
    issue.refresh_from_db()
    report.refresh_from_db()
    for row in (issue, report):
        assert row.status == "done" and row.pages and row.size == row.file.size
        assert row.file_sha256 == hashlib.sha256(row.file.open("rb").read()).hexdigest()


@pytestmark_db
def test_document_rows_are_action_plan_rows_on_the_page_and_in_the_csv(client, organisation, owner):
    """The documents due come from a row source of the action plan like the measures (#13): plan_rows has them,
    and the CSV lists the same rows as the page."""
    import csv
    import re

    from django.utils import timezone

    from questionnaire.code_of_practice.action_plan import plan_rows

    assessment = completed(organisation, owner, "T05", name="Frontier")
    rows = plan_rows(organisation, today=timezone.localdate())
    documents = [(r.key, r.legal_deadline) for r in rows if r.kind == "document"]
    assert ("training_summary", dt.date(2025, 10, 1)) in documents and ("art52_notification", None) in documents
    assert all(r.assessment == assessment for r in rows)
    client.force_login(owner)
    page = client.get(reverse("action_plan")).content.decode()
    exported = client.get(reverse("action_plan"), {"format": "csv"}).content.decode().split("\n", 1)[1]
    exported = list(csv.DictReader(io.StringIO(exported)))  # after the first line, which says what the columns mean
    on_page = re.findall(r'data-document="(\w+)"', page)
    assert [r["measure"] for r in exported if r["kind"] == "document"] == on_page == [k for k, _ in documents]
    summary = next(r for r in exported if r["measure"] == "training_summary")
    assert (summary["model"], summary["act_date"], summary["act_date_passed"], summary["code_date"]) == (
        "Frontier", "2025-10-01", "yes", "")
    assert summary["status"].startswith("Publish the summary")


def test_a_legal_document_has_a_real_form_that_refuses_input_at_the_field():
    """The form of a document kind is built from its definition (one field per field id); a value its field
    refuses is an error at that field, the others parse (#25)."""
    from django.http import QueryDict

    from questionnaire.legal_documents.forms import legal_document_form

    form = legal_document_form(SUMMARY)(QueryDict("summary_version=1.0&last_update=yesterday"))
    assert set(form.fields) == set(definition(SUMMARY).fields())
    assert not form.is_valid()
    assert list(form.errors) == ["last_update"] and "is not a date" in form.errors["last_update"][0]
    assert form.cleaned_data["summary_version"] == "1.0"
    assert form.typed()["last_update"] == "yesterday"
