"""Deadlines that reach people (#28): one ranked list across every source (legal dates, gap-record due dates,
legal-document clocks, rules changes), its per-model summary of overdue obligations, the action plan's opening,
the dashboard's next deadline, the calendar feed and the reminder digests."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core import signing
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import ReminderDigest
from questionnaire.deadlines import organisation_today, ranked, sections
from questionnaire.deadlines.ranking import DOCUMENT, LEGAL, MEASURE
from questionnaire.deadlines.reminders import send_digest, unsubscribe_token
from questionnaire.legal_documents.store import new_numbered_document
from questionnaire.models import GapItem

from .factories import completed, make_member

D = dt.date
TODAY = D(2026, 12, 5)


def incident_values(aware: dt.date, **changes):
    values = {"harm_category": ["death"], "awareness_datetime": f"{aware:%Y-%m-%d}T08:00",
              "causal_link_status": "reasonably_likely", "start_date": aware.isoformat()}
    values.update(changes)
    return values


@pytest.fixture
def two_models(django_user_model, published):
    """An organisation with a systemic-risk model (an open incident) and a plain GPAI model."""
    owner, organisation = make_member(django_user_model, "olga")
    systemic = completed(organisation, owner, "T05", name="Atlas")
    plain = completed(organisation, owner, "T01", name="Bora")
    return organisation, owner, systemic, plain


@pytest.mark.django_db
def test_incident_clock_beats_long_passed_legal_dates(two_models):
    organisation, owner, systemic, _plain = two_models
    entry = new_numbered_document(systemic, "serious_incident", user=owner)
    entry.values = incident_values(TODAY - dt.timedelta(days=7))  # death: 10 days, so due in 3 days
    entry.save()
    items = ranked(organisation, today=TODAY)
    first = items[0]
    assert (first.kind, first.model.name, first.date) == (DOCUMENT, "Atlas", TODAY + dt.timedelta(days=3))
    assert first.when == "in 3 days" and first.title == "Serious-incident report No. 1: Initial report"
    kinds = {i.kind for i in items}
    assert {LEGAL, DOCUMENT} <= kinds
    standing = [i for i in items if i.standing]
    assert standing and all(items.index(i) > items.index(first) for i in standing)
    # every model is named, every item has a place to act
    assert {i.model.name for i in items} == {"Atlas", "Bora"} and all(i.url.startswith("/") for i in items)


@pytest.mark.django_db
def test_overdue_obligations_summarised_once_per_model(two_models):
    organisation, _owner, systemic, _plain = two_models
    items = ranked(organisation, today=TODAY)
    legal = [i for i in items if i.kind == LEGAL and i.key == "deadline:obligations_apply_from"]
    assert sorted(i.model.name for i in legal) == ["Atlas", "Bora"]  # once per model, not once per measure
    atlas = next(i for i in legal if i.model.name == "Atlas")
    measures = systemic.snapshot["result"]["code_measures"]
    assert atlas.overdue and atlas.standing and len(atlas.measures) == len(measures)
    assert atlas.detail == f"{len(measures)} measures not yet implemented"
    assert atlas.title.startswith("The provider's obligations apply since")
    # implementing a measure takes it out of the summary; implementing all of them removes the summary
    GapItem.objects.create(assessment=systemic, measure=measures[0], status="implemented", revision=1)
    atlas = next(i for i in ranked(organisation, today=TODAY) if i.model.name == "Atlas" and i.key == atlas.key)
    assert len(atlas.measures) == len(measures) - 1
    for measure in measures[1:]:
        GapItem.objects.create(assessment=systemic, measure=measure, status="implemented", revision=1)
    assert not [i for i in ranked(organisation, today=TODAY) if i.model.name == "Atlas" and i.key == atlas.key]


@pytest.mark.django_db
def test_gap_record_due_dates_are_ranked_with_their_measure(two_models):
    organisation, owner, _systemic, plain = two_models
    measure = plain.snapshot["result"]["code_measures"][0]
    GapItem.objects.create(assessment=plain, measure=measure, status="planned", revision=1, owner=owner,
                           due_date=TODAY + dt.timedelta(days=12))
    items = ranked(organisation, today=TODAY)
    item = next(i for i in items if i.kind == MEASURE)
    assert (item.model.name, item.reference, item.days_left, item.basis) == ("Bora", measure, 12, "own")
    assert "owner olga" in item.detail and item in sections(items)["soon"]
    GapItem.objects.filter(measure=measure).update(due_date=TODAY - dt.timedelta(days=2))
    item = next(i for i in ranked(organisation, today=TODAY) if i.kind == MEASURE)
    assert item.when == "overdue by 2 days" and not item.standing
    assert ranked(organisation, today=TODAY)[0] == item  # an overdue clock before every standing legal date


@pytest.mark.django_db
def test_today_is_the_organisations_day_around_midnight(two_models):
    organisation = two_models[0]
    late = dt.datetime(2026, 3, 31, 22, 30, tzinfo=dt.UTC)  # 00:30 on 1 April in Brussels (summer time)
    assert organisation_today(organisation, late) == D(2026, 4, 1)
    organisation.time_zone = "America/New_York"
    assert organisation_today(organisation, late) == D(2026, 3, 31)
    organisation.time_zone = "Not/AZone"
    assert organisation_today(organisation, late) == D(2026, 4, 1)  # unknown: Europe/Brussels
    winter = dt.datetime(2026, 12, 5, 23, 0, tzinfo=dt.UTC)  # midnight in Brussels (UTC+1)
    organisation.time_zone = "Europe/Brussels"
    assert organisation_today(organisation, winter) == D(2026, 12, 6)
    assert organisation_today(organisation, winter - dt.timedelta(seconds=1)) == D(2026, 12, 5)


# ---------------------------------------------------------------- the action plan, the CSV, the dashboard


def _open_incident(systemic, owner, aware):
    entry = new_numbered_document(systemic, "serious_incident", user=owner)
    entry.values = incident_values(aware)
    entry.save()
    return entry


@pytest.mark.django_db
def test_action_plan_opens_with_overdue_and_due_soon(client, two_models):
    organisation, owner, systemic, plain = two_models
    today = organisation_today(organisation)
    _open_incident(systemic, owner, today - dt.timedelta(days=7))
    client.force_login(owner)
    page = client.get(reverse("action_plan")).content.decode()
    overdue, rest = page.split('data-deadlines="overdue"')[1].split('data-deadlines="soon"')
    soon = rest.split("</section>")[0]
    assert "Serious-incident report No. 1: Initial report" in soon and "In 3 days" in soon
    # the passed application date once per model, its measures behind a disclosure, not a row each
    measures = systemic.snapshot["result"]["code_measures"]
    assert overdue.count("The provider&#x27;s obligations apply since") == 2
    assert f"<summary>{len(measures)} measures not yet implemented</summary>" in overdue
    assert page.index('data-deadlines="overdue"') < page.index("data-measure=")  # the page opens with it
    # the per-model tables keep one data-measure row per open measure (contract §5)
    plain_measures = plain.snapshot["result"]["code_measures"]
    assert len(re.findall(r'<tr data-measure="', page)) == len(measures) + len(plain_measures)
    csv_lines = client.get(reverse("action_plan"), {"format": "csv"}).content.decode().strip().splitlines()[2:]
    opening = re.findall(r'data-deadline="(\w+)"', page)
    kinds = [line.rsplit(",", 1)[1] for line in csv_lines[:len(opening)]]
    assert kinds == ["deadline_overdue"] * overdue.count('data-deadline="') + ["deadline_due_soon"] * soon.count(
        'data-deadline="')
    assert "Serious-incident report No. 1: Initial report" in csv_lines[len(opening) - 1]


@pytest.mark.django_db
def test_dashboard_next_deadline_is_the_first_ranked_item(client, two_models):
    organisation, owner, systemic, plain = two_models
    today = organisation_today(organisation)
    _open_incident(systemic, owner, today - dt.timedelta(days=7))
    client.force_login(owner)
    page = client.get(reverse("dashboard")).content.decode()
    atlas, bora = (page.split(f'href="/models/{m.ai_model_id}/"')[1].split("</tr>")[0] for m in (systemic, plain))
    assert "Serious-incident report No. 1: Initial report" in atlas and "in 3 days" in atlas
    first_of_bora = ranked(organisation, model=plain.ai_model)[0]
    assert first_of_bora.title.replace("'", "&#x27;") in bora and "–" not in bora.split('data-label="Next deadline"')[1]


@pytest.mark.django_db
def test_action_plan_queries_constant_as_records_grow(client, django_user_model, published,
                                                      django_assert_max_num_queries):
    owner, organisation = make_member(django_user_model, "quinn")
    first = completed(organisation, owner, "T05", name="M1")
    client.force_login(owner)
    client.get(reverse("action_plan"))

    def count(url):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    token = owner.memberships.get().calendar_token
    feed = reverse("calendar_feed", kwargs={"token": token})
    for _ in range(2):
        _open_incident(first, owner, TODAY)  # the register's first rows (a prefetch that starts once there are some)
    small = count(reverse("action_plan")), count(feed)
    for i, measure in enumerate(first.snapshot["result"]["code_measures"][:10]):
        GapItem.objects.create(assessment=first, measure=measure, status="planned", revision=1, owner=owner,
                               due_date=TODAY + dt.timedelta(days=i))
    for i in range(3):
        _open_incident(first, owner, TODAY - dt.timedelta(days=i))
    for name in ("M2", "M3"):
        completed(organisation, owner, "T01", name=name)
    assert (count(reverse("action_plan")), count(feed)) == small


# ---------------------------------------------------------------- the calendar feed


def _events(body: bytes):
    from icalendar import Calendar

    return [c for c in Calendar.from_ical(body).walk("VEVENT")]


@pytest.mark.django_db
def test_calendar_feed_without_a_session_and_a_tampered_token(client, two_models):
    organisation, owner, _systemic, plain = two_models
    client.force_login(owner)
    page = client.get(reverse("action_plan")).content.decode()
    url = re.search(r'data-calendar-url="([^"]+)"', page).group(1)
    client.logout()
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    events = _events(response.content)
    applies_from = next(e for e in events if "obligations apply since" in str(e["SUMMARY"])
                        and str(e["SUMMARY"]).startswith("Bora"))
    assert applies_from["DTSTART"].params.get("VALUE") == "DATE" or "VALUE=DATE" in response.content.decode()
    assert applies_from.decoded("DTSTART") == dt.date.fromisoformat(
        plain.snapshot["result"]["deadlines"]["obligations_apply_from"])
    assert "(Art. 53)" in str(applies_from["SUMMARY"]) and "/result/" in str(applies_from["URL"])
    uids = [str(e["UID"]) for e in events]
    assert len(uids) == len(set(uids)) == len(ranked(organisation, every_date=True))
    # a legal date stays in the calendar when nothing is open behind it any more (the lists drop it)
    for measure in plain.snapshot["result"]["code_measures"]:
        GapItem.objects.create(assessment=plain, measure=measure, status="implemented", revision=1)
    summaries = [str(e["SUMMARY"]) for e in _events(client.get(url).content)]
    assert any(s.startswith("Bora: The provider's obligations apply since") for s in summaries)
    assert not [i for i in ranked(organisation) if i.model.name == "Bora" and i.kind == LEGAL]
    assert uids == [str(e["UID"]) for e in _events(client.get(url).content)]  # stable
    token = url.rstrip("/").split("/")[-1].removesuffix(".ics")
    assert len(token) >= 43  # 32 random bytes, URL-safe: 256 bits
    for tampered in (url.replace(token, token[:-1] + ("A" if token[-1] != "A" else "B")),
                     url.replace(token, "x" * len(token)), url.replace(token, "")):
        assert client.get(tampered).status_code == 404


@pytest.mark.django_db
def test_calendar_link_reset(client, two_models):
    _organisation, owner, _systemic, _plain = two_models
    old = reverse("calendar_feed", kwargs={"token": owner.memberships.get().calendar_token})
    assert client.post(reverse("calendar_reset")).status_code == 302  # anonymous: sent to sign in
    assert client.get(old).status_code == 200
    client.force_login(owner)
    assert client.get(reverse("calendar_reset")).status_code == 405
    client.post(reverse("calendar_reset"))
    new = reverse("calendar_feed", kwargs={"token": owner.memberships.get().calendar_token})
    assert new != old and client.get(old).status_code == 404 and client.get(new).status_code == 200


# ---------------------------------------------------------------- reminders


def _subscribe(membership, frequency="daily", days=14, email="olga@example.com"):
    membership.user.email = email
    membership.user.save()
    membership.reminder_frequency, membership.reminder_days_ahead = frequency, days
    membership.save()


@pytest.mark.django_db
def test_digest_content_html_and_text(two_models, mailoutbox):
    organisation, owner, systemic, _plain = two_models
    today = organisation_today(organisation)
    _open_incident(systemic, owner, today - dt.timedelta(days=7))
    membership = owner.memberships.get()
    _subscribe(membership, days=5)
    call_command("send_reminders")
    (mail,) = mailoutbox
    text, (html, mime) = mail.body, mail.alternatives[0]
    assert mime == "text/html" and mail.to == ["olga@example.com"]
    assert mail.subject.startswith("Deadlines: ") and "overdue" in mail.subject
    for body in (text, html):
        assert "Serious-incident report No. 1: Initial report" in body and "In 3 days" in body
        assert "Atlas" in body and "Bora" in body
        assert "measures not yet implemented" in body and "TR-1.1" not in body  # a count, not 40 ids
    # what is due in the window comes before what has been overdue for months, said once per model
    assert text.index("DUE IN THE NEXT 5 DAYS") < text.index("Serious-incident report") < text.index(
        "STILL OPEN, OVERDUE FOR MORE THAN 30 DAYS")
    assert text.count("open since 1 October 2025") == 2 and html.count("open since 1 October 2025") == 2
    unsubscribe = reverse("reminders_unsubscribe", kwargs={"token": unsubscribe_token(membership)})
    assert unsubscribe in text and unsubscribe in html and unsubscribe in mail.extra_headers["List-Unsubscribe"]
    assert mail.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "<script" not in html and "&lt;" not in text


@pytest.mark.django_db
def test_no_second_digest_the_same_day_and_weekly(two_models, mailoutbox, monkeypatch):
    _organisation, owner, _systemic, _plain = two_models
    membership = owner.memberships.get()
    _subscribe(membership)
    out = io.StringIO()
    call_command("send_reminders", "--dry-run", stdout=out)
    assert "olga@example.com" in out.getvalue() and "Bora" in out.getvalue()
    assert not mailoutbox and not ReminderDigest.objects.exists()  # a dry run sends and records nothing
    call_command("send_reminders")
    call_command("send_reminders")
    assert len(mailoutbox) == 1 and ReminderDigest.objects.count() == 1
    # the task itself refuses a second digest the same day, whoever queued it
    assert send_digest(membership.pk, ReminderDigest.objects.get().day, "http://t") == "already sent today"
    tomorrow = timezone.now() + dt.timedelta(days=1)
    monkeypatch.setattr(timezone, "now", lambda: tomorrow)
    call_command("send_reminders")
    assert len(mailoutbox) == 2
    membership.reminder_frequency = "weekly"
    membership.save()
    monkeypatch.setattr(timezone, "now", lambda: tomorrow + dt.timedelta(days=6))
    call_command("send_reminders")
    assert len(mailoutbox) == 2  # weekly: six days after the last one is too soon
    monkeypatch.setattr(timezone, "now", lambda: tomorrow + dt.timedelta(days=7))
    call_command("send_reminders")
    assert len(mailoutbox) == 3
    membership.reminder_frequency = "off"
    membership.save()
    monkeypatch.setattr(timezone, "now", lambda: tomorrow + dt.timedelta(days=30))
    call_command("send_reminders")
    assert len(mailoutbox) == 3


@pytest.mark.django_db
def test_digest_day_is_the_organisations_day_around_midnight(two_models, mailoutbox, monkeypatch):
    organisation, owner, _systemic, _plain = two_models
    membership = owner.memberships.get()
    _subscribe(membership)
    before = dt.datetime(2026, 12, 5, 22, 59, tzinfo=dt.UTC)  # 23:59 in Brussels: still 5 December
    monkeypatch.setattr(timezone, "now", lambda: before)
    call_command("send_reminders")
    assert [d.day for d in ReminderDigest.objects.all()] == [D(2026, 12, 5)]
    monkeypatch.setattr(timezone, "now", lambda: before + dt.timedelta(minutes=2))  # 00:01 on 6 December there
    call_command("send_reminders")
    assert sorted(d.day for d in ReminderDigest.objects.all()) == [D(2026, 12, 5), D(2026, 12, 6)]
    monkeypatch.setattr(timezone, "now", lambda: before + dt.timedelta(hours=3))  # 23:59 UTC: 6 December there too
    call_command("send_reminders")
    assert ReminderDigest.objects.count() == 2 and len(mailoutbox) == 2
    # in New York it is still 5 December at 01:01 UTC on the 6th: that organisation's digest was already sent
    organisation.time_zone = "America/New_York"
    organisation.save()
    ReminderDigest.objects.filter(day=D(2026, 12, 6)).delete()
    monkeypatch.setattr(timezone, "now", lambda: before + dt.timedelta(hours=2, minutes=2))
    call_command("send_reminders")
    assert ReminderDigest.objects.count() == 1


@pytest.mark.django_db
def test_unsubscribe_without_sign_in(client, two_models):
    _organisation, owner, _systemic, _plain = two_models
    membership = owner.memberships.get()
    _subscribe(membership)
    url = reverse("reminders_unsubscribe", kwargs={"token": unsubscribe_token(membership)})
    page = client.get(url)  # a link checker that opens the link changes nothing
    assert page.status_code == 200 and "Stop the reminders" in page.content.decode()
    membership.refresh_from_db()
    assert membership.reminder_frequency == "daily"
    csrf_client = type(client)(enforce_csrf_checks=True)  # a mail client's one-click POST has no CSRF token
    assert csrf_client.post(url, {"List-Unsubscribe": "One-Click"}).status_code == 200
    membership.refresh_from_db()
    assert membership.reminder_frequency == "off"
    token = unsubscribe_token(membership)
    for tampered in (token[:-2] + "xx", "x" * 40, signing.dumps({"m": membership.pk}, salt="other")):
        assert client.post(reverse("reminders_unsubscribe", kwargs={"token": tampered})).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(("data", "saved"), [
    ({"reminder_frequency": "weekly", "reminder_days_ahead": "30"}, ("weekly", 30)),
    ({"reminder_frequency": "hourly", "reminder_days_ahead": "30"}, ("off", 14)),
    ({"reminder_frequency": "daily", "reminder_days_ahead": "0"}, ("off", 14)),
    ({"reminder_frequency": "daily", "reminder_days_ahead": "91"}, ("off", 14)),
    ({"reminder_frequency": "daily", "reminder_days_ahead": "1e9"}, ("off", 14)),
    ({"reminder_frequency": "daily"}, ("off", 14)),
])
def test_reminder_settings_are_bounded(client, two_models, data, saved):
    _organisation, owner, _systemic, _plain = two_models
    client.force_login(owner)
    assert client.post(reverse("reminder_settings"), data).status_code == 302
    membership = owner.memberships.get()
    assert (membership.reminder_frequency, membership.reminder_days_ahead) == saved


@pytest.mark.django_db
def test_every_source_notices_and_rules_changes_with_stable_ids(django_user_model, published):
    from questionnaire.assessments.living import amend
    from questionnaire.assessments.services import complete
    from questionnaire.core.versions import current_version
    from questionnaire.deadlines.ranking import RULES_CHANGE
    from questionnaire.models import RulesChange

    owner, organisation = make_member(django_user_model, "rita")
    frontier = completed(organisation, owner, "T06", name="Frontier")  # a provider outside the EU: mandate_due
    items = ranked(organisation, today=TODAY, every_date=True)
    mandate = next(i for i in items if i.key == "notice:provider_appoint_representative")
    assert mandate.date == dt.date.fromisoformat(frontier.snapshot["result"]["facts"]["mandate_due"])
    assert mandate.reference == "Art. 54" and mandate.summary == "Frontier: Authorised representative (Art. 54)"
    RulesChange.objects.create(assessment=frontier, version=current_version(), changes=["The classification changes"])
    review = next(i for i in ranked(organisation, today=TODAY) if i.kind == RULES_CHANGE)
    assert review.detail == "The classification changes" and review.url.endswith(f"/models/{frontier.ai_model_id}/")
    # an amendment becomes the current assessment: the same deadlines keep their calendar UIDs
    before = {i.key: i.uid for i in ranked(organisation, today=TODAY, every_date=True) if i.kind != RULES_CHANGE}
    amendment = complete(amend(frontier, user=owner).assessment, user=owner)
    after = ranked(organisation, today=TODAY, every_date=True)
    assert {i.assessment.pk for i in after} == {amendment.pk}
    assert {i.key: i.uid for i in after if i.kind != RULES_CHANGE} == before


@pytest.mark.django_db
@pytest.mark.parametrize(("value", "saved"), [("America/New_York", "America/New_York"), ("Mars/Olympus", None),
                                              ("", None), ("x" * 500, None)])
def test_owner_sets_the_time_zone_others_cannot(client, organisation, owner, editor, value, saved):
    client.force_login(editor)
    assert client.post(reverse("organisation_time_zone"), {"time_zone": "Asia/Tokyo"}).status_code == 403
    client.force_login(owner)
    assert 'name="time_zone"' in client.get(reverse("organisation")).content.decode()
    response = client.post(reverse("organisation_time_zone"), {"time_zone": value})
    organisation.refresh_from_db()
    assert response.status_code == (302 if saved else 200)
    assert organisation.time_zone == (saved or "Europe/Brussels")
