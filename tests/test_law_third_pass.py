"""The corrections of 2026-12-05 (gpai-reference.md "What changed on 2026-12-05", items 1-12): what a person
reads and what the result JSON carries. The boundaries themselves are table-driven in scenarios/edge_cases.yaml
(run by test_engine_scenarios.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from questionnaire.engine import evaluate, parse_answers

from .conftest import own_scenarios, public_scenarios

SCENARIOS = {c["id"]: c for c in public_scenarios()}
BASE = SCENARIOS["T01"]["answers"]
TODAY = dt.date(2026, 12, 5)
ALWAYS = ("notify_by", "mandate_due", "retention_until")


def run(spec, changes, today=TODAY):
    return evaluate(spec, parse_answers(spec, {**BASE, **changes}), today=today)


@pytest.mark.parametrize("case", public_scenarios() + own_scenarios(), ids=lambda c: c["id"])
def test_the_dated_facts_are_always_in_the_result(spec, case):
    facts = evaluate(spec, parse_answers(spec, case["answers"]), today=TODAY).to_json()["facts"]
    for key in ALWAYS:
        assert key in facts, key
        assert facts[key] is None or dt.date.fromisoformat(facts[key]), (key, facts[key])


def test_the_dated_facts_are_there_for_an_empty_answer_set(spec):
    facts = evaluate(spec, {}, today=TODAY).to_json()["facts"]
    assert {key: facts[key] for key in ALWAYS} == dict.fromkeys(ALWAYS)


def test_a_threshold_known_before_the_rules_applied_is_due_16_august_2025(spec):
    result = run(spec, {"training_compute_flop": 3e25, "threshold_known_date": "2025-06-15"})
    notice = {n.id: n for n in result.notices}["notification_dated"]
    assert notice.date == "2025-08-16"
    assert "16 August 2025" in notice.text and "29 June 2025" not in notice.text


# ---- helpers that render what a person reads: the report's HTML (no PDF), from a scenario's answers

def report_html(spec, changes, *, organisation="Example AI Ltd", today=TODAY, gap=None):
    from questionnaire.assessments.services import build_snapshot
    from questionnaire.engine import canonical_hash
    from questionnaire.reports.pdf import render_html

    answers = parse_answers(spec, {**BASE, **changes})
    result = evaluate(spec, answers, today=today)
    stored = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in answers.items()
              if k in result.visible_questions}
    snapshot = build_snapshot(spec, result, stored, assessment_id="00000000-0000-4000-8000-000000000000",
                              title="v1", organisation=organisation, model="Model X",
                              completed_at=dt.datetime.combine(today, dt.time(10), tzinfo=dt.UTC),
                              completed_by="lena", revision=1)
    if gap is not None:
        snapshot["gap_analysis"] = gap
    return render_html(spec, snapshot, canonical_hash(snapshot), gap_analysis=gap or {})


def text_of(html: str) -> str:
    import re
    from html import unescape

    return re.sub(r"\s+([,.;])", r"\1", re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))))


# ---- item 1 (Guidelines C(2025) 7719), item 10 (Omnibus), wording: sources by name

def test_the_guidelines_are_cited_as_c_2025_7719_and_the_omnibus_as_in_force(spec):
    sources = {s.id: s for s in spec.sources}
    assert "C(2025) 7719" in sources["GUIDELINES"].title and "C(2025) 5045" in sources["GUIDELINES"].title
    assert "C(2025) 7719 of 19 November 2025 (content approved as C(2025) 5045" in spec.rules_note
    assert "in force since 27 July 2026" in spec.rules_note
    assert "not create a presumption of conformity" in spec.rules_note
    assert spec.rulebook_date == "2026-12-05"
    assert sources["COP_FAQ"].confidence == "P" and "at least every two years" in sources["COP_FAQ"].note


def test_report_names_its_sources_never_their_internal_ids(spec):
    text = text_of(report_html(spec, {}))
    sources = text.split("Sources:")[1:]
    assert sources, "no obligation lists its sources"
    for line in sources:
        line = line.split(".", 1)[0]
        for internal in ("AIA", "GUIDELINES", "TEMPLATE", "COP_"):
            assert internal not in line.split("(")[0], line
    assert "Sources: Regulation (EU) 2024/1689 (AI Act), Art. 53(1)(a), Annex XI" in text


@pytest.mark.parametrize(("name", "ends"), [("Acme AI Inc.", "Acme AI Inc."), ("Acme GmbH", "Acme GmbH."),
                                            ("Acme Ltd ", "Acme Ltd."), ("Ask Us?", "Ask Us?")])
def test_a_name_ending_a_sentence_gets_one_full_stop(name, ends):
    from questionnaire.core.display import full_stop

    assert full_stop(name) == ends


# ---- item 2 (the 10^23 criterion on parameter-updating compute) and the walk's compute wording

def test_the_compute_page_asks_for_the_method_once(spec):
    (section,) = [s for s in spec.sections if s.code == "compute"]
    methods = [q.code for q in section.questions if q.text.startswith("How did you")]
    assert methods == ["training_compute_method"]
    codes = [q.code for q in section.questions]
    assert codes.index("planned_training_compute_flop") + 1 == codes.index("planned_cumulative_compute_flop")


@pytest.mark.parametrize(("changes", "says", "never"), [
    ({"training_compute_flop": 7.2e23}, "the compute that updated its parameters, 7.2 × 10^23 FLOP, exceeds 10^23",
     "planned"),
    ({"training_compute_flop": 5e22, "planned_training_compute_flop": 1.2e23},
     "the compute planned to update its parameters, 1.2 × 10^23 FLOP, exceeds 10^23 FLOP (training is not finished",
     "spent"),
    ({"training_compute_flop": 8e22, "cumulative_training_compute_flop": 1.1e23},
     "the compute that updated its parameters, 8 × 10^22 FLOP, does not exceed 10^23 FLOP", "planned"),
])
def test_the_classification_says_planned_only_for_a_model_still_in_training(spec, changes, says, never):
    (reason,) = run(spec, changes).reasons_about("classification")
    assert says in reason.text
    assert never not in reason.text


def test_the_planned_cumulative_figure_standing_in_is_said_and_not_otherwise(spec):
    notices = [n.id for n in run(spec, {"training_compute_flop": 5e22,
                                        "planned_cumulative_compute_flop": 1.5e23}).notices]
    assert "planned_training_not_given" in notices
    for changes in ({"training_compute_flop": 5e22, "planned_training_compute_flop": 9e22,
                     "planned_cumulative_compute_flop": 1.5e23},
                    {"training_compute_flop": 3e24, "planned_cumulative_compute_flop": 2e25}):
        assert "planned_training_not_given" not in [n.id for n in run(spec, changes).notices]


@pytest.mark.parametrize(("method", "words"), [
    ("measured", "counted or logged by the training software"), ("hardware", "hardware-based estimate"),
    ("architecture", "6 × parameters × training tokens"), (None, "the method you used")])
def test_the_notification_states_the_one_method_answered(spec, method, words):
    (reason,) = run(spec, {"training_compute_flop": 3.8e25, "training_compute_method": method}).reasons_about(
        "ART52_1_NOTIFY")
    assert words in reason.text


# ---- items 3 and 4: modified systemic-risk models, modifications over 10^25

MODIFIER = {"role": "downstream_modifier", "base_model_is_gpai": True}


def page_of(spec, result, today=TODAY):
    from questionnaire.assessments.presenters import result_page

    return result_page(spec, {"result": result.to_json(), "answers": {}}, today=today)


def test_a_significant_change_below_a_third_of_a_systemic_model_is_presumed_and_put_to_counsel(spec):
    result = run(spec, {**MODIFIER, "base_model_is_systemic": True, "base_model_compute_flop": 1.5e25,
                        "modification_compute_flop": 1e24, "modification_significant_change": True})
    (notify,) = result.reasons_about("ART52_1_NOTIFY")
    assert "para 67" in notify.text and "counsel should confirm" in notify.text
    assert "your modification's compute, 1.0 × 10^24 FLOP, and the original model's compute, 1.5 × 10^25 FLOP" \
        in notify.text
    (flag,) = [f for f in page_of(spec, result)["flags"]
               if f["flag"].id == "MODIFIER_SIGNIFICANT_CHANGE_BELOW_INDICATIVE"]
    assert "presumed to have systemic risk too" in flag["explanation"] and "{" not in flag["explanation"]


def test_a_significant_change_to_a_model_without_systemic_risk_says_nothing_of_a_presumption(spec):
    result = run(spec, {**MODIFIER, "base_model_is_systemic": False, "base_model_compute_flop": 6e24,
                        "modification_compute_flop": 1e22, "modification_significant_change": True})
    (flag,) = [f for f in page_of(spec, result)["flags"]]
    assert "presumed" not in flag["explanation"] and "{" not in flag["explanation"]


def test_the_notification_of_an_undisclosed_base_names_the_fallback(spec):
    result = run(spec, {**MODIFIER, "base_model_is_systemic": True, "modification_compute_flop": 4e24})
    (notify,) = result.reasons_about("ART52_1_NOTIFY")
    assert "your modification's compute, 4.0 × 10^24 FLOP, and the original model's compute, not known (the " \
           "fallback threshold of one third of 10^25 FLOP was used" in notify.text


def test_a_modification_alone_over_1e25_is_presumed_on_its_own_compute(spec):
    result = run(spec, {**MODIFIER, "base_model_is_systemic": False, "base_model_compute_flop": 9e24,
                        "modification_compute_flop": 1.2e25})
    (notify,) = result.reasons_about("ART52_1_NOTIFY")
    assert "your modification alone used 1.2 × 10^25 FLOP, more than 10^25 FLOP" in notify.text
    assert "recital 111" in notify.text


def test_the_combined_compute_case_gives_both_figures(spec):
    result = run(spec, {**MODIFIER, "base_model_is_systemic": False, "base_model_compute_flop": 9e24,
                        "modification_compute_flop": 4e24})
    (notify,) = result.reasons_about("ART52_1_NOTIFY")
    assert "the combined compute, 1.3 × 10^25 FLOP (the original model's 9.0 × 10^24 FLOP and your " \
           "modification's 4.0 × 10^24 FLOP)" in notify.text


# ---- item 5: integrators' own use

def test_an_integrator_treated_as_provider_for_its_own_use_is_told_why(spec):
    result = run(spec, {"role": "integrator", "eu_excluded_clearly": True, "eu_market_placement": "no",
                        "internal_use": "internal_essential_or_rights_affecting"})
    (role,) = result.reasons_about("role_outcome")
    assert "put a system built on it into service in the EU for your own use" in role.text
    (flag,) = result.reasons_about("INTEGRATOR_TREATED_AS_MODEL_PROVIDER")
    assert "into service in the EU for your own use" in flag.text and "recital 97" in flag.text
    (documentation,) = result.reasons_about("ART53_1_A")
    assert documentation.text.startswith("You are treated as the provider of a general-purpose AI model")
    placed = run(spec, {"role": "integrator", "eu_excluded_clearly": True})
    (role,) = placed.reasons_about("role_outcome")
    assert "you place a product built on it on the EU market" in role.text


# ---- item 6 (reassessment only after Art. 52(4)) and item 7 (notification dates from 2 August 2025)

def test_a_notification_due_before_the_rules_applied_reads_16_august_2025_and_why(spec):
    result = run(spec, {"training_compute_flop": 3e25, "threshold_known_date": "2025-06-15",
                        "first_eu_placement_date": "2025-10-01"})
    (notice,) = [n for n in result.notices if n.id == "notification_dated"]
    assert "Notify the Commission by 16 August 2025: two weeks after 2 August 2025" in notice.text
    assert "on 15 June 2025" in notice.text and "Guidelines §5.3" in notice.text
    later = run(spec, {"training_compute_flop": 3e25, "threshold_known_date": "2026-11-20"})
    (notice,) = [n for n in later.notices if n.id == "notification_dated"]
    assert "by 4 December 2026: two weeks after 20 November 2026, when the threshold was met" in notice.text


def test_a_designation_after_a_missed_notification_shows_it_missed_not_as_a_step(spec):
    result = run(spec, {"training_compute_flop": 3e25, "commission_designated": True,
                        "designation_date": "2026-03-01", "threshold_known_date": "2025-06-01"})
    ids = [n.id for n in result.notices]
    assert "notification_missed" in ids and "notification_dated" not in ids and "notification_undated" not in ids
    (missed,) = [n for n in result.notices if n.id == "notification_missed"]
    assert "The notification was due by 16 August 2025" in missed.text and "overdue" in missed.text
    assert "notify" not in result.next_steps and "notification_missed" in result.next_steps
    (reason,) = result.reasons_about("ART52_1_NOTIFY")
    assert "The notification was missed" in reason.text
    (flag,) = result.reasons_about("DESIGNATED_ART52_4")
    assert "Art. 52(1), last sentence" in flag.text and "none is shown" in flag.text
    assert "reassessment_request_earliest" not in result.deadlines


def test_a_designation_on_annex_xiii_offers_reassessment_with_its_conditions(spec):
    result = run(spec, {"training_compute_flop": 8e24, "commission_designated": True, "designation_date": "2026-03-01"})
    assert result.deadlines["reassessment_request_earliest"] == "2026-09-01"
    (flag,) = result.reasons_about("DESIGNATED_ART52_4")
    assert "Annex XIII" in flag.text and "new reasons" in flag.text
    dated = ("notification_dated", "notification_undated", "notification_missed")
    assert not [n for n in result.notices if n.id in dated]
    (deadline,) = [d for d in spec.deadlines if d.key == "reassessment_request_earliest"]
    assert "new reasons" in deadline.explanation


# ---- item 8: no "must appoint a representative" where Art. 54(6) exempts; ruled-out lists say why

FOSS_NON_EU = {"provider_established_in_eu": False, "licence_type": "foss", "weights_public": True,
               "architecture_info_public": True, "usage_info_public": True, "monetised": False}


@pytest.mark.django_db
def test_an_exempt_non_eu_open_source_model_is_never_told_to_appoint_a_representative(spec, published):
    import re

    page = page_of(spec, run(spec, FOSS_NON_EU))
    html = report_html(spec, FOSS_NON_EU)
    text = text_of(html)
    assert not re.search(r"must (be )?appoint", text, re.IGNORECASE), re.findall(r".{80}must (?:be )?appoint.{9}", text)
    assert "Art. 54 Authorised representative in the EU: Not required (Art. 54(6)), unless the model has systemic " \
           "risk" in text
    (art54,) = [r for r in page["ruled_out"] if [o.id for o in r["obligations"]] == ["ART54"]]
    assert art54["why"][0].startswith("Not required (Art. 54(6)), unless the model has systemic risk")
    for d in page["deadlines"]:
        assert "representative" not in d.explanation, d.explanation


@pytest.mark.parametrize(("changes", "obligation", "why"), [
    ({}, "ART54", "Not required: your organisation is established in the EU"),
    ({}, "ART52_1_NOTIFY", "Not required: the cumulative training compute, spent or planned, 6.3 × 10^24 FLOP, does "
                           "not exceed 10^25 FLOP"),
    ({}, "ART55_1_A", "Not applicable: the model has no systemic risk"),
    ({}, "ART54_3_A", "tasks of an authorised representative"),
    (FOSS_NON_EU, "ART53_1_A", "Not required (Art. 53(2)), unless the model has systemic risk"),
    ({"training_compute_flop": 1.2e25, "art52_2_arguments": "accepted"}, "ART52_1_NOTIFY",
     "the Commission accepted your arguments"),
])
def test_every_ruled_out_duty_says_why_it_does_not_apply(spec, changes, obligation, why):
    from questionnaire.assessments.presenters import ruled_out

    result = run(spec, changes)
    reasons = {r["obligation"].id: r["why"] for r in ruled_out(spec, result.to_json())}
    assert obligation in reasons and why in " ".join(reasons[obligation]), reasons.get(obligation)


def test_no_fact_label_reads_as_an_instruction(spec):
    import re

    for fact in spec.facts:
        if fact.type == "bool":
            assert not re.search(r"\bmust\b", fact.label), fact.name


# ---- item 9: AI systems on the provider's own model (Art. 75(1)(a))

@pytest.mark.parametrize(("answer", "shown"), [(True, True), (False, False), (None, False)])
def test_a_provider_offering_systems_on_its_own_model_is_told_who_supervises_them(spec, answer, shown):
    result = run(spec, {"provides_ai_system_on_own_model": answer})
    notices = {n.id: n for n in result.notices}
    assert ("own_system_supervision" in notices) is shown
    if shown:
        text = notices["own_system_supervision"].text
        for words in ("Art. 75(1)(a)", "Regulation (EU) 2026/1744", "27 July 2026", "Annex I", "Annex III point 2",
                      "law-enforcement", "financial-supervision"):
            assert words in text, words
    assert result.obligations == run(spec, {}).obligations


def test_the_own_system_question_is_not_asked_of_a_deployer(spec):
    result = run(spec, {"role": "deployer_only", "provides_ai_system_on_own_model": True})
    assert "provides_ai_system_on_own_model" not in result.visible_questions
    assert "own_system_supervision" not in [n.id for n in result.notices]


# ---- item 12: signing the Code (the Commission's FAQ) on the result, the report and the gap analysis

def test_the_result_says_what_signing_means_for_each_status_once(spec):
    from questionnaire.assessments.presenters import result_page

    result = run(spec, {"cop_signatory_chapters": ["transparency"]})
    page = result_page(spec, {"result": result.to_json(), "answers": {"cop_signatory_chapters": ["transparency"]}},
                       today=TODAY)
    by_status = {s["status"]: s for s in page["signing"]["by_status"]}
    assert set(by_status) == {"signed", "not_signing"}
    assert by_status["signed"]["chapters"] == "Transparency"
    signed, not_signing = by_status["signed"]["text"], by_status["not_signing"]["text"]
    for words in ("does not change your legal obligations", "good faith", "Commitment 6", "withdraw",
                  "opting out of a chapter loses its benefit"):
        assert words in signed, words
    for words in ("report to the AI Office the measures", "explain how they comply", "gap analysis",
                  "more requests for information and evaluations", "Signatory Form", "authority to bind",
                  "no deadline"):
        assert words in not_signing, words
    assert "at least every two years" in page["signing"]["review"]
    (optional,) = page["signing"]["optional"]
    assert "neither develops nor intends to develop a model with systemic risk" in optional
    assert "naming the models" in optional


def test_a_systemic_risk_model_is_not_offered_the_optional_chapter(spec):
    from questionnaire.assessments.presenters import result_page

    result = run(spec, {"training_compute_flop": 3.8e25})
    page = result_page(spec, {"result": result.to_json(), "answers": {}}, today=TODAY)
    assert page["signing"]["optional"] == []
    assert [s["status"] for s in page["signing"]["by_status"]] == ["not_signing"]


def test_a_chapter_one_intends_to_sign_says_how_to_sign(spec):
    from questionnaire.core.signatory import signing_texts

    (text,) = signing_texts(spec, [("Copyright", "intends_to_sign")])
    assert "Signatory Form" in text["text"] and "no deadline" in text["text"] and "listed publicly" in text["text"]


def test_the_report_shows_good_faith_beside_a_signatory_s_partly_implemented_measure(spec):
    gap = {"TR-1.1": {"status": "partially_implemented", "status_label": "Partially implemented"},
           "CR-1.1": {"status": "partially_implemented", "status_label": "Partially implemented"},
           "TR-1.2": {"status": "implemented", "status_label": "Implemented"}}
    html = report_html(spec, {"cop_signatory_chapters": ["transparency"]}, gap=gap)
    text = text_of(html)
    assert html.count("data-good-faith") == 1  # TR-1.1 only: Transparency is signed, Copyright is not
    tr11 = text.split("TR-1.1 ", 1)[1].split("TR-1.2 ", 1)[0]
    assert "Partly implemented by a signatory: not necessarily a breach of the Code" in tr11
    assert "Signing the Code" in text and "at least every two years" in text


# ---- the walk: "I don't know" for a third party's EU product, treated carefully and said so

def test_not_knowing_about_a_third_party_product_is_the_careful_reading_and_said(spec):
    unknown = run(spec, {"eu_market_placement": "no", "integrated_into_eu_product_by_third_party": "unknown"})
    assert unknown.classification == "GPAI_MODEL"
    (notice,) = [n for n in unknown.notices if n.id == "third_party_integration_unknown"]
    assert "careful reading" in notice.text and "Guidelines §3.1.3" in notice.text
    offered = run(spec, {"integrated_into_eu_product_by_third_party": "unknown"})
    assert "third_party_integration_unknown" not in [n.id for n in offered.notices]  # placed anyway


@pytest.mark.parametrize(("value", "parsed"), [("unknown", "unknown"), ("Unknown", "unknown"), (True, True),
                                               ("no", False), (None, None)])
def test_the_third_answer_is_accepted_only_where_offered(spec, value, parsed):
    from questionnaire.engine import AnswerError

    answers = parse_answers(spec, {"integrated_into_eu_product_by_third_party": value})
    assert answers["integrated_into_eu_product_by_third_party"] == parsed
    with pytest.raises(AnswerError) as error:
        parse_answers(spec, {"eu_excluded_clearly": "unknown"})
    assert error.value.code == "eu_excluded_clearly"


def test_the_wizard_offers_i_don_t_know_and_keeps_it(spec):
    from questionnaire.assessments.forms import answers_to_form_data, section_form_class

    form_class = section_form_class(spec, "market")
    field = form_class.base_fields["integrated_into_eu_product_by_third_party"]
    assert [v for v, _ in field.choices] == ["yes", "no", "unknown"]
    assert dict(field.choices)["unknown"] == "I don't know"
    assert [v for v, _ in form_class.base_fields["eu_excluded_clearly"].choices] == ["yes", "no"]
    data = answers_to_form_data(form_class, "market", {"integrated_into_eu_product_by_third_party": "unknown",
                                                       "eu_excluded_clearly": False})
    assert data["market-integrated_into_eu_product_by_third_party"] == "unknown"
    assert data["market-eu_excluded_clearly"] == "no"
    form = form_class(data=data, prefix="market", shown={"integrated_into_eu_product_by_third_party",
                                                         "eu_excluded_clearly"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["integrated_into_eu_product_by_third_party"] == "unknown"
    assert form.cleaned_data["eu_excluded_clearly"] is False


def test_the_answer_reads_i_don_t_know(spec):
    from questionnaire.core.display import display_answer

    question = spec.questions["integrated_into_eu_product_by_third_party"]
    assert display_answer(question, "unknown") == "I don't know" and display_answer(question, True) == "Yes"


# ---- the new questions and answers through the wizard: the same result as assess, and the pages read the law

EDGES = {c["id"]: c for c in own_scenarios()}


@pytest.mark.django_db
@pytest.mark.parametrize(("case_id", "must_read"), [
    ("NOTIFY-KNOWN-BEFORE-CH5", ["The notification was due by 16 August 2025: two weeks after 2 August 2025"]),
    ("MANDATE-NON-EU-OPEN-SOURCE-EXEMPT", ["What does not apply, and why",
                                           "Not required (Art. 54(6)), unless the model has systemic risk"]),
    ("SR-BASE-KNOWN-BELOW-THIRD-SIGNIFICANT", ["presumed to have systemic risk too", "para 67"]),
    ("INTEGRATOR-OWN-USE-ESSENTIAL", ["into service in the EU for your own use"]),
    ("CRITERION-PLANNED-UPDATES-ABOVE", ["the compute planned to update its parameters"]),
    ("THIRD-PARTY-UNKNOWN", ["Assumed placed on the EU market"]),
])
def test_the_corrected_cases_through_the_wizard(client, django_user_model, published, spec, case_id, must_read):
    import re
    from html import unescape

    from .factories import make_member, new_assessment
    from .wizard_driver import complete_through_wizard

    user, organisation = make_member(django_user_model, "walker")
    client.force_login(user)
    answers = EDGES[case_id]["answers"]
    html = unescape(complete_through_wizard(client, new_assessment(organisation, user), answers, spec).content.decode())
    expected = evaluate(spec, parse_answers(spec, answers), today=dt.date.today())
    assert f'data-classification="{expected.classification}"' in html
    assert re.findall(r'data-obligation="(\w+)"', html) == list(expected.obligations)
    for words in must_read:
        assert words in re.sub(r"\s+", " ", html), words
    assert not re.search(r"must (be )?appoint", html, re.IGNORECASE) or "ART54" in expected.obligations
