"""Fuzzing (hypothesis): random strings, huge numbers, unicode, empty and oversized values posted to a field of
a valid wizard section are saved exactly as parsed or refused at the field with nothing changed; given to
`assess` and `load_questionnaire` they give a clear error, never a crash. One property per test."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from questionnaire.assessments.forms import field_for, to_json_answers
from questionnaire.models import Assessment

from .factories import make_member, new_assessment
from .wizard_driver import form_value, post_section

pytestmark = pytest.mark.django_db
nasty = st.one_of(
    st.text(max_size=50), st.text(min_size=5000, max_size=6000), st.sampled_from(["", " ", "\x00", "NaN", "inf",
    "-1e400", "1e999999", "9" * 400, "2025-02-30", "0000-00-00", "<script>alert(1)</script>", "'; DROP TABLE x;--",
    "３.８×10^25", "yes", "no", "maybe"]),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)
REFUSED = object()
FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                       HealthCheck.function_scoped_fixture])


VALID = {"role": "developer", "places_under_own_name": True, "provider_established_in_eu": True,
         "sme_or_smc": False, "eu_market_placement": "yes", "internal_use": "none",
         "integrated_into_eu_product_by_third_party": False, "eu_excluded_clearly": False,
         "first_eu_placement_date": "2025-10-01", "research_status": "none", "academic_noncommercial_release": False,
         "training_compute_flop": 6.3e24}
SECTIONS = ("role", "organisation", "market", "placement_date", "research", "compute")


@pytest.fixture
def filled(client, django_user_model, published, spec):
    """An assessment whose sections above were saved with valid answers through the wizard, and the answers."""
    user, organisation = make_member(django_user_model, "fuzzy")
    client.force_login(user)
    assessment = new_assessment(organisation, user)
    for section in SECTIONS:
        assert post_section(client, assessment, section, VALID, spec).status_code == 302, section
    assessment.refresh_from_db()
    assert set(VALID) <= set(assessment.answers)
    return assessment, dict(assessment.answers)


def parsed(question, value):
    """What the wizard should store for `value` posted to `question`, or ValidationError."""
    raw = [value] if question.type.value == "multiple_choice" else value
    return to_json_answers({question.code: field_for(question).clean(raw)})[question.code]


@FUZZ
@given(section=st.sampled_from(SECTIONS), data=st.data())
def test_a_section_with_one_fuzzed_field_saves_the_parsed_value_or_refuses_it_at_the_field(client, spec, filled,
                                                                                          section, data):
    """Post a valid section with one field replaced by random input: either it is saved (redirect) and the
    answer is exactly what the field parses the input to, nothing else changed; or the page answers 400
    with the error at that field (or an answer check's error when the input parses) and nothing changed."""
    assessment, valid = filled
    Assessment.objects.filter(pk=assessment.pk).update(answers=valid)  # every example starts from the valid section
    url = reverse("wizard_step", kwargs={"assessment_id": assessment.pk, "step": section})
    page = client.get(url).content.decode()
    shown = re.findall(r'data-question="(\w+)"', page)
    code = data.draw(st.sampled_from(shown), label="field")
    question = spec.questions[code]
    plausible = st.one_of(st.sampled_from([c.value for c in question.choices] or ["yes", "no"]),
                          st.dates(max_value=dt.date.today()).map(str),
                          st.floats(min_value=0, max_value=1e30).map(repr), st.integers(0, 10**30).map(str))
    value = data.draw(st.one_of(plausible, nasty), label="value")
    post = {f"assessment-{assessment.pk}-current_step": section,
            "seen_revision": re.search(r'name="seen_revision" value="(\d+)"', page).group(1)}
    for other in shown:
        post[f"{section}-{other}"] = form_value(spec.questions[other].type.value, valid.get(other))
    post[f"{section}-{code}"] = value
    try:
        expected = parsed(question, value)
    except ValidationError:
        expected = REFUSED

    response = client.post(url, post)
    saved = Assessment.objects.get(pk=assessment.pk).answers
    if response.status_code == 302:
        event("saved")
        assert expected is not REFUSED, (code, value)
        answered = {k: v for k, v in {**valid, code: expected}.items() if v is not None}
        assert {k: v for k, v in saved.items() if v is not None} == answered  # unanswered: absent or None alike
        return
    assert response.status_code == 400, response.status_code
    assert saved == valid
    if "\x00" in value:
        # the request guard refuses a NUL byte in any field before the wizard sees the form
        event("refused by the request guard")
        assert "NUL character" in response.content.decode()
        return
    errors = response.context["form"].errors
    if expected is REFUSED:
        event("refused at the field")
        assert code in errors, (code, value, errors)
    else:
        event("refused by an answer check")
        assert errors, (code, value)


@FUZZ
@given(answers=st.dictionaries(st.sampled_from(["role", "training_compute_flop", "first_eu_placement_date",
                                                "weights_public", "cop_signatory_chapters", "made_up"]),
                               st.one_of(nasty, st.integers(), st.floats(), st.booleans(), st.none(),
                                         st.lists(st.text(max_size=5), max_size=3)), max_size=5))
def test_assess_answers_or_exits_2(tmp_path_factory, published, answers):
    path = tmp_path_factory.mktemp("fuzz") / "answers.json"
    path.write_text(json.dumps(answers, allow_nan=True))
    try:
        call_command("assess", "--input", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    except CommandError as exc:
        assert exc.returncode == 2


@FUZZ
@given(text=st.one_of(st.text(max_size=300), st.sampled_from(["slug: [", "- - -", "sections: 3", "{}", "[]",
                                                              "slug: gpai\nversion: 1\nsections: [{code: x}]"])))
def test_load_questionnaire_reports_problems_never_crashes(tmp_path_factory, db, text):
    path = tmp_path_factory.mktemp("fuzz") / "content.yaml"
    path.write_text(text)
    try:
        call_command("load_questionnaire", str(path), stdout=io.StringIO())
    except CommandError as exc:
        assert "does not validate" in str(exc)
