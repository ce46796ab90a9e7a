"""The interface in English, German and French (issue 29 part A, contract §6): the language of a first visit from
Accept-Language, Django's set_language at /i18n/setlang/, the member's remembered choice, <html lang>, dates in the
language's words, and every page of the quick check and an assessment compared in English and in each language."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from accounts.models import MemberLanguage
from questionnaire.core.display import display_fact, long_date

from .conftest import PASSWORD, public_scenarios
from .language_check import english_left, english_share
from .test_quick_check import post_quick_section, quick_check
from .wizard_driver import complete_through_wizard, corrected_answers

pytestmark = pytest.mark.django_db
SCENARIOS = {c["id"]: c for c in public_scenarios()}
LANG = re.compile(r'<html lang="([\w-]+)">')


def html_lang(response) -> str:
    return LANG.search(response.content.decode()).group(1)


@pytest.mark.parametrize(("accept", "expected"), [
    ("de", "de"), ("fr", "fr"), ("en", "en"), ("de-AT,de;q=0.9,en;q=0.5", "de"), ("fr-CA", "fr"), ("it, es", "en"),
    ("", "en"),
])
def test_a_first_visit_speaks_the_browser_s_language(client, published, accept, expected):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=accept)
    assert html_lang(response) == expected
    assert response["Content-Language"] == expected


def test_the_language_switch_posts_to_set_language_and_is_kept(client, published):
    page = client.get("/quick-check/", HTTP_ACCEPT_LANGUAGE="en", follow=True).content.decode()
    assert 'action="/i18n/setlang/"' in page and 'name="language" value="de"' in page and 'lang="de"' in page
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/quick-check/"}, HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 302 and response["Location"] == "/quick-check/"
    start = client.get("/", HTTP_ACCEPT_LANGUAGE="de")
    assert html_lang(start) == "fr"
    assert "Vérification rapide" in start.content.decode()
    assert 'aria-current="true">Français</button>' in start.content.decode()


def test_set_language_refuses_a_language_we_do_not_have_and_an_outside_next(client, published):
    response = client.post("/i18n/setlang/", {"language": "xx", "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert html_lang(client.get("/", HTTP_ACCEPT_LANGUAGE="de")) == "de"


def test_a_member_s_choice_is_remembered_on_every_device(owner, published):
    laptop = Client(HTTP_ACCEPT_LANGUAGE="en")
    laptop.force_login(owner)
    assert html_lang(laptop.get("/assessments/")) == "en"
    laptop.post("/i18n/setlang/", {"language": "de", "next": "/assessments/"})
    assert MemberLanguage.objects.get(user=owner).language == "de"
    assert html_lang(laptop.get("/assessments/")) == "de"
    phone = Client(HTTP_ACCEPT_LANGUAGE="fr")  # another browser, set to French: the member chose German
    phone.force_login(owner)
    page = phone.get("/assessments/")
    assert html_lang(page) == "de" and "Ihre Modelle" in page.content.decode()
    phone.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    assert html_lang(laptop.get("/assessments/")) == "de"  # the laptop's session keeps what it had …
    laptop.logout()
    laptop.force_login(owner)
    assert html_lang(laptop.get("/assessments/")) == "fr"  # … until the next sign-in


def test_a_choice_made_before_signing_in_is_remembered(client, owner, published):
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    client.post("/accounts/login/", {"username": owner.username, "password": PASSWORD})
    assert MemberLanguage.objects.get(user=owner).language == "fr"
    assert html_lang(client.get("/assessments/", HTTP_ACCEPT_LANGUAGE="de")) == "fr"


@pytest.mark.parametrize(("language", "date", "expected"), [
    ("en", dt.date(2025, 10, 1), "1 October 2025"),
    ("de", dt.date(2025, 10, 1), "1. Oktober 2025"),
    ("fr", dt.date(2025, 10, 1), "1er octobre 2025"),
    ("de", dt.date(2025, 3, 2), "2. März 2025"),
    ("fr", dt.date(2027, 8, 2), "2 août 2027"),
])
def test_long_dates_are_written_in_the_language(language, date, expected):
    with translation.override(language):
        assert long_date(date) == expected
        assert display_fact(date) == expected
        assert display_fact(date.isoformat()) == expected


def test_days_left_and_yes_no_are_translated(published):
    with translation.override("de"):
        assert display_fact(True) == "Ja"
    with translation.override("fr"):
        assert display_fact(False) == "Non"


def quick_check_pages(client, spec, answers) -> dict[str, str]:
    """Every page of a quick check, by path: start page, each section, the result."""
    pages = {"/": client.get("/").content.decode()}
    response = client.get("/quick-check/")
    while response.status_code == 302 and "/quick-check/result/" not in response["Location"]:
        step = response["Location"].rstrip("/").rsplit("/", 1)[-1]
        pages[response["Location"]] = client.get(response["Location"]).content.decode()
        response = post_quick_section(client, step, answers, spec)
    pages["/quick-check/result/"] = quick_check(client, answers, spec).content.decode()
    return pages


def assessment_pages(client, spec, answers, assessment) -> dict[str, str]:
    check = client.get(f"/assessments/{assessment.pk}/check/").content.decode()  # nothing answered yet
    result = complete_through_wizard(client, assessment, answers, spec)
    return {"check": check, "result": result.content.decode(),
            "dashboard": client.get("/assessments/").content.decode(),
            "new": client.get("/assessments/new/").content.decode()}


@pytest.mark.parametrize("language", ["de", "fr"])
@pytest.mark.parametrize("scenario_id", ["T05", "T01"])
def test_every_quick_check_page_is_translated(published, spec, language, scenario_id):
    """Compare every page of the quick check in English and in the language: no interface text stays English
    (the questionnaire's own texts are part B of issue 29 and set aside until they are translated)."""
    answers = corrected_answers(spec, SCENARIOS[scenario_id]["answers"])
    english = quick_check_pages(Client(HTTP_ACCEPT_LANGUAGE="en"), spec, answers)
    translated = quick_check_pages(Client(HTTP_ACCEPT_LANGUAGE=language), spec, answers)
    assert english.keys() == translated.keys()
    left = {}
    for path, html in translated.items():
        assert f'<html lang="{language}">' in html
        words, total = english_left(english[path], html, language, content_aside=True)
        if words:
            left[path] = (len(words), total, sorted(set(words)))
    assert left == {}, repr(left)


@pytest.mark.parametrize("language", ["de", "fr"])
def test_the_start_page_is_at_most_5_percent_english(client, published, language):
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    translated = Client(HTTP_ACCEPT_LANGUAGE=language).get("/").content.decode()
    assert english_share(english, translated, language) <= 0.05
    assert english_left(english, translated, language)[0] == []


@pytest.mark.parametrize("language", ["de", "fr"])
def test_every_assessment_page_is_translated(django_user_model, published, spec, language):
    """A member's pages (start an assessment, a section, check your answers, the result, your models) in English and
    in the language, the questionnaire's own texts set aside."""
    from .factories import make_member, new_assessment

    pages = {}
    for code in ("en", language):
        member, organisation = make_member(django_user_model, f"officer-{code}")
        client = Client(HTTP_ACCEPT_LANGUAGE=code)
        client.force_login(member)
        assessment = new_assessment(organisation, member, name="Atlas-70B")
        step = client.get(f"/assessments/{assessment.pk}/").get("Location") or ""
        pages[code] = {"step": client.get(step).content.decode() if step else "",
                       **assessment_pages(client, spec, corrected_answers(spec, SCENARIOS["T05"]["answers"]),
                                          assessment)}
    left = {}
    for kind, html in pages[language].items():
        assert f'<html lang="{language}">' in html, kind
        words, total = english_left(pages["en"][kind], html, language, content_aside=True,
                                    names=("officer", "Atlas-70B", "Ltd"))
        if words:
            left[kind] = (len(words), total, sorted(set(words)))
    assert left == {}, repr(left)


def test_an_invitation_is_written_in_the_invited_account_s_language(client, owner, organisation, django_user_model,
                                                                    mailoutbox):
    invitee = django_user_model.objects.create_user("ines", "ines@example.org", PASSWORD)
    MemberLanguage.objects.create(user=invitee, language="fr")
    client.force_login(owner)
    client.post("/accounts/organisation/invite/", {"email": "ines@example.org", "role": "viewer"},
                HTTP_ACCEPT_LANGUAGE="de")
    [mail] = mailoutbox
    assert mail.subject == "Vous êtes invité à rejoindre une organisation sur le vérificateur de conformité GPAI"
    assert "avec le rôle Lecteur" in mail.body and "Pour accepter, ouvrez ce lien\u00a0:" in mail.body


def test_an_invitation_to_a_new_address_is_in_the_inviter_s_language(client, owner, organisation, mailoutbox):
    MemberLanguage.objects.create(user=owner, language="de")
    client.force_login(owner)
    client.post("/accounts/organisation/invite/", {"email": "new@example.org", "role": "editor"})
    [mail] = mailoutbox
    assert mail.subject == "Sie sind eingeladen, einer Organisation in der GPAI-Compliance-Prüfung beizutreten"
    assert "mit der Rolle Bearbeiter beizutreten" in mail.body


@pytest.mark.parametrize(("language", "subject"), [
    ("en", "Reset your password for the GPAI compliance checker"),
    ("de", "Setzen Sie Ihr Passwort für die GPAI-Compliance-Prüfung zurück"),
    ("fr", "Réinitialisez votre mot de passe pour le vérificateur de conformité GPAI"),
])
def test_allauth_s_e_mails_are_in_the_visitor_s_language(client, owner, mailoutbox, language, subject):
    owner.email = "owner@example.org"
    owner.save()
    client.post("/accounts/password/reset/", {"email": "owner@example.org"}, HTTP_ACCEPT_LANGUAGE=language)
    [mail] = mailoutbox
    assert subject in mail.subject


def test_rules_change_e_mails_are_in_each_member_s_language(organisation, owner, editor, mailoutbox):
    from questionnaire.assessments.rules_changes import send_rules_change_emails
    from questionnaire.models import RulesChange

    from .factories import completed

    for user, language in ((owner, "de"), (editor, "fr")):
        user.email = f"{user.username}@example.org"
        user.save()
        MemberLanguage.objects.create(user=user, language=language)
    assessment = completed(organisation, owner, "T06", name="Frontier")
    RulesChange.objects.create(assessment=assessment, version=assessment.questionnaire_version,
                               changes=["Classification: A → B"])
    assert send_rules_change_emails(assessment.questionnaire_version) == 2
    by_address = {m.to[0]: m for m in mailoutbox}
    german, french = by_address[owner.email], by_address[editor.email]
    assert german.subject.startswith("Regelwerksversion") and "Guten Tag," in german.body
    assert french.subject.startswith("Version des règles") and "Bonjour," in french.body
    assert "Frontier" in german.body and "Frontier" in french.body


@pytest.mark.parametrize(("language", "message"), [
    ("de", "Wählen Sie eine Antwort"), ("fr", "Choisissez une réponse"), ("en", "Select an answer")])
def test_the_engine_s_fixed_messages_reach_the_field_translated(client, published, language, message):
    client.get("/quick-check/", HTTP_ACCEPT_LANGUAGE=language)
    page = client.post("/quick-check/role/", {"quick-check-current_step": "role"}, HTTP_ACCEPT_LANGUAGE=language)
    assert page.status_code == 400 and message in page.content.decode()  # the form, with its errors


@pytest.mark.parametrize(("language", "message"), [
    ("de", "Geben Sie die Zahl der FLOP ein. Schreiben Sie sie wie 3,8e25"),
    ("fr", "Saisissez le nombre de FLOP. Écrivez-le comme 3,8e25")])
def test_two_joined_engine_messages_are_translated_sentence_by_sentence(language, message):
    from questionnaire.assessments.forms import translated
    from questionnaire.engine.values import FLOP_FORMAT_HELP

    with translation.override(language):
        assert translated("Enter the number of FLOP. " + FLOP_FORMAT_HELP).startswith(message)
        assert translated("“abc” is not a number; write digits, e.g. 1200 or 3.5.") == (
            "“abc” is not a number; write digits, e.g. 1200 or 3.5.")  # a typed value in it: as the engine wrote it


def records_pages(client, assessment) -> dict[str, str]:
    """The pages of an assessment's records (issue 29 follow-up): the gap analysis, one chapter's and one
    measure's page, the action plan, a legal document and the Model Documentation Form."""
    from django.urls import reverse

    ids = {"assessment_id": assessment.pk}
    gap = client.get(reverse("gap_overview", kwargs=ids)).content.decode()  # makes the gap records
    chapter = re.search(r'id="chapter-([\w-]+)-title"', gap).group(1)
    measure = re.search(r'data-measure="([^"]+)"', gap).group(1)
    pages = {"gap chapter": reverse("gap_chapter", kwargs={**ids, "chapter": chapter}),
             "gap item": reverse("gap_item", kwargs={**ids, "measure": measure}),
             "action plan": reverse("action_plan"),
             "legal document": reverse("legal_document", kwargs={**ids, "kind": "training_summary"}),
             "documentation form": reverse("model_documentation", kwargs=ids)}
    out = {"gap": gap}
    for kind, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, (kind, url)
        out[kind] = response.content.decode()
    return out


def records_pages_in(django_user_model, language: str) -> dict[str, dict[str, str]]:
    """The records pages of a completed assessment (public scenario T01) of a member in English and one in
    `language`, by language."""
    from .factories import completed, make_member

    pages = {}
    for code in ("en", language):
        member, organisation = make_member(django_user_model, f"officer-{code}")
        client = Client(HTTP_ACCEPT_LANGUAGE=code)
        client.force_login(member)
        pages[code] = records_pages(client, completed(organisation, member, "T01", name="Atlas-70B"))
    return pages


# The legal documents help texts and the Model Documentation Form's fields are content (questionnaire/content/
# documents/*.yaml, model_documentation_form.yaml) that has no German or French yet: on those two pages only the
# interface is measured (content set aside), see docs/i18n.md "Not translated yet".
CONTENT_PAGES = {"legal document", "documentation form"}
# "Oct": Django's own French abbreviation of octobre (date format "j M Y")
RECORD_NAMES = ("officer", "Atlas-70B", "Ltd", "World Wide Web", "FAQ", "Europe/Brussels", "AI Act", "Oct")


@pytest.mark.parametrize("language", ["de", "fr"])
def test_the_records_pages_are_at_most_5_percent_english(django_user_model, published, language):
    """The gap analysis, a chapter, a measure, the action plan, a legal document page and the Model Documentation
    Form in English and in the language: at most 5 % of the words stay English (names and codes aside), and no
    interface text at all once the questionnaire's own texts are set aside."""
    pages = records_pages_in(django_user_model, language)
    shares, left = {}, {}
    for kind, html in pages[language].items():
        assert f'<html lang="{language}">' in html, kind
        shares[kind] = english_share(pages["en"][kind], html, language, names=RECORD_NAMES,
                                     content_aside=kind in CONTENT_PAGES)
        words, total = english_left(pages["en"][kind], html, language, content_aside=True, names=RECORD_NAMES)
        if words:
            left[kind] = (len(words), total, sorted(set(words)))
    assert {kind: share for kind, share in shares.items() if share > 0.05 and kind not in CONTENT_PAGES} == {}, shares
    assert {kind: words for kind, words in left.items() if kind not in CONTENT_PAGES} == {}, repr(left)
    # the two content pages' own interface (headings, buttons, the completeness box, rows, notices) is German/French
    for kind, needle in (("legal document", {"de": "Entwurf speichern", "fr": "Enregistrer le projet"}),
                         ("documentation form", {"de": "Wie vollständig es ist", "fr": "État de complétude"})):
        assert needle[language] in pages[language][kind], kind


@pytest.mark.parametrize("language", ["de", "fr"])
def test_a_legal_document_page_and_the_documentation_form_are_at_most_5_percent_english(
        django_user_model, published, language):
    pages = records_pages_in(django_user_model, language)
    shares = {kind: english_share(pages["en"][kind], pages[language][kind], language, names=RECORD_NAMES)
              for kind in CONTENT_PAGES}
    assert max(shares.values()) <= 0.05, shares


def digest_in(django_user_model, mailoutbox, language="de"):
    """A member who chose `language` gets a digest (an open incident report, measures overdue): the English digest
    of the same day, and the mail sent."""
    from questionnaire.deadlines.ranking import organisation_today
    from questionnaire.deadlines.reminders import digest_for, render_digest

    from .factories import completed, make_member
    from .test_deadlines import _open_incident, _subscribe

    owner, organisation = make_member(django_user_model, "olga")
    systemic = completed(organisation, owner, "T05", name="Atlas")
    _open_incident(systemic, owner, organisation_today(organisation) - dt.timedelta(days=7))
    membership = owner.memberships.get()
    _subscribe(membership, days=30)
    MemberLanguage.objects.create(user=owner, language=language)
    with translation.override("en"):
        english = render_digest(digest_for(membership, organisation_today(organisation)), "http://t")
    call_command("send_reminders")
    (mail,) = mailoutbox
    return english, mail


def german_digest(django_user_model, mailoutbox):
    return digest_in(django_user_model, mailoutbox, "de")


DIGEST_NAMES = ("olga", "Atlas", "Ltd", "World Wide Web")


def test_the_reminder_digest_is_written_in_the_member_s_language(django_user_model, published, mailoutbox):
    """The digest's own words (subject, headings, the footer, the measures' statuses) in German, text and HTML."""
    (english_text, _english_html), mail = german_digest(django_user_model, mailoutbox)
    html = mail.alternatives[0][0]
    assert mail.subject.startswith("Fristen: ") and "überfällig" in mail.subject
    assert '<html lang="de">' in html
    for body in (mail.body, html):
        assert "Fristen von" in body and "Erinnerung: täglich" in body
        assert "Die Daten sind Tage in der Zeitzone der Organisation" in body
        assert "Stop these reminders" not in body and "Deadlines of" not in body and "open since" not in body
    assert "NOCH OFFEN, SEIT MEHR ALS 30 TAGEN ÜBERFÄLLIG" in mail.body and "Deadlines of" in english_text


@pytest.mark.parametrize("language", ["de", "fr"])
def test_the_reminder_digest_is_at_most_5_percent_english(django_user_model, published, mailoutbox, language):
    """The digest's deadline sentences too (the incident report's clock: content/documents/*.yaml, rules.texts,
    translated in content/documents/translations/<language>.yaml)."""
    (english_text, english_html), mail = digest_in(django_user_model, mailoutbox, language)
    text_share = english_share(f"<body>{english_text}</body>", f"<body>{mail.body}</body>", language,
                               names=DIGEST_NAMES)
    html_share = english_share(english_html, mail.alternatives[0][0], language, names=DIGEST_NAMES)
    assert text_share <= 0.05 and html_share <= 0.05, (text_share, html_share)
    assert "Initial report (Code" not in mail.body and "days from awareness" not in mail.body


def _typed_words(values) -> tuple[str, ...]:
    """Every text a member typed into a document (names, descriptions, domains): their words are theirs, not the
    tool's, and stay as typed in every language."""
    if isinstance(values, dict):
        return tuple(w for v in values.values() for w in _typed_words(v))
    if isinstance(values, list):
        return tuple(w for v in values for w in _typed_words(v))
    return (values,) if isinstance(values, str) else ()


@pytest.mark.parametrize("language", ["de", "fr"])
def test_an_issued_legal_document_s_pdf_is_written_in_the_issuing_member_s_language(django_user_model, published,
                                                                                    language):
    """The same training-content summary published by a member reading English and by one reading German or
    French: the PDF is rendered in the issuer's language (DocumentIssue.language), at most 5 % of its words stay
    English (the member's own typed values aside), and its attached JSON and hash are the same English data."""
    import io
    import json

    from pypdf import PdfReader

    from .factories import completed, make_member
    from .test_legal_documents import published_summary, summary_values

    issues = {}
    for code in ("en", language):
        member, organisation = make_member(django_user_model, f"officer-{code}")
        assessment = completed(organisation, member, "T08", name="Atlas-70B")
        with translation.override(code):
            issues[code] = published_summary(assessment, member)
    texts, attached = {}, {}
    for code, issue in issues.items():
        issue.refresh_from_db()
        assert (issue.status, issue.language) == ("done", code)
        with issue.file.open("rb") as stored:
            reader = PdfReader(io.BytesIO(stored.read()))
        texts[code] = " ".join(page.extract_text() for page in reader.pages)
        attached[code] = json.loads(next(iter(reader.attachments.values()))[0])
    names = (*RECORD_NAMES, *_typed_words(summary_values()), "Acme", "AcmeBot")
    share = english_share(f"<body>{texts['en']}</body>", f"<body>{texts[language]}</body>", language, names=names)
    words, _total = english_left(f"<body>{texts['en']}</body>", f"<body>{texts[language]}</body>", language,
                                 names=names)
    assert share <= 0.05, (share, sorted(set(words)))
    heading = {"de": "Öffentliche Zusammenfassung der Trainingsinhalte", "fr": "Résumé public du contenu"}[language]
    assert heading in texts[language] and "Public summary of training content" not in texts[language]
    # the data is the same English JSON in every language: only the words around it are translated
    for key in ("values", "sections", "legal_basis", "document"):
        assert attached[language][key] == attached["en"][key], key
    assert attached[language]["document"] == "Public summary of training content"


def test_there_is_one_catalogue_per_language_so_make_messages_keeps_every_translation():
    """An app's own locale/ directory draws its strings into a second catalogue when `make messages` runs from the
    root, and --no-obsolete then drops their translations from locale/ (docs/i18n.md)."""
    from pathlib import Path

    from django.conf import settings

    root = Path(settings.BASE_DIR)
    catalogues = sorted(str(p.relative_to(root)) for p in root.glob("**/LC_MESSAGES/django.po")
                        if ".venv" not in p.parts and "var" not in p.parts)
    assert catalogues == ["locale/de/LC_MESSAGES/django.po", "locale/fr/LC_MESSAGES/django.po"], catalogues
