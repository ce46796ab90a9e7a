"""The Safety and Security Model Report and the copyright policy: their rules and deadlines at the
boundaries, and where they are linked from."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from questionnaire.legal_documents.checks import CheckContext, check
from questionnaire.legal_documents.deadlines import add_business_days, copyright_policy_dues, model_report_dues
from questionnaire.legal_documents.definitions import definition

from .factories import completed, make_member

D = dt.date
REPORT, POLICY = "model_report", "copyright_policy"


def errors(kind, values, context=None):
    return check(definition(kind), values, context).errors


def report(**changes):
    text = {f.id: "x" for f in definition(REPORT).fields().values() if f.type == "long_text"}
    values = {**text, "models_covered": ["Acme-1"], "report_version": "1", "report_date": "2026-11-01",
              "placement_date": "2026-12-01", "confirmed_date": "2026-11-02", "interim_flag": "no",
              "most_capable": "no", "m71_versions": [{"version": "1", "availability": "API"}],
              "m72_conditions": ["Jailbreak rate above 5 %"],
              "m73_risks": [{"risk": "CBRN", "estimate": "low", "mitigated": "yes", "fully_elicited": "yes",
                             "justification": "evals"}],
              "m73_evals": [{"eval": "BioQA", "method": "QA", "tasks": "100", "scoring": "acc",
                             "elicitation": "best-of-5", "result": "12 %"}],
              "m73_samples": [{"eval": "BioQA", "sample_id": str(i), "input": "q", "output": "a"} for i in range(5)],
              "changelog": None, "m73_similarly_safe": None, "m74_evaluator_choice": None}
    values.update(changes)
    return {k: v for k, v in values.items() if v is not None}


def test_a_complete_report_passes():
    assert errors(REPORT, report()) == {}


@pytest.mark.parametrize(("samples", "ok"), [(4, False), (5, True)])
def test_at_least_five_random_samples_per_evaluation(samples, ok):
    rows = [{"eval": "bioqa", "sample_id": str(i), "input": "q", "output": "a"} for i in range(samples)]
    found = errors(REPORT, report(m73_samples=rows))
    assert ("m73_samples" not in found) is ok
    if not ok:
        assert found["m73_samples"] == ["BioQA: 4 random samples; give at least 5 per evaluation (M7.3)"]


def test_an_interim_report_needs_only_7_2_and_7_5():
    interim = {k: v for k, v in report(interim_flag="yes").items() if not k.startswith(("m71", "m73", "m74"))}
    assert errors(REPORT, interim) == {}
    assert set(errors(REPORT, {**interim, "interim_flag": "no"})) >= {"m71_description", "m73_evals"}
    assert "m75_landscape" in errors(REPORT, {**interim, "m75_landscape": ""})


def test_an_update_needs_a_changelog_a_trigger_and_a_new_version():
    context = CheckContext(stage="give", earlier_labels=("1",), last_issued_on=D(2026, 11, 1))
    assert set(errors(REPORT, report(), context)) == {"changelog", "update_trigger", "report_version"}
    assert errors(REPORT, report(report_version="2", changelog="New evals", update_trigger=["capability_change"]),
                  context) == {}


@pytest.mark.parametrize(("start", "days", "due"), [
    (D(2026, 11, 27), 5, D(2026, 12, 4)),   # Friday + 5 business days
    (D(2026, 11, 28), 5, D(2026, 12, 4)),   # Saturday: counting starts on Monday
    (D(2026, 11, 30), 15, D(2026, 12, 21)),
])
def test_business_days_skip_weekends(start, days, due):
    assert add_business_days(start, days) == due


def test_model_report_deadlines():
    rules = definition(REPORT).rules
    values = report()
    assert model_report_dues(values, [], rules)[0].due == D(2026, 12, 1)
    interim = model_report_dues({**values, "interim_flag": "yes"}, [D(2026, 12, 1)], rules)
    assert interim[0].due == D(2026, 12, 22)  # 15 business days after placing on the market
    update = model_report_dues({**values, "confirmed_date": "2027-01-08"}, [D(2026, 12, 1)], rules)
    assert update[0].due == D(2027, 1, 15)
    periodic = model_report_dues({**values, "most_capable": "yes"}, [D(2026, 8, 31)], rules)
    assert periodic[-1].due == D(2027, 2, 28)


def policy(**changes):
    text = {f.id: "x" for f in definition(POLICY).fields().values() if f.type == "long_text"}
    values = {**text, "policy_version": "1", "review_date": "2026-11-01", "placement_date": "2025-10-01",
              "scope_models": ["Acme-1"], "responsibilities": [{"role": "Legal", "responsibility": "Owner"}],
              "other_protocols": ["tdmrep"], "crawler_transparency_url": "https://acme.example/bots",
              "runs_search_engine": "no", "aup_prohibition_url": "https://acme.example/aup",
              "point_of_contact": "copyright@acme.example", "legacy_gaps": None, "search_engine_note": None}
    values.update(changes)
    return {k: v for k, v in values.items() if v is not None}


def test_a_complete_policy_passes_and_a_search_engine_needs_its_note():
    assert errors(POLICY, policy()) == {}
    assert "search_engine_note" in errors(POLICY, policy(runs_search_engine="yes"))


def test_the_policy_names_the_crawlers_of_the_training_summary():
    related = {"training_summary": {"crawl_used": "yes", "crawler_ids": ["AcmeBot"]}}
    findings = check(definition(POLICY), policy(crawler_transparency="Our crawler OtherBot"),
                     CheckContext(related=related))
    assert findings.ok and "AcmeBot" in findings.warnings[0][1]
    assert check(definition(POLICY), policy(crawler_transparency="AcmeBot follows robots.txt"),
                 CheckContext(related=related)).warnings == []


@pytest.mark.parametrize(("placed", "issued", "due"), [
    ("2025-10-01", [], D(2025, 10, 1)), ("2025-08-01", [], D(2027, 8, 2)),
    ("2025-10-01", [D(2026, 2, 28)], D(2027, 2, 28))])
def test_copyright_policy_deadlines(placed, issued, due):
    assert copyright_policy_dues({"placement_date": placed}, issued, definition(POLICY).rules)[0].due == due


@pytest.mark.django_db
def test_linked_from_the_measures_they_serve(client, django_user_model, published):
    owner, organisation = make_member(django_user_model, "mara")
    assessment = completed(organisation, owner, "T05")
    client.force_login(owner)
    client.get(reverse("gap_overview", kwargs={"assessment_id": assessment.pk}))

    def documents_on(measure):
        page = client.get(reverse("gap_item", kwargs={"assessment_id": assessment.pk, "measure": measure}))
        return {kind for kind in ("model_report", "copyright_policy", "serious_incident", "art52_notification")
                if f'data-document="{kind}"' in page.content.decode()}

    assert documents_on("SS-7.1") == {"model_report"}
    assert documents_on("SS-3.1") == set()  # serves Art. 55(1)(b) too, but is not Commitment 7
    assert documents_on("CR-1.1") == {"copyright_policy"}
    assert documents_on("SS-1.1") == {"art52_notification"}
    for kind in (REPORT, POLICY):
        url = reverse("legal_document", kwargs={"assessment_id": assessment.pk, "kind": kind})
        assert client.get(url).status_code == 200
