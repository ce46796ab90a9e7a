"""Deadlines in Chromium (#28): an organisation with two models, an open serious incident and overdue measures.
The action plan opens with "Overdue" and "Due in the next 30 days", the long-passed obligations once per model with
their measures behind a disclosure that opens without JavaScript; the calendar link on the page answers without a
session; reminder settings save; axe-core at desktop and phone widths on the action plan, the dashboard and the
unsubscribe page."""

from __future__ import annotations

import datetime as dt
import urllib.request

import pytest

from accounts.models import Role
from questionnaire.deadlines import organisation_today
from questionnaire.deadlines.reminders import unsubscribe_token
from questionnaire.legal_documents.store import new_numbered_document
from questionnaire.models import GapItem
from tests.factories import completed, make_member

from .helpers import look, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_action_plan_deadlines_calendar_and_reminders(live_server, new_page, django_user_model, published):
    user, organisation = make_member(django_user_model, "officer", role=Role.OWNER)
    systemic = completed(organisation, user, "T05", name="Atlas")
    plain = completed(organisation, user, "T01", name="Bora")
    today = organisation_today(organisation)
    entry = new_numbered_document(systemic, "serious_incident", user=user)
    entry.values = {**entry.values, "harm_category": ["death"], "causal_link_status": "reasonably_likely",
                    "awareness_datetime": f"{today - dt.timedelta(days=7):%Y-%m-%d}T08:00"}
    entry.save()
    GapItem.objects.create(assessment=plain, measure="TR-1.1", status="planned", revision=1, owner=user,
                           due_date=today - dt.timedelta(days=2))
    page = new_page(javascript=True)  # axe-core needs it; the disclosures are native <details>
    sign_in(page, live_server.url, "officer")
    page.goto(f"{live_server.url}/action-plan/")

    overdue = page.locator('[data-deadlines="overdue"]')
    assert overdue.locator('[data-deadline="measure"]').first.inner_text().startswith("Overdue by 2 days")
    soon = page.locator('[data-deadlines="soon"]').inner_text()
    assert "In 3 days" in soon and "Serious-incident report No. 1" in soon
    disclosure = overdue.locator("details.deadline-measures").first
    assert not disclosure.locator("ul").is_visible()
    disclosure.locator("summary").click()  # a native disclosure
    assert disclosure.locator("ul li").count() == len(systemic.snapshot["result"]["code_measures"])

    url = page.locator("[data-calendar-url]").get_attribute("data-calendar-url")
    with urllib.request.urlopen(url) as response:  # noqa: S310 (the live server's own address)
        body = response.read().decode()
        assert response.headers["Content-Type"].startswith("text/calendar")
    assert "SUMMARY:Atlas: Serious-incident report No. 1: Initial report" in body

    page.select_option("#r-frequency", "weekly")
    page.fill("#r-days", "21")
    with page.expect_navigation():
        page.click("button:has-text('Save reminders')")
    membership = user.memberships.get()
    assert (membership.reminder_frequency, membership.reminder_days_ahead) == ("weekly", 21)

    problems: dict[str, list[str]] = {}
    look(page, "deadlines-action-plan", problems)
    page.goto(f"{live_server.url}/assessments/")
    assert "Serious-incident report No. 1" in page.locator("tr", has_text="Atlas").inner_text()
    look(page, "deadlines-dashboard", problems)
    page.goto(f"{live_server.url}/reminders/unsubscribe/{unsubscribe_token(membership)}/")
    look(page, "deadlines-unsubscribe", problems)
    with page.expect_navigation():
        page.click("button:has-text('Stop the reminders')")
    membership.refresh_from_db()
    assert membership.reminder_frequency == "off"
    assert not problems, problems
