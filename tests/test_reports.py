"""The PDF report: content, archival format, attachment, determinism, safety, background rendering, verification."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from accounts.models import Role
from questionnaire.management.commands import task_worker
from questionnaire.models import Report, ReportStatus
from questionnaire.services import complete, save_section
from questionnaire.tasks import report_snapshot, request_report

from .conftest import public_scenarios
from .wizard_driver import make_member, new_assessment

pytestmark = pytest.mark.django_db
SCENARIOS = {c["id"]: c for c in public_scenarios()}
LABELS = {"GPAI_MODEL_SYSTEMIC_RISK": "General-purpose AI model with systemic risk",
          "GPAI_MODEL": "General-purpose AI model", "OUT_OF_SCOPE": "Out of scope",
          "NOT_GPAI_MODEL": "Not a general-purpose AI model"}


def completed(organisation, user, scenario_id, *, name=None):
    assessment = new_assessment(organisation, user, name=name or f"Model {scenario_id}")
    answers = {k: (v.isoformat() if hasattr(v, "isoformat") else v)
               for k, v in SCENARIOS[scenario_id]["answers"].items()}
    save_section(assessment, "all", answers, user=user, seen_revision=0)
    return complete(assessment, user=user)


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.fixture
def owner(django_user_model, published):
    return make_member(django_user_model, "lena")


def download(client, assessment) -> bytes:
    response = client.get(reverse("report_pdf", kwargs={"assessment_id": assessment.pk}))
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf"
    return b"".join(response.streaming_content)


@pytest.mark.parametrize("scenario_id", ["T06", "T01", "T38", "T02"])
def test_pdf_content_metadata_and_attachment(client, owner, spec, scenario_id):
    user, organisation = owner
    client.force_login(user)
    assessment = completed(organisation, user, scenario_id)
    reader = PdfReader(io.BytesIO(download(client, assessment)))
    text = flat("\n".join(page.extract_text() for page in reader.pages))
    expected = SCENARIOS[scenario_id]["expected"]
    assert LABELS[expected["classification"]] in text
    titles = {o.id: (o.label, o.title) for o in spec.obligations}
    for obligation in expected["obligations"]:
        label, title = titles[obligation]
        assert label in text and flat(title) in text, obligation
    assert f"rules {assessment.questionnaire_version.label}" in text
    assert assessment.snapshot_hash.removeprefix("sha256:")[:12] in text  # running header
    assert assessment.snapshot_hash in text.replace(" ", "") or assessment.snapshot_hash[:30] in text.replace(" ", "")
    attached = json.loads(reader.attachments["assessment-snapshot.json"][0])
    assert attached.pop("snapshot_hash") == assessment.snapshot_hash
    assert attached == assessment.snapshot
    xmp = reader.xmp_metadata
    assert xmp is not None
    raw = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert re.search(r"pdfaid:part(>|=\")3", raw) and re.search(r"pdfaid:conformance(>|=\")A", raw)
    info = reader.metadata
    assert info.title.startswith(f"GPAI assessment: {assessment.ai_model.name}")
    assert info.author == organisation.name
    assert 5 <= len(reader.pages) <= 60
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged for accessibility
    assert "Not legal advice" in text and "not legal advice" in text.lower()


def test_rendered_once_per_snapshot_and_deterministic(client, owner, spec):
    user, organisation = owner
    client.force_login(user)
    assessment = completed(organisation, user, "T06")
    first = download(client, assessment)
    second = download(client, assessment)
    assert Report.objects.filter(assessment=assessment).count() == 1
    assert first == second
    from questionnaire.pdf import render_pdf

    again = render_pdf(spec, assessment.snapshot, assessment.snapshot_hash)
    texts = [flat("".join(p.extract_text() for p in PdfReader(io.BytesIO(b)).pages)) for b in (first, again.pdf)]
    assert texts[0] == texts[1]
    assert hashlib.sha256(again.pdf).hexdigest() == Report.objects.get().file_sha256


def test_snapshot_hash_survives_a_database_round_trip(owner):
    """jsonb rewrites 3.8e+25 as an integer; the stored snapshot must still hash to the stored hash."""
    from questionnaire.models import Assessment
    from questionnaire.services.assessments import snapshot_hash

    user, organisation = owner
    assessment = completed(organisation, user, "T06")
    stored = Assessment.objects.get(pk=assessment.pk)
    assert stored.snapshot == assessment.snapshot
    assert snapshot_hash(stored.snapshot) == stored.snapshot_hash
    assert isinstance(stored.snapshot["answers"]["training_compute_flop"], float)


def test_changed_answer_gives_new_snapshot_and_hash(client, owner):
    user, organisation = owner
    one = completed(organisation, user, "T01", name="A")
    other = completed(organisation, user, "T17", name="B")
    assert one.snapshot_hash != other.snapshot_hash
    assert one.snapshot["answers"]["provider_established_in_eu"] != other.snapshot["answers"][
        "provider_established_in_eu"]


def test_remote_urls_are_never_fetched(owner, spec, monkeypatch):
    from urllib import request

    from questionnaire import pdf

    def no_network(*args, **kwargs):
        raise AssertionError("the renderer tried to open a URL")

    monkeypatch.setattr(request.OpenerDirector, "open", no_network)
    fetcher = pdf.StaticOnlyFetcher()
    for url in ("https://evil.example/x.png", "file:///etc/passwd", "http://127.0.0.1:8000/healthz",
                pdf.STATIC_BASE + "../settings.py"):
        with pytest.raises(ValueError, match="refused"):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 4
    assert fetcher.fetch(pdf.STATIC_BASE + "css/report.css").read().startswith(b"/*")

    user, organisation = owner
    assessment = completed(organisation, user, "T01")
    import dataclasses

    hostile = '<img src="https://evil.example/track.png"><link rel="stylesheet" href="https://evil.example/x.css">'
    obligations = tuple(dataclasses.replace(o, summary=o.summary + hostile) for o in spec.obligations)
    hostile_spec = dataclasses.replace(spec, obligations=obligations)
    rendered = pdf.render_pdf(hostile_spec, assessment.snapshot, assessment.snapshot_hash)
    assert "&lt;img src=&quot;https://evil.example/track.png&quot;&gt;" in rendered.html
    assert rendered.refused_urls == ()
    text = flat("".join(p.extract_text() for p in PdfReader(io.BytesIO(rendered.pdf)).pages))
    assert '<img src="https://evil.example/track.png">' in text  # shown as text, never loaded


def test_failed_render_is_retried_reported_and_never_half_served(client, owner, monkeypatch):
    user, organisation = owner
    client.force_login(user)
    assessment = completed(organisation, user, "T01")
    calls = []

    def broken(*args, **kwargs):
        calls.append(1)
        raise RuntimeError("out of memory")

    monkeypatch.setattr("questionnaire.pdf.render_pdf", broken)
    response = client.get(reverse("report_pdf", kwargs={"assessment_id": assessment.pk}))
    assert response.status_code == 503
    assert "could not be made" in response.content.decode()
    report = Report.objects.get()
    assert report.status == ReportStatus.FAILED and len(calls) == 3 and not report.file
    assert "out of memory" in report.error
    monkeypatch.undo()
    retry = client.post(reverse("report_retry", kwargs={"assessment_id": assessment.pk}))
    assert retry.status_code == 302
    assert download(client, assessment).startswith(b"%PDF-")


def test_pending_report_page_shows_progress(client, owner, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    user, organisation = owner
    client.force_login(user)
    assessment = completed(organisation, user, "T01")
    response = client.get(reverse("report_pdf", kwargs={"assessment_id": assessment.pk}))
    assert response.status_code == 202
    html = response.content.decode()
    assert "Preparing your report" in html and "<progress" in html and "check again" in html
    status = client.get(reverse("report_status", kwargs={"assessment_id": assessment.pk})).json()
    assert status == {"status": "pending"}


def test_verification(client, owner, django_user_model):
    user, organisation = owner
    client.force_login(user)
    assessment = completed(organisation, user, "T06")
    pdf_bytes = download(client, assessment)
    url = reverse("verify", kwargs={"assessment_id": assessment.pk})

    def upload(content: bytes, name="report.pdf"):
        from django.core.files.uploadedfile import SimpleUploadedFile

        return client.post(url, {"pdf": SimpleUploadedFile(name, content, content_type="application/pdf")})

    assert 'data-verified="yes"' in upload(pdf_bytes).content.decode()
    middle = len(pdf_bytes) // 2
    tampered = pdf_bytes[:middle] + bytes([pdf_bytes[middle] ^ 0xFF]) + pdf_bytes[middle + 1:]
    page = upload(tampered).content.decode()
    assert 'data-verified="no"' in page or "not byte-for-byte" in page
    assert "This file is exactly the report" not in page
    assert "The file is not a PDF" in upload(b"hello", "x.pdf").content.decode()
    short = assessment.snapshot_hash.removeprefix("sha256:")[:12]
    assert 'data-verified="yes"' in client.post(url, {"digest": short}).content.decode()
    assert 'data-verified="yes"' in client.post(url, {"digest": assessment.snapshot_hash}).content.decode()
    assert 'data-verified="no"' in client.post(url, {"digest": "0" * 64}).content.decode()
    assert "A hash is 12 to 64 characters" in client.post(url, {"digest": "xyz"}).content.decode()
    stranger, _ = make_member(django_user_model, "eve", role=Role.OWNER)
    client.force_login(stranger)
    assert client.get(url).status_code == 404
    assert client.get(reverse("report_pdf", kwargs={"assessment_id": assessment.pk})).status_code == 404


def test_render_report_command(tmp_path, published):
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({k: (v.isoformat() if hasattr(v, "isoformat") else v)
                                   for k, v in SCENARIOS["T10"]["answers"].items()}))
    for fmt in ("pdf", "html", "json"):
        out = tmp_path / f"report.{fmt}"
        call_command("render_report", "--input", str(answers), "--output", str(out), "--format", fmt,
                     stdout=io.StringIO(), stderr=io.StringIO())
        assert out.stat().st_size > 1000
    snapshot = json.loads((tmp_path / "report.json").read_text())
    assert snapshot["result"]["classification"] == "GPAI_MODEL_SYSTEMIC_RISK"
    reader = PdfReader(str(tmp_path / "report.pdf"))
    attached = json.loads(reader.attachments["assessment-snapshot.json"][0])
    assert attached["result"]["flags"] == ["FOSS_EXEMPTION_LOST_SYSTEMIC_RISK"]
    bad = tmp_path / "bad.json"
    bad.write_text('{"role": "emperor"}')
    with pytest.raises(CommandError) as info:
        call_command("render_report", "--input", str(bad), "--output", str(tmp_path / "x.pdf"))
    assert info.value.returncode == 2


# ---- a worker that died: the report is picked up again, a report only waiting in the queue is left alone

def _report_of(assessment):
    snapshot, digest = report_snapshot(assessment)
    return Report.objects.create(assessment=assessment, snapshot_hash=digest, snapshot=snapshot)


def test_report_of_a_worker_that_died_mid_render_is_rendered_again(owner):
    user, organisation = owner
    assessment = completed(organisation, user, "T01")
    report = _report_of(assessment)
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.RENDERING, attempts=1,
                                               started_at=timezone.now() - dt.timedelta(minutes=2))
    assert request_report(assessment).status == ReportStatus.RENDERING  # two minutes: still rendering
    Report.objects.filter(pk=report.pk).update(started_at=timezone.now() - dt.timedelta(minutes=6))
    assert request_report(assessment).status == ReportStatus.DONE  # re-queued (immediate backend: rendered)


def test_report_whose_task_was_taken_by_a_worker_that_died_is_rendered_again(owner):
    user, organisation = owner
    assessment = completed(organisation, user, "T01")
    report = _report_of(assessment)  # pending, and no task of it is waiting in the queue
    assert request_report(assessment).status == ReportStatus.PENDING  # new: not stalled yet
    Report.objects.filter(pk=report.pk).update(created_at=timezone.now() - dt.timedelta(minutes=6))
    assert request_report(assessment).status == ReportStatus.DONE


def test_report_waiting_in_a_long_queue_is_not_queued_twice(owner, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    user, organisation = owner
    assessment = completed(organisation, user, "T01")
    report = request_report(assessment)
    assert report.status == ReportStatus.PENDING and DBTaskResult.objects.ready().count() == 1
    Report.objects.filter(pk=report.pk).update(created_at=timezone.now() - dt.timedelta(minutes=30))
    assert request_report(assessment).status == ReportStatus.PENDING
    assert DBTaskResult.objects.count() == 1


def test_task_worker_waits_out_a_database_outage(monkeypatch, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    runs, sleeps = [], []

    def run(worker):
        runs.append(worker)
        if len(runs) < 3:
            raise OperationalError("connection refused")

    monkeypatch.setattr(db_worker.Worker, "run", run)
    monkeypatch.setattr(db_worker.Worker, "configure_signals", lambda worker: None)
    monkeypatch.setattr(task_worker.time, "sleep", sleeps.append)
    call_command("task_worker", "--no-reload", "--no-startup-delay", verbosity=0)
    assert len(runs) == 3 and sleeps == [1, 2]
