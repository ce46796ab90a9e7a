"""PDFs in the reader's language (issue 29 follow-up, contract §6): a RenderedDocument row per language, asked for in
the request's language and rendered in the background under it; the report hash and the JSON attachment are the
same in every language; each language's render counts against the member's limit."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from accounts.models import MemberLanguage
from questionnaire.models import RenderedDocument, RenderStatus
from questionnaire.rendering.queue import REPORTS, render_language, render_row
from questionnaire.reports.services import prerender_report, request_report

from .factories import completed

pytestmark = pytest.mark.django_db

GERMAN_HEADING = "1. Zusammenfassung"  # the report's "1. Executive summary" (locale/de)
ENGLISH_HEADING = "1. Executive summary"


def _text(pdf: bytes) -> str:
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))


def _attachment(pdf: bytes) -> bytes:
    return PdfReader(io.BytesIO(pdf)).attachments["assessment-snapshot.json"][0]


def _download(client, assessment, **headers):
    response = client.get(reverse("report_pdf", kwargs={"assessment_id": assessment.pk}), **headers)
    assert response.status_code == 200, response.status_code
    return response, b"".join(response.streaming_content)


@pytest.fixture
def dummy_queue(settings):
    """Queued, never run: the renders stay pending."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def test_a_german_member_downloads_a_german_pdf_and_an_english_member_an_english_one(client, organisation, owner,
                                                                                      editor):
    assessment = completed(organisation, owner, "T01")
    MemberLanguage.objects.create(user=owner, language="de")
    client.force_login(owner)
    german_response, german = _download(client, assessment)
    client.logout()
    client.force_login(editor)  # no remembered choice, an English browser
    english_response, english = _download(client, assessment, HTTP_ACCEPT_LANGUAGE="en")

    assert GERMAN_HEADING in _text(german) and ENGLISH_HEADING not in _text(german)
    assert ENGLISH_HEADING in _text(english) and GERMAN_HEADING not in _text(english)
    assert _attachment(german) == _attachment(english)  # the data is language-neutral
    rows = {row.language: row for row in RenderedDocument.objects.filter(assessment=assessment)}
    assert set(rows) == {"de", "en"} and rows["de"].document_hash == rows["en"].document_hash
    assert rows["de"].file_sha256 != rows["en"].file_sha256 and rows["de"].file.name != rows["en"].file.name
    assert german_response["Content-Disposition"].endswith('-de.pdf"')
    assert not english_response["Content-Disposition"].endswith('-de.pdf"')


def test_the_second_download_in_a_language_renders_nothing_new(client, organisation, owner):
    assessment = completed(organisation, owner, "T01")
    client.force_login(owner)
    _download(client, assessment, HTTP_ACCEPT_LANGUAGE="fr")
    _download(client, assessment, HTTP_ACCEPT_LANGUAGE="fr-CH")
    assert list(RenderedDocument.objects.values_list("language", flat=True)) == ["fr"]


@pytest.mark.parametrize(("accept", "expected"), [("de-AT,de;q=0.9", "de"), ("fr", "fr"), ("es", "en"),
                                                  ("xx-invalid", "en"), ("", "en")])
def test_the_language_asked_for_is_one_of_settings_languages(client, organisation, owner, dummy_queue, accept,
                                                             expected):
    assessment = completed(organisation, owner, "T01")
    client.force_login(owner)
    response = client.get(reverse("report_pdf", kwargs={"assessment_id": assessment.pk}), HTTP_ACCEPT_LANGUAGE=accept)
    assert response.status_code == 202
    assert RenderedDocument.objects.get(assessment=assessment).language == expected


@pytest.mark.parametrize(("given", "expected"), [("de", "de"), ("DE-de", "de"), ("fr_CA", "fr"), ("es", "en"),
                                                 ("../../etc", "en"), ("", "en"), (None, "en")])
def test_render_language_is_bounded(given, expected):
    with translation.override("en"):
        assert render_language(given) == expected


def test_the_preparing_page_and_its_status_follow_the_reader_s_language(client, organisation, owner, dummy_queue):
    assessment = completed(organisation, owner, "T01")
    with translation.override("de"):
        german = request_report(assessment)  # waiting
    with translation.override("en"):
        english = request_report(assessment)  # asked for later, and ready
    RenderedDocument.objects.filter(pk=english.pk).update(status=RenderStatus.DONE)
    MemberLanguage.objects.create(user=owner, language="de")
    client.force_login(owner)
    response = client.get(reverse("report_pdf", kwargs={"assessment_id": assessment.pk}))
    page = response.content.decode()
    assert response.status_code == 202 and '<html lang="de"' in page and "Zurück zum Ergebnis" in page
    assert RenderedDocument.objects.filter(assessment=assessment).count() == 2
    assert f'/{german.pk}/' in page  # the page polls the German render, not the English one that is ready
    status = client.get(reverse("report_status", kwargs={"assessment_id": assessment.pk})).json()
    assert status == {"status": "pending"}  # the reader's (German) report, not the latest of any language


def test_each_language_s_render_counts_against_the_member_s_limit(client, organisation, owner, dummy_queue,
                                                                  settings):
    settings.RENDER_LIMIT_PER_MEMBER = 1
    assessment = completed(organisation, owner, "T01")
    client.force_login(owner)
    url = reverse("report_pdf", kwargs={"assessment_id": assessment.pk})
    assert client.get(url, HTTP_ACCEPT_LANGUAGE="en").status_code == 202
    assert client.get(url, HTTP_ACCEPT_LANGUAGE="en").status_code == 202  # the same render: no new one
    assert client.get(url, HTTP_ACCEPT_LANGUAGE="de").status_code == 429  # a second render
    assert RenderedDocument.objects.filter(assessment=assessment).count() == 1


def test_the_prerender_is_in_the_completing_member_s_language_and_keeps_other_languages(organisation, owner,
                                                                                         settings, dummy_queue):
    from questionnaire.code_of_practice.gap import ensure_gap_items

    settings.REPORT_PRERENDER = True
    with translation.override("de"):
        assessment = completed(organisation, owner, "T01")
    assert list(RenderedDocument.objects.values_list("language", flat=True)) == ["de"]
    with translation.override("fr"):
        french = request_report(assessment)  # a French reader asks while the German one waits
    with translation.override("de"):
        prerender_report(assessment)  # the same report snapshot again: the French render of it stays
    assert set(RenderedDocument.objects.values_list("language", flat=True)) == {"de", "fr"}
    with translation.override("de"):
        ensure_gap_items(assessment)  # a new report snapshot: what was waiting, in any language, is dropped
    rows = list(RenderedDocument.objects.all())
    assert [row.language for row in rows] == ["de"] and rows[0].document_hash != french.document_hash


def test_a_row_renders_in_its_own_language_whatever_the_worker_s(organisation, owner, dummy_queue):
    assessment = completed(organisation, owner, "T01")
    with translation.override("de"):
        german = request_report(assessment)
    with translation.override("fr"):  # a worker whose active language is another one
        assert render_row(REPORTS, str(german.pk)) == "done"
    german.refresh_from_db()
    text = _text(german.file.read())
    assert GERMAN_HEADING in text and "Synthèse" not in text


def test_the_documentation_export_is_a_row_in_the_reader_s_language(client, organisation, owner, dummy_queue):
    from questionnaire.rendering.queue import request_render

    assessment = completed(organisation, owner, "T01")
    content = {"audience": "ai_office", "document": {"sections": []}, "updated": None}
    with translation.override("de"):
        german = request_render(assessment, "documentation", content)
    with translation.override("en"):
        english = request_render(assessment, "documentation", content)
    assert (german.language, english.language) == ("de", "en") and german.document_hash == english.document_hash
