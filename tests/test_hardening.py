"""The outside security review, second round (issue 22): one test (or more) per finding, so that each stays fixed,
and hostile values in every number and date field of the legal documents, the Model Documentation Form, the gap
analysis and the estimator (no 500, no request holding its worker for a second)."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest
from django.urls import reverse

from questionnaire.legal_documents.definitions import definitions
from questionnaire.models import DocumentIssue, GapItem, LegalDocument, ModelDocumentation

from .factories import SCENARIOS, completed, make_member

pytestmark = pytest.mark.django_db

HOSTILE_NUMBERS = ["1e1000000", "-1e1000000", "1e-1000000", "1e5000", "inf", "-inf", "nan", "NaN", "9" * 10000,
                   "1" + "0" * 9999, "0x1p4", "1\x002"]
HOSTILE_DATES = ["0000-01-01", "9999-12-31", "9999-12-31T23:59", "0001-01-01", "1e1000000", "9" * 10000,
                 "2026-02-30", "2026-11-10\x00"]
HOSTILE_MONTHS = ["0000-01", "9999-12", "2026-13", "9" * 10000]
TYPED = ("number", "date", "month", "datetime")


def hostile_for(kind: str) -> list[str]:
    return {"number": HOSTILE_NUMBERS, "date": HOSTILE_DATES, "datetime": HOSTILE_DATES,
            "month": HOSTILE_MONTHS}[kind]


def timed_post(client, url, data):
    """The response and the CPU time this thread spent on it (the test client runs the view in this thread;
    waiting on the database or on other processes is not counted, so a busy CI machine does not fail it)."""
    started = time.thread_time()
    response = client.post(url, data)
    return response, time.thread_time() - started


@pytest.fixture
def systemic(django_user_model, published, client, queued_renders):
    """A completed systemic-risk assessment (every legal document applies) with one incident entry."""
    from questionnaire.legal_documents.store import new_numbered_document

    owner, organisation = make_member(django_user_model, "olga")
    assessment = completed(organisation, owner, "T06")
    new_numbered_document(assessment, "serious_incident", user=owner)
    client.force_login(owner)
    return assessment


def document_url(assessment, doc):
    if doc.many:
        return reverse("legal_document_entry", kwargs={"assessment_id": assessment.pk, "kind": doc.kind, "number": 1})
    return reverse("legal_document", kwargs={"assessment_id": assessment.pk, "kind": doc.kind})


def document_rounds(doc):
    """POST data sets that together put a hostile value in every typed field, list item and table column of a
    document: round r gives each table a row whose r-th typed column is hostile (a row stops at its first
    bad cell, so each column needs its own round)."""
    fields = doc.fields().values()
    scalars = [f for f in fields if f.type in TYPED]
    lists = [f for f in fields if f.type == "list" and f.item in TYPED]
    tables = [(f, [i for i, c in enumerate(f.columns) if c.type in TYPED]) for f in fields if f.type == "table"]
    tables = [(f, typed) for f, typed in tables if typed]
    assert scalars, doc.kind
    rounds = max([len(typed) for _, typed in tables] or [1])
    for r in range(rounds):
        for kind in TYPED:
            for value in hostile_for(kind):
                data = {f.id: value for f in scalars if f.type == kind}
                data.update({f.id: value for f in lists if f.item == kind})
                for f, typed in tables:
                    if r < len(typed) and f.columns[typed[r]].type == kind:
                        cells = [_valid_cell(c) for c in f.columns]
                        cells[typed[r]] = value
                        data[f.id] = " | ".join(cells)
                if data:
                    yield data


def _valid_cell(column) -> str:
    return {"number": "1", "date": "2026-01-01", "month": "2026-01", "datetime": "2026-01-01T10:00",
            "url": "https://example.org"}.get(column.type, "x")


@pytest.mark.parametrize("kind", sorted(definitions()))
def test_hostile_values_in_every_typed_field_of_a_legal_document(client, systemic, kind):
    doc = definitions()[kind]
    url = document_url(systemic, doc)
    assert client.get(url).status_code == 200
    document = LegalDocument.objects.get(assessment=systemic, kind=kind, number=1 if doc.many else 0)
    seen, values = document.revision, dict(document.values)
    posts = 0
    for data in document_rounds(doc):
        for action in ("save", "issue"):
            response, cpu = timed_post(client, url, {**data, "action": action, "seen_revision": seen,
                                                     "issued_on": dt.date.today().isoformat(), "stage": "initial"})
            posts += 1
            assert response.status_code == 400, (kind, action, {k: v[:40] for k, v in data.items()})
            assert cpu < 1, (kind, action, cpu, {k: v[:40] for k, v in data.items()})
            if not any("\x00" in v for v in data.values()):
                assert 'class="field-error"' in response.content.decode() or "There is a problem" in \
                    response.content.decode()
    document.refresh_from_db()
    assert (document.revision, document.values) == (seen, values)  # nothing saved
    assert not DocumentIssue.objects.filter(document=document).exists()
    assert posts >= 2 * (len(HOSTILE_DATES))


def test_a_hostile_issue_date_is_refused(client, systemic):
    doc = definitions()["training_summary"]
    url = document_url(systemic, doc)
    for value in HOSTILE_DATES + HOSTILE_NUMBERS:
        response, cpu = timed_post(client, url, {"action": "issue", "seen_revision": 0, "issued_on": value})
        assert response.status_code == 400 and cpu < 1, value
    assert not DocumentIssue.objects.exists()


def test_hostile_values_in_every_typed_field_of_the_documentation_form(client, systemic):
    from questionnaire.code_of_practice.model_documentation import all_fields

    url = reverse("model_documentation", kwargs={"assessment_id": systemic.pk})
    typed = [f for f in all_fields().values() if f.type in ("number", "date")]
    assert {f.type for f in typed} == {"number", "date"}
    for kind in ("number", "date"):
        for value in hostile_for(kind):
            data = {f.code: value for f in typed if f.type == kind}
            response, cpu = timed_post(client, url, {**data, "seen_revision": 0})
            assert response.status_code == 400 and cpu < 1, (kind, value[:40])
    assert not ModelDocumentation.objects.filter(assessment=systemic).exclude(values={}).exists()


def test_hostile_due_dates_in_the_gap_analysis(client, systemic):
    client.get(reverse("gap_overview", kwargs={"assessment_id": systemic.pk}))
    item_url = reverse("gap_item", kwargs={"assessment_id": systemic.pk, "measure": "TR-1.1"})
    chapter_url = reverse("gap_chapter", kwargs={"assessment_id": systemic.pk, "chapter": "TRANSPARENCY"})
    measures = [m for m in systemic.snapshot["result"]["code_measures"] if m.startswith("TR-")]
    for value in HOSTILE_DATES:
        response, cpu = timed_post(client, item_url, {"status": "planned", "due_date": value, "seen_revision": 0})
        assert response.status_code == 400 and cpu < 1, value
        data = {}
        for measure in measures:
            data.update({f"{measure}-due_date": value, f"initial-{measure}-due_date": "",
                         f"{measure}-seen_revision": 0})
        response, cpu = timed_post(client, chapter_url, data)
        assert response.status_code == 400 and cpu < 1, value
    assert not GapItem.objects.filter(assessment=systemic, due_date__isnull=False).exists()


ESTIMATOR_INPUTS = {"architecture": ("parameters", "tokens"),
                    "hardware": ("accelerators", "days", "peak", "utilisation")}


def at_quick_check_compute(client, spec):
    from .test_quick_check import STEP, post_quick_section

    answers = SCENARIOS["T05"]["answers"]
    response = client.get("/quick-check/")
    while (step := STEP.search(response["Location"]).group("step")) != "compute":
        response = post_quick_section(client, step, answers, spec)
    return step


@pytest.mark.parametrize("method", sorted(ESTIMATOR_INPUTS))
def test_hostile_values_in_the_anonymous_estimator(client, published, spec, method):
    at_quick_check_compute(client, spec)
    code = "training_compute_flop"
    valid = {"parameters": "7e10", "tokens": "1.5e13", "accelerators": "1000", "days": "30", "peak": "9.89e14",
             "utilisation": "40"}
    for field in ESTIMATOR_INPUTS[method]:
        for value in [*HOSTILE_NUMBERS, "9" * 400 + "b", "9" * 59 + "T"]:
            inputs = {f"estimate-{code}-{k}": v for k, v in valid.items()} | {f"estimate-{code}-{field}": value,
                                                                               f"estimate-{code}-accelerator": "custom"}
            response, cpu = timed_post(client, "/quick-check/compute/", {
                "quick-check-current_step": "compute", "estimate": f"{code}|{method}", **inputs})
            assert response.status_code in (200, 400) and cpu < 1, (field, value[:40])
            if response.status_code == 200:
                html = response.content.decode()
                assert f'id="estimate-{code}-{field}-error"' in html, (field, value[:40])


# ---- 1. a number is bounded before it is converted

def test_a_huge_exponent_in_a_document_number_is_refused_at_the_field_at_once(client, systemic):
    """#22.1: "1e1000000" in the crawled-domain count took about 40 s of CPU and then failed (500)."""
    url = document_url(systemic, definitions()["training_summary"])
    # A first POST pays once for loading the document's definition and building its form; measured alone it came to
    # 0.52 s of CPU on a loaded CI machine, so it is made first and the bar is the guide's: under a second.
    client.post(url, {"action": "save", "seen_revision": 0, "crawl_used": "yes", "crawl_domain_count": "abc"})
    for value in ("1e1000000", "1e5000"):
        response, cpu = timed_post(client, url, {"action": "save", "seen_revision": 0, "crawl_used": "yes",
                                                 "crawl_domain_count": value})
        page = response.content.decode()
        assert response.status_code == 400 and cpu < 1.0
        assert "is out of range" in page and 'href="#f-crawl_domain_count"' in page


@pytest.mark.parametrize(("text", "message"), [
    ("1e41", "out of range"), ("1e-41", "out of range"), ("1e1000000", "out of range"), ("9" * 61, "too long"),
    ("inf", "not a number"), ("nan", "not a number"), ("0x10", "not a number"), ("1_000", "not a number"),
])
def test_parse_decimal_bounds_length_and_magnitude_before_converting(text, message):
    from questionnaire.engine.values import parse_decimal

    with pytest.raises(ValueError, match=message):
        parse_decimal(text)


@pytest.mark.parametrize(("value", "ok"), [
    ("2.5", True), (7, True), (1e40, True), (10**40, True), (0, True), (-3.5, True),
    (10**41, False), (10**5000, False), (1e-41, False), (float("inf"), False), (float("nan"), False), (True, False),
    ("1e1000000", False),
], ids=lambda value: str(value)[:20] if not isinstance(value, int) or value < 10**100 else "10**5000")
def test_number_answers_are_bounded_from_forms_and_json_alike(value, ok):
    from questionnaire.engine.values import bounded_number

    if ok:
        assert float(bounded_number(value)) == float(value)
    else:
        with pytest.raises(ValueError):
            bounded_number(value)


def test_a_number_question_of_the_wizard_refuses_a_huge_exponent_at_the_field():
    from questionnaire.assessments.forms import NumberField
    from questionnaire.engine.spec import Question, QuestionType

    field = NumberField(question=Question("parameters", "compute", QuestionType.NUMBER, "Parameters", required=False),
                        required=False)
    assert field.clean("2.5e3") == 2500.0
    for value in ("1e1000000", "1e-1000000", "9" * 10000, "inf"):
        with pytest.raises(Exception) as caught:
            field.clean(value)
        assert type(caught.value).__name__ == "ValidationError", value


# ---- 9. the anonymous estimator: an infinite estimate never reaches the formatter

def test_four_hundred_nines_and_b_in_the_estimator_is_an_error_at_the_field(client, published, spec):
    """#22.9: parameters of 400 nines plus "b" gave an infinite estimate and a 500."""
    at_quick_check_compute(client, spec)
    code = "training_compute_flop"
    response = client.post("/quick-check/compute/", {
        "quick-check-current_step": "compute", "estimate": f"{code}|architecture",
        f"estimate-{code}-parameters": "9" * 400 + "b", f"estimate-{code}-tokens": "15T"})
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<p class="field-error" id="estimate-{code}-parameters-error">' in html


def test_an_estimate_beyond_ten_to_the_forty_is_refused():
    from questionnaire.engine.compute import EstimateInputError, architecture_estimate
    from questionnaire.engine.values import format_flop, parse_quantity

    assert parse_quantity("1" + "0" * 20 + "T") == pytest.approx(1e32)  # each input is bounded ...
    with pytest.raises(EstimateInputError) as caught:  # ... and so is their product
        architecture_estimate("1e30", "1e30")
    assert caught.value.field == "parameters" and "10^40" in str(caught.value)
    with pytest.raises(ValueError):
        parse_quantity("9" * 400 + "b")
    assert format_flop(float("inf")) == "not a finite number"  # and a page never fails on one


# ---- 6. dates bounded at the field; one bad record never fails a page

def test_the_date_policy_of_records_is_the_questionnaires(spec):
    from questionnaire.engine.values import PLAUSIBLE_DATES

    constants = spec.constants
    assert (dt.date.fromisoformat(str(constants["earliest_plausible_date"])),
                               dt.date.fromisoformat(str(constants["latest_plausible_date"]))) == PLAUSIBLE_DATES


@pytest.mark.parametrize(("kind", "values"), [
    ("art52_notification", {"condition_date": "9999-12-31"}),
    ("serious_incident", {"awareness_datetime": "9999-12-31T23:59", "harm_category": ["health"],
                          "causal_link_status": "established"}),
])
def test_a_far_future_date_stored_before_the_bound_breaks_no_page(client, systemic, kind, values):
    """#22.6: 9999-12-31 in the notification's condition date or an incident's awareness time overflowed the
    deadline clocks: the document page and the action plan (page and CSV) answered 500 for every member."""
    doc = definitions()[kind]
    client.get(document_url(systemic, doc))
    document = LegalDocument.objects.get(assessment=systemic, kind=kind, number=1 if doc.many else 0)
    LegalDocument.objects.filter(pk=document.pk).update(values={**document.values, **values})  # as stored before
    page = client.get(document_url(systemic, doc))
    assert page.status_code == 200 and "Check this document&#x27;s dates" in page.content.decode()
    plan = client.get(reverse("action_plan"))
    assert plan.status_code == 200 and "Check this document&#x27;s dates" in plan.content.decode()
    csv = client.get(reverse("action_plan") + "?format=csv")
    assert csv.status_code == 200 and "Check this document's dates" in csv.content.decode()
    if doc.many:
        url = reverse("legal_document", kwargs={"assessment_id": systemic.pk, "kind": kind})
        assert client.get(url).status_code == 200
    # the page needed to repair it works, and a bounded date repairs it
    field, value = next(iter(values.items()))
    repaired = {field: "2026-11-01" if len(value) == 10 else "2026-11-01T10:00"}
    response = client.post(document_url(systemic, doc), {"action": "save", "seen_revision": document.revision,
                                                         **repaired})
    assert response.status_code == 302
    assert "Check this document" not in client.get(reverse("action_plan")).content.decode()


@pytest.mark.parametrize("value", ["9999-12-31", "2014-12-31", "2101-01-01"])
def test_record_dates_outside_the_policy_are_refused_at_the_field(value):
    from questionnaire.legal_documents.values import parse_date, parse_datetime

    with pytest.raises(ValueError, match="check the year"):
        parse_date(value)
    with pytest.raises(ValueError, match="check the year"):
        parse_datetime(value + "T10:00")


def test_a_month_may_lie_before_the_ai_act_but_not_in_year_9999():
    from questionnaire.legal_documents.values import parse_month

    assert parse_month("2008-06") == "2008-06"  # a crawl or a dataset collected long ago
    for value in ("9999-12", "0000-01", "1899-12"):
        with pytest.raises(ValueError):
            parse_month(value)


def test_a_long_email_is_refused_before_the_pattern_runs():
    from questionnaire.legal_documents.values import parse_email

    started = time.thread_time()
    with pytest.raises(ValueError, match="not an email address"):
        parse_email("a@" + "a." * 10000 + "@")  # quadratic for the pattern: about a second before
    assert time.thread_time() - started < 0.3  # about a second of CPU before the fix
    assert parse_email("ai@acme.example") == "ai@acme.example"


# ---- 8. incident reports: impossible orders of dates are refused, the recording time is kept

INCIDENT = "serious_incident"
D = dt.date


def incident_findings(stage, issued_on, earlier=(), **changes):
    from questionnaire.legal_documents.checks import CheckContext, check
    from questionnaire.legal_documents.definitions import definition

    from .test_legal_documents_incidents import incident

    return check(definition(INCIDENT), incident(**changes),
                 CheckContext(stage=stage, issued_on=issued_on, earlier=tuple(earlier))).errors.get("", [])


def test_a_report_cannot_be_sent_before_the_incident_was_known_or_before_the_report_it_follows():
    """#22.8: an initial report recorded as sent on 1999-01-01, before the awareness time, hid its lateness."""
    assert incident_findings("initial", D(2026, 11, 10)) == []  # the day of awareness itself is possible
    early = incident_findings("initial", D(2026, 11, 9))[0]
    assert "before you became aware of the incident (10 November 2026)" in early
    earlier = [("initial", D(2026, 11, 20))]
    assert incident_findings("intermediate", D(2026, 11, 20), earlier) == []
    assert "before the report it follows (20 November 2026)" in incident_findings("intermediate", D(2026, 11, 19),
                                                                          earlier)[0]
    final = incident_findings("final", D(2026, 11, 30), earlier, resolution_date="2026-12-01", end_date="2026-12-01",
                              root_cause="x", patterns="y")
    assert any("before the incident was resolved (1 December 2026)" in e for e in final)


def test_the_recording_time_of_a_report_is_in_its_json_and_pdf(client, django_user_model, published):
    from pypdf import PdfReader

    from .test_legal_documents_incidents import form_data, incident

    owner, organisation = make_member(django_user_model, "ines")
    assessment = completed(organisation, owner, "T05")
    client.force_login(owner)
    register = reverse("legal_document", kwargs={"assessment_id": assessment.pk, "kind": INCIDENT})
    entry = client.post(register)["Location"]
    data = {**form_data(INCIDENT, incident()), "action": "issue", "stage": "initial"}
    refused = client.post(entry, {**data, "seen_revision": 0, "issued_on": "2026-11-09"})
    assert refused.status_code == 400 and "before you became aware" in refused.content.decode()
    assert not DocumentIssue.objects.exists()
    assert client.post(entry, {**data, "seen_revision": 1, "issued_on": "2026-11-12"}).status_code == 302
    issue = DocumentIssue.objects.get()
    recorded = issue.document_json["recorded_at"]
    assert dt.datetime.fromisoformat(recorded) == issue.recorded_at.replace(microsecond=0)
    assert issue.document_json["issued_on"] == "2026-11-12"
    kwargs = {"assessment_id": assessment.pk, "kind": INCIDENT, "issue_id": issue.pk}
    download = reverse("legal_document_download", kwargs={**kwargs, "fmt": "json"})
    assert client.get(download).json()["recorded_at"] == recorded
    pdf = client.get(reverse("legal_document_download", kwargs={**kwargs, "fmt": "pdf"}))
    text = " ".join(p.extract_text() for p in PdfReader(__import__("io").BytesIO(
        b"".join(pdf.streaming_content))).pages)
    local = __import__("django.utils.timezone", fromlist=["localtime"]).localtime(issue.recorded_at)
    assert f"Recorded in the tool {local:%-d %B %Y, %H:%M}" in " ".join(text.split())


def test_a_copied_register_keeps_the_recording_times(django_user_model, published):
    from questionnaire.legal_documents.store import copy_documents, issue_document, new_numbered_document

    from .test_legal_documents_incidents import incident

    owner, organisation = make_member(django_user_model, "ivo")
    source = completed(organisation, owner, "T05")
    entry = new_numbered_document(source, INCIDENT, user=owner)
    entry.values = incident()
    entry.save()
    issue_document(entry, stage="initial", issued_on=D(2026, 11, 12), user=owner)
    DocumentIssue.objects.update(recorded_at=dt.datetime(2026, 11, 12, 9, 0, tzinfo=dt.UTC))
    target = completed(organisation, owner, "T05")
    copy_documents(source, target)
    copied = DocumentIssue.objects.get(document__assessment=target)
    assert copied.recorded_at == dt.datetime(2026, 11, 12, 9, 0, tzinfo=dt.UTC)


# ---- 10. the Markdown export: a fence or a rule typed in a field never swallows the rest

@pytest.mark.parametrize("line", ["~~~", "```", "---", "***", "___", "===", "   ~~~", "  ---", "    code", "\t~~~",
                                  "1) item", "+ item", "> quote", "<div>", "~~~~python", "- - -", "* * *"])
def test_markdown_export_escapes_lines_that_would_start_a_block(line):
    from questionnaire.legal_documents.export import markdown_text

    escaped = markdown_text(line)
    stripped = escaped.lstrip(" \t")
    assert stripped[:1] == "\\" or stripped[:1].isalnum() or stripped.startswith("&"), (line, escaped)
    assert len(escaped) - len(stripped) < 4, (line, escaped)  # never an indented code block either


def test_a_fence_in_a_published_summary_does_not_swallow_the_rest(django_user_model, published, queued_renders):
    from questionnaire.legal_documents.export import publishable_markdown

    from .test_legal_documents import SUMMARY, published_summary

    owner, organisation = make_member(django_user_model, "mia")
    assessment = completed(organisation, owner, "T01")
    issue = published_summary(assessment, owner)
    issue.values = {**issue.values, "crawler_behaviour": "Follows robots.txt\n~~~\n---\n   ```"}
    markdown = publishable_markdown(definitions()[SUMMARY], issue)
    lines = markdown.splitlines()
    start = lines.index("Follows robots.txt")
    typed = lines[start + 1:start + 4]
    assert all(line.lstrip()[:1] == "\\" for line in typed), typed
    assert not any(re.match(r"^ {0,3}(~~~|```|---|\*\*\*|___)", line) for line in lines if not line.startswith("|-")
                   and not line.startswith("|"))


# ---- 11. the anonymous quick check's pages are never stored by a cache

def test_every_quick_check_page_is_no_store_for_an_anonymous_visitor(client, published, spec):
    from .test_access_matrix import patterns

    names = {name for name, _ in patterns() if name.startswith("quick_check")}
    assert names == {"quick_check", "quick_check_result", "quick_check_keep", "quick_check_restart",
                     "quick_check_step"}
    from .test_quick_check import post_quick_section

    post_quick_section(client, "role", SCENARIOS["T01"]["answers"], spec)  # the pages now show answers
    responses = {
        "quick_check": client.get(reverse("quick_check")),
        "quick_check_step": client.get(reverse("quick_check_step", kwargs={"step": "role"})),
        "quick_check_result": client.get(reverse("quick_check_result")),
        "quick_check_keep": client.get(reverse("quick_check_keep")),
        "quick_check_restart": client.post(reverse("quick_check_restart")),
    }
    assert set(responses) == names
    for name, response in responses.items():
        assert "no-store" in response.get("Cache-Control", ""), (name, response.status_code)
    page = client.get(reverse("quick_check_step", kwargs={"step": "role"}))
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]


# ---- 2. the second factor is decided on the path Django resolves, not on one a header can extend

@pytest.fixture
def script_prefix():
    from django.urls import clear_script_prefix

    yield
    clear_script_prefix()  # the handler set it from the request's SCRIPT_NAME; later reverse() calls must not


def test_a_script_name_does_not_skip_the_second_factor_of_the_admin(client, django_user_model, script_prefix):
    """#22.2: GET /accounts/login/admin/ with SCRIPT_NAME /accounts/login gave staff without an authenticator the
    admin: the middleware matched request.path (SCRIPT_NAME + PATH_INFO) against its open prefixes."""
    staff = django_user_model.objects.create_superuser("root", "root@example.org", "x")
    client.force_login(staff)
    response = client.get("/admin/", SCRIPT_NAME="/accounts/login")
    assert response.status_code == 302 and response["Location"].endswith("/accounts/2fa/")
    response = client.get("/admin/accounts/organisation/", SCRIPT_NAME="/accounts/2fa")
    assert response.status_code == 302 and response["Location"].endswith("/accounts/2fa/")


def test_a_script_name_does_not_skip_an_organisations_second_factor(client, django_user_model, systemic,
                                                                   script_prefix):
    systemic.organisation.require_mfa = True
    systemic.organisation.save()
    member, _ = make_member(django_user_model, "eddie", organisation=systemic.organisation)
    client.force_login(member)
    result = f"/assessments/{systemic.pk}/result/"
    assert client.get(result).status_code == 302
    response = client.get(result, SCRIPT_NAME="/accounts/login")
    assert response.status_code == 302 and response["Location"].endswith("/accounts/2fa/")
    assert client.get("/accounts/2fa/", SCRIPT_NAME="/accounts/login").status_code == 200  # still open


def test_gunicorn_lets_no_proxy_set_script_name_or_path_info():
    from pathlib import Path

    from gunicorn.app.base import Application

    class Configured(Application):
        def load_config(self):
            self.load_config_from_file(str(Path(__file__).resolve().parent.parent / "gunicorn.conf.py"))

        def load(self):
            return None

    assert Configured().cfg.forwarder_headers == []


# ---- 4. signing up with an address already in use: the same answer as any sign-up, and a mail to the address

@pytest.mark.parametrize("verified", [True, False])
def test_signing_up_with_an_address_in_use_answers_as_any_sign_up(client, django_user_model, mailoutbox, settings,
                                                                  verified):
    """#22.4: a 500 (which told a stranger the address has an account) and no "account already exists" mail; the
    same 500 blocked a person whose address someone else had added, unverified, to their own account."""
    from allauth.account.models import EmailAddress

    settings.ACCOUNT_SIGNUP_OPEN = True
    holder = django_user_model.objects.create_user("holder", "", "x")
    EmailAddress.objects.create(user=holder, email="ana@acme.example", verified=verified, primary=True)
    data = {"organisation": "Acme AI GmbH", "email": "ana@acme.example", "username": "ana",
            "password1": "a long enough passphrase 7", "password2": "a long enough passphrase 7"}
    response = client.post("/accounts/signup/", data)
    assert response.status_code == 302 and response["Location"] == "/accounts/confirm-email/"
    assert not django_user_model.objects.filter(username="ana").exists()
    assert [m.to for m in mailoutbox] == [["ana@acme.example"]]
    assert "already exists" in mailoutbox[0].body
    fresh = client.post("/accounts/signup/", {**data, "email": "bea@acme.example", "username": "bea"})
    assert (fresh.status_code, fresh["Location"]) == (response.status_code, response["Location"])  # the same answer


# ---- 7. invitations: limited, queued, and no free text that could be a link in a mail to an outside address

@pytest.fixture
def inviter(django_user_model, client, settings):
    from accounts.models import Organisation

    settings.INVITATIONS_PER_HOUR, settings.OPEN_INVITATIONS_MAX = 10, 20
    owner, organisation = make_member(django_user_model, "olivia")
    Organisation.objects.filter(pk=organisation.pk).update(
        name="Acme https://phish.example/login?x=1 support@phish.example www.phish.example Ltd")
    organisation.refresh_from_db()
    owner.first_name, owner.last_name = "Olivia", "see evil.example"
    owner.save()
    client.force_login(owner)
    return owner, organisation


def invite(client, email):
    return client.post("/accounts/organisation/invite/", {"email": email, "role": "editor"})


def test_an_invitation_mail_has_no_free_text_in_its_subject_and_no_link_but_its_own(client, inviter, mailoutbox):
    """#22.7: an organisation name carrying a phishing link went into the subject and the body."""
    assert invite(client, "ivan@example.org").status_code == 302
    [mail] = mailoutbox
    assert mail.subject == "You are invited to join an organisation on the GPAI compliance checker"
    links = re.findall(r"(?i)(?:https?://|www\.|mailto:)\S+|\S+@\S+|\b[\w-]+\.(?:example|com|org)\b", mail.body)
    assert len(links) == 1 and "/accounts/invitations/" in links[0], links
    assert "phish[.]example" in mail.body and "support[at]phish[.]example" in mail.body
    assert "as its owner typed it (we have not checked it)" in mail.body
    assert "evil[.]example" in mail.body  # the inviter's name is a user's text too


def test_invitations_are_sent_by_the_task_queue_with_the_token_only_in_the_mail(client, inviter, mailoutbox,
                                                                                settings):
    from django_tasks_db.models import DBTaskResult

    from accounts.models import Invitation
    from accounts.tasks import send_invitation

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    assert invite(client, "ivan@example.org").status_code == 302
    assert mailoutbox == []  # nothing is sent inside the request
    [queued] = DBTaskResult.objects.all()
    invitation = Invitation.objects.get()
    assert queued.args_kwargs["args"] == [str(invitation.pk), "http://testserver"]
    send_invitation.call(*queued.args_kwargs["args"])  # what the worker does
    [mail] = mailoutbox
    token = re.search(r"/accounts/invitations/([\w-]+)/", mail.body).group(1)
    invitation.refresh_from_db()
    assert invitation.token_hash == Invitation.hash_token(token)
    assert token not in str(DBTaskResult.objects.values().get())
    client.logout()
    assert client.get(f"/accounts/invitations/{token}/").status_code == 200  # the link works
    assert client.get(f"/accounts/invitations/{token}x/").status_code == 404
    Invitation.objects.all().delete()
    assert send_invitation.call(*queued.args_kwargs["args"]) == "no longer open"  # cancelled while queued
    assert len(mailoutbox) == 1


def test_invitations_are_rate_limited_per_organisation_and_owner_and_capped_when_open(client, inviter, mailoutbox,
                                                                                      django_user_model, settings):
    from accounts.models import Invitation, Membership, Organisation, Role

    owner, _organisation = inviter
    for n in range(10):
        assert invite(client, f"person{n}@example.org").status_code == 302
    refused = invite(client, "person10@example.org")
    assert refused.status_code == 200 and "At most 10 invitations can be sent in an hour" in refused.content.decode()
    assert Invitation.objects.count() == 10 and len(mailoutbox) == 10
    # cancelling does not give the hour's invitations back
    for invitation in Invitation.objects.all():
        client.post("/accounts/organisation/invitations/cancel/", {"invitation": invitation.pk})
    assert "At most 10" in invite(client, "person11@example.org").content.decode()
    # the owner's other organisation shares the owner's limit
    other = Organisation.objects.create(name="Other Ltd")
    Membership.objects.create(user=owner, organisation=other, role=Role.OWNER)
    client.post("/accounts/organisation/switch/", {"organisation": other.pk})
    assert "At most 10" in invite(client, "person12@example.org").content.decode()
    # at most OPEN_INVITATIONS_MAX open at once
    settings.INVITATIONS_PER_HOUR = 100
    for n in range(20):
        assert invite(client, f"open{n}@example.org").status_code == 302
    assert "open invitations, the most it can have" in invite(client, "open20@example.org").content.decode()
    assert len(mailoutbox) == 30


def test_inert_text_leaves_ordinary_names_alone():
    from accounts.services import inert_text

    assert inert_text("Acme AI GmbH") == "Acme AI GmbH"
    assert inert_text("Société Générale S.A.") == "Société Générale S.A."
    assert inert_text("Acme\nBcc: x") == "Acme Bcc: x"
    assert inert_text("go to https://x.example") == "go to https[:]//x[.]example"


# ---- 3. an uploaded PDF is parsed once, bounded, and within a time limit

def many_pages_pdf(pages: int, *, claimed: int | None = None) -> bytes:
    """A PDF of `pages` empty pages in one flat page tree whose /Count says `claimed` (default: the truth)."""
    import io

    out, offsets = io.BytesIO(), {}
    out.write(b"%PDF-1.7\n")

    def obj(number, body):
        offsets[number] = out.tell()
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")

    obj(1, b"<</Type/Catalog/Pages 2 0 R>>")
    kids = b" ".join(b"%d 0 R" % (3 + i) for i in range(pages))
    obj(2, b"<</Type/Pages/Count %d/Kids[" % (pages if claimed is None else claimed) + kids + b"]>>")
    for i in range(pages):
        obj(3 + i, b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Resources<<>>>>")
    xref, size = out.tell(), 3 + pages
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % size)
    for number in range(1, size):
        out.write(b"%010d 00000 n \n" % offsets[number])
    out.write(b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (size, xref))
    return out.getvalue()


@pytest.fixture
def parses(monkeypatch):
    """How many times an upload was parsed (each parse is one child process)."""
    from questionnaire.core import uploads

    counted = []
    original = uploads.run_limited

    def counting(*args, **kwargs):
        counted.append(args[0].__name__)
        return original(*args, **kwargs)

    monkeypatch.setattr(uploads, "run_limited", counting)
    return counted


def test_a_pdf_of_85000_pages_is_refused_at_once_on_verify_and_as_evidence(client, systemic):
    """#22.3: a 9.6 MB PDF with 85,000 page objects took about 8 s per /verify/ upload (parsed twice), and
    evidence uploads ran the same check."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = many_pages_pdf(85_000)
    assert len(data) > 9 * 1024 * 1024
    client.get(reverse("gap_overview", kwargs={"assessment_id": systemic.pk}))
    for url, field, extra in (
            (reverse("verify", kwargs={"assessment_id": systemic.pk}), "pdf", {}),
            (reverse("gap_item", kwargs={"assessment_id": systemic.pk, "measure": "CR-1.1"}), "upload",
             {"status": "planned", "seen_revision": 0})):
        started = time.monotonic()
        response = client.post(url, {field: SimpleUploadedFile("big.pdf", data), **extra})
        assert time.monotonic() - started < 4, url  # about 8 s before the fix; wall clock on a shared CI machine
        assert response.status_code == 400 and "more than 50,000 objects" in response.content.decode(), url


def test_a_page_tree_beyond_the_page_cap_is_refused_even_when_its_count_lies():
    from django.core.exceptions import ValidationError

    from questionnaire.core.uploads import inspect_pdf

    for data in (many_pages_pdf(2_001), many_pages_pdf(20_000, claimed=1)):
        started = time.monotonic()
        with pytest.raises(ValidationError, match="more than 2,000 pages"):
            inspect_pdf(data, "long.pdf")
        assert time.monotonic() - started < 10  # the child has 1 s of CPU; the wall clock took 4.6 s at load 13
    assert inspect_pdf(many_pages_pdf(2_000), "ok.pdf").pages == 2_000


def _sleep_long():
    time.sleep(30)
    return {}


def _spin():
    while True:
        pass


@pytest.mark.parametrize("work", [_sleep_long, _spin])
def test_a_parse_that_takes_too_long_is_stopped(work):
    from questionnaire.core.uploads import TooSlow, run_limited

    started = time.monotonic()
    with pytest.raises(TooSlow):
        run_limited(work, seconds=0.5)
    assert time.monotonic() - started < 5  # stopped, not the 30 s (or forever) of the work; wall clock varies
    with pytest.raises(ChildProcessError):  # the child was reaped, not left behind
        __import__("os").waitpid(-1, __import__("os").WNOHANG)


def test_verification_and_evidence_parse_an_upload_once(client, systemic, parses):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .test_gap import tiny_pdf

    response = client.post(reverse("verify", kwargs={"assessment_id": systemic.pk}),
                           {"pdf": SimpleUploadedFile("r.pdf", tiny_pdf())})
    assert response.status_code == 200 and 'data-verified="no"' in response.content.decode()
    assert parses == ["_read_pdf"]
    client.get(reverse("gap_overview", kwargs={"assessment_id": systemic.pk}))
    url = reverse("gap_item", kwargs={"assessment_id": systemic.pk, "measure": "CR-1.1"})
    assert client.post(url, {"status": "planned", "seen_revision": 0,
                             "upload": SimpleUploadedFile("p.pdf", tiny_pdf())}).status_code == 302
    assert parses == ["_read_pdf", "_read_pdf"]


# ---- 12. copy and complete take their row locks in one order: twenty at once queue, none deadlocks

def _locks(run) -> list[str]:
    """The locking statements `run` sends to PostgreSQL, in order."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        run()
    return [q["sql"] for q in queries.captured_queries if " FOR " in q["sql"] and "UPDATE" in q["sql"]]


def _table(sql: str) -> str:
    return re.search(r'FROM "(\w+)"', sql).group(1)


def test_copy_amend_and_complete_lock_the_model_first_and_no_joined_row(django_user_model, published,
                                                                       queued_renders):
    """#22.12: complete locked its assessment with the version, model and organisation rows (FOR UPDATE, in the
    join's order) while copies took KEY SHARE locks on the same rows in the order of their foreign keys."""
    from django.db import connection

    from questionnaire.assessments.living import amend, new_version_assessment
    from questionnaire.assessments.services import complete, save_section

    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's (SQLite ignores select_for_update)")
    from .factories import new_assessment

    owner, organisation = make_member(django_user_model, "lena")
    source = completed(organisation, owner, "T06", name="M")
    draft = new_assessment(organisation, owner, name="M")
    answers = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in SCENARIOS["T06"]["answers"].items()}
    save_section(draft, "all", answers, user=owner, seen_revision=0)
    for run in (lambda: complete(draft, user=owner), lambda: new_version_assessment(source, user=owner),
                lambda: amend(source, user=owner)):
        locks = _locks(run)
        assert locks and _table(locks[0]) == "questionnaire_aimodel" and "FOR NO KEY UPDATE" in locks[0], locks
        for sql in locks:
            assert "FOR NO KEY UPDATE" in sql, sql  # never a key lock, which blocks every insert referencing it
            assert " JOIN " not in sql or " OF " in sql, sql  # never a joined table's row


@pytest.mark.django_db(transaction=True)
def test_two_dozen_copies_amendments_and_completions_at_once_do_not_deadlock(django_user_model, published,
                                                                             settings):
    """The review's load, on PostgreSQL with real transactions: before the fix one run in three ended in
    "deadlock detected" (a 503)."""
    import threading

    from django.db import connection, connections

    from questionnaire.assessments.living import amend, new_version_assessment
    from questionnaire.assessments.services import complete, save_section
    from questionnaire.models import Assessment

    from .factories import new_assessment

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's row locks")
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    settings.REPORT_PRERENDER = True  # as in production: completing queues the report in the same transaction
    owner, organisation = make_member(django_user_model, "dina")
    sources = [completed(organisation, owner, "T06", name="M") for _ in range(2)]
    answers = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in SCENARIOS["T06"]["answers"].items()}
    drafts = []
    for _ in range(12):
        drafts.append(new_assessment(organisation, owner, name="M"))
        save_section(drafts[-1], "all", answers, user=owner, seen_revision=0)
    jobs = [lambda d=d: complete(d, user=owner) for d in drafts]
    jobs += [lambda s=s: new_version_assessment(s, user=owner) for s in sources for _ in range(5)]
    jobs += [lambda s=s: amend(s, user=owner) for s in sources for _ in range(2)]
    errors, start = [], threading.Barrier(len(jobs))

    def run(job):
        try:
            start.wait()
            job()
        except Exception as exc:  # what the request would have answered 503 (or 500) for
            errors.append(repr(exc)[:300])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert Assessment.objects.filter(status="completed").count() == 2 + 12
    assert Assessment.objects.filter(amends__in=sources).count() == 2  # one open amendment each


# ---- 13. the admin's YAML import: aliases and nesting bounded before anything is built

LAUGHS = 'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n' + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(8))


@pytest.mark.parametrize(("text", "message"), [
    (LAUGHS, "more than 100,000 values once its aliases"),
    ("slug: gpai\nsections: " + "[" * 50_000 + "]" * 50_000 + "\n", "nested more than 64 levels deep"),
    ("slug: gpai\nsections: &s [*s]\n", "refers to a node that contains it"),
])
def test_the_yaml_import_refuses_a_billion_laughs_deep_nesting_and_recursive_aliases(client, published, text,
                                                                                     message):
    """#22.13: the import expanded aliases without limit (a "billion laughs" file kills the worker); 50,000
    levels of nesting crashed libyaml's composer (a segmentation fault, the worker gone)."""
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile

    from questionnaire.models import QuestionnaireVersion

    from .mfa import staff_login

    staff_login(client, get_user_model().objects.create_superuser("root", "root@example.org", "x"))
    before = QuestionnaireVersion.objects.count()
    started = time.thread_time()
    response = client.post(reverse("admin:questionnaire_version_import"),
                           {"file": SimpleUploadedFile("laughs.yaml", text.encode())})
    assert time.thread_time() - started < 1
    page = response.content.decode()
    assert response.status_code == 200 and message in page and "laughs.yaml line" in page
    assert QuestionnaireVersion.objects.count() == before


def test_the_canonical_content_is_well_within_the_yaml_bounds(settings):
    from questionnaire.authoring.content import MAX_YAML_NODES, bounded_yaml

    text = settings.QUESTIONNAIRE_CONTENT.read_text(encoding="utf-8")
    bounded_yaml(text)
    assert text.count("\n") < MAX_YAML_NODES / 10


# ---- 14. docker-compose publishes the app only to the proxy; expired sessions are cleared with the housekeeping

def test_compose_publishes_gunicorn_on_the_loopback_only_and_schedules_the_housekeeping():
    """#22.14: web was published on 0.0.0.0:8000 while BEHIND_PROXY trusts X-Forwarded-For, so a direct client
    chose its own address for lockouts and the audit log; nothing ran clearsessions."""
    from pathlib import Path

    import yaml

    root = Path(__file__).resolve().parent.parent
    compose = yaml.safe_load((root / "docker-compose.yml").read_text())
    for name, service in compose["services"].items():
        if str(service.get("image", "")).startswith("caddy:"):
            # #31: the proxy in front of the web containers is what the world reaches (80 and 443); it sets
            # X-Forwarded-For itself, trusting no client's (Caddy trusts none unless trusted_proxies is set)
            assert {str(p) for p in service.get("ports", [])} <= {"80:80", "443:443"}, (name, service["ports"])
            assert "trusted_proxies" not in (root / "deploy" / "Caddyfile").read_text()
            continue
        for port in service.get("ports", []):
            assert str(port).startswith("127.0.0.1:"), (name, port)
    assert not compose["services"]["web"].get("ports")  # gunicorn only behind the proxy
    commands = [" ".join(service.get("command") or []) for service in compose["services"].values()]
    housekeeping = [c for c in commands if "clearsessions" in c]
    assert housekeeping and "prune_reports" in housekeeping[0] and "sleep 86400" in housekeeping[0]


def test_clearsessions_removes_expired_sessions(db):
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.core.management import call_command
    from django.utils import timezone

    for expires in (timezone.now() - dt.timedelta(days=1), timezone.now() + dt.timedelta(days=1)):
        store = SessionStore()
        store["x"] = 1
        store.create()
        Session.objects.filter(session_key=store.session_key).update(expire_date=expires)
    call_command("clearsessions")
    assert Session.objects.count() == 1 and Session.objects.get().expire_date > timezone.now()


# ---- 1. (continued) the admin's JSON fields and a document's revision number are bounded too

@pytest.mark.parametrize(("value", "message"), [
    ("1e1000000", "out of range"), ("9" * 10000, "too long to be a number"), ("-1e-1000000", "out of range"),
    ("NaN", "NaN is not a number"), ("Infinity", "Infinity is not a number"), ("[" * 5000 + "]" * 5000, "nested"),
])
def test_a_hostile_json_value_in_the_admin_is_refused_at_the_field(client, django_user_model, published, value,
                                                                  message):
    from questionnaire.authoring.content import clone_version
    from questionnaire.models import Constant

    from .mfa import staff_login

    root = django_user_model.objects.create_superuser("root", "root@example.org", "x")
    draft = clone_version(published, user=root)
    staff_login(client, root)
    constant = Constant.objects.get(version=draft, name="sr_threshold")
    started = time.thread_time()
    response = client.post(reverse("admin:questionnaire_constant_change", args=[constant.pk]),
                           {"version": draft.pk, "name": "sr_threshold", "position": 0, "value": value})
    assert time.thread_time() - started < 1
    assert response.status_code == 200 and message in response.content.decode()
    constant.refresh_from_db()
    assert constant.value == 1e25
    diff = reverse("admin:questionnaire_version_diff", args=[draft.pk])
    for against in ("abc", "9" * 5000, "-1"):
        assert client.get(diff, {"against": against}).status_code == 200


@pytest.mark.parametrize("seen", ["9" * 5000, "²", "-1", "1.5"])
def test_a_hostile_revision_number_on_a_document_is_a_400(client, systemic, seen):
    url = document_url(systemic, definitions()["training_summary"])
    response = client.post(url, {"action": "save", "seen_revision": seen, "summary_version": "2.0"})
    assert response.status_code == 400
    assert not LegalDocument.objects.filter(assessment=systemic, kind="training_summary", revision__gt=0).exists()


# ---- 6. (continued) a date the calendar cannot carry a deadline for is unknown, not a crash

def test_date_arithmetic_beyond_the_calendar_is_unknown():
    from questionnaire.engine.expressions import add_days, add_months

    assert add_days(dt.date(9999, 12, 31), 14) is None and add_months(dt.date(9999, 12, 31), 6) is None
    assert add_days(dt.date(2026, 11, 1), 14) == dt.date(2026, 11, 15)
    assert add_months(dt.date(2025, 8, 31), 6) == dt.date(2026, 2, 28)


@pytest.mark.parametrize("code", ["first_eu_placement_date", "threshold_known_date", "designation_date"])
def test_assess_with_a_year_9999_date_warns_and_computes(published, tmp_path, capsys, code):
    """`assess` crashed (a traceback, exit 1) when a date plus its deadline went beyond year 9999."""
    import json

    from django.core.management import call_command

    answers = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in SCENARIOS["T06"]["answers"].items()}
    answers[code] = "9999-12-31"
    if code == "designation_date":
        answers["commission_designated"] = True
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(answers))
    call_command("assess", "--input", str(path))
    out, err = capsys.readouterr()
    assert "before 2015 or after 2100: check the year" in err
    assert json.loads(out)["classification"] == "GPAI_MODEL_SYSTEMIC_RISK"


BIG_BODY = "answer=" + "a" * 3_000_000  # over Django's DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB)


@pytest.mark.django_db
def test_a_body_over_the_upload_limit_is_told_so_with_the_limit(client):
    """A body over the limit used to get the generic "could not use what was sent" page."""
    response = client.post("/quick/", data=BIG_BODY, content_type="application/x-www-form-urlencoded")
    page = response.content.decode()
    assert response.status_code == 400
    assert "larger than 2.5 MB" in page and "nothing was saved" in page
    german = client.post("/quick/", data=BIG_BODY, content_type="application/x-www-form-urlencoded",
                         HTTP_ACCEPT_LANGUAGE="de")
    assert "größer als 2,5 MB" in german.content.decode()


@pytest.mark.django_db
def test_the_api_answers_a_body_over_the_limit_in_json(client):
    response = client.post("/api/v1/assess", data=BIG_BODY, content_type="application/json")
    assert response.status_code == 413 and response["Content-Type"] == "application/json"
    assert "larger than 2.5 MB" in response.json()["detail"]
