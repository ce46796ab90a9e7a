"""The outside security review (issue 12): one test (or more) per finding, so that each stays fixed."""

from __future__ import annotations

import importlib
from collections import OrderedDict

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import URLPattern, reverse

from accounts.models import AuditEvent
from questionnaire import models as m
from questionnaire.authoring.content import clone_version

from .conftest import PASSWORD
from .factories import SCENARIOS, completed, make_member, new_assessment
from .mfa import staff_login
from .wizard_driver import post_section

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.org", PASSWORD)


@pytest.fixture
def draft(published, superuser):
    return clone_version(published, user=superuser)


@pytest.fixture
def staff(django_user_model):
    """A staff user with no permission at all: may open the admin, may do nothing in it."""
    return django_user_model.objects.create_user("staffer", "staff@example.org", PASSWORD, is_staff=True)


def _custom_admin_urls(pk: int) -> list[tuple[str, str]]:
    """Every custom URL of every registered ModelAdmin (walked, so that a new view is covered)."""
    urls = []
    for model, model_admin in admin.site._registry.items():
        default = {p.name for p in admin.ModelAdmin(model, admin.site).get_urls() if isinstance(p, URLPattern)}
        for pattern in model_admin.get_urls():
            if not isinstance(pattern, URLPattern) or pattern.name in default:
                continue
            parameters = list(pattern.pattern.converters) or list(pattern.pattern.regex.groupindex)
            obj = model._default_manager.filter(pk=pk).first() if model is m.QuestionnaireVersion \
                else model._default_manager.first()
            kwargs = {name: obj.pk for name in parameters} if obj is not None else None
            if parameters and kwargs is None:
                continue
            urls.append((pattern.name, reverse(f"admin:{pattern.name}", kwargs=kwargs or {})))
    return urls


# ---- 1. admin authoring checks named permissions

def test_every_custom_admin_view_refuses_a_staff_user_without_permissions(client, staff, published, draft):
    staff_login(client, staff)
    urls = _custom_admin_urls(draft.pk)
    assert len(urls) >= 8
    before = (m.QuestionnaireVersion.objects.count(), AuditEvent.objects.filter(action="publish").count())
    for name, url in urls:
        assert client.get(url).status_code == 403, name
        assert client.post(url, {"answers": "{}"}).status_code == 403, name
    draft.refresh_from_db()
    assert draft.status == "draft"
    assert (m.QuestionnaireVersion.objects.count(), AuditEvent.objects.filter(action="publish").count()) == before


def test_each_authoring_view_needs_its_own_permission(client, staff, published, draft):
    def grant(*codenames):
        staff.user_permissions.set(Permission.objects.filter(content_type__app_label="questionnaire",
                                                             codename__in=codenames))
        staff_login(client, type(staff).objects.get(pk=staff.pk))

    publish_url = reverse("admin:questionnaire_version_publish", args=[draft.pk])
    grant("view_questionnaireversion")
    page = client.get(reverse("admin:questionnaire_questionnaireversion_change", args=[draft.pk])).content.decode()
    assert "Validate" in page and "Publish</a>" not in page  # only the tools this user may use
    for name in ("validate", "preview", "diff", "export", "history"):
        assert client.get(reverse(f"admin:questionnaire_version_{name}", args=[draft.pk])).status_code == 200
    assert client.post(publish_url).status_code == 403
    assert client.post(reverse("admin:questionnaire_version_clone", args=[published.pk])).status_code == 403
    page = client.get(reverse("admin:questionnaire_questionnaireversion_changelist")).content.decode()
    assert "Import YAML" not in page
    grant("view_questionnaireversion", "change_questionnaireversion")
    assert client.post(publish_url).status_code == 403  # change is not publish
    grant("view_questionnaireversion", "publish_questionnaireversion")
    assert client.post(publish_url).status_code == 302
    draft.refresh_from_db()
    assert draft.status == "published"


# ---- 18. the publish audit entry records the published content hash

def test_publish_audit_records_the_published_content_hash(client, superuser, published, draft):
    staff_login(client, superuser)
    assert client.post(reverse("admin:questionnaire_version_publish", args=[draft.pk])).status_code == 302
    draft.refresh_from_db()
    event = AuditEvent.objects.get(action="publish")
    assert draft.content_hash.startswith("sha256:")
    assert draft.content_hash in event.target
    assert event.details["content_hash"] == draft.content_hash


# ---- 7. admin list and change pages with realistic data

def test_every_admin_changelist_and_change_page_with_titles_and_unicode(client, superuser, django_user_model,
                                                                         published):
    user, organisation = make_member(django_user_model, "zoë")
    organisation.name = "Société Générale d’Intelligence Artificielle — Ελληνικά 日本語 " + "x" * 120
    organisation.save()
    assessment = completed(organisation, user, "T01", name="Atlas-70B “Ünïcødé” " + "y" * 170)
    assessment.title = "v2.1 – release candidate 🚀 " + "z" * 160
    assessment.save()
    completed(organisation, user, "T06", name="Frontier")  # one without a title
    assert assessment.title in str(assessment)
    staff_login(client, superuser)
    for model in admin.site._registry:
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        response = client.get(reverse(f"{info}_changelist"))
        assert response.status_code == 200, info
        for obj in model._default_manager.all()[:3]:
            assert client.get(reverse(f"{info}_change", args=[obj.pk])).status_code == 200, (info, obj.pk)
    page = client.get(reverse("admin:questionnaire_assessment_changelist")).content.decode()
    assert "release candidate" in page


# ---- 9. no input gives a 500

@pytest.mark.parametrize("value", ["1e309", "10^400", "9" * 59, "1.5 × 10^309"])
def test_flop_figures_beyond_a_float_are_refused_at_the_field(client, owner, organisation, spec, value):
    user = owner
    client.force_login(user)
    assessment = new_assessment(organisation, user)
    answers = dict(SCENARIOS["T01"]["answers"])
    for step in ("role", "organisation", "market", "placement_date", "research", "compute"):
        post_section(client, assessment, step, answers, spec)
    response = post_section(client, assessment, "compute", {**answers, "training_compute_flop": value}, spec)
    assert response.status_code == 400
    assert "larger than 10^40 FLOP" in response.content.decode()


@pytest.mark.parametrize("value", ["1e309", 10**400, "10^400"])
def test_assess_refuses_flop_beyond_a_float_with_exit_2(published, tmp_path, value):
    import json

    from django.core.management import CommandError, call_command

    path = tmp_path / "answers.json"
    path.write_text(json.dumps({"role": "developer", "training_compute_flop": value}).replace('"1e309"', "1e309")
                    if value == "1e309" else json.dumps({"role": "developer", "training_compute_flop": value}))
    with pytest.raises(CommandError) as caught:
        call_command("assess", "--input", str(path))
    assert caught.value.returncode == 2


def test_assess_refuses_deeply_nested_json_with_exit_2(published, tmp_path):
    from django.core.management import CommandError, call_command

    path = tmp_path / "answers.json"
    path.write_text('{"role": ' + "[" * 100000 + "]" * 100000 + "}")
    with pytest.raises(CommandError) as caught:
        call_command("assess", "--input", str(path))
    assert caught.value.returncode == 2 and "nested" in str(caught.value)


def test_admin_preview_with_deeply_nested_json_says_so(client, superuser, published):
    staff_login(client, superuser)
    url = reverse("admin:questionnaire_version_preview", args=[published.pk])
    response = client.post(url, {"answers": '{"role": ' + "[" * 100000 + "]" * 100000 + "}"})
    assert response.status_code == 200
    assert "nested too deeply" in response.content.decode()


def test_a_non_integer_seen_revision_is_a_400(client, owner, organisation, spec):
    user = owner
    client.force_login(user)
    assessment = new_assessment(organisation, user)
    url = reverse("wizard_step", kwargs={"assessment_id": assessment.pk, "step": "role"})
    response = client.post(url, {f"assessment-{assessment.pk}-current_step": "role", "seen_revision": "1.5",
                                 "role-role": "developer"})
    assert response.status_code == 400
    assessment.refresh_from_db()
    assert assessment.answers == {}
    done = completed(organisation, user, "T01")
    for url in (reverse("gap_item", kwargs={"assessment_id": done.pk, "measure": "TR-1.1"}),
                reverse("model_documentation", kwargs={"assessment_id": done.pk})):
        assert client.post(url, {"status": "planned", "seen_revision": "x"}).status_code == 400, url


@pytest.mark.parametrize("path", ["/assessments/%00/", "/healthz?x=%00", "/accounts/login/%00"])
def test_a_nul_byte_in_the_url_is_a_400(client, path):
    assert client.get(path).status_code == 400


def test_a_nul_byte_in_a_form_field_is_a_400_and_nothing_is_saved(client, owner, organisation):
    user = owner
    client.force_login(user)
    done = completed(organisation, user, "T01")
    response = client.post(reverse("copy", kwargs={"assessment_id": done.pk}), {"title": "v2\x00"})
    assert response.status_code == 400
    assert m.Assessment.objects.count() == 1
    response = client.post(reverse("new_assessment"), {"ai_model": "new", "new_model_name": "A\x00B"})
    assert response.status_code == 400
    assert not m.AIModel.objects.filter(name__contains="B").exists()


# ---- 12. no-store on every authenticated page and download

def test_authenticated_pages_and_downloads_are_not_stored(client, owner, organisation):
    user = owner
    done = completed(organisation, user, "T01")
    assert "no-store" not in client.get("/").get("Cache-Control", "")
    client.force_login(user)
    for name in ("dashboard", "action_plan", "organisation", "my_data"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert "no-store" in response["Cache-Control"], name
    for name in ("result", "export_json", "export_csv", "history", "gap_overview", "verify"):
        response = client.get(reverse(name, kwargs={"assessment_id": done.pk}))
        assert response.status_code == 200, name
        assert "no-store" in response["Cache-Control"], name
    assert "no-store" in client.get("/").get("Cache-Control", "")


# ---- 13. uploads: the request size is capped before the body is read

def test_a_request_larger_than_the_cap_is_refused_unread(client, owner, organisation, settings):
    from io import BytesIO

    user = owner
    client.force_login(user)
    done = completed(organisation, user, "T01")
    settings.MAX_REQUEST_BYTES = 1000

    class Unreadable(BytesIO):
        def read(self, *args):
            raise AssertionError("the body was read")

    response = client.generic("POST", reverse("verify", kwargs={"assessment_id": done.pk}), b"",
                              CONTENT_TYPE="multipart/form-data; boundary=x", CONTENT_LENGTH="5000",
                              **{"wsgi.input": Unreadable()})
    assert response.status_code == 413
    assert "larger than" in response.content.decode()


# ---- 11. every CSV cell is formula-escaped, admin-authored texts included

def test_every_csv_cell_is_formula_escaped(client, django_user_model, settings):
    import csv
    import io

    from questionnaire.authoring.content import load, read_content_file

    content = read_content_file(settings.QUESTIONNAIRE_CONTENT)
    content["version"] = "2099.1"
    for section in content["sections"]:
        for question in section["questions"]:
            question["text"] = "=HYPERLINK(\"https://evil.example\",\"" + question["text"] + "\")"
    for obligation in content["obligations"]:
        obligation["title"] = "@SUM(1+1)*cmd|' /C calc'!A0"
    for outcome in content["outcomes"]:
        outcome["title"] = "+" + outcome["title"]
    load(content)
    user, organisation = make_member(django_user_model, "olga")
    done = completed(organisation, user, "T06", name="-2+3 =Model")
    client.force_login(user)
    for url in (reverse("export_csv", kwargs={"assessment_id": done.pk}), reverse("action_plan") + "?format=csv"):
        if "action" in url:
            client.get(reverse("gap_overview", kwargs={"assessment_id": done.pk}))  # creates the measures
        text = client.get(url).content.decode()
        cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
        assert len(cells) > 20, url
        dangerous = [c for c in cells if c.lstrip()[:1] in ("=", "+", "-", "@")]
        assert not dangerous, (url, dangerous[:5])
        if "action" in url:
            assert "'-2+3 =Model" in cells
        else:
            assert any(c.startswith("'=HYPERLINK") for c in cells) and any(c.startswith("'+") for c in cells)


# ---- 6. no secret link written to logs

def test_reset_and_invitation_links_are_redacted_in_our_logs_and_the_access_log():
    import logging
    from types import SimpleNamespace

    from compliance_checker.gunicorn_logging import RedactingLogger
    from compliance_checker.observability import RedactSecretsFilter

    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Not Found: %s", (
        "/accounts/invitations/Zx81kq-secret-token/",), None)
    RedactSecretsFilter().filter(record)
    assert "secret-token" not in record.getMessage() and "[redacted]" in record.getMessage()

    environ = {"REQUEST_METHOD": "GET", "RAW_URI": "/accounts/reset/MQ/cbx-7f3a9b/", "SERVER_PROTOCOL": "HTTP/1.1",
               "PATH_INFO": "/accounts/reset/MQ/cbx-7f3a9b/", "QUERY_STRING": "",
               "HTTP_REFERER": "https://gpai.example.org/accounts/invitations/Zx81kq-secret-token/"}
    logger = RedactingLogger(_gunicorn_config())
    atoms = logger.atoms(SimpleNamespace(status="200 OK", sent=10, headers=[]), SimpleNamespace(headers=[]),
                         environ, SimpleNamespace(seconds=0, microseconds=5))
    text = " ".join(str(v) for v in atoms.values())
    assert "7f3a9b" not in text and "secret-token" not in text
    assert "/accounts/reset/[redacted]" in atoms["r"]


def _gunicorn_config():
    from gunicorn.config import Config

    return Config()


def test_the_settings_log_handler_redacts(settings):
    assert "redact" in settings.LOGGING["handlers"]["console"]["filters"]


# ---- 5. verification: "matches" only for a file we rendered

def test_a_pdf_carrying_a_genuine_attachment_is_not_said_to_match(client, owner, organisation):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from pypdf import PdfReader, PdfWriter

    user = owner
    client.force_login(user)
    done = completed(organisation, user, "T01")
    response = client.get(reverse("report_pdf", kwargs={"assessment_id": done.pk}))
    issued = b"".join(response.streaming_content)
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(issued)))
    writer.add_metadata({"/Title": "Changed by someone else"})
    forged = io.BytesIO()
    writer.write(forged)
    assert "assessment-snapshot.json" in PdfReader(io.BytesIO(forged.getvalue())).attachments
    assert forged.getvalue() != issued
    url = reverse("verify", kwargs={"assessment_id": done.pk})
    page = client.post(url, {"pdf": SimpleUploadedFile("r.pdf", forged.getvalue())}).content.decode()
    assert 'data-verified="data-only"' in page and "It matches" not in page
    assert "The data attached is genuine, but this file is not the report we issued" in page
    page = client.post(url, {"pdf": SimpleUploadedFile("r.pdf", issued)}).content.decode()
    assert 'data-verified="yes"' in page and "It matches" in page


# ---- 13. uploaded files are checked by their real type

def _zip(entries: dict[str, bytes]) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX_PARTS = {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("fake.pdf", b"%PDF-1.7\n<html>only the first bytes are right</html>", "cannot be read as one"),
        ("plain.docx", _zip({"readme.txt": b"hello"}), "is a zip file but not a .docx document"),
        ("broken.xlsx", b"PK\x03\x04" + b"\x00" * 100, "is not a valid .xlsx document"),
        ("bomb.docx", _zip({**DOCX_PARTS, "word/media/zeros.bin": b"\x00" * (3 * 1024 * 1024)}), "expands to more"),
        ("latin1.txt", "café".encode("latin-1"), "is not UTF-8 text"),
    ],
)
def test_uploads_are_checked_by_their_real_type(client, owner, organisation, monkeypatch, name, content, message):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from questionnaire.core import uploads

    monkeypatch.setattr(uploads, "MAX_UNCOMPRESSED_BYTES", 2 * 1024 * 1024)
    user = owner
    client.force_login(user)
    done = completed(organisation, user, "T01")
    client.get(reverse("gap_overview", kwargs={"assessment_id": done.pk}))
    url = reverse("gap_item", kwargs={"assessment_id": done.pk, "measure": "CR-1.1"})
    response = client.post(url, {"status": "planned", "seen_revision": 0, "upload": SimpleUploadedFile(name, content)})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not m.EvidenceFile.objects.exists()
    good = SimpleUploadedFile("ok.docx", _zip(DOCX_PARTS))
    assert client.post(url, {"status": "planned", "seen_revision": 0, "upload": good}).status_code == 302
    assert m.EvidenceFile.objects.count() == 1


def test_verification_refuses_a_file_that_only_starts_like_a_pdf(client, owner, organisation):
    from django.core.files.uploadedfile import SimpleUploadedFile

    user = owner
    client.force_login(user)
    done = completed(organisation, user, "T01")
    response = client.post(reverse("verify", kwargs={"assessment_id": done.pk}),
                           {"pdf": SimpleUploadedFile("r.pdf", b"%PDF-1.7 and then nothing")})
    assert response.status_code == 400 and "cannot be read as one" in response.content.decode()


# ---- 14. the task worker reclaims renders whose worker died, and its back-off resets after a success

def test_the_worker_sweep_requeues_a_render_whose_worker_died_without_any_request(owner, organisation, settings):
    import datetime as dt

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from questionnaire.management.commands.task_worker import LeaseSweeper
    from questionnaire.reports.services import request_report

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    user = owner
    done = completed(organisation, user, "T01")
    report = request_report(done)
    DBTaskResult.objects.all().delete()  # a worker took the task ...
    m.RenderedDocument.objects.filter(pk=report.pk).update(status="rendering", attempts=1,  # ... and died rendering it
                                                 started_at=timezone.now() - dt.timedelta(minutes=10),
                                                 heartbeat_at=timezone.now() - dt.timedelta(seconds=20))
    sweeper = LeaseSweeper(every=60)
    assert sweeper.sweep() == 0  # its heartbeat is within its lease: left alone, however long it has rendered
    m.RenderedDocument.objects.filter(pk=report.pk).update(heartbeat_at=timezone.now() - dt.timedelta(minutes=2),
                                                 created_at=timezone.now() - dt.timedelta(minutes=6))
    assert sweeper.sweep() == 1
    report.refresh_from_db()
    assert report.status == "pending"
    assert DBTaskResult.objects.ready().filter(args_kwargs__args__0=str(report.pk)).count() == 1
    assert sweeper.sweep() == 0  # queued now: not queued twice


def test_the_worker_back_off_starts_again_after_the_database_answered(monkeypatch, settings):
    from django.core.management import call_command
    from django.db import OperationalError, connection
    from django.db.backends.signals import connection_created
    from django_tasks_db.management.commands import db_worker

    from questionnaire.management.commands import task_worker

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    runs, sleeps = [], []

    def run(worker):
        runs.append(worker)
        if len(runs) == 3:  # the database came back, then went away again
            connection_created.send(sender=type(connection), connection=connection)
        if len(runs) < 5:
            raise OperationalError("connection refused")

    monkeypatch.setattr(db_worker.Worker, "run", run)
    monkeypatch.setattr(db_worker.Worker, "configure_signals", lambda worker: None)
    monkeypatch.setattr(task_worker.time, "sleep", sleeps.append)
    monkeypatch.setattr(task_worker.LeaseSweeper, "start", lambda sweeper: None)
    call_command("task_worker", "--no-reload", "--no-startup-delay", verbosity=0)
    assert sleeps == [1, 2, 1, 2]


# ---- 3. no PDF rendered inside a request; a member cannot queue more than a few

def test_documentation_pdf_is_rendered_in_the_background_with_the_report_progress_page(client, owner, organisation,
                                                                                       settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    user = owner
    client.force_login(user)
    done = completed(organisation, user, "T01")
    url = reverse("model_documentation_export", kwargs={"assessment_id": done.pk, "audience": "aio", "fmt": "pdf"})
    response = client.get(url)
    assert response.status_code == 202  # queued, not rendered in the request
    html = response.content.decode()
    assert "Preparing your Model Documentation Form" in html and "<progress" in html
    rendered = m.RenderedDocument.objects.get(kind="documentation")
    assert rendered.status == "pending" and rendered.requested_by == user and not rendered.file
    status_url = reverse("render_status", kwargs={"assessment_id": done.pk, "render_id": rendered.pk})
    assert status_url in html and f'data-pdf-url="{url}"' in html
    state = client.get(status_url).json()  # with where it stands, for the page's script
    assert state["status"] == "pending" and state["ahead"] == 0 and state["seconds"] >= 1
    assert client.get(url).status_code == 202 and m.RenderedDocument.objects.filter(kind="documentation").count() == 1

    from questionnaire.rendering.queue import render_document

    render_document.call(str(rendered.pk))  # what the worker does
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_a_member_cannot_queue_more_than_the_limit(client, owner, organisation, settings, django_user_model):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.RENDER_LIMIT_PER_MEMBER = 2
    user = owner
    client.force_login(user)
    done = completed(organisation, user, "T01")

    def export(audience):
        return client.get(reverse("model_documentation_export", kwargs={"assessment_id": done.pk, "audience": audience,
                                                                   "fmt": "pdf"}))

    assert export("aio").status_code == 202
    assert export("nca").status_code == 202
    refused = export("dp")
    assert refused.status_code == 429 and "Too many documents" in refused.content.decode()
    assert client.get(reverse("report_pdf", kwargs={"assessment_id": done.pk})).status_code == 429
    assert m.RenderedDocument.objects.count() == 2
    assert export("aio").status_code == 202  # asking again for one already waiting is fine
    colleague, _ = make_member(django_user_model, "colin", organisation=organisation)
    client.force_login(colleague)
    assert export("dp").status_code == 202  # the limit is per member


# ---- 4. deleting rows deletes their files; orphan files are pruned

@pytest.fixture
def media(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}}}
    return tmp_path


def _with_files(client, organisation, user):
    """A completed assessment with a rendered report and an evidence upload; their stored names."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .test_gap import tiny_pdf

    done = completed(organisation, user, "T01", name=f"Model of {user.username}")
    client.force_login(user)
    assert client.get(reverse("report_pdf", kwargs={"assessment_id": done.pk})).status_code == 200
    client.get(reverse("gap_overview", kwargs={"assessment_id": done.pk}))
    url = reverse("gap_item", kwargs={"assessment_id": done.pk, "measure": "CR-1.1"})
    assert client.post(url, {"status": "planned", "seen_revision": 0,
                             "upload": SimpleUploadedFile("policy.pdf", tiny_pdf())}).status_code == 302
    report = m.RenderedDocument.objects.get(assessment=done)
    evidence = m.EvidenceFile.objects.get(item__assessment=done)
    return done, [report.file.name, evidence.file.name]


def test_deleting_an_organisation_deletes_its_files(client, owner, organisation, media,
                                                    django_capture_on_commit_callbacks):
    user = owner
    _, names = _with_files(client, organisation, user)
    assert all((media / name).exists() for name in names)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("delete_organisation"), {"confirm": organisation.name})
    assert response.status_code == 302
    assert not any((media / name).exists() for name in names)


def test_deleting_an_account_deletes_the_files_of_its_own_organisation(client, owner, organisation, media,
                                                                       django_capture_on_commit_callbacks):
    user = owner
    _, names = _with_files(client, organisation, user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("delete_account"), {"confirm": user.username})
    assert response.status_code == 302
    assert not any((media / name).exists() for name in names)


def test_deleting_a_report_deletes_its_file_and_prune_removes_orphans(client, owner, organisation, media,
                                                                      django_capture_on_commit_callbacks):
    import os
    import time

    from django.core.management import call_command

    user = owner
    done, (report_name, evidence_name) = _with_files(client, organisation, user)
    with django_capture_on_commit_callbacks(execute=True):
        m.RenderedDocument.objects.filter(assessment=done).delete()
    assert not (media / report_name).exists() and (media / evidence_name).exists()
    orphan = media / "reports" / "lost" / "left-behind.pdf"
    fresh = media / "evidence" / "uploading.pdf"
    for path in (orphan, fresh):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"%PDF-")
    old = time.time() - 2 * 3600
    os.utime(orphan, (old, old))
    os.utime(media / evidence_name, (old, old))
    call_command("prune_reports")
    assert not orphan.exists()
    assert fresh.exists() and (media / evidence_name).exists()  # too new to judge, and referenced


# ---- 17. double-submitting "copy" creates one copy

def test_double_submitting_copy_creates_one_copy(client, owner, organisation):
    import re

    user = owner
    client.force_login(user)
    done = completed(organisation, user, "T01")
    page = client.get(reverse("result", kwargs={"assessment_id": done.pk})).content.decode()
    token = re.search(r'name="once" value="([^"]+)"', page).group(1)
    url = reverse("copy", kwargs={"assessment_id": done.pk})
    first = client.post(url, {"title": "v2", "once": token})
    second = client.post(url, {"title": "v2", "once": token})
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert m.Assessment.objects.count() == 2
    other = re.search(r'name="once" value="([^"]+)"',
                      client.get(reverse("result", kwargs={"assessment_id": done.pk})).content.decode()).group(1)
    assert other != token
    assert client.post(url, {"title": "v3", "once": other}).status_code == 302
    assert m.Assessment.objects.count() == 3
    assert client.post(url, {"title": "v4", "once": "../bad token"}).status_code == 400


# ---- 10. expressions: depth, number size and time bounded; exploding facts refused at save

@pytest.mark.parametrize(("source", "message"), [
    ("-" * 500 + "1", "nested more than"),
    ("not " * 200 + "True", "nested more than"),
    ("1" + "0" * 60, r"larger than 10\^40"),
    ("1e309 > 0", r"larger than 10\^40"),
])
def test_expressions_refuse_deep_nesting_and_huge_numbers(source, message):
    from questionnaire.engine.expressions import ExpressionError, compile_expression

    with pytest.raises(ExpressionError, match=message):
        compile_expression(source)


def test_evaluation_bounds_numbers_and_time():
    from questionnaire.engine.expressions import (
        EvaluationTimeout,
        Evaluator,
        ExpressionLimitError,
        compile_expression,
        time_limit,
    )

    square = compile_expression("x * x")
    assert Evaluator({"x": 10**15})(square) == 10**30
    with pytest.raises(ExpressionLimitError):
        Evaluator({"x": 10**30})(square)
    with pytest.raises(ExpressionLimitError):
        Evaluator({"x": 1e200})(square)  # a float overflow is not silently inf
    with time_limit(0), pytest.raises(EvaluationTimeout):
        Evaluator({"x": 1})(square)


def test_a_chain_of_facts_that_explodes_is_refused_at_save(client, superuser, draft):
    staff_login(client, superuser)
    last = m.Fact.objects.filter(version=draft).order_by("-position").first()
    url = reverse("admin:questionnaire_fact_add")
    data = {"version": draft.pk, "label": "", "type": "number"}
    response = client.post(url, {**data, "name": "boom1", "position": last.position + 1,
                                 "expr": "training_compute_flop * 1e20"})
    assert response.status_code == 200, response.status_code
    assert "beyond the bounds" in response.content.decode()
    assert not m.Fact.objects.filter(version=draft, name="boom1").exists()
    fine = client.post(url, {**data, "name": "half", "position": last.position + 1,
                             "expr": "first(training_compute_flop, 0) / 2"})
    assert fine.status_code == 302


def test_validate_stops_after_a_few_seconds(client, superuser, draft, monkeypatch):
    import time

    from questionnaire import admin as questionnaire_admin
    lint_module = importlib.import_module("questionnaire.engine.lint")  # the module (the package exports the function)

    monkeypatch.setattr(questionnaire_admin, "CHECK_SECONDS", 0.5)
    monkeypatch.setattr(lint_module, "_remembered", OrderedDict())  # the checks run, not a remembered answer
    original = questionnaire_admin.lint

    def slow_lint(spec):
        spin_until = time.thread_time() + 0.6  # as if the expressions had been evaluating for long (the limit
        while time.thread_time() < spin_until:  # counts CPU time, so sleeping would not count)
            pass
        return original(spec)

    monkeypatch.setattr(questionnaire_admin, "lint", slow_lint)
    started = time.monotonic()
    staff_login(client, superuser)
    page = client.get(reverse("admin:questionnaire_version_validate", args=[draft.pk])).content.decode()
    assert "Validation stopped after" in page
    assert time.monotonic() - started < 10


def test_yaml_import_refuses_a_text_longer_than_its_column_naming_the_line(client, superuser, published, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    text = settings.QUESTIONNAIRE_CONTENT.read_text(encoding="utf-8").replace("version: 2025.1", "version: 2099.9", 1)
    lines = text.splitlines()
    index = next(i for i, line in enumerate(lines) if line.strip().startswith("- code: ") and "sections:" in
                 "\n".join(lines[:i]))
    lines[index] = lines[index].replace("- code: ", "- code: " + "x" * 80, 1)
    staff_login(client, superuser)
    response = client.post(reverse("admin:questionnaire_version_import"),
                           {"file": SimpleUploadedFile("long.yaml", "\n".join(lines).encode())})
    page = response.content.decode()
    assert f"long.yaml line {index + 1}" in page and "characters long; at most" in page
    assert not m.QuestionnaireVersion.objects.filter(label="2099.9").exists()


def test_the_sweeper_thread_sweeps_at_start_and_then_periodically(monkeypatch):
    import threading

    from questionnaire.management.commands.task_worker import LeaseSweeper

    swept = threading.Semaphore(0)
    monkeypatch.setattr(LeaseSweeper, "sweep", lambda sweeper: swept.release())
    sweeper = LeaseSweeper(every=0.05)
    sweeper.start()
    assert swept.acquire(timeout=5) and swept.acquire(timeout=5)  # at start, and again after `every`
    sweeper.stop()
    sweeper.join(timeout=5)
    assert not sweeper.is_alive()
