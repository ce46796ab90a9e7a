"""Waiting for a PDF is visible: the progress page says where the render stands and about how long, reloads itself
without JavaScript (meta refresh) and offers the PDF once it is ready; with JavaScript it polls and downloads."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Role
from questionnaire.models import RenderedDocument
from questionnaire.rendering.queue import REPORTS, render_row

from .helpers import look, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def waiting_report(settings, django_user_model, published):
    """A completed assessment whose report waits in a queue no worker serves (the test renders it itself): asked
    for here, with its task queued in the dummy backend, so that the servers find it waiting within its lease and
    queue nothing (the live server, or bench/cluster.sh's web processes and task workers alike)."""
    from questionnaire.reports.services import request_report
    from tests.factories import completed, make_member

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    user, organisation = make_member(django_user_model, "wendy", role=Role.OWNER)
    assessment = completed(organisation, user, "T01", name="Patient model")
    assert request_report(assessment, user=user, language="en").status == "pending"
    return assessment, reverse("report_pdf", kwargs={"assessment_id": assessment.pk})


def test_without_javascript_the_progress_page_reloads_itself_and_offers_the_ready_pdf(live_server, new_page,
                                                                                     waiting_report):
    assessment, pdf_url = waiting_report
    page = new_page(javascript=False)
    sign_in(page, live_server.url, "wendy")
    page.goto(live_server.url + pdf_url)
    assert page.locator("h1").inner_text() == "Preparing your report"
    assert "The PDF is next in line to be rendered." in page.content() and "Ready in about" in page.content()
    assert page.locator('meta[http-equiv="refresh"]').count() == 1
    page.click("text=stop checking by itself")  # the reloading can be turned off
    assert page.locator('meta[http-equiv="refresh"]').count() == 0
    # axe-core needs scripts: the same page in a browser with JavaScript (which polls; nothing is ready yet)
    checker = new_page(javascript=True)
    sign_in(checker, live_server.url, "wendy")
    checker.goto(live_server.url + pdf_url + "?manual=1")
    problems: dict[str, list[str]] = {}
    look(checker, "render-progress", problems)
    assert problems == {}
    page.goto(live_server.url + pdf_url)
    report = RenderedDocument.objects.get(assessment=assessment)
    assert render_row(REPORTS, str(report.pk)) == "done"
    page.wait_for_url("**?waited=1", timeout=20_000)  # the meta refresh, without any script
    page.wait_for_selector("text=Your report is ready")
    checker.goto(live_server.url + pdf_url + "?waited=1")
    look(checker, "render-ready", problems)
    assert problems == {}
    with page.expect_download() as info:
        page.click("text=Download the PDF")
    with open(info.value.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"


def test_with_javascript_the_progress_page_downloads_the_pdf_when_it_is_ready(live_server, new_page,
                                                                             waiting_report):
    assessment, pdf_url = waiting_report
    page = new_page(javascript=True)
    sign_in(page, live_server.url, "wendy")
    page.goto(live_server.url + pdf_url)
    assert page.locator("h1").inner_text() == "Preparing your report"
    report = RenderedDocument.objects.get(assessment=assessment)
    with page.expect_download(timeout=20_000) as info:
        render_row(REPORTS, str(report.pk))
    with open(info.value.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    assert "The PDF is ready" in page.locator("[data-render-stage]").inner_text()
