"""The Art. 52(1) notification and the serious-incident reports: their rules and clocks at the boundaries,
and the register through the pages (reports sent, deadlines in the action plan)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from questionnaire.assessments.services import complete, save_section
from questionnaire.legal_documents.checks import CheckContext, check, two_significant_figures
from questionnaire.legal_documents.deadlines import incident_dues, notification_dues
from questionnaire.legal_documents.definitions import definition
from questionnaire.legal_documents.values import input_text
from questionnaire.models import DocumentIssue, LegalDocument

from .factories import SCENARIOS, as_wizard_answers, completed, make_member, new_assessment

NOTIFICATION, INCIDENT = "art52_notification", "serious_incident"
D = dt.date


def notification(**changes):
    values = {"provider_legal_name": "Acme", "provider_contact": "ai@acme.example", "established_in_eu": "yes",
              "model_name_version": "Acme-1", "trigger_type": "compute_threshold_met", "condition_date": "2026-11-01",
              "compute_mantissa": "3.8", "compute_exponent": 25, "estimation_approach": "architecture_based",
              "estimation_description": "6 × 1e12 parameters × 6.3e12 tokens"}
    values.update(changes)
    return {k: v for k, v in values.items() if v is not None}


def incident(**changes):
    values = {"submitter": [{"organisation": "Acme", "role": "provider", "email": "a@acme.example"}],
              "harm_category": ["health"], "awareness_datetime": "2026-11-10T09:30",
              "causal_link_status": "reasonably_likely", "start_date": "2026-11-09", "resulting_harm": "Injury",
              "chain_of_events": "…", "model_involved": "Acme-1", "involvement_evidence": "Logs",
              "provider_response": "Filter added", "recommendations_to_authorities": "None"}
    values.update(changes)
    return {k: v for k, v in values.items() if v is not None}


def errors(kind, values, context=None):
    return check(definition(kind), values, context).errors


@pytest.mark.parametrize(("text", "ok"), [("2.3", True), ("1.0", True), ("9.9", True), ("2", False), ("2.35", False),
                                          ("23", False), ("0.9", False), ("2,3", False), ("", False)])
def test_compute_has_exactly_two_significant_figures(text, ok):
    assert two_significant_figures(text) is ok


@pytest.mark.parametrize(("mantissa", "exponent", "trigger", "refused"), [
    ("1.0", 25, "compute_threshold_met", True),       # exactly 10^25 is not "greater than"
    ("1.1", 25, "compute_threshold_met", False),
    ("9.9", 24, "compute_threshold_foreseen", True),
    ("1.0", 26, "compute_threshold_foreseen", False),
    ("1.0", 25, "modification_of_gpaisr", False),     # the one-third rule of a modification is not this check
])
def test_compute_triggers_need_strictly_more_than_ten_to_the_25(mantissa, exponent, trigger, refused):
    values = notification(compute_mantissa=mantissa, compute_exponent=exponent, trigger_type=trigger,
                          original_compute_mantissa="3.0", original_compute_exponent=25)
    assert ("compute_mantissa" in errors(NOTIFICATION, values)) is refused


def test_badly_written_compute_is_refused_with_the_format():
    found = errors(NOTIFICATION, notification(compute_mantissa="38"))
    assert "exactly two significant figures" in found["compute_mantissa"][0]


def test_mitigations_are_not_accepted_grounds():
    values = notification(contest_classification="yes", args_grounds=["capabilities", "mitigations"],
                          args_capabilities="Benchmarks below frontier")
    assert "Mitigations are not accepted grounds" in errors(NOTIFICATION, values)["args_grounds"][0]
    values["args_grounds"] = ["capabilities"]
    assert errors(NOTIFICATION, values) == {}
    assert errors(NOTIFICATION, notification(contest_classification="no", args_grounds=["mitigations"])) == {}


def test_a_non_eu_provider_names_its_representative():
    assert "authorised_rep" in errors(NOTIFICATION, notification(established_in_eu="no"))


@pytest.mark.parametrize(("condition", "sent", "due"), [
    ("2026-11-01", [], D(2026, 11, 15)), ("2026-12-25", [], D(2027, 1, 8)),
    ("2026-11-01", [D(2026, 11, 3)], D(2026, 12, 1)),  # sent: then the Framework, 28 days after notifying
    # a condition met or known before the rules applied runs from 2 August 2025 (Guidelines §5.3)
    ("2025-06-15", [], D(2025, 8, 16)), ("2025-08-02", [], D(2025, 8, 16)), ("2025-08-03", [], D(2025, 8, 17))])
def test_notification_is_due_two_weeks_after_the_condition(condition, sent, due):
    dues = notification_dues({"condition_date": condition}, sent, definition(NOTIFICATION).rules)
    assert (dues[0].due if dues else None) == due


@pytest.mark.parametrize(("sent_on", "late_days"), [
    (D(2025, 8, 10), None), (D(2025, 8, 16), None), (D(2025, 8, 17), 1), (D(2026, 12, 5), 476)])
def test_a_recorded_notification_is_compared_with_16_august_2025_for_an_earlier_threshold(sent_on, late_days):
    findings = check(definition(NOTIFICATION), notification(condition_date="2025-06-15"),
                     CheckContext(stage="send", issued_on=sent_on))
    late = [message for field, message in findings.warnings if field == "condition_date"]
    if late_days is None:
        assert late == []
    else:
        (message,) = late
        assert f"is {late_days} day" in message and "(16 August 2025)" in message


RULES = definition(INCIDENT).rules


@pytest.mark.parametrize(("categories", "days"), [
    (["critical_infrastructure"], 2), (["cybersecurity_breach"], 5), (["death"], 10), (["health"], 15),
    (["fundamental_rights"], 15), (["property_or_environment"], 15),
    (["health", "death"], 10), (["property_or_environment", "cybersecurity_breach", "death"], 5),
    (["death", "critical_infrastructure"], 2),
])
def test_initial_report_clock_by_harm_category_shortest_wins(categories, days):
    dues = incident_dues(incident(harm_category=categories, awareness_datetime="2026-12-30T23:59"), [], RULES)
    assert dues[0].due == D(2026, 12, 30) + dt.timedelta(days=days) and dues[0].stage == "initial"


def test_no_clock_while_the_causal_link_is_under_investigation():
    dues = incident_dues(incident(causal_link_status="under_investigation"), [], RULES)
    assert dues[0].due is None and "still being investigated" in dues[0].note and dues[0].basis == "code"


def test_intermediate_every_28_days_while_unresolved_then_final_60_days_after_resolution():
    values = incident()
    assert incident_dues(values, [("initial", D(2026, 11, 20))], RULES)[0].due == D(2026, 12, 18)
    sent = [("initial", D(2026, 11, 20)), ("intermediate", D(2026, 12, 10))]
    assert incident_dues(values, sent, RULES)[0].due == D(2027, 1, 7)
    resolved = incident_dues({**values, "resolution_date": "2027-01-01"}, sent, RULES)
    assert [(d.stage, d.due) for d in resolved] == [("final", D(2027, 3, 2))]


@pytest.mark.parametrize(("start", "final_sent", "keep"), [
    ("2026-11-09", D(2027, 2, 28), D(2032, 2, 28)),  # documentation later than the incident
    ("2027-03-05", D(2027, 2, 28), D(2032, 3, 5)),   # incident date later (an approximation after the report)
])
def test_records_are_kept_five_years_after_the_later_date(start, final_sent, keep):
    sent = [("initial", D(2026, 11, 20)), ("final", final_sent)]
    dues = incident_dues(incident(start_date=start), sent, RULES)
    assert [(d.stage, d.due, d.action) for d in dues] == [("retention", keep, False)]


@pytest.mark.parametrize(("sent_on", "late"), [(D(2026, 11, 25), False), (D(2026, 11, 26), True)])
def test_a_late_report_needs_its_exceptional_circumstances(sent_on, late):
    context = CheckContext(stage="initial", issued_on=sent_on)  # health: 15 days from 10 Nov
    assert ("exceptional_circumstances" in errors(INCIDENT, incident(), context)) is late
    assert errors(INCIDENT, incident(exceptional_circumstances="Outage of our reporting system"), context) == {}


def test_items_not_yet_known_are_recorded_not_left_blank_except_in_the_final_report():
    values = incident(chain_of_events=None)
    assert "chain_of_events" in errors(INCIDENT, values, CheckContext(stage="initial"))
    values["unknown_items"] = ["3"]
    assert errors(INCIDENT, values, CheckContext(stage="initial")) == {}
    final = CheckContext(stage="final", earlier=(("initial", D(2026, 11, 20)),))
    found = errors(INCIDENT, {**values, "resolution_date": "2026-12-01", "root_cause_analysis": "x",
                              "pmm_patterns": "y"}, final)
    assert list(found) == ["chain_of_events"]


def test_reports_come_in_order():
    assert errors(INCIDENT, incident(), CheckContext(stage="intermediate"))[""] == ["Send the initial report first"]
    again = CheckContext(stage="initial", earlier=(("initial", D(2026, 11, 20)),))
    assert "already sent" in errors(INCIDENT, incident(), again)[""][0]


def form_data(kind, values):
    data = {}
    for f in definition(kind).fields().values():
        text = input_text(f, values.get(f.id))
        if text not in ("", []):
            data[f.id] = text
    return data


@pytest.mark.django_db
def test_incident_register_reports_and_action_plan(client, django_user_model, published):
    owner, organisation = make_member(django_user_model, "ines")
    assessment = completed(organisation, owner, "T05")
    client.force_login(owner)
    register = reverse("legal_document", kwargs={"assessment_id": assessment.pk, "kind": INCIDENT})
    assert client.get(register).status_code == 200
    response = client.post(register)
    entry = response["Location"]
    assert entry == reverse("legal_document_entry",
                            kwargs={"assessment_id": assessment.pk, "kind": INCIDENT, "number": 1})
    assert LegalDocument.objects.get(kind=INCIDENT).values["model_involved"] == "Model T05"
    today = dt.date.today()
    aware = (today - dt.timedelta(days=3)).isoformat() + "T08:00"
    values = incident(harm_category=["death"], awareness_datetime=aware)
    assert client.post(entry, {**form_data(INCIDENT, values), "seen_revision": 0}).status_code == 302
    plan = client.get(reverse("action_plan")).content.decode()
    assert f'data-document="serious_incident" data-due="{today + dt.timedelta(days=7):%Y-%m-%d}"' in plan
    response = client.post(entry, {**form_data(INCIDENT, values), "seen_revision": 1, "action": "issue",
                                   "stage": "initial", "issued_on": today.isoformat()})
    assert response.status_code == 302
    issue = DocumentIssue.objects.get()
    assert issue.stage == "initial" and issue.status == "done" and issue.document_json["number"] == 1
    plan = client.get(reverse("action_plan")).content.decode()
    assert f'data-due="{today + dt.timedelta(days=28):%Y-%m-%d}"' in plan and "Intermediate report" in plan
    page = client.get(register).content.decode()
    assert "Initial report (1)" in page
    item = client.get(reverse("gap_item", kwargs={"assessment_id": assessment.pk, "measure": "SS-9.3"}))
    assert 'data-document="serious_incident"' in item.content.decode()


@pytest.mark.django_db
def test_notification_prefilled_and_due_in_the_action_plan(client, django_user_model, published):
    owner, organisation = make_member(django_user_model, "nora")
    assessment = completed(organisation, owner, "T06")  # 3.8e25 FLOP, provider outside the EU
    client.force_login(owner)
    url = reverse("legal_document", kwargs={"assessment_id": assessment.pk, "kind": NOTIFICATION})
    assert client.get(url).status_code == 200
    values = LegalDocument.objects.get(kind=NOTIFICATION).values
    assert (values["compute_mantissa"], values["compute_exponent"], values["established_in_eu"]) == ("3.8", 25, "no")
    refused = client.post(url, {**form_data(NOTIFICATION, notification(established_in_eu="no")), "seen_revision": 0,
                                "action": "issue", "issued_on": dt.date.today().isoformat()})
    assert refused.status_code == 400 and "Authorised representative" in refused.content.decode()
    plan = client.get(reverse("action_plan")).content.decode()
    assert 'data-document="art52_notification" data-due="2026-11-15"' in plan
    page = client.get(url).content.decode()  # the draft was kept; today is past the deadline
    assert "after the two-week deadline of Art. 52(1) (15 November 2026)" in page


@pytest.mark.django_db
def test_issued_documents_show_compute_deadlines_and_unknown_items(django_user_model, published):
    from questionnaire.legal_documents.store import document_for, issue_document, new_numbered_document

    owner, organisation = make_member(django_user_model, "pia")
    assessment = completed(organisation, owner, "T05")
    document = document_for(assessment, NOTIFICATION)
    document.values = notification()
    document.save()
    sent = issue_document(document, stage="send", issued_on=D(2026, 11, 20), user=owner).document_json
    assert sent["summary"] == [{"label": "Estimated cumulative training compute", "text": "3.8 × 10^25 FLOP"}]
    assert sent["deadlines"][0]["due"] == "2026-11-15" and sent["version"] == "Version 1"
    entry = new_numbered_document(assessment, INCIDENT, user=owner)
    entry.values = incident(recommendations_to_authorities=None, unknown_items=["7"])
    entry.save()
    report = issue_document(entry, stage="initial", issued_on=D(2026, 11, 20), user=owner).document_json
    shown = {f["id"]: f["text"] for s in report["sections"] for b in s["blocks"] for f in b["fields"]}
    assert shown["recommendations_to_authorities"] == "Not yet known"
    assert shown["awareness_datetime"] == "10 November 2026, 09:30"
    assert report["version"] == "Initial report (1)"


@pytest.mark.django_db
def test_the_result_page_says_when_the_notification_was_sent(client, django_user_model, published, queued_renders):
    """The result page, as the report, reads the documents recorded as issued (assessments.views names
    legal_documents.store.documents_issued by dotted path: the two features do not import each other)."""
    from questionnaire.legal_documents.store import document_for, issue_document

    owner, organisation = make_member(django_user_model, "rhea")
    assessment = new_assessment(organisation, owner)  # T06, the threshold known on 15 June 2025: notify by 29 June
    answers = {**SCENARIOS["T06"]["answers"], "first_eu_placement_date": "2025-09-01",
               "threshold_known_date": "2025-06-15"}
    save_section(assessment, "all", as_wizard_answers(answers), user=owner, seen_revision=0)
    assessment = complete(assessment, user=owner)
    document = document_for(assessment, NOTIFICATION)
    document.values = notification()
    document.save()
    issue_document(document, stage="send", issued_on=D(2026, 11, 20), user=owner)
    client.force_login(owner)
    page = client.get(reverse("result", kwargs={"assessment_id": assessment.pk})).content.decode()
    assert "sent on 20 November 2026" in page


@pytest.mark.parametrize(("sent_on", "late"), [(D(2026, 11, 15), False), (D(2026, 11, 16), True)])
def test_a_notification_sent_after_two_weeks_is_flagged(sent_on, late):
    findings = check(definition(NOTIFICATION), notification(), CheckContext(stage="send", issued_on=sent_on))
    assert findings.ok
    assert bool(findings.warnings) is late
    if late:
        assert findings.warnings[0][1].startswith("Sending on 16 November 2026 is 1 day after the two-week deadline")
    sent = CheckContext(stage="send", issued_on=sent_on, earlier=(("send", D(2026, 11, 10)),))
    assert check(definition(NOTIFICATION), notification(), sent).warnings == []


@pytest.mark.django_db
def test_a_report_needs_its_kind_and_a_real_past_date(client, django_user_model, published):
    owner, organisation = make_member(django_user_model, "rita")
    assessment = completed(organisation, owner, "T05")
    client.force_login(owner)
    register = reverse("legal_document", kwargs={"assessment_id": assessment.pk, "kind": INCIDENT})
    entry = client.post(register)["Location"]
    data = {**form_data(INCIDENT, incident()), "action": "issue"}
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    page = client.post(entry, {**data, "seen_revision": 0, "issued_on": tomorrow}).content.decode()
    assert "Choose which report this is" in page and "Date sent cannot be in the future" in page
    page = client.post(entry, {**data, "seen_revision": 1, "stage": "initial", "issued_on": "20/11/2026"})
    assert page.status_code == 400 and "Date sent: “20/11/2026” is not a date" in page.content.decode()
    assert not DocumentIssue.objects.exists()
