"""Every URL that takes an assessment, model, organisation, report or file id: another organisation's member
gets 404 and an anonymous visitor is sent to sign in. The test walks the URL patterns, so a new view
cannot be missed."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from questionnaire.models import EvidenceFile, GapItem

from .factories import completed, make_member
from .test_documents import published_summary

pytestmark = pytest.mark.django_db
ID_PARAMETERS = {"assessment_id", "model_id", "other_id", "file_id", "issue_id"}
# URL names with an id that are deliberately not organisation-scoped: none.
EXEMPT: set[str] = set()


def patterns(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if str(entry.pattern).startswith("admin/"):
                continue  # the admin is staff-only and has its own permissions
            yield from patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern) and entry.name:
            yield entry.name, set(entry.pattern.converters)


def test_every_id_taking_url_is_in_the_matrix():
    named = {name for name, params in patterns() if params & ID_PARAMETERS}
    assert named - EXEMPT == set(MATRIX), sorted(named ^ set(MATRIX))


MATRIX = {
    "resume": ("GET",), "wizard_step": ("GET", "POST"), "check_answers": ("GET",), "complete": ("POST",),
    "result": ("GET",), "export_json": ("GET",), "export_csv": ("GET",), "history": ("GET",), "copy": ("POST",),
    "amend": ("POST",), "compare": ("GET",), "model_detail": ("GET",), "report_pdf": ("GET",),
    "report_status": ("GET",), "report_retry": ("POST",), "verify": ("GET", "POST"), "gap_overview": ("GET",),
    "gap_signatory": ("POST",), "gap_item": ("GET", "POST"), "evidence_file": ("GET",),
    "documentation": ("GET", "POST"), "documentation_export": ("GET",),
    "document": ("GET", "POST"), "document_entry": ("GET", "POST"),
    "document_download": ("GET",), "document_retry": ("POST",), "gap_chapter": ("GET", "POST"),
    "render_status": ("GET",), "render_retry": ("POST",),
}

# URL parameters that differ by URL name (the incident register's entries are numbered).
KWARGS_FOR = {"document_entry": {"kind": "serious_incident"}}


@pytest.fixture
def world(django_user_model, published, client, queued_renders):
    """An organisation's assessment with every kind of id the URLs take: its report and issued document are
    queued, not rendered (a URL is refused to others whether or not its PDF exists)."""
    owner, organisation = make_member(django_user_model, "alice")
    assessment = completed(organisation, owner, "T06")
    client.force_login(owner)
    client.get(reverse("gap_overview", kwargs={"assessment_id": assessment.pk}))
    item = GapItem.objects.get(assessment=assessment, measure="TR-1.1")
    from django.core.files.uploadedfile import SimpleUploadedFile

    from questionnaire.services.gap import add_evidence_file
    from questionnaire.services.reports import request_report

    from .test_gap import tiny_pdf

    evidence = add_evidence_file(item, SimpleUploadedFile("p.pdf", tiny_pdf()), user=owner)
    from questionnaire.services.documents.store import new_numbered_document

    issue = published_summary(assessment, owner)
    new_numbered_document(assessment, "serious_incident", user=owner)
    rendered = request_report(assessment)
    client.logout()
    kwargs = {"assessment_id": assessment.pk, "model_id": assessment.ai_model_id, "other_id": assessment.pk,
              "file_id": evidence.pk, "step": "role", "measure": "TR-1.1", "audience": "aio", "fmt": "json",
              "issue_id": issue.pk, "kind": "training_summary", "number": 1,
              "chapter": "COPYRIGHT", "render_id": rendered.pk}
    assert EvidenceFile.objects.count() == 1
    return kwargs


def url_for(name, kwargs):
    params = next(p for n, p in patterns() if n == name)
    return reverse(name, kwargs={k: v for k, v in kwargs.items() if k in params})


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_other_organisation_gets_404_and_anonymous_is_sent_to_sign_in(client, world, django_user_model, name):
    url = url_for(name, {**world, **KWARGS_FOR.get(name, {})})
    for method in MATRIX[name]:
        response = getattr(client, method.lower())(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), (method, url)
    stranger, _ = make_member(django_user_model, "mallory")
    client.force_login(stranger)
    for method in MATRIX[name]:
        assert getattr(client, method.lower())(url).status_code == 404, (method, url)
