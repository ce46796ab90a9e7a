"""Deadlines that reach people (#28): one ranked list across every source (legal dates, gap-record due dates,
legal-document clocks, rules changes), its per-model summary of overdue obligations, the action plan's opening,
the dashboard's next deadline, the calendar feed and the reminder digests."""

from __future__ import annotations

import datetime as dt

import pytest

from questionnaire.deadlines import organisation_today, ranked, sections
from questionnaire.deadlines.ranking import DOCUMENT, LEGAL, MEASURE
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
