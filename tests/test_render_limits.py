"""Renders that cannot starve anyone: each in a child process with hard limits (rendering.isolation), a heartbeat
that keeps its lease, size caps at the fields of a document, a cap per organisation on waiting renders that counts
prerenders, and fair turns between organisations in the queue."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from questionnaire.legal_documents.definitions import definition
from questionnaire.legal_documents.values import MAX_LIST_CHARS, MAX_ROWS, parse_input, size_problem
from questionnaire.models import LegalDocument, RenderedDocument, RenderStatus
from questionnaire.rendering.isolation import Limits, RenderFailed, RenderStopped, run_limited
from questionnaire.rendering.queue import TooManyRenders, waiting_in
from questionnaire.reports.services import prerender_report, request_report

from .conftest import _member
from .factories import completed

SUMMARY = "training_summary"
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


# ---- the child process and its limits

def _spin(seconds):
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass
    return "spun"


def _eat_memory(megabytes):
    return len(bytearray(megabytes * 1024 * 1024))


def _fail(_):
    raise ValueError("a broken template")


def test_a_render_within_its_limits_returns_its_result_and_beats_meanwhile():
    beats = []
    limit = Limits(cpu_seconds=10, memory_mb=256, heartbeat_seconds=0.2)
    assert run_limited(_spin, 0.7, beat=lambda: beats.append(1), limit=limit) == "spun"
    assert len(beats) >= 2  # the lease is kept while it renders


@pytest.mark.parametrize(("work", "amount", "message"), [
    (_spin, 30, "more than 1 seconds of processor time"),
    (_eat_memory, 2048, "more than 64 MB of memory"),
])
def test_a_render_over_its_limit_is_stopped_with_a_message(work, amount, message):
    started = time.monotonic()
    with pytest.raises(RenderStopped) as stopped:
        run_limited(work, amount, limit=Limits(cpu_seconds=1, memory_mb=64, heartbeat_seconds=1))
    assert message in str(stopped.value) and str(stopped.value).startswith("Stopped:")
    assert "attach the full data as a file" in str(stopped.value)
    assert time.monotonic() - started < 15


def test_an_error_in_the_child_comes_back_as_its_message():
    with pytest.raises(RenderFailed, match=r"^ValueError: a broken template$"):
        run_limited(_fail, None, limit=Limits(cpu_seconds=5, memory_mb=256, heartbeat_seconds=1))


# ---- size caps at the field

TABLE = definition(SUMMARY).fields()["crawl_top_domains"]
LIST = definition(SUMMARY).fields()["crawler_ids"]


@pytest.mark.parametrize(("document_field", "typed", "problem"), [
    (TABLE, "1 | a.example | 2\n" * 10, None),
    (TABLE, "1 | a.example | 2\n" * MAX_ROWS, None),
    (TABLE, "1 | a.example | 2\n" * (MAX_ROWS + 1), "has 1 001 rows, at most 1 000."),
    (TABLE, "1 | " + "a" * MAX_LIST_CHARS + " | 2", "This table is too long to keep in the document"),
    (LIST, "Bot\n" * (MAX_ROWS + 1), "This list has"),
    (LIST, "x" * (MAX_LIST_CHARS + 1), "This list is too long"),
])
def test_size_caps_of_lists_and_tables(document_field, typed, problem):
    found = size_problem(document_field, typed.strip())
    assert (found is None) if problem is None else (problem in found), found


def test_a_two_megabyte_table_is_refused_at_its_field(client, organisation, owner):
    assessment = completed(organisation, owner, "T08")
    url = reverse("legal_document", kwargs={"assessment_id": assessment.pk, "kind": SUMMARY})
    client.force_login(owner)
    client.get(url)
    document = LegalDocument.objects.get(assessment=assessment, kind=SUMMARY)
    rows = "".join(f"{i} | site{i}.example-with-a-long-name-to-fill-the-table.org | 0.01\n" for i in range(1, 30000))
    table = rows[: 2 * 1024 * 1024]
    assert len(table) == 2 * 1024 * 1024
    response = client.post(url, {"crawl_top_domains": table, "summary_version": "0.1", "seen_revision": 0})
    page = response.content.decode()
    assert response.status_code == 400
    assert "This table is too long to keep in the document: 2 097 152 characters, at most 100 000." in page
    # at the field: the message is in the field's error, which the field's input refers to
    field_at = page.index('name="crawl_top_domains')  # the field, or its rows' inputs (a formset since #27)
    assert "too long to keep" in page[max(0, field_at - 3000): field_at + 3000]
    document.refresh_from_db()
    assert document.revision == 0 and not document.values.get("crawl_top_domains")
    with pytest.raises(ValueError, match="too long"):
        parse_input(TABLE, table)


# ---- the queue: a render over its limit fails with a message, the next organisation's render goes on

@pytest.fixture
def other_organisation(django_user_model, published):
    from accounts.models import Organisation

    organisation = Organisation.objects.create(name="Beta Labs")
    return organisation, _member(django_user_model, "bruno", organisation, "owner")


def test_a_render_over_its_limit_fails_with_its_message_and_the_next_organisations_render_is_done(
        settings, monkeypatch, organisation, owner, other_organisation):
    from questionnaire.rendering import pdf

    settings.TASKS = DATABASE_TASKS
    settings.RENDER_CPU_SECONDS = 2
    beta, bruno = other_organisation
    slow = completed(organisation, owner, "T01", name="Endless model")
    quick = completed(beta, bruno, "T01", name="Quick model")
    real = pdf.render_source

    def render(source):  # the child inherits this: the first organisation's document never ends
        if "Endless model" in source.html:
            _spin(600)
        return real(source)

    monkeypatch.setattr(pdf, "render_source", render)
    stuck = request_report(slow, user=owner)
    waiting = request_report(quick, user=bruno)
    # the worker's turns, in the queue's order: the endless render first, then the other organisation's
    from questionnaire.rendering.queue import REPORTS, render_row

    order = [task.args_kwargs["args"][0] for task in DBTaskResult.objects.ready()]
    assert order == [str(stuck.pk), str(waiting.pk)]
    assert [render_row(REPORTS, row_id) for row_id in order] == ["stopped", "done"]
    stuck.refresh_from_db()
    waiting.refresh_from_db()
    assert stuck.status == RenderStatus.FAILED and stuck.stopped and stuck.attempts == 1
    assert "more than 2 seconds of processor time" in stuck.error
    assert waiting.status == RenderStatus.DONE and waiting.file
    # the member sees why, at the place of the PDF
    from django.test import Client

    member = Client()
    member.force_login(owner)
    page = member.get(reverse("report_pdf", kwargs={"assessment_id": slow.pk})).content.decode()
    assert "more than 2 seconds of processor time" in page


# ---- fairness and the cap per organisation

def test_renders_of_two_organisations_take_turns(settings, organisation, owner, other_organisation):
    settings.TASKS = DATABASE_TASKS
    settings.RENDER_LIMIT_PER_MEMBER = 10
    beta, bruno = other_organisation
    first = [request_report(completed(organisation, owner, "T01", name=f"A{i}"), user=owner) for i in range(3)]
    second = request_report(completed(beta, bruno, "T01", name="B0"), user=bruno)
    order = [task.args_kwargs["args"][0] for task in DBTaskResult.objects.ready()]
    assert order == [str(first[0].pk), str(second.pk), str(first[1].pk), str(first[2].pk)]


def test_an_organisation_has_a_cap_on_waiting_renders_that_counts_prerenders(settings, client, organisation,
                                                                            owner):
    settings.TASKS = DATABASE_TASKS
    settings.REPORT_PRERENDER = True
    settings.RENDER_LIMIT_PER_ORGANISATION = 2
    completed(organisation, owner, "T01", name="P1")  # completing queues its report (a prerender)
    completed(organisation, owner, "T02", name="P2")
    assert waiting_in(organisation.pk) == 2
    third = completed(organisation, owner, "T08", name="P3")  # its prerender is skipped: the cap is reached
    assert waiting_in(organisation.pk) == 2
    assert not RenderedDocument.objects.filter(assessment=third).exists()
    with pytest.raises(TooManyRenders):
        request_report(third, user=owner)
    client.force_login(owner)
    response = client.get(reverse("report_pdf", kwargs={"assessment_id": third.pk}))
    assert response.status_code == 429 and "organisation" in response.content.decode()
    prerender_report(third)  # skipped again, no error
    assert waiting_in(organisation.pk) == 2
