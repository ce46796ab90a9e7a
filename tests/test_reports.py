"""The PDF report: content, archival format, attachment, determinism, safety, background rendering, verification."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, OperationalError
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from accounts.models import Role
from questionnaire.management.commands import task_worker
from questionnaire.models import RenderedDocument, RenderStatus
from questionnaire.reports.services import report_snapshot, request_report

from .conftest import public_scenarios
from .factories import completed, make_member

pytestmark = pytest.mark.django_db
SCENARIOS = {c["id"]: c for c in public_scenarios()}
LABELS = {"GPAI_MODEL_SYSTEMIC_RISK": "General-purpose AI model with systemic risk",
          "GPAI_MODEL": "General-purpose AI model", "OUT_OF_SCOPE": "Out of scope",
          "NOT_GPAI_MODEL": "Not a general-purpose AI model"}



def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def download(client, assessment) -> bytes:
    response = client.get(reverse("report_pdf", kwargs={"assessment_id": assessment.pk}))
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf"
    return b"".join(response.streaming_content)


# ---- one real PDF per classification, rendered once per test module and shared by the tests that read it

STATUS = (("implemented", "Implemented"), ("partially_implemented", "Partially implemented"),
          ("planned", "Planned"), ("not_started", "Not started"))
RENDERED = ("T06", "T01", "T08", "T10", "T38", "T02")  # T06 with a full gap analysis, some of it overdue


def scenario_snapshot(spec, scenario_id: str, *, gap: bool = False) -> tuple[dict, str]:
    from questionnaire.assessments.services import build_snapshot
    from questionnaire.engine import canonical_hash, evaluate, parse_answers

    answers = parse_answers(spec, SCENARIOS[scenario_id]["answers"])
    result = evaluate(spec, answers, today=dt.date(2026, 11, 21))
    stored = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in answers.items()}
    snapshot = build_snapshot(spec, result, stored, assessment_id="00000000-0000-4000-8000-000000000000",
                              title="v1.0", organisation="Example AI Ltd", model=f"Model {scenario_id}",
                              completed_at=dt.datetime(2026, 11, 21, 10, 0, tzinfo=dt.UTC), completed_by="lena",
                              revision=1)
    if gap:
        snapshot["gap_analysis"] = {
            m: {"status": STATUS[i % 4][0], "status_label": STATUS[i % 4][1], "owner": f"owner{i % 3}",
                "due_date": f"2026-{1 + i % 12:02d}-15", "evidence": f"Evidence for {m}."}
            for i, m in enumerate(result.code_measures)}
    return snapshot, canonical_hash(snapshot)


@pytest.fixture(scope="module")
def rendered(spec):
    from questionnaire.reports.pdf import render_pdf

    out = {}
    for scenario_id in RENDERED:
        snapshot, digest = scenario_snapshot(spec, scenario_id, gap=scenario_id == "T06")
        report = render_pdf(spec, snapshot, digest, gap_analysis=snapshot.get("gap_analysis", {}))
        reader = PdfReader(io.BytesIO(report.pdf))
        pages = [flat(page.extract_text()) for page in reader.pages]
        out[scenario_id] = {"snapshot": snapshot, "hash": digest, "report": report, "reader": reader,
                            "pages": pages, "text": " ".join(pages)}
    return out


def structure_tags(node, counts=None) -> Counter:
    """How often each structure type (/H1, /P, /L...) occurs in the PDF's tag tree."""
    counts = Counter() if counts is None else counts
    node = node.get_object() if hasattr(node, "get_object") else node
    if isinstance(node, list):
        for kid in node:
            structure_tags(kid, counts)
    elif hasattr(node, "get"):
        if node.get("/S"):
            counts[node["/S"]] += 1
        if node.get("/K") is not None:
            structure_tags(node["/K"], counts)
    return counts


@pytest.mark.parametrize("scenario_id", ["T06", "T01", "T38", "T02"])
def test_pdf_per_classification_is_archival_tagged_and_complete(rendered, spec, scenario_id):
    pdf = rendered[scenario_id]
    reader, text, digest = pdf["reader"], pdf["text"], pdf["hash"]
    expected = SCENARIOS[scenario_id]["expected"]
    assert LABELS[expected["classification"]] in text
    titles = {o.id: (o.label, o.title) for o in spec.obligations}
    for obligation in expected["obligations"]:
        label, title = titles[obligation]
        assert label in text and flat(title) in text, obligation
    short = digest.removeprefix("sha256:")[:12]
    assert all(f"rules {spec.version}" in page and short in page for page in pdf["pages"])  # header on every page
    assert digest in text.replace(" ", "")
    attached = json.loads(reader.attachments["assessment-snapshot.json"][0])
    assert attached.pop("snapshot_hash") == digest
    assert attached == pdf["snapshot"]
    raw = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert re.search(r"pdfaid:part(>|=\")3", raw) and re.search(r"pdfaid:conformance(>|=\")A", raw)
    assert reader.metadata.title.startswith(f"GPAI assessment: Model {scenario_id}")
    assert reader.metadata.author == "Example AI Ltd"
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged for accessibility
    tags = structure_tags(reader.trailer["/Root"]["/StructTreeRoot"])
    assert tags["/H1"] == 1 and tags["/H2"] >= 7 and tags["/P"] >= 30 and tags["/L"] >= 1, tags
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    assert "1. Executive summary" in outline and "2. Why: the findings that decided it" in outline
    assert "Not legal advice" in text and "not legal advice" in text.lower()
    assert "Verifying this report" in text


def test_reports_are_short_and_have_no_near_empty_page(rendered):
    pages = {scenario_id: len(pdf["pages"]) for scenario_id, pdf in rendered.items()}
    assert pages["T08"] <= 8 and pages["T01"] <= 8 and pages["T38"] <= 5  # 14, 15 and 12 pages before
    assert pages["T06"] <= 12  # systemic risk with all 40 Code measures in the gap analysis: 20 before
    for scenario_id, pdf in rendered.items():
        for number, page in enumerate(pdf["pages"][:-1], start=1):  # only the last page may be short
            assert len(page) > 1500, (scenario_id, number, len(page))


def test_executive_summary_on_page_one_answers_the_five_questions(rendered, spec):
    first = rendered["T10"]["pages"][0]
    for heading in ("What this model is", "What you must do", "Already due or overdue", "What is next",
                    "Notes, which follow from the rules", "Open points for counsel, where the law or guidance"):
        assert heading in first, heading
    flag = next(f for f in spec.flags if f.id in SCENARIOS["T10"]["expected"]["flags"])
    notes = first.split("Notes, which follow from the rules:")[1].split("Open points for counsel,")[0]
    assert flat(flag.title) in notes  # a settled consequence, on page one, as a note, not an open point
    assert "The provider's obligations apply since 1 October 2025" in first  # past deadlines: due now


def test_summary_names_the_overdue_gap_measures(rendered):
    pdf = rendered["T06"]
    summary = " ".join(pdf["pages"][:2])
    completed = dt.date(2026, 11, 21)
    overdue = [m for m, r in pdf["snapshot"]["gap_analysis"].items()
               if dt.date.fromisoformat(r["due_date"]) < completed and r["status"] != "implemented"]
    on_time = [m for m, r in pdf["snapshot"]["gap_analysis"].items()
               if dt.date.fromisoformat(r["due_date"]) >= completed or r["status"] == "implemented"]
    assert overdue and on_time
    assert f"{len(overdue)} Code measures past their owner's due date and not implemented" in summary
    statuses = [r["status_label"].lower() for r in pdf["snapshot"]["gap_analysis"].values()]
    tally = ", ".join(f"{statuses.count(s)} {s}" for s in dict.fromkeys(statuses))
    assert f"Code of Practice gap analysis: {tally} (section 4)" in summary
    listed = summary.split("not implemented:")[1].split("What is next")[0]
    assert all(f"{m} (due" in listed for m in overdue)
    assert not any(f"{m} (due" in listed for m in on_time)


def test_reasoning_shows_the_deciding_findings_not_every_fact(rendered, spec):
    from questionnaire.reports.content import decisive_findings

    pdf = rendered["T08"]  # open source, no systemic risk
    blocks = decisive_findings(spec, pdf["snapshot"])
    shown = {f["name"] for b in blocks for f in b["held"] + b["ruled_out"]}
    labelled = {f.name for f in spec.facts if f.label and f.type in ("bool", "number")}
    held = {f["name"] for b in blocks for f in b["held"]}
    assert len(held) <= len(labelled) // 2 and len(shown) < len(labelled)  # not the whole trail
    facts = pdf["snapshot"]["result"]["facts"]
    assert all(facts[name] for name in held if isinstance(facts[name], bool))  # no rule here asks for a "no"
    # the path to "open source, no technical documentation": the exemption and what it rests on
    by_label = {f.name: f.label for f in spec.facts}
    reasoning = pdf["text"].split("2. Why")[1].split("3. Obligations")[0]
    for name in ("placed_in_eu", "gpai_criterion", "foss_exempt", "foss_conditions_met"):
        assert name in held and flat(by_label[name]) in reasoning, name
    assert "A free and open-source licence" in reasoning  # the answer the exemption rests on
    # findings off the path are not in the reasoning (they are in the attached JSON)
    for name in ("inherited_sr", "modified_cumulative_over", "designated", "legacy_model"):
        assert name not in shown and flat(by_label[name]) not in reasoning, name
    assert "inherited_sr" in json.loads(pdf["reader"].attachments["assessment-snapshot.json"][0])["result"]["facts"]


def test_reasoning_follows_a_finding_that_decided_by_not_holding(rendered, spec):
    """Not a general-purpose AI model: the deciding finding is a "No", and the path goes on below it."""
    from questionnaire.reports.content import decisive_findings

    classification = decisive_findings(spec, rendered["T02"]["snapshot"])[0]
    held = {f["name"]: f["value"] for f in classification["held"]}
    assert held["is_gpai"] == "No" and held["gpai_criterion"] == "No"
    # followed down to the compute answer: exactly the threshold, not above it
    assert "10^23 FLOP" in [a["answer"] for f in classification["held"] for a in f["answers"]]
    assert "is_deployer" in {f["name"] for f in classification["ruled_out"]}  # a gate it passed, not followed
    reasoning = rendered["T02"]["text"].split("2. Why")[1].split("3. Obligations")[0]
    assert "The model is a general-purpose AI model: No" in reasoning


def test_reasoning_follows_the_content_not_a_fixed_list(rendered, spec):
    """Change a rule of the content and the path changes with it."""
    import dataclasses

    from questionnaire.reports.content import decisive_findings

    snapshot = rendered["T06"]["snapshot"]
    before = {f["name"] for b in decisive_findings(spec, snapshot) for f in b["held"]}
    assert "sr_presumed" in before
    outcomes = tuple(dataclasses.replace(o, rules=tuple(
        dataclasses.replace(r, when="designated or foss_conditions_met") if r.when == "systemic_risk" else r
        for r in o.rules)) for o in spec.outcomes)
    changed = dataclasses.replace(spec, outcomes=outcomes, obligations=())
    after = {f["name"] for b in decisive_findings(changed, snapshot) for f in b["held"] + b["ruled_out"]}
    assert "sr_presumed" not in after and {"designated", "foss_conditions_met"} <= after


def test_timeline_dates_come_from_the_content(rendered, spec):
    import dataclasses

    from questionnaire.engine.spec import GeneralDate
    from questionnaire.reports.pdf import render_html

    text = rendered["T01"]["text"]
    assert all(flat(d.text) in text for d in spec.general_dates if d.date not in
               rendered["T01"]["snapshot"]["result"]["deadlines"].values())
    pdf = rendered["T01"]
    other = dataclasses.replace(spec, general_dates=(GeneralDate("2024-07-12", "Published in the Official Journal."),))
    html = render_html(other, pdf["snapshot"], pdf["hash"])
    assert "Published in the Official Journal." in html and flat(spec.general_dates[0].text) not in html


def test_rendered_once_per_snapshot_and_deterministic(client, owner, organisation, spec):
    user = owner
    client.force_login(user)
    assessment = completed(organisation, user, "T06")
    first = download(client, assessment)
    second = download(client, assessment)
    assert RenderedDocument.objects.filter(assessment=assessment).count() == 1
    assert first == second
    reader = PdfReader(io.BytesIO(first))
    attached = json.loads(reader.attachments["assessment-snapshot.json"][0])
    assert attached.pop("snapshot_hash") == assessment.snapshot_hash and attached == assessment.snapshot
    assert reader.metadata.author == organisation.name
    from questionnaire.reports.pdf import render_pdf

    again = render_pdf(spec, assessment.snapshot, assessment.snapshot_hash)
    texts = [flat("".join(p.extract_text() for p in PdfReader(io.BytesIO(b)).pages)) for b in (first, again.pdf)]
    assert texts[0] == texts[1]
    assert hashlib.sha256(again.pdf).hexdigest() == RenderedDocument.objects.get().file_sha256


def test_snapshot_hash_survives_a_database_round_trip(owner, organisation):
    """jsonb rewrites 3.8e+25 as an integer; the stored snapshot must still hash to the stored hash."""
    from questionnaire.engine import canonical_hash
    from questionnaire.models import Assessment

    user = owner
    assessment = completed(organisation, user, "T06")
    stored = Assessment.objects.get(pk=assessment.pk)
    assert stored.snapshot == assessment.snapshot
    assert canonical_hash(stored.snapshot) == stored.snapshot_hash
    assert isinstance(stored.snapshot["answers"]["training_compute_flop"], float)


def test_changed_answer_gives_new_snapshot_and_hash(client, owner, organisation):
    user = owner
    one = completed(organisation, user, "T01", name="A")
    other = completed(organisation, user, "T17", name="B")
    assert one.snapshot_hash != other.snapshot_hash
    assert one.snapshot["answers"]["provider_established_in_eu"] != other.snapshot["answers"][
        "provider_established_in_eu"]


def test_remote_urls_are_never_fetched(owner, organisation, spec, monkeypatch):
    from urllib import request

    from questionnaire.rendering import pdf
    from questionnaire.reports import pdf as reports_pdf

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

    user = owner
    assessment = completed(organisation, user, "T01")
    import dataclasses

    hostile = '<img src="https://evil.example/track.png"><link rel="stylesheet" href="https://evil.example/x.css">'
    obligations = tuple(dataclasses.replace(o, summary=o.summary + hostile) for o in spec.obligations)
    hostile_spec = dataclasses.replace(spec, obligations=obligations)
    rendered = reports_pdf.render_pdf(hostile_spec, assessment.snapshot, assessment.snapshot_hash)
    assert "&lt;img src=&quot;https://evil.example/track.png&quot;&gt;" in rendered.html
    assert rendered.refused_urls == ()
    text = flat("".join(p.extract_text() for p in PdfReader(io.BytesIO(rendered.pdf)).pages))
    assert '<img src="https://evil.example/track.png">' in text  # shown as text, never loaded


def test_failed_render_is_retried_reported_and_never_half_served(client, owner, organisation, monkeypatch):
    user = owner
    client.force_login(user)
    assessment = completed(organisation, user, "T01")
    def broken(*args, **kwargs):
        raise RuntimeError("out of memory")

    monkeypatch.setattr("questionnaire.rendering.pdf.render_source", broken)  # every document renders through it
    response = client.get(reverse("report_pdf", kwargs={"assessment_id": assessment.pk}))
    assert response.status_code == 503
    assert "could not be made" in response.content.decode()
    report = RenderedDocument.objects.get()
    # each attempt renders in a child process of its own (rendering.isolation): its calls are not seen here
    assert report.status == RenderStatus.FAILED and report.attempts == 3 and not report.file
    assert report.error == "RuntimeError: out of memory"
    monkeypatch.undo()
    retry = client.post(reverse("report_retry", kwargs={"assessment_id": assessment.pk}))
    assert retry.status_code == 302
    assert download(client, assessment).startswith(b"%PDF-")


def test_pending_report_page_shows_progress(client, owner, organisation, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    user = owner
    client.force_login(user)
    assessment = completed(organisation, user, "T01")
    response = client.get(reverse("report_pdf", kwargs={"assessment_id": assessment.pk}))
    assert response.status_code == 202
    html = response.content.decode()
    assert "Preparing your report" in html and "<progress" in html and "check now" in html
    # where it stands and about how long, and a reload without JavaScript that offers the PDF once it is ready
    assert "The PDF is next in line to be rendered." in html and "Ready in about" in html
    pdf_url = reverse("report_pdf", kwargs={"assessment_id": assessment.pk})
    assert f'<meta http-equiv="refresh" content="5; url={pdf_url}?waited=1">' in html
    manual = client.get(pdf_url + "?manual=1").content.decode()  # the user turned the reloading off
    assert 'http-equiv="refresh"' not in manual and "Check now" in manual
    status = client.get(reverse("report_status", kwargs={"assessment_id": assessment.pk})).json()
    assert status == {"status": "pending"}


def test_a_finished_pdf_is_offered_at_once_after_waiting(client, owner, organisation):
    client.force_login(owner)
    assessment = completed(organisation, owner, "T01")
    pdf_url = reverse("report_pdf", kwargs={"assessment_id": assessment.pk})
    assert download(client, assessment).startswith(b"%PDF-")  # immediate backend: rendered in the request
    ready = client.get(pdf_url + "?waited=1")  # the progress page's reload finds it done
    page = ready.content.decode()
    assert ready.status_code == 200 and "Your report is ready" in page
    assert f'href="{pdf_url}" download' in page and 'http-equiv="refresh"' not in page


# ---- rendered in the background on completion and when the gap records change

def test_report_is_rendered_on_completion_and_again_when_the_gap_analysis_changes(client, owner, organisation,
                                                                                  settings):
    from questionnaire.code_of_practice.gap import ensure_gap_items, update_gap_item

    settings.REPORT_PRERENDER = True  # immediate backend here: the "background" render runs at once
    user = owner
    client.force_login(user)
    assessment = completed(organisation, user, "T01")
    report = RenderedDocument.objects.get(assessment=assessment)  # rendered without anyone asking for it
    assert report.status == RenderStatus.DONE and report.document_hash == assessment.snapshot_hash
    items = ensure_gap_items(assessment)  # the gap analysis is opened: its records are part of the report
    assert RenderedDocument.objects.filter(assessment=assessment, status=RenderStatus.DONE).count() == 2
    measure, item = next(iter(items.items()))
    update_gap_item(item, {"status": "planned", "owner": None, "due_date": None, "evidence": "", "notes": "",
                           "not_applicable_reason": ""}, user=user, seen_revision=item.revision)
    latest = RenderedDocument.objects.filter(assessment=assessment).order_by("-created_at").first()
    assert RenderedDocument.objects.filter(assessment=assessment).count() == 3
    assert latest.status == RenderStatus.DONE and latest.snapshot["gap_analysis"][measure]["status"] == "planned"
    pdf = download(client, assessment)  # instant: nothing new to render
    assert hashlib.sha256(pdf).hexdigest() == latest.file_sha256
    assert RenderedDocument.objects.filter(assessment=assessment).count() == 3


def test_no_render_on_completion_without_a_background_worker(owner, organisation, settings):
    settings.REPORT_PRERENDER = False
    user = owner
    completed(organisation, user, "T38")
    assert not RenderedDocument.objects.exists()


def test_report_superseded_before_it_was_rendered_is_dropped(owner, organisation, settings):
    from questionnaire.code_of_practice.gap import ensure_gap_items
    from questionnaire.tasks import render_report

    settings.REPORT_PRERENDER = True
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # queued, not run
    user = owner
    assessment = completed(organisation, user, "T01")
    first = RenderedDocument.objects.get(assessment=assessment)
    ensure_gap_items(assessment)
    current = RenderedDocument.objects.get(assessment=assessment)  # the first one, never rendered, is gone
    assert current.pk != first.pk and "gap_analysis" in current.snapshot
    assert render_report.call(str(first.pk)) == "nothing to do"  # its task, still queued
    assert render_report.call(str(current.pk)) == "done"


def test_verification(client, owner, organisation, django_user_model):
    user = owner
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
    assert 'data-verified="no"' in page or 'data-verified="data-only"' in page
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
    return RenderedDocument.objects.create(assessment=assessment, document_hash=digest, snapshot=snapshot)


def test_report_of_a_worker_that_died_mid_render_is_rendered_again(owner, organisation):
    user = owner
    assessment = completed(organisation, user, "T01")
    report = _report_of(assessment)
    # started twenty minutes ago, but its worker beat its heartbeat ten seconds ago: a long render, still alive
    now = timezone.now()
    RenderedDocument.objects.filter(pk=report.pk).update(status=RenderStatus.RENDERING, attempts=1,
                                                         started_at=now - dt.timedelta(minutes=20),
                                                         heartbeat_at=now - dt.timedelta(seconds=10))
    assert request_report(assessment).status == RenderStatus.RENDERING
    # no beat for longer than the lease (RENDER_LEASE_SECONDS, a minute): its worker died
    RenderedDocument.objects.filter(pk=report.pk).update(heartbeat_at=now - dt.timedelta(minutes=2))
    assert request_report(assessment).status == RenderStatus.DONE  # re-queued (immediate backend: rendered)


def test_report_whose_task_was_taken_by_a_worker_that_died_is_rendered_again(owner, organisation):
    user = owner
    assessment = completed(organisation, user, "T01")
    report = _report_of(assessment)  # pending, and no task of it is waiting in the queue
    assert request_report(assessment).status == RenderStatus.PENDING  # new: not stalled yet
    RenderedDocument.objects.filter(pk=report.pk).update(created_at=timezone.now() - dt.timedelta(minutes=6))
    assert request_report(assessment).status == RenderStatus.DONE


def test_report_waiting_in_a_long_queue_is_not_queued_twice(owner, organisation, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    user = owner
    assessment = completed(organisation, user, "T01")
    report = request_report(assessment)
    assert report.status == RenderStatus.PENDING and DBTaskResult.objects.ready().count() == 1
    RenderedDocument.objects.filter(pk=report.pk).update(created_at=timezone.now() - dt.timedelta(minutes=30))
    assert request_report(assessment).status == RenderStatus.PENDING
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
    monkeypatch.setattr(task_worker.LeaseSweeper, "start", lambda sweeper: None)  # tested in test_security
    call_command("task_worker", "--no-reload", "--no-startup-delay", verbosity=0)
    assert len(runs) == 3 and sleeps == [1, 2]
    assert runs[0].interval == task_worker.POLL_SECONDS < 1  # an idle worker looks for a queued render soon


def test_task_worker_goes_on_after_a_task_whose_row_was_deleted_while_it_ran(monkeypatch, settings):
    """db_worker cannot record the end of a task whose row was deleted meanwhile and exits with a DatabaseError
    (seen in bench/cluster.sh when a test's data was flushed under a render): the task worker goes on."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    runs, sleeps = [], []

    def run(worker):
        runs.append(worker)
        if len(runs) < 2:
            raise DatabaseError("Save with update_fields did not affect any rows.")

    monkeypatch.setattr(db_worker.Worker, "run", run)
    monkeypatch.setattr(db_worker.Worker, "configure_signals", lambda worker: None)
    monkeypatch.setattr(task_worker.time, "sleep", sleeps.append)
    monkeypatch.setattr(task_worker.LeaseSweeper, "start", lambda sweeper: None)
    call_command("task_worker", "--no-reload", "--no-startup-delay", verbosity=0)
    assert len(runs) == 2 and sleeps == [1]


@pytest.mark.parametrize("scenario_id", ["T06", "T08", "S52"])
def test_the_report_reads_the_same_whatever_order_the_snapshot_keys_come_in(spec, scenario_id):
    """PostgreSQL's jsonb gives a stored snapshot's keys back in its own order: the report must not follow it
    (two renders of one snapshot differed in the order of the passed deadlines)."""
    import datetime as dt

    from questionnaire.assessments.services import build_snapshot
    from questionnaire.engine import canonical_hash, evaluate, parse_answers
    from questionnaire.reports.pdf import render_html

    from .factories import SCENARIOS

    answers = {k: (v.isoformat() if hasattr(v, "isoformat") else v)
               for k, v in SCENARIOS[scenario_id]["answers"].items()}
    result = evaluate(spec, parse_answers(spec, answers), dt.date(2026, 11, 29))
    snapshot = json.loads(json.dumps(build_snapshot(
        spec, result, answers, assessment_id="x", title="", organisation="Example AI GmbH", model="Atlas",
        completed_at=dt.datetime(2026, 11, 29, tzinfo=dt.UTC), completed_by="officer", revision=1)))

    def reversed_keys(value):
        if isinstance(value, dict):
            return {key: reversed_keys(value[key]) for key in reversed(list(value))}
        return [reversed_keys(v) for v in value] if isinstance(value, list) else value

    digest = canonical_hash(snapshot)
    assert render_html(spec, snapshot, digest) == render_html(spec, reversed_keys(snapshot), digest)


def test_the_report_hash_and_the_snapshot_hash_are_two_hashes_both_printed_or_verified(client, owner, organisation):
    """With gap records the report shows more than the completion snapshot: the report row's document_hash (the
    report hash) is printed on every page and attached, the assessment's snapshot_hash stays the completion
    snapshot's, and the verification page knows each by its name (#13)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from questionnaire.code_of_practice.gap import ensure_gap_items, update_gap_item
    from questionnaire.engine import canonical_hash

    user = owner
    client.force_login(user)
    assessment = completed(organisation, user, "T01")
    item = next(iter(ensure_gap_items(assessment).values()))
    update_gap_item(item, {"status": "planned", "owner": None, "due_date": None, "evidence": "", "notes": "",
                           "not_applicable_reason": ""}, user=user, seen_revision=item.revision)
    pdf_bytes = download(client, assessment)
    report = RenderedDocument.objects.get(assessment=assessment, file_sha256=hashlib.sha256(pdf_bytes).hexdigest())
    report_hash = report.document_hash
    assert report_hash != assessment.snapshot_hash and report_hash == report_snapshot(assessment)[1]
    assert canonical_hash(assessment.snapshot) == assessment.snapshot_hash  # the completion snapshot, unchanged
    reader = PdfReader(io.BytesIO(pdf_bytes))
    text = flat(" ".join(page.extract_text() for page in reader.pages))
    assert report_hash.removeprefix("sha256:")[:12] in text and assessment.snapshot_hash not in text
    attached = json.loads(reader.attachments["assessment-snapshot.json"][0])
    assert attached.pop("snapshot_hash") == report_hash and canonical_hash(attached) == report_hash
    assert "gap_analysis" in attached
    url = reverse("verify", kwargs={"assessment_id": assessment.pk})
    page = client.post(url, {"digest": report_hash}).content.decode()
    assert 'data-verified="yes"' in page and f"stored report snapshot {report_hash}" in page
    page = client.post(url, {"digest": assessment.snapshot_hash}).content.decode()
    assert 'data-verified="yes"' in page and f"stored snapshot {assessment.snapshot_hash}" in page
    page = client.post(url, {"pdf": SimpleUploadedFile("r.pdf", pdf_bytes)}).content.decode()
    assert 'data-verified="yes"' in page and f"from the report snapshot {report_hash}" in page


def test_a_web_process_serving_a_report_does_not_load_weasyprint():
    """The progress page and the download name the document's kind (rendering.queue.document): that must not import
    WeasyPrint, which only the task worker and render_report need (each gunicorn worker took seconds to import it on
    its first report.pdf request under load, and every officer waited behind it)."""
    import os
    import subprocess
    import sys

    from questionnaire.rendering.queue import DOCUMENTS

    from .conftest import ROOT

    script = ("import sys, django\ndjango.setup()\nfrom questionnaire.rendering.queue import DOCUMENTS, document\n"
              "kinds = [document(kind).title for kind in DOCUMENTS]\n"
              "import questionnaire.reports.views, questionnaire.rendering.views\n"
              "print(len(kinds), 'weasyprint' in sys.modules)\n")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "compliance_checker.settings"}
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,  # noqa: S603
                          timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == [str(len(DOCUMENTS)), "False"]
