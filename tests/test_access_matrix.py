"""Every URL that takes an assessment, model, organisation, report or file id: another organisation's member
gets 404 and an anonymous visitor is sent to sign in. The test walks the URL patterns, so a new view
cannot be missed."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from questionnaire.models import DocumentIssue, EvidenceFile, GapItem, LegalDocument

from .factories import completed, make_member
from .test_legal_documents import published_summary

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
            if str(entry.pattern).startswith("api/"):
                continue  # tokens, not sessions: tests/test_api_access.py walks the API's schema
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
    "model_documentation": ("GET", "POST"), "model_documentation_export": ("GET",),
    "legal_document": ("GET", "POST"), "legal_document_entry": ("GET", "POST"),
    "legal_document_download": ("GET",), "legal_document_retry": ("POST",), "gap_chapter": ("GET", "POST"),
    "render_status": ("GET",), "render_retry": ("POST",),
}

# URL parameters that differ by URL name (the incident register's entries are numbered).
KWARGS_FOR = {"legal_document_entry": {"kind": "serious_incident"}}


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

    from questionnaire.code_of_practice.gap import add_evidence_file
    from questionnaire.reports.services import request_report

    from .test_gap import tiny_pdf

    evidence = add_evidence_file(item, SimpleUploadedFile("p.pdf", tiny_pdf()), user=owner)
    from questionnaire.legal_documents.store import new_numbered_document

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


# ---- URLs that a token opens without a session (#28): a changed token answers 404; the member's own settings
# (no id in the URL) need a sign-in and act on the signed-in member only

TOKEN_URLS = {"calendar_feed": ("GET",), "reminders_unsubscribe": ("GET", "POST")}
MEMBER_URLS = {"calendar_reset": ("POST",), "reminder_settings": ("POST",)}


def test_every_token_url_is_in_the_matrix():
    named = {name for name, params in patterns() if "token" in params and name != "accept_invitation"}
    assert named == set(TOKEN_URLS), sorted(named ^ set(TOKEN_URLS))


@pytest.mark.parametrize("name", sorted(TOKEN_URLS))
@pytest.mark.parametrize("token", ["A" * 43, "x", "a.b-c_d~", "0" * 64, "a" * 300])
def test_a_forged_token_gets_404(client, world, name, token):
    for method in TOKEN_URLS[name]:
        assert getattr(client, method.lower())(reverse(name, kwargs={"token": token})).status_code == 404


@pytest.mark.parametrize("name", sorted(MEMBER_URLS))
def test_member_settings_need_sign_in(client, world, name):
    for method in MEMBER_URLS[name]:
        response = getattr(client, method.lower())(reverse(name))
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


# ---- a superseded assessment's legal documents are read-only (issue 22, finding 5), like its gap records

def _legal_document_urls(resolver=None):
    """The URL names served by the legal documents' views (walked, so that a new view is covered)."""
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from _legal_document_urls(entry)
        elif isinstance(entry, URLPattern) and entry.callback.__module__ == "questionnaire.legal_documents.views":
            yield entry.name


DOCUMENT_WRITES = {name for name in _legal_document_urls() if "POST" in MATRIX.get(name, ())}


def test_every_document_write_is_in_the_superseded_matrix():
    writes = {"legal_document", "legal_document_entry", "legal_document_retry"}
    assert writes == DOCUMENT_WRITES, sorted(DOCUMENT_WRITES)


@pytest.fixture
def superseded(django_user_model, published, client, queued_renders):
    """A completed assessment with a published summary and an incident entry, then amended and the amendment
    completed: the original is superseded, the amendment current."""
    import datetime as dt

    from questionnaire.assessments.living import amend
    from questionnaire.assessments.services import complete
    from questionnaire.legal_documents.store import new_numbered_document

    owner, organisation = make_member(django_user_model, "alice")
    original = completed(organisation, owner, "T06")
    issue = published_summary(original, owner)
    entry = new_numbered_document(original, "serious_incident", user=owner)
    entry.values = {**entry.values, "awareness_datetime": "2026-11-10T09:30", "harm_category": ["health"]}
    entry.save()
    current = complete(amend(original, user=owner).assessment, user=owner)
    client.force_login(owner)
    return {"original": original, "current": current, "issue": issue, "today": dt.date.today().isoformat()}


def _document_state(assessment):
    from questionnaire.models import DocumentIssue, LegalDocument, LegalDocumentRevision

    documents = LegalDocument.objects.filter(assessment=assessment)
    return (sorted((d.kind, d.number, d.revision, repr(sorted(d.values.items()))) for d in documents),
            DocumentIssue.objects.filter(document__assessment=assessment).count(),
            sorted(DocumentIssue.objects.filter(document__assessment=assessment).values_list("status", "attempts")),
            LegalDocumentRevision.objects.filter(document__assessment=assessment).count())


def _writes(world, assessment):
    """(URL name, URL, POST data) of every write on a document of `assessment`."""
    pk = assessment.pk
    summary = reverse("legal_document", kwargs={"assessment_id": pk, "kind": "training_summary"})
    register = reverse("legal_document", kwargs={"assessment_id": pk, "kind": "serious_incident"})
    entry = reverse("legal_document_entry", kwargs={"assessment_id": pk, "kind": "serious_incident", "number": 1})
    issue = next(i for i in DocumentIssue.objects.filter(
        document__assessment=assessment, document__kind="training_summary"))
    retry = reverse("legal_document_retry",
                    kwargs={"assessment_id": pk, "kind": "training_summary", "issue_id": issue.pk})
    def seen(kind):
        return str(LegalDocument.objects.get(assessment=assessment, kind=kind, number__lte=1).revision)

    save = {"action": "save", "seen_revision": seen("training_summary"), "summary_version": "9.9"}
    incident = {"seen_revision": seen("serious_incident"), "incident_ref": "INC-9"}
    return [
        ("legal_document", summary, save),
        ("legal_document", summary, {**save, "action": "issue", "issued_on": world["today"]}),
        ("legal_document", register, {}),  # a new register entry
        ("legal_document_entry", entry, {**incident, "action": "save"}),
        ("legal_document_entry", entry,
         {**incident, "action": "issue", "stage": "initial", "issued_on": world["today"]}),
        ("legal_document_retry", retry, {}),
    ]


def test_every_document_write_on_a_superseded_assessment_is_refused(client, superseded):
    from questionnaire.models import DocumentIssue

    original = superseded["original"]
    DocumentIssue.objects.filter(document__assessment=original).update(status="failed")  # a retry would act
    before = _document_state(original)
    writes = _writes(superseded, original)
    assert {name for name, _, _ in writes} == DOCUMENT_WRITES
    for name, url, data in writes:
        response = client.post(url, data)
        assert response.status_code == 302, (name, url, data)
        assert "superseded" in client.get(response["Location"]).content.decode(), (name, url)
        assert _document_state(original) == before, (name, url, data)
    page = client.get(reverse("legal_document", kwargs={"assessment_id": original.pk, "kind": "training_summary"}))
    html = page.content.decode()
    assert "data-superseded" in html and 'value="issue"' not in html


def test_the_same_writes_work_on_the_current_assessment(client, superseded):
    """The refusal above is the superseded rule, not a broken form: on the current assessment they save."""
    current = superseded["current"]
    before = _document_state(current)
    for index in (0, 2, 3):  # save the summary, open a register entry, save an entry (issuing needs a full form)
        name, url, data = _writes(superseded, current)[index]
        state = _document_state(current)
        assert client.post(url, data).status_code == 302, (name, url, data)
        assert _document_state(current) != state, (name, url, data)
    assert _document_state(current) != before
