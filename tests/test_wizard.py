"""The wizard end to end through the test client: scenarios, resume, hiding, bad input, concurrency."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from questionnaire.engine import check_answers, evaluate, parse_answers
from questionnaire.models import AnswerRevision, Assessment

from .conftest import public_scenarios
from .factories import make_member, new_assessment
from .wizard_driver import complete_through_wizard, post_section

pytestmark = pytest.mark.django_db
SCENARIOS = {c["id"]: c for c in public_scenarios()}


@pytest.mark.parametrize("scenario_id", sorted(SCENARIOS))
def test_complete_assessment_gives_the_scenario_result(client, owner, organisation, spec, scenario_id):
    user = owner
    client.force_login(user)
    case = SCENARIOS[scenario_id]
    assessment = new_assessment(organisation, user)
    answers = dict(case["answers"])
    refused = [p for p in check_answers(spec, parse_answers(spec, answers), dt.date.today()) if p.refuse]
    if refused:
        # a contradictory answer set (S54: cumulative typed below training compute) is refused at the field;
        # the user corrects it (leaves the field empty) and gets the result the law gives for the larger figure
        for problem in refused:
            answers[problem.fields[0]] = None
    page = complete_through_wizard(client, assessment, answers, spec)
    html = page.content.decode()
    expected = case["expected"]
    assert f'data-classification="{expected["classification"]}"' in html
    shown = re.findall(r'data-obligation="(\w+)"', html)
    if "obligations" in expected:
        assert shown == expected["obligations"]
    else:  # not given in the scenario: the engine's own result for the same answers
        assert shown == list(evaluate(spec, parse_answers(spec, answers), dt.date.today()).obligations)
    assessment.refresh_from_db()
    assert assessment.is_completed
    assert assessment.snapshot["result"]["classification"] == expected["classification"]
    assert assessment.snapshot_hash.startswith("sha256:")
    assert assessment.snapshot["questionnaire"]["version"] == assessment.questionnaire_version.label


def test_every_step_is_saved_with_history(client, owner, organisation, spec):
    user = owner
    client.force_login(user)
    assessment = new_assessment(organisation, user)
    response = post_section(client, assessment, "role", {"role": "developer"}, spec)
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.answers == {"role": "developer"}
    revision = AnswerRevision.objects.get(assessment=assessment)
    assert (revision.question_code, revision.old_value, revision.new_value, revision.user) == (
        "role", None, "developer", user)


def first_sections_saved(client, owner, organisation, spec):
    """A new assessment whose first three sections were saved through the wizard with T01's answers, the owner
    signed in."""
    user = owner
    client.force_login(user)
    assessment = new_assessment(organisation, user)
    for section in ("role", "organisation", "market"):
        post_section(client, assessment, section, SCENARIOS["T01"]["answers"], spec)
    return assessment


def test_resume_lands_on_first_unanswered_section_after_signing_in_again(client, owner, organisation, spec):
    user = owner
    assessment = first_sections_saved(client, owner, organisation, spec)
    client.logout()
    client.force_login(user)
    response = client.get(reverse("resume", kwargs={"assessment_id": assessment.pk}))
    assert response["Location"].endswith("/step/placement_date/")
    page = client.get(reverse("wizard_step", kwargs={"assessment_id": assessment.pk, "step": "market"}))
    assert 'value="yes" checked' in page.content.decode().replace('checked=""', "checked") or \
        re.search(r'value="yes"[^>]*checked', page.content.decode())


def test_changing_an_early_answer_hides_later_questions(client, owner, organisation, spec):
    user = owner
    client.force_login(user)
    assessment = new_assessment(organisation, user)
    answers = SCENARIOS["T01"]["answers"]
    for step in ("role", "organisation", "market", "placement_date", "research", "compute"):
        post_section(client, assessment, step, answers, spec)
    post_section(client, assessment, "role", {"role": "deployer_only"}, spec)
    assessment.refresh_from_db()
    assert assessment.answers["training_compute_flop"] == pytest.approx(6.3e24)  # kept, but it no longer counts
    response = client.get(reverse("resume", kwargs={"assessment_id": assessment.pk}))
    assert response["Location"].endswith("/check/")
    page = client.get(response["Location"]).content.decode()
    assert 'data-question="training_compute_flop"' not in page
    assert 'data-preview-classification="OUT_OF_SCOPE"' in page
    hidden = client.get(reverse("wizard_step", kwargs={"assessment_id": assessment.pk, "step": "compute"}))
    assert hidden.status_code == 302


@pytest.mark.parametrize(
    ("step", "field", "value", "message"),
    [
        ("compute", "training_compute_flop", "lots of compute", "is not a number of FLOP"),
        ("placement_date", "first_eu_placement_date", "01/10/2025", "Enter a real date as YYYY-MM-DD"),
        ("market", "eu_market_placement", "", "Select an answer"),
    ],
)
def test_bad_input_shows_a_message_and_keeps_other_answers(client, owner, organisation, spec, step, field, value,
                                                           message):
    user = owner
    client.force_login(user)
    assessment = new_assessment(organisation, user)
    answers = dict(SCENARIOS["T01"]["answers"])
    for s in ("role", "organisation", "market", "placement_date", "research", "compute"):
        post_section(client, assessment, s, answers, spec)
    assessment.refresh_from_db()
    before = dict(assessment.answers)
    response = post_section(client, assessment, step, {**answers, field: value}, spec)
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and message in html
    assert f'href="#id_{step}-{field}' in html  # the error summary links to the field
    assessment.refresh_from_db()
    assert assessment.answers == before


def test_second_concurrent_save_is_refused_and_input_kept(client, owner, organisation, spec, django_user_model):
    user = owner
    colleague, _ = make_member(django_user_model, "carl", role=Role.EDITOR, organisation=organisation)
    client.force_login(user)
    assessment = new_assessment(organisation, user)
    post_section(client, assessment, "role", {"role": "developer"}, spec)
    assessment.refresh_from_db()
    seen = assessment.revision
    from django.test import Client

    other = Client()
    other.force_login(colleague)
    post_section(other, assessment, "organisation", {"places_under_own_name": True,
                                                     "provider_established_in_eu": True, "sme_or_smc": False}, spec)
    response = post_section(client, assessment, "organisation", {"places_under_own_name": True,
                                                                 "provider_established_in_eu": False,
                                                                 "sme_or_smc": True}, spec, seen_revision=seen)
    assert response.status_code == 409
    html = response.content.decode()
    assert "There is a problem" in html and "carl changed" in html and "were not saved" in html
    assert re.search(r'value="no"[^>]*checked', html.split('data-question="provider_established_in_eu"')[1])
    assessment.refresh_from_db()
    assert assessment.answers["provider_established_in_eu"] is True


def test_refused_post_answers_400_with_the_error_at_the_field_and_nothing_saved(client, owner, organisation, spec):
    user = owner
    client.force_login(user)
    assessment = new_assessment(organisation, user)
    post_section(client, assessment, "role", {"role": "developer"}, spec)
    assessment.refresh_from_db()
    before, revision = dict(assessment.answers), assessment.revision
    response = post_section(client, assessment, "organisation", {"places_under_own_name": True,
                                                                 "provider_established_in_eu": "maybe"}, spec)
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and 'href="#id_organisation-provider_established_in_eu' in html
    field = html.split('data-question="provider_established_in_eu"')[1].split('data-question="')[0]
    assert '<p class="field-error" id="id_organisation-provider_established_in_eu-error">' in field
    assert re.search(r'value="yes"[^>]*checked', html.split('data-question="places_under_own_name"')[1])  # kept
    assessment.refresh_from_db()
    assert (assessment.answers, assessment.revision) == (before, revision)
    assert AnswerRevision.objects.filter(assessment=assessment).count() == 1


def test_a_post_for_another_section_than_the_page_is_refused(client, owner, organisation, spec):
    user = owner
    client.force_login(user)
    assessment = new_assessment(organisation, user)
    url = reverse("wizard_step", kwargs={"assessment_id": assessment.pk, "step": "role"})
    for posted in ("organisation", "no_such_section"):
        response = client.post(url, {f"assessment-{assessment.pk}-current_step": posted, "seen_revision": "0",
                                     "role-role": "developer", f"{posted}-places_under_own_name": "yes"})
        assert response.status_code == 400, posted
    assessment.refresh_from_db()
    assert assessment.answers == {}


def test_the_wizard_storage_reads_and_saves_the_answers_with_history(rf, owner, organisation, spec):
    from questionnaire.assessments.wizard import AnswersStorage, AssessmentAnswers

    user = owner
    assessment = new_assessment(organisation, user)
    request = rf.post("/", {"seen_revision": "0"})
    request.user = user
    storage = AnswersStorage(f"assessment-{assessment.pk}", request)
    storage.store, storage.spec = AssessmentAnswers(request, assessment), spec
    assert storage.get_step_data("role") == {}
    storage.set_step_data("role", {"role": "developer"})
    assert Assessment.objects.get(pk=assessment.pk).answers == {"role": "developer"}
    revision = AnswerRevision.objects.get(assessment=assessment)
    assert (revision.question_code, revision.new_value, revision.user) == ("role", "developer", user)
    assert list(storage.get_step_data("role").lists()) == [("role-role", ["developer"])]
    assert storage.get_step_data("no_such_section") is None


@pytest.mark.parametrize(("role", "then"), [("deployer_only", "check"), ("developer", "organisation")])
def test_sections_shown_follow_the_answer_just_saved(client, owner, organisation, spec, role, then):
    """The next page is chosen from the sections shown after the save, in the same request: changing the first
    answer hides every later section (straight to the check page) or shows them again (on to the next one)."""
    assessment = first_sections_saved(client, owner, organisation, spec)
    post_section(client, assessment, "role", {"role": "developer" if role == "deployer_only" else "deployer_only"},
                 spec)
    response = post_section(client, assessment, "role", {"role": role}, spec)
    assert response.status_code == 302
    expected = (reverse("check_answers", kwargs={"assessment_id": assessment.pk}) if then == "check" else
                reverse("wizard_step", kwargs={"assessment_id": assessment.pk, "step": then}))
    assert response["Location"] == expected


def at_compute_section(client, owner, organisation, spec):
    """A draft answered up to the compute section (T01's answers): (assessment, the compute section's URL)."""
    user = owner
    client.force_login(user)
    assessment = new_assessment(organisation, user)
    for s in ("role", "organisation", "market", "placement_date", "research"):
        post_section(client, assessment, s, SCENARIOS["T01"]["answers"], spec)
    return assessment, reverse("wizard_step", kwargs={"assessment_id": assessment.pk, "step": "compute"})


def test_estimator_without_javascript(client, owner, organisation, spec):
    assessment, url = at_compute_section(client, owner, organisation, spec)
    base = {f"assessment-{assessment.pk}-current_step": "compute", "seen_revision": "0",
            "estimate-training_compute_flop-parameters": "70 billion",
            "estimate-training_compute_flop-tokens": "15T"}
    response = client.post(url, {**base, "estimate": "training_compute_flop|architecture"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "6.3 × 10^24 FLOP" in html and "There is a problem" not in html
    # one round trip (#27): "Calculate" puts the estimate and its method in the answer, to check and save
    used = html
    assert 'value="6.30e24"' in used and "put in the answer above" in used
    method = used.split('data-question="training_compute_method"')[1].split("</fieldset>")[0]
    assert re.search(r'value="architecture"[^>]*checked', method)  # how the figure was arrived at
    assessment.refresh_from_db()
    assert "training_compute_flop" not in assessment.answers  # calculating does not save


@pytest.mark.parametrize(("inputs", "field"), [
    ({"parameters": "lots", "tokens": "15T"}, "parameters"),
    ({"parameters": "7B", "tokens": "0"}, "tokens"),
])
def test_estimator_errors_attach_to_their_field(client, owner, organisation, spec, inputs, field):
    assessment, url = at_compute_section(client, owner, organisation, spec)
    html = client.post(url, {f"assessment-{assessment.pk}-current_step": "compute", "seen_revision": "0",
                             "estimate": "training_compute_flop|architecture",
                             **{f"estimate-training_compute_flop-{k}": v for k, v in inputs.items()}}).content.decode()
    error_id = f"estimate-training_compute_flop-{field}-error"
    assert f'<p class="field-error" id="{error_id}">' in html
    assert re.search(rf'id="estimate-training_compute_flop-{field}"[^>]*aria-describedby="{error_id}"', html)


def test_change_from_check_your_answers_returns_there(client, owner, organisation, spec):
    user = owner
    client.force_login(user)
    assessment = new_assessment(organisation, user)
    answers = SCENARIOS["T01"]["answers"]
    post_section(client, assessment, "role", answers, spec)
    post_section(client, assessment, "organisation", answers, spec)
    check = client.get(reverse("check_answers", kwargs={"assessment_id": assessment.pk})).content.decode()
    change = re.search(r'href="([^"]*/step/organisation/\?return=check)#field-sme_or_smc"', check).group(1)
    page = client.get(change).content.decode()
    assert '<input type="hidden" name="return_to" value="check">' in page
    assessment.refresh_from_db()
    response = client.post(change.split("?")[0], {
        f"assessment-{assessment.pk}-current_step": "organisation", "seen_revision": str(assessment.revision),
        "return_to": "check", "organisation-places_under_own_name": "yes",
        "organisation-provider_established_in_eu": "yes", "organisation-sme_or_smc": "yes"})
    assert response.status_code == 302
    assert response["Location"] == reverse("check_answers", kwargs={"assessment_id": assessment.pk})
    assessment.refresh_from_db()
    assert assessment.answers["sme_or_smc"] is True


def test_progress_counts_every_section_that_can_still_apply(client, owner, organisation, spec):
    user = owner
    client.force_login(user)
    assessment = new_assessment(organisation, user)
    html = client.get(reverse("wizard_step", kwargs={"assessment_id": assessment.pk, "step": "role"})).content.decode()
    assert f"Section 1 of {len(spec.sections)}<" in html  # nothing is ruled out yet (#27: it used to grow)
    assert "the number may shrink" in html


def test_viewer_cannot_edit(client, owner, organisation, spec, django_user_model):
    user = owner
    viewer, _ = make_member(django_user_model, "vera", role=Role.VIEWER, organisation=organisation)
    assessment = new_assessment(organisation, user)
    client.force_login(viewer)
    url = reverse("wizard_step", kwargs={"assessment_id": assessment.pk, "step": "role"})
    assert client.get(url).status_code == 403
    assert client.post(url, {"role-role": "developer"}).status_code == 403
    assert client.post(reverse("complete", kwargs={"assessment_id": assessment.pk})).status_code == 403
    assert client.get(reverse("check_answers", kwargs={"assessment_id": assessment.pk})).status_code == 200


def test_other_organisation_gets_404_everywhere(client, owner, organisation, spec, django_user_model):
    user = owner
    client.force_login(user)
    assessment = new_assessment(organisation, user)
    complete_through_wizard(client, assessment, SCENARIOS["T01"]["answers"], spec)
    stranger, _ = make_member(django_user_model, "mallory")
    client.force_login(stranger)
    pk = assessment.pk
    urls = [reverse(name, kwargs={"assessment_id": pk}) for name in
            ("resume", "check_answers", "result", "export_json", "export_csv", "history")]
    urls.append(reverse("wizard_step", kwargs={"assessment_id": pk, "step": "role"}))
    urls.append(reverse("model_detail", kwargs={"model_id": assessment.ai_model_id}))
    urls.append(reverse("compare", kwargs={"assessment_id": pk, "other_id": pk}))
    for url in urls:
        assert client.get(url).status_code == 404, url
    for name in ("complete", "copy"):
        assert client.post(reverse(name, kwargs={"assessment_id": pk})).status_code == 404, name


def test_anonymous_is_sent_to_sign_in(client, owner, organisation):
    user = owner
    assessment = new_assessment(organisation, user)
    response = client.get(reverse("wizard_step", kwargs={"assessment_id": assessment.pk, "step": "role"}))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_reassessment_copy_and_compare(client, owner, organisation, spec):
    user = owner
    client.force_login(user)
    first = new_assessment(organisation, user)
    complete_through_wizard(client, first, SCENARIOS["T01"]["answers"], spec)
    response = client.post(reverse("copy", kwargs={"assessment_id": first.pk}), {"title": "v2"})
    second = Assessment.objects.exclude(pk=first.pk).get()
    assert response["Location"].endswith(f"/assessments/{second.pk}/check/")
    assert second.based_on == first and second.title == "v2"
    post_section(client, second, "compute", {**SCENARIOS["T01"]["answers"], "training_compute_flop": 3.8e25}, spec)
    complete_through_wizard(client, second, {**SCENARIOS["T01"]["answers"], "training_compute_flop": 3.8e25}, spec)
    page = client.get(reverse("compare", kwargs={"assessment_id": first.pk, "other_id": second.pk}))
    html = page.content.decode()
    assert "General-purpose AI model with systemic risk" in html
    assert 'data-added="ART55_1_A"' in html and 'data-added="ART52_1_NOTIFY"' in html


def test_exports(client, owner, organisation, spec):
    user = owner
    client.force_login(user)
    assessment = new_assessment(organisation, user)
    complete_through_wizard(client, assessment, SCENARIOS["T17"]["answers"], spec)
    data = client.get(reverse("export_json", kwargs={"assessment_id": assessment.pk})).json()
    assert data["result"]["obligations"][-1] == "ART54"
    assert data["snapshot_hash"] == Assessment.objects.get().snapshot_hash
    csv_text = client.get(reverse("export_csv", kwargs={"assessment_id": assessment.pk})).content.decode()
    assert "obligation,ART54" in csv_text and "answer,role" in csv_text


def _scaled_step_queries(client, assessment, step):
    url = reverse("wizard_step", kwargs={"assessment_id": assessment.pk, "step": step})
    with CaptureQueriesContext(connection) as get_queries:
        assert client.get(url).status_code == 200
    return len(get_queries)


def test_query_count_per_wizard_page_is_constant(client, owner, organisation, spec):
    user = owner
    client.force_login(user)
    assessment = new_assessment(organisation, user)
    answers = SCENARIOS["T01"]["answers"]
    for s in ("role", "organisation", "market"):
        post_section(client, assessment, s, answers, spec)
    client.get(reverse("wizard_step", kwargs={"assessment_id": assessment.pk, "step": "role"}))  # warm caches
    counts = {step: _scaled_step_queries(client, assessment, step) for step in ("role", "organisation", "market")}
    assert len(set(counts.values())) == 1, counts
    assert max(counts.values()) <= 6, counts


def test_query_count_does_not_grow_with_ten_times_the_questions(client, owner, organisation, spec, settings):
    """A wizard page, the check page and the result page take as many queries on a questionnaire with 10×
    the questions as on the real one."""
    import yaml

    from questionnaire.authoring.content import create_draft, publish
    from questionnaire.engine import build_spec

    from .factories import scaled_content

    user = owner
    client.force_login(user)

    def page_queries(assessment):
        counts = {}
        for name, url in (
            ("step", reverse("wizard_step", kwargs={"assessment_id": assessment.pk, "step": "market"})),
            ("check", reverse("check_answers", kwargs={"assessment_id": assessment.pk})),
        ):
            client.get(url)  # warm the per-version caches
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counts[name] = len(queries)
        return counts

    small = new_assessment(organisation, user, name="small")
    for s in ("role", "organisation"):
        post_section(client, small, s, SCENARIOS["T01"]["answers"], spec)
    small_counts = page_queries(small)

    content = yaml.safe_load(settings.QUESTIONNAIRE_CONTENT.read_text())
    big_spec = build_spec(scaled_content(content, 10, label="big"))
    assert len(big_spec.questions) == 10 * len(spec.questions)
    publish(create_draft(big_spec))
    big = new_assessment(organisation, user, name="big")
    assert big.questionnaire_version.label == "big"
    for s in ("role", "organisation"):
        post_section(client, big, s, SCENARIOS["T01"]["answers"], big_spec)
    assert page_queries(big) == small_counts, small_counts


def test_saved_choices_come_back_checked_with_a_label_for_every_option(client, owner, organisation, spec):
    from questionnaire.assessments.services import save_section

    user = owner
    client.force_login(user)
    assessment = new_assessment(organisation, user)
    answers = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in SCENARIOS["T06"]["answers"].items()}
    answers["cop_signatory_chapters"] = ["transparency", "safety_security"]
    save_section(assessment, "all", answers, user=user, seen_revision=0)
    html = client.get(reverse("wizard_step", kwargs={"assessment_id": assessment.pk,
                                                     "step": "code_of_practice"})).content.decode()
    boxes = re.findall(r'<input type="checkbox" name="code_of_practice-cop_signatory_chapters" value="(\w+)" '
                       r'id="([^"]+)"( checked)?>', html)
    assert [(value, bool(checked)) for value, _id, checked in boxes] == [
        ("transparency", True), ("copyright", False), ("safety_security", True)]
    for _value, input_id, _checked in boxes:
        assert f'<label for="{input_id}">' in html
    # a refused POST shows what was posted, not what was saved
    html = client.post(reverse("wizard_step", kwargs={"assessment_id": assessment.pk, "step": "code_of_practice"}), {
        f"assessment-{assessment.pk}-current_step": "code_of_practice", "seen_revision": "0",
        "code_of_practice-cop_signatory_chapters": ["copyright", "not-a-chapter"]}).content.decode()
    assert re.search(r'value="copyright" id="[^"]+" checked', html)
    assert not re.search(r'value="transparency" id="[^"]+" checked', html)


# ---------------------------------------------------------------- contradictory or implausible answers

FIRST_SECTIONS = ("role", "organisation", "market", "placement_date", "research")


def _saved_until(client, assessment, spec, answers, sections):
    for section in sections:
        response = post_section(client, assessment, section, answers, spec)
        assert response.status_code == 302, (section, response.content.decode()[:3000])
    assessment.refresh_from_db()
    return dict(assessment.answers)


def _refused_at(response, step, field, text):
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and text in html
    assert f'href="#id_{step}-{field}' in html
    return html


@pytest.mark.parametrize(
    ("step", "changes", "field", "text"),
    [
        ("compute", {"training_compute_flop": 9e24, "cumulative_training_compute_flop": 5e24},
         "cumulative_training_compute_flop", "cannot be lower than the compute that"),
        ("placement_date", {"first_eu_placement_date": "2099-01-01"}, "first_eu_placement_date",
         "is in the future"),
        ("placement_date", {"first_eu_placement_date": "2014-12-31"}, "first_eu_placement_date",
         "before 2015 or after 2100"),
    ],
)
def test_contradictory_answer_is_refused_at_the_field_and_nothing_is_lost(client, owner, organisation, spec, step,
                                                                          changes, field, text):
    user = owner
    client.force_login(user)
    assessment = new_assessment(organisation, user)
    answers = dict(SCENARIOS["T01"]["answers"])
    sections = [*FIRST_SECTIONS, "compute"]
    before = _saved_until(client, assessment, spec, answers, sections[: sections.index(step)])
    response = post_section(client, assessment, step, {**answers, **changes}, spec)
    _refused_at(response, step, field, text)
    assessment.refresh_from_db()
    assert assessment.answers == before


def test_designation_before_placement_is_refused_on_the_later_section(client, owner, organisation, spec):
    user = owner
    client.force_login(user)
    assessment = new_assessment(organisation, user)
    answers = {**SCENARIOS["T39"]["answers"], "designation_date": "2025-06-01"}  # placed 2025-10-01
    before = _saved_until(client, assessment, spec, answers,
                          [*FIRST_SECTIONS, "compute", "capabilities", "generality", "licence", "systemic_risk"])
    response = post_section(client, assessment, "designation", answers, spec)
    _refused_at(response, "designation", "designation_date", "before the model was first placed")
    assessment.refresh_from_db()
    assert assessment.answers == before
    # the same date after placement is saved
    response = post_section(client, assessment, "designation", {**answers, "designation_date": "2026-03-01"}, spec)
    assert response.status_code == 302


def test_research_with_release_is_saved_with_an_explanation(client, owner, organisation, spec):
    user = owner
    client.force_login(user)
    assessment = new_assessment(organisation, user)
    answers = {**SCENARIOS["T01"]["answers"], "research_status": "sole_scientific_research"}
    _saved_until(client, assessment, spec, answers, FIRST_SECTIONS[:-1])
    response = post_section(client, assessment, "research", answers, spec)
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.answers["research_status"] == "sole_scientific_research"
    page = client.get(response["Location"]).content.decode()
    assert "The research exclusion of Art. 2(6) ends when a model is placed on the market" in page
