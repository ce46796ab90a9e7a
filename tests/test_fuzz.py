"""Fuzzing (hypothesis): random strings, huge numbers, unicode, empty and oversized values posted to every
wizard section and given to `assess` and `load_questionnaire` never cause a 500 or lose a saved answer."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from questionnaire.models import Assessment

from .wizard_driver import make_member, new_assessment, post_section

pytestmark = pytest.mark.django_db
nasty = st.one_of(
    st.text(max_size=50), st.text(min_size=5000, max_size=6000), st.sampled_from(["", " ", "\x00", "NaN", "inf",
    "-1e400", "1e999999", "9" * 400, "2025-02-30", "0000-00-00", "<script>alert(1)</script>", "'; DROP TABLE x;--",
    "３.８×10^25", "yes", "no", "maybe"]),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)
FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                       HealthCheck.function_scoped_fixture])


def test_wizard_sections_survive_random_input(client, django_user_model, published, spec):
    user, organisation = make_member(django_user_model, "fuzzy")
    client.force_login(user)
    assessment = new_assessment(organisation, user)
    base = {"role": "developer", "places_under_own_name": True, "provider_established_in_eu": True,
            "sme_or_smc": False, "eu_market_placement": "yes", "internal_use": "none",
            "integrated_into_eu_product_by_third_party": False, "eu_excluded_clearly": False,
            "first_eu_placement_date": "2025-10-01", "research_status": "none", "academic_noncommercial_release": False,
            "training_compute_flop": 6.3e24}
    for step in ("role", "organisation", "market", "placement_date", "research", "compute"):
        post_section(client, assessment, step, base, spec)
    assessment.refresh_from_db()
    saved = dict(assessment.answers)

    @FUZZ
    @given(step=st.sampled_from(["role", "organisation", "market", "placement_date", "research", "compute"]),
           values=st.lists(nasty, min_size=1, max_size=4))
    def run(step, values):
        url = f"/assessments/{assessment.pk}/step/{step}/"
        data = {f"assessment-{assessment.pk}-current_step": step, "seen_revision": "0"}
        codes = [q.code for s in spec.sections if s.code == step for q in s.questions]
        for code, value in zip(codes, values, strict=False):
            data[f"{step}-{code}"] = value
        response = client.post(url, data)
        assert response.status_code in (200, 302, 400), response.status_code
        current = Assessment.objects.get(pk=assessment.pk).answers
        # a refused post changes nothing; an accepted one only changes its own section's answers
        for code, value in saved.items():
            if code not in codes:
                assert current.get(code) == value, code

    run()


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
