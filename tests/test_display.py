"""Exports and history people can read: labels beside codes, FLOP in scientific notation with two or
three significant figures, question texts and answer labels in the history, times with their zone."""

from __future__ import annotations

import csv
import html
import io
import re

import pytest
from django.urls import reverse

from questionnaire.assessments.services import save_section
from questionnaire.core.display import display_answer, display_fact, export_value
from questionnaire.engine.values import format_scientific, parse_quantity

from .factories import completed, make_member, new_assessment

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("value", "text"), [
    (7.980000000000002e+23, "7.98e23"), (6.3e24, "6.3e24"), (1e25, "1e25"), (1.05e23, "1.05e23"),
    (9.999e24, "1e25"), (123456789.0, "1.23e8"),
])
def test_flop_in_scientific_notation_with_up_to_three_significant_figures(value, text):
    assert format_scientific(value) == text
    assert export_value(value) == text


@pytest.mark.parametrize(("text", "value"), [
    ("7 billion", 7e9), ("7B", 7e9), ("15T", 1.5e13), ("1.5e12", 1.5e12), ("70 bn", 7e10), ("7 × 10^9", 7e9),
])
def test_counts_are_read_with_scale_words_and_letters(text, value):
    assert parse_quantity(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["lots", "7 gazillion", "", "B7"])
def test_counts_that_are_not_numbers_are_refused(text):
    with pytest.raises(ValueError, match="for example 7 billion"):
        parse_quantity(text)


def test_one_formatter_for_answers_and_facts(spec):
    flop = spec.questions["training_compute_flop"]
    assert display_answer(flop, 7.980000000000002e+23) == "7.98 × 10^23 FLOP"
    assert display_answer(spec.questions["licence_type"], "foss") == "A free and open-source licence"
    assert display_answer(spec.questions["first_eu_placement_date"], "2025-10-01") == "1 October 2025"
    assert display_answer(spec.questions["generates_language"], True) == "Yes"
    assert display_answer(flop, None) == "Not answered"
    assert display_fact(3.8e25) == "3.8 × 10^25 FLOP" and display_fact(False) == "No"


def test_csv_has_labels_beside_codes(client, django_user_model, published):
    user, organisation = make_member(django_user_model, "olga")
    client.force_login(user)
    assessment = completed(organisation, user, "T06")
    text = client.get(reverse("export_csv", kwargs={"assessment_id": assessment.pk})).content.decode()
    rows = {(r["kind"], r["code"]): r for r in csv.DictReader(io.StringIO(text))}
    compute = rows[("answer", "training_compute_flop")]
    assert re.fullmatch(r"\d(\.\d{1,2})?e\d+", compute["value"]), compute["value"]
    assert compute["value_label"].endswith(" FLOP") and "× 10^" in compute["value_label"]
    role = rows[("answer", "role")]
    assert role["value"] == "developer" and role["value_label"] != "developer"
    classification = rows[("result", "classification")]
    assert classification["value"] == "GPAI_MODEL_SYSTEMIC_RISK"
    assert classification["value_label"] == "General-purpose AI model with systemic risk"
    measure = rows[("code_measure", "SS-1.1")]
    assert measure["label"]  # the measure's title beside its id
    assert "e+" not in text and "0000000" not in text


def test_history_shows_question_texts_answer_labels_and_the_time_zone(client, django_user_model, published, spec):
    user, organisation = make_member(django_user_model, "olga")
    client.force_login(user)
    assessment = new_assessment(organisation, user)
    save_section(assessment, "role", {"role": "developer"}, user=user, seen_revision=0)
    save_section(assessment, "compute", {"training_compute_flop": 7.980000000000002e+23}, user=user, seen_revision=1)
    page = html.unescape(client.get(reverse("history", kwargs={"assessment_id": assessment.pk})).content.decode())
    assert spec.questions["role"].text in page and spec.questions["role"].choice_label("developer") in page
    assert "7.98 × 10^23 FLOP" in page
    assert ">role<" not in page and ">developer<" not in page and "7.980000000000002" not in page
    assert re.search(r"\d\d:\d\d:\d\d (CET|CEST|UTC)", page)


def test_result_page_has_contents_and_sections_that_fold(client, django_user_model, published):
    user, organisation = make_member(django_user_model, "olga")
    client.force_login(user)
    assessment = completed(organisation, user, "T06")
    page = client.get(reverse("result", kwargs={"assessment_id": assessment.pk})).content.decode()
    contents = re.search(r'<nav class="contents".*?</nav>', page, re.S).group(0)
    targets = re.findall(r'href="#([\w-]+)"', contents)
    assert {"obligations", "dates", "code-of-practice", "answers", "downloads"} <= set(targets)
    for target in targets:
        assert f'id="{target}"' in page, target
    assert re.search(r'<details class="result-section" id="obligations" open><summary><h2>', page)
    assert '<details class="result-section" id="answers"><summary>' in page  # the long list starts folded
    assert 'data-classification="GPAI_MODEL_SYSTEMIC_RISK"' in page and page.count("data-obligation=") >= 5
    assert "Fill in the Model Documentation Form" in page
