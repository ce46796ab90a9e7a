"""The legal documents' deadline sentences (#29): in the content (rules.texts of content/documents/*.yaml), said in
the reader's language where people read them (document pages, the action plan, the calendar feed, the digest), in
English with their figures where machines read them (the CSV, the document's JSON); French long dates; the
organisation page's owner messages and the audited time-zone change."""

from __future__ import annotations

import datetime as dt
import inspect
import re

import pytest
import yaml
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation
from icalendar import Calendar

from accounts.models import AuditEvent, MemberLanguage
from questionnaire.core.display import long_date
from questionnaire.deadlines import ranked
from questionnaire.deadlines.ranking import DOCUMENT
from questionnaire.legal_documents import deadlines as deadlines_module
from questionnaire.legal_documents import definitions as definitions_module
from questionnaire.legal_documents.deadlines import OUT_OF_RANGE, dues, incident_dues
from questionnaire.legal_documents.definitions import deadline_translations, deadline_words, definition, definitions
from questionnaire.legal_documents.store import new_numbered_document
from questionnaire.legal_documents.wording import due_note, due_what

from .factories import completed, make_member

D = dt.date
TODAY = D(2026, 12, 5)
LANGUAGES = ("de", "fr")
INCIDENT = definition("serious_incident").rules
GLOSSARY = yaml.safe_load((settings.BASE_DIR / "questionnaire" / "content" / "glossary.yaml").read_text(
    encoding="utf-8"))["terms"]


def incident(aware: dt.date, **changes):
    return {"harm_category": ["death"], "awareness_datetime": f"{aware:%Y-%m-%d}T08:00",
            "causal_link_status": "reasonably_likely", "start_date": aware.isoformat(), **changes}


# ---------------------------------------------------------------- the sentences live in the content


def test_no_deadline_sentence_is_written_in_python():
    """deadlines.py computes dates; what is due is said by the documents' YAML (no English f-string sentences)."""
    source = inspect.getsource(deadlines_module)
    assert not re.search(r'Due\(f"', source) and "months, as reported" not in source
    assert not re.search(r'Due\("[A-Z][a-z]+ [a-z]+ ', source), "a fixed English sentence in a Due"


def _every_due() -> list:
    """A Due of every sentence the rules can say."""
    placed = {"placement_date": "2026-03-01"}
    out = []
    for kind, values, issued, stages in [
        ("training_summary", {"placement_date": "2025-03-01"}, [], None),
        ("training_summary", placed, [], None),
        ("training_summary", {**placed, "continuous_training": "yes"}, [D(2026, 3, 1)], None),
        ("art52_notification", {"condition_date": "2026-01-10"}, [], None),
        ("art52_notification", placed, [D(2026, 1, 20)], None),
        ("model_report", placed, [], None),
        ("model_report", {**placed, "interim_flag": "yes", "most_capable": "yes"}, [D(2026, 3, 1)], None),
        ("model_report", {**placed, "confirmed_date": "2026-04-01"}, [D(2026, 3, 1)], None),
        ("copyright_policy", {"placement_date": "2025-03-01"}, [], None),
        ("copyright_policy", placed, [], None),
        ("copyright_policy", placed, [D(2026, 3, 1)], None),
        ("serious_incident", {}, [], []),
        ("serious_incident", incident(TODAY, causal_link_status="under_investigation"), [], []),
        ("serious_incident", incident(TODAY), [], []),
        ("serious_incident", incident(TODAY), [], [("initial", TODAY)]),
        ("serious_incident", incident(TODAY, resolution_date="2026-12-20"), [], [("initial", TODAY)]),
        ("serious_incident", incident(TODAY), [], [("initial", TODAY), ("final", TODAY)]),
    ]:
        out += dues(kind, values, issued, definition(kind).rules, stages)
    return out


def test_every_due_is_said_by_its_document_s_content():
    words = set().union(*(deadline_words(d) for d in definitions().values()))
    found = _every_due()
    said = {d.text for d in found} | {d.note_text for d in found if d.note_text}
    assert said == set().union(*(d.rules["texts"].values() for d in definitions().values()))  # every one, used
    for due in found:
        assert due.text in words and due.what == due.text.format(**dict(due.values))
        assert "{" not in due.what and (not due.note or due.note_text in words)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_deadline_sentences_use_the_law_s_own_words(language):
    misses = []
    for term in GLOSSARY:
        english_term = re.compile(rf"\b(?:{term['en']})\b", 0 if term.get("case_sensitive") else re.IGNORECASE)
        official = re.compile(term.get(f"{language}_match") or re.escape(term[language]), re.IGNORECASE)
        for english, text in deadline_translations(language).items():
            if english_term.search(english) and not official.search(text.replace("’", "'")):
                misses.append(f"{term['id']}: {english}")
    assert not misses, "\n".join(misses)


# ---------------------------------------------------------------- said in the reader's language


def test_a_deadline_is_said_in_german_and_french_with_its_figures():
    (initial,) = incident_dues(incident(TODAY), [], INCIDENT)
    assert initial.what.startswith("Initial report (Code, Measure 9.3: 10 days from awareness, death;")
    assert due_what(initial, "de").startswith("Erstmeldung (Praxisleitfaden, Maßnahme 9.3: 10 Tage ab Kenntnisnahme, "
                                              "Tod eines Menschen;")
    assert due_what(initial, "fr").startswith("Rapport initial (code de bonnes pratiques, mesure 9.3 : 10 jours")
    assert "décès d'une personne" in due_what(initial, "fr")
    assert due_what(initial, "en") == initial.what
    with translation.override("de"):  # the reader's language by default
        assert due_what(initial).startswith("Erstmeldung")
    (waiting,) = incident_dues({}, [], INCIDENT)
    assert due_note(waiting, "de") == "Schadenskategorie und Zeitpunkt der Kenntnisnahme erfassen"
    assert due_what(OUT_OF_RANGE, "de") == "Daten dieses Dokuments prüfen"  # the interface's words: the catalogue
    assert due_note(OUT_OF_RANGE, "fr").startswith("L'une de ses dates est hors limites")


def test_a_missing_or_changed_translation_falls_back_to_the_english_marked(monkeypatch):
    (initial,) = incident_dues(incident(TODAY), [], INCIDENT)
    german = dict(deadline_translations("de"))
    monkeypatch.setattr("questionnaire.legal_documents.wording.deadline_translations", lambda language: german)
    del german[initial.text]  # the English changed: its old key no longer matches
    shown = due_what(initial, "de")
    assert str(shown) == initial.what and '<span lang="en">' in shown.__html__()
    german[initial.text] = "Erstmeldung ({tage} Tage)"  # a placeholder the English has not
    assert str(due_what(initial, "de")) == initial.what
    german[initial.text] = "Erstmeldung ({days} Tage, {harm})"
    del german["death"]  # a word of the sentence without its translation
    assert '<span lang="en">' in due_what(initial, "de").__html__()


@pytest.mark.django_db
def test_pages_say_it_in_the_reader_s_language_the_csv_keeps_the_english(client, django_user_model, published):
    owner, organisation = make_member(django_user_model, "olga")
    atlas = completed(organisation, owner, "T05", name="Atlas")
    entry = new_numbered_document(atlas, "serious_incident", user=owner)
    entry.values = incident(dt.date.today() - dt.timedelta(days=7))
    entry.save()
    client.force_login(owner)
    page = client.get(reverse("legal_document_entry", args=[atlas.pk, "serious_incident", 1]),
                      HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Erstmeldung (Praxisleitfaden, Maßnahme 9.3: 10 Tage ab Kenntnisnahme" in page
    assert "days from awareness" not in page
    register = client.get(reverse("legal_document", args=[atlas.pk, "serious_incident"]),
                          HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Rapport initial (code de bonnes pratiques, mesure 9.3 : 10 jours" in register
    plan = client.get(reverse("action_plan"), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Erstmeldung (Praxisleitfaden" in plan and "Art. 55 Abs. 1 Buchst. c" in plan
    assert "Meldung eines schwerwiegenden Vorfalls Nr. 1" in plan and "days from awareness" not in plan
    csv = client.get(reverse("action_plan") + "?format=csv", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Initial report (Code, Measure 9.3: 10 days from awareness, death;" in csv  # the status column


@pytest.mark.django_db
def test_the_calendar_speaks_the_member_s_language_with_the_same_uids(client, django_user_model, published):
    owner, organisation = make_member(django_user_model, "olga")
    atlas = completed(organisation, owner, "T05", name="Atlas")
    entry = new_numbered_document(atlas, "serious_incident", user=owner)
    entry.values = incident(dt.date.today() - dt.timedelta(days=7))
    entry.save()
    feed = reverse("calendar_feed", kwargs={"token": owner.memberships.get().calendar_token})

    def events():
        body = client.get(feed, HTTP_ACCEPT_LANGUAGE="en").content
        return {str(e["UID"]): e for e in Calendar.from_ical(body).walk("VEVENT")}

    english = events()
    MemberLanguage.objects.create(user=owner, language="de")
    german = events()
    assert set(german) == set(english)  # a subscriber's events keep their identity when the language changes
    summaries = " ".join(str(e["SUMMARY"]) for e in german.values())
    descriptions = " ".join(str(e["DESCRIPTION"]) for e in german.values())
    assert "Atlas: Meldung eines schwerwiegenden Vorfalls Nr. 1: Erstmeldung (Art. 55 Abs. 1 Buchst. c)" in summaries
    assert "Grundlage: Verpflichtung aus dem Praxisleitfaden, keine gesetzliche Frist." in descriptions
    assert "Initial report" not in summaries + descriptions
    assert "Atlas: Die Pflichten des Anbieters gelten seit dem 1. Oktober 2025" in summaries  # the content's label
    with translation.override("en"):
        keys = {i.key for i in ranked(organisation) if i.kind == DOCUMENT}
    with translation.override("fr"):
        assert {i.key for i in ranked(organisation) if i.kind == DOCUMENT} == keys


# ---------------------------------------------------------------- long dates


@pytest.mark.parametrize(("language", "first", "second"), [
    ("en", "1 October 2026", "2 October 2026"),
    ("de", "1. Oktober 2026", "2. Oktober 2026"),
    ("fr", "1er octobre 2026", "2 octobre 2026"),
])
def test_the_first_of_the_month_as_each_language_writes_it(language, first, second):
    with translation.override(language):
        assert long_date(D(2026, 10, 1)) == first and long_date(D(2026, 10, 2)) == second
        assert long_date("2026-10-01T09:30") == first
        assert long_date(dt.datetime(2026, 10, 1, 14, 5), time=True) == f"{first}, 14:05"


# ---------------------------------------------------------------- the organisation page


@pytest.mark.django_db
def test_the_time_zone_change_is_audited_and_its_messages_translated(client, organisation, owner):
    client.force_login(owner)
    wrong = client.post(reverse("organisation_time_zone"), {"time_zone": "Mars/Olympus"},
                        HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Wählen Sie eine Zeitzone aus der Liste." in wrong and "Choose a time zone" not in wrong
    assert not AuditEvent.objects.filter(action="time_zone_changed").exists()
    response = client.post(reverse("organisation_time_zone"), {"time_zone": "Asia/Tokyo"}, HTTP_ACCEPT_LANGUAGE="de",
                           follow=True)
    assert "Fristen zählen die Tage jetzt in der Zeitzone Asia/Tokyo." in response.content.decode()
    event = AuditEvent.objects.get(action="time_zone_changed")
    assert (event.organisation, event.user, event.target) == (organisation, owner, "Europe/Brussels to Asia/Tokyo")
    client.post(reverse("organisation_time_zone"), {"time_zone": "Asia/Tokyo"})  # no change, nothing to record
    assert AuditEvent.objects.filter(action="time_zone_changed").count() == 1


@pytest.mark.django_db
def test_the_second_factor_prerequisite_is_translated(client, organisation, owner):
    client.force_login(owner)
    page = client.post(reverse("organisation_security"), {"require_mfa": "on"},
                       HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Configurez d'abord l'authentification à deux facteurs pour votre propre compte" in page.replace(
        "&#x27;", "'")
    assert "Set up two-factor authentication" not in page


def test_the_definitions_module_stays_pure():
    assert "django" not in inspect.getsource(definitions_module)


# ---------------------------------------------------------------- FLOP figures with the language's decimal separator


def test_flop_figures_take_the_language_s_decimal_separator():
    from questionnaire.core.display import display_fact
    from questionnaire.engine.expressions import flop2
    from questionnaire.engine.values import format_flop

    assert format_flop(6.3e24) == "6.3 × 10^24" and format_flop(6.3e24, ",") == "6,3 × 10^24"
    assert format_flop(1e25, ",") == "10^25" and flop2(2.345e25, ",") == "2,3 × 10^25 FLOP"
    for language, text in (("en", "6.3 × 10^24 FLOP"), ("de", "6,3 × 10^24 FLOP"), ("fr", "6,3 × 10^24 FLOP")):
        with translation.override(language):
            assert display_fact(6.3e24) == text
            assert Template("{% load questionnaire_tags %}{{ v|flop }}").render(Context({"v": 6.3e24})) == text[:-5]


def test_a_german_text_fact_writes_its_figure_with_a_comma_the_stored_result_with_a_point(spec):
    from questionnaire.engine import evaluate, parse_answers
    from questionnaire.engine.translation import translate

    from .conftest import public_scenarios

    base = next(c for c in public_scenarios() if c["id"] == "T01")["answers"]
    answers = parse_answers(spec, {**base, "training_compute_flop": 2.345e25,
                                   "training_compute_method": "architecture"})
    english = evaluate(spec, answers, today=TODAY)
    german = evaluate(translate(spec, lambda target, text: text, language="de"), answers, today=TODAY)
    (reason,) = english.reasons_about("ART52_1_NOTIFY")
    (german_reason,) = german.reasons_about("ART52_1_NOTIFY")
    assert "2.3 × 10^25 FLOP" in reason.text and "2,3 × 10^25 FLOP" in german_reason.text
    assert english.to_json()["obligations"] == german.to_json()["obligations"]


@pytest.mark.parametrize(("language", "typed", "value"), [
    ("de", "6,3e24", 6.3e24), ("fr", "6,3 × 10^24", 6.3e24), ("de", "6.3e24", 6.3e24), ("en", "6.3e24", 6.3e24),
    ("en", "6,3e24", None), ("de", "1,000.5", None), ("de", "6,3,1e24", None),
])
def test_a_flop_field_reads_the_decimal_comma_in_german_and_french(spec, language, typed, value):
    from django.core.exceptions import ValidationError

    from questionnaire.assessments.forms import FlopField

    field = FlopField(question=spec.questions["training_compute_flop"], required=False)
    with translation.override(language):
        if value is None:
            with pytest.raises(ValidationError):
                field.to_python(typed)
        else:
            assert field.to_python(typed) == value


@pytest.mark.django_db
def test_the_history_page_shows_a_german_figure(client, django_user_model, published):
    from questionnaire.assessments.services import save_section

    from .factories import new_assessment

    user, organisation = make_member(django_user_model, "olga")
    client.force_login(user)
    assessment = new_assessment(organisation, user)
    save_section(assessment, "role", {"role": "developer"}, user=user, seen_revision=0)
    save_section(assessment, "compute", {"training_compute_flop": 7.980000000000002e+23}, user=user, seen_revision=1)
    page = client.get(reverse("history", kwargs={"assessment_id": assessment.pk}), HTTP_ACCEPT_LANGUAGE="de")
    assert "7,98 × 10^23 FLOP" in page.content.decode()
