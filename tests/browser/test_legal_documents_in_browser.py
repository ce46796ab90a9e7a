"""Legal documents in Chromium: a training-content summary for an open-source model (refused while a mandatory
field is missing or a rule is broken, then published and downloaded), and a serious incident of each harm
category whose deadlines appear in the action plan. axe-core on each page; screenshots at 1280 and 390 px."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from accounts.models import Role
from questionnaire.legal_documents.definitions import definition
from questionnaire.legal_documents.values import cell_text, input_text
from tests.factories import completed, make_member
from tests.test_legal_documents import summary_values
from tests.test_legal_documents_incidents import incident

from .helpers import SCREENSHOTS, download_pdf, serious_violations, shoot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill(page, kind: str, values: dict) -> None:
    """Type every given value into the document form as a person would."""
    for f in definition(kind).fields().values():
        if f.id not in values:
            continue
        value = values[f.id]
        if f.type in ("yes_no", "choice"):
            page.check(f"input[name={f.id}][value='{value}']")
        elif f.type == "multi":
            for box in page.query_selector_all(f"input[name={f.id}]"):
                box.set_checked(box.get_attribute("value") in value)
        elif f.type == "table":  # one row of inputs per row; "Add a row" for each row beyond the first (#27)
            for i, row in enumerate(value or []):
                if page.locator(f"[name='{f.id}-{i}-{f.columns[0].id}']").count() == 0:
                    with page.expect_navigation():
                        page.click(f"button[name=action][value='add_row:{f.id}']")
                for column in f.columns:
                    cell = row.get(column.id)
                    page.fill(f"[name='{f.id}-{i}-{column.id}']", "" if cell in (None, "") else cell_text(cell))
        else:
            page.fill(f"[name={f.id}]", str(input_text(f, value)))


@pytest.mark.parametrize("javascript", [True, False])
def test_training_content_summary_for_an_open_source_model(live_server, new_page, django_user_model, published,
                                                           tmp_path, javascript):
    """With and without JavaScript (axe-core needs it, so it runs only with)."""
    def accessible():
        return serious_violations(page) if javascript else []

    owner, organisation = make_member(django_user_model, "officer", role=Role.OWNER)
    assessment = completed(organisation, owner, "T08")  # open weights under Apache-2.0
    page = new_page(javascript=javascript)
    sign_in(page, live_server.url, "officer")
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/result/")
    with page.expect_navigation():
        page.click("[data-document=training_summary] a")
    assert page.input_value("[name=placement_date]") == "2025-10-01"  # pre-filled from the assessment
    assert accessible() == []
    if javascript:
        shoot(page, "summary-form")
    values = summary_values(crawl_domain_count=100)  # 4 domains listed: the top 10 % is 10
    fill(page, "training_summary", values)
    page.fill("[name=tdm_measures]", "")  # a mandatory field left empty
    with page.expect_navigation():
        page.click("button[value=issue]")
    summary = page.inner_text("[data-error-summary]")
    assert "not published" in summary
    assert "Measures to respect TDM reservations" in summary and "Fill in this field" in summary
    assert "List at least 10 domains (the top 10 % of domains, of 100 crawled); 4 listed" in summary
    assert page.query_selector("[data-issues]") is None
    assert accessible() == []
    if javascript:
        shoot(page, "summary-refused")
    page.fill("[name=tdm_measures]", "robots.txt (RFC 9309) and TDMRep honoured; third-party datasets checked")
    fill(page, "training_summary", {"crawl_top_domains": [
        {"rank": i, "domain": f"site{i}.example", "share_percent": 20 - i} for i in range(1, 11)]})
    with page.expect_navigation():
        page.click("button[value=issue]")
    assert page.query_selector("[data-error-summary]") is None, page.inner_text("[data-error-summary]")
    assert "1.0 published on" in page.inner_text("main")
    if javascript:
        shoot(page, "summary-published")
    downloads = {}
    for fmt in ("pdf", "html", "md"):
        link = f"[data-issue='1.0'] [data-download={fmt}]"
        if fmt == "pdf":  # rendered in the background: its progress page, if it is not ready yet
            download = download_pdf(page, link)
        else:
            with page.expect_download() as info:
                page.click(link)
            download = info.value
        path = tmp_path / download.suggested_filename
        download.save_as(path)
        downloads[fmt] = path.read_bytes()
        if SCREENSHOTS:  # the downloads too, to look at them
            with open(os.path.join(SCREENSHOTS, path.name), "wb") as handle:
                handle.write(downloads[fmt])
    assert downloads["pdf"].startswith(b"%PDF-")
    assert b"site10.example" in downloads["html"]
    assert b"<h1>Public summary of training content</h1>" in downloads["html"]
    assert downloads["md"].startswith(b"# Public summary of training content")


def test_a_serious_incident_of_each_type_shows_its_deadline_in_the_action_plan(live_server, new_page,
                                                                               django_user_model, published):
    owner, organisation = make_member(django_user_model, "officer", role=Role.OWNER)
    assessment = completed(organisation, owner, "T05")  # 1.05e25 FLOP: systemic risk
    page = new_page(javascript=True)
    sign_in(page, live_server.url, "officer")
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/result/")
    with page.expect_navigation():
        page.click("[data-document=serious_incident] a")
    assert serious_violations(page) == []
    today = dt.date.today()
    aware = today - dt.timedelta(days=3)
    clocks = definition("serious_incident").rules["clocks"]
    register = f"{live_server.url}/assessments/{assessment.pk}/documents/serious_incident/"
    for category in clocks:
        page.goto(register)
        with page.expect_navigation():
            page.click("[data-action=new-entry]")
        fill(page, "serious_incident", incident(harm_category=[category], incident_ref=f"INC-{category}",
                                                awareness_datetime=f"{aware.isoformat()}T08:00"))
        with page.expect_navigation():
            page.click("button[value=save]")
        assert page.query_selector("[data-error-summary]") is None
    assert serious_violations(page) == []
    shoot(page, "incident-form")
    page.goto(register)
    shoot(page, "incident-register")
    page.goto(f"{live_server.url}/action-plan/")
    rows = page.query_selector_all("[data-document=serious_incident]")
    found = sorted((row.get_attribute("data-due"), row.inner_text()) for row in rows)
    expected = sorted(((aware + dt.timedelta(days=days)).isoformat(), category) for category, days in clocks.items())
    assert [due for due, _ in found] == [due for due, _ in expected]
    for (due, text), (_, category) in zip(found, expected, strict=True):
        assert category.replace("_", " ") in text or due == (aware + dt.timedelta(days=15)).isoformat()
    overdue = [row for row in rows if row.get_attribute("data-overdue") is not None]
    assert len(overdue) == 1 and "critical infrastructure" in overdue[0].inner_text()  # 2 days: past
    assert serious_violations(page) == []
    shoot(page, "action-plan")


def test_every_other_document_page_is_accessible(live_server, new_page, django_user_model, published):
    owner, organisation = make_member(django_user_model, "officer", role=Role.OWNER)
    assessment = completed(organisation, owner, "T06")  # systemic risk, provider outside the EU
    page = new_page(javascript=True)
    sign_in(page, live_server.url, "officer")
    for kind in ("art52_notification", "model_report", "copyright_policy"):
        page.goto(f"{live_server.url}/assessments/{assessment.pk}/documents/{kind}/")
        with page.expect_navigation():
            page.click("button[value=issue]")  # nothing filled in: refused with the error summary
        assert page.query_selector("[data-error-summary]") is not None, kind
        assert serious_violations(page) == [], kind
        shoot(page, kind)


def test_a_gate_answered_no_hides_the_rest_of_its_block(live_server, new_page, django_user_model, published):
    owner, organisation = make_member(django_user_model, "officer", role=Role.OWNER)
    assessment = completed(organisation, owner, "T08")
    page = new_page(javascript=True)
    sign_in(page, live_server.url, "officer")
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/documents/training_summary/")
    assert page.is_visible("[name=crawler_purposes]")  # not answered yet: everything shows
    page.check("input[name=crawl_used][value=no]")
    assert not page.is_visible("[name=crawler_purposes]") and page.is_visible("input[name=crawl_used]")
    page.check("input[name=crawl_used][value=yes]")
    assert page.is_visible("[name=crawler_purposes]")
    page.check("input[name=user_model_interactions][value=no]")
    assert page.is_visible("[name=user_services_description]")  # the other gate of 2.4 is still open
    page.check("input[name=user_other_services][value=no]")
    assert not page.is_visible("[name=user_services_description]")
