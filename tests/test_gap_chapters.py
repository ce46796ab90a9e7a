"""Gap analysis by chapter: status, owner and due date of every measure of a chapter saved in one
submission, with per-measure conflicts; "Not recorded" for untouched measures."""

from __future__ import annotations

import csv
import html
import io
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from questionnaire.code_of_practice.gap import ensure_gap_items, gap_snapshot
from questionnaire.models import GapItem, GapRevision

from .factories import completed
from .test_gap import item_url, post_item

pytestmark = pytest.mark.django_db


class _FormFields(HTMLParser):
    """The values a browser would post from the page's chapter form (selected options, input values)."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, str] = {}
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("name") and a.get("type") != "submit":
            self.data[a["name"]] = a.get("value") or ""
        elif tag == "select":
            self._select = a["name"]
            self.data.setdefault(self._select, "")
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select] = a.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def chapter_url(assessment, chapter):
    return reverse("gap_chapter", kwargs={"assessment_id": assessment.pk, "chapter": chapter})


def chapter_form(client, assessment, chapter) -> dict[str, str]:
    page = client.get(chapter_url(assessment, chapter))
    assert page.status_code == 200
    parser = _FormFields()
    parser.feed(page.content.decode())
    return parser.data


def test_a_whole_chapter_is_recorded_in_one_submission(client, organisation, owner, editor):
    client.force_login(editor)
    assessment = completed(organisation, owner, "T06")
    data = chapter_form(client, assessment, "SAFETY_SECURITY")
    measures = sorted({name.split("-status")[0] for name in data if name.endswith("-status")
                       and not name.startswith("initial-")})
    assert len(measures) == 32
    for i, measure in enumerate(measures):
        data[f"{measure}-status"] = "implemented" if i % 2 else "planned"
        data[f"{measure}-owner"] = str(owner.pk)
        data[f"{measure}-due_date"] = f"2027-0{1 + i % 9}-15"
    response = client.post(chapter_url(assessment, "SAFETY_SECURITY"), data)
    assert response.status_code == 302
    items = GapItem.objects.filter(assessment=assessment, measure__startswith="SS-")
    assert {i.owner for i in items} == {owner} and all(i.due_date for i in items)
    assert sorted(i.status for i in items).count("planned") == 16
    assert GapRevision.objects.filter(item__in=items, user=editor).count() == 32 * 3
    assert set(GapRevision.objects.filter(item__in=items).values_list("revision", flat=True)) == {1}
    # the other chapters were not touched
    assert not GapRevision.objects.filter(item__assessment=assessment, item__measure__startswith="TR-").exists()
    overview = client.get(reverse("gap_overview", kwargs={"assessment_id": assessment.pk})).content.decode()
    assert overview.count('data-recorded="yes"') == 32 and overview.count('data-recorded="no"') == 8


def test_untouched_measures_read_not_recorded_everywhere(client, organisation, owner):
    client.force_login(owner)
    assessment = completed(organisation, owner, "T01")
    post_item(client, assessment, "CR-1.1", status="not_started")
    overview = client.get(reverse("gap_overview", kwargs={"assessment_id": assessment.pk})).content.decode()
    row = re.search(r'<tr[^>]*data-measure="CR-1.2".*?</tr>', overview, re.S).group(0)
    assert 'data-status="not_started"' in row and "Not recorded" in row and "Not started" not in row
    recorded = re.search(r'<tr[^>]*data-measure="CR-1.1".*?</tr>', overview, re.S).group(0)
    assert "Not started" in recorded
    snapshot = gap_snapshot(assessment)
    assert snapshot["CR-1.2"]["status_label"] == "Not recorded"
    assert snapshot["CR-1.1"]["status_label"] == "Not started"
    exported = client.get(reverse("action_plan"), {"format": "csv"}).content.decode()
    rows = list(csv.DictReader(io.StringIO(exported.split("\n", 1)[1])))  # after the line about the columns
    statuses = {r["measure"]: r["status"] for r in rows}
    assert statuses["CR-1.2"] == "Not recorded" and statuses["CR-1.1"] == "Not started"


def test_conflict_names_the_measure_and_what_the_other_person_saved(client, organisation, owner, editor):
    assessment = completed(organisation, owner, "T01")
    client.force_login(editor)
    data = chapter_form(client, assessment, "COPYRIGHT")  # the editor opens the page ...
    client.force_login(owner)  # ... the owner records CR-1.1 and CR-1.4 meanwhile
    post_item(client, assessment, "CR-1.1", status="implemented", owner=str(owner.pk))
    post_item(client, assessment, "CR-1.4", status="planned")
    client.force_login(editor)
    data.update({"CR-1.1-status": "planned", "CR-1.2-status": "implemented", "CR-1.2-due_date": "2027-05-31"})
    response = client.post(chapter_url(assessment, "COPYRIGHT"), data)
    page = response.content.decode()
    assert response.status_code == 409
    conflict = re.search(r'<li data-conflict="CR-1.1">(.*?)</li>', page, re.S).group(1)
    assert "olivia saved" in conflict and "status Implemented" in conflict
    assert 'data-conflict="CR-1.4"' not in page  # the editor did not change CR-1.4: no conflict, nothing lost
    items = {i.measure: i for i in GapItem.objects.filter(assessment=assessment)}
    assert items["CR-1.1"].status == "implemented"  # the owner's record stands
    assert items["CR-1.4"].status == "planned"
    assert items["CR-1.2"].status == "implemented" and str(items["CR-1.2"].due_date) == "2027-05-31"


def test_a_bad_value_is_refused_at_its_field_and_nothing_is_saved(client, organisation, owner):
    client.force_login(owner)
    assessment = completed(organisation, owner, "T01")
    data = chapter_form(client, assessment, "COPYRIGHT")
    data.update({"CR-1.1-status": "implemented", "CR-1.2-due_date": "2027-02-30", "CR-1.3-status": "not_applicable"})
    response = client.post(chapter_url(assessment, "COPYRIGHT"), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert 'href="#id_CR-1.2-due_date"' in page and "Enter a real date" in page
    assert "Say why CR-1.3 does not apply" in page
    assert 'value="2027-02-30"' in page  # what was typed is shown again
    assert not GapRevision.objects.filter(item__assessment=assessment).exists()


def test_save_and_go_to_the_next_measure(client, organisation, owner):
    client.force_login(owner)
    assessment = completed(organisation, owner, "T01")
    response = post_item(client, assessment, "TR-1.3", status="planned", next="1")
    assert response.status_code == 302 and response["Location"] == item_url(assessment, "CR-1.1")
    history = client.get(item_url(assessment, "TR-1.3")).content.decode()
    assert "<td data-label=\"What\">Status</td>" in history and "Planned" in history
    assert re.search(r"\d{1,2} \w{3} \d{4}, \d\d:\d\d (CET|CEST|UTC)", history)


def test_chapter_page_of_a_chapter_that_does_not_apply_is_404(client, organisation, owner, viewer):
    client.force_login(owner)
    assessment = completed(organisation, owner, "T01")
    assert client.get(chapter_url(assessment, "SAFETY_SECURITY")).status_code == 404
    client.force_login(viewer)
    assert client.post(chapter_url(assessment, "COPYRIGHT"), {}).status_code == 403


def test_measure_page_conflict_says_who_saved_what(client, organisation, owner, editor):
    assessment = completed(organisation, owner, "T01")
    client.force_login(owner)
    post_item(client, assessment, "CR-1.5", status="planned", due_date="2027-01-31")
    client.force_login(editor)
    response = client.post(item_url(assessment, "CR-1.5"), {"status": "implemented", "seen_revision": 0})
    page = html.unescape(response.content.decode())
    assert response.status_code == 400
    assert "olivia changed CR-1.5 while you were editing" in page
    assert "status Planned" in page and "due date 31 January 2027" in page
    assert GapItem.objects.get(assessment=assessment, measure="CR-1.5").status == "planned"


def test_chapter_page_queries_do_not_grow_with_its_measures(client, organisation, owner):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(owner)
    assessment = completed(organisation, owner, "T06")
    counts = {}
    for chapter in ("TRANSPARENCY", "SAFETY_SECURITY"):  # 3 and 32 measures
        chapter_form(client, assessment, chapter)
        with CaptureQueriesContext(connection) as queries:
            chapter_form(client, assessment, chapter)
        counts[chapter] = len(queries)
    assert counts["TRANSPARENCY"] == counts["SAFETY_SECURITY"] <= 8, counts


# ---------------------------------------------------------------- #27: the chapter page's gaps

def test_not_applicable_on_the_chapter_page_asks_for_its_reason_inline_and_saves(client, organisation, owner):
    client.force_login(owner)
    assessment = completed(organisation, owner, "T01")
    data = chapter_form(client, assessment, "COPYRIGHT")
    page = client.get(chapter_url(assessment, "COPYRIGHT")).content.decode()
    assert 'name="CR-1.3-not_applicable_reason"' in page  # the reason's box is beside the status, no JS needed
    refused = client.post(chapter_url(assessment, "COPYRIGHT"), {**data, "CR-1.3-status": "not_applicable"})
    assert refused.status_code == 400
    assert 'href="#id_CR-1.3-not_applicable_reason"' in refused.content.decode()  # the error is at the reason
    response = client.post(chapter_url(assessment, "COPYRIGHT"), {
        **data, "CR-1.3-status": "not_applicable", "CR-1.3-not_applicable_reason": "We do not crawl the web."})
    assert response.status_code == 302
    item = GapItem.objects.get(assessment=assessment, measure="CR-1.3")
    assert (item.status, item.not_applicable_reason) == ("not_applicable", "We do not crawl the web.")
    assert item.is_recorded


@pytest.mark.parametrize("change", [{"owner": "me"}, {"due_date": "2027-03-31"}])
def test_an_owner_or_a_due_date_alone_does_not_invent_a_status(client, organisation, owner, change):
    client.force_login(owner)
    assessment = completed(organisation, owner, "T01")
    data = chapter_form(client, assessment, "COPYRIGHT")
    data.update({f"CR-1.2-{name}": str(owner.pk) if value == "me" else value for name, value in change.items()})
    assert client.post(chapter_url(assessment, "COPYRIGHT"), data).status_code == 302
    item = GapItem.objects.get(assessment=assessment, measure="CR-1.2")
    assert item.owner == owner or item.due_date  # saved ...
    assert not item.is_recorded and item.status_label == "Not recorded"  # ... without a status
    assert not GapRevision.objects.filter(item=item, field="status").exists()
    row = re.search(r'<tr[^>]*data-measure="CR-1.2".*?</tr>', client.get(
        reverse("gap_overview", kwargs={"assessment_id": assessment.pk})).content.decode(), re.S).group(0)
    assert "Not recorded" in row and "Not started" not in row


def test_a_superseded_assessments_gap_pages_say_why_they_are_read_only(client, organisation, owner):
    from questionnaire.assessments.living import amend
    from questionnaire.assessments.services import complete

    client.force_login(owner)
    first = completed(organisation, owner, "T01")
    current = complete(amend(first, user=owner).assessment, user=owner)
    for url, current_url in (
            (chapter_url(first, "COPYRIGHT"), chapter_url(current, "COPYRIGHT")),
            (item_url(first, "CR-1.1"), item_url(current, "CR-1.1"))):
        page = client.get(url).content.decode()
        assert "data-superseded" in page and "Read-only: this assessment was superseded" in page, url
        assert f'href="{current_url}" data-current-link' in page
        assert "data-superseded" not in client.get(current_url).content.decode()


def test_a_migrated_record_keeps_a_chosen_status_and_drops_an_invented_one(organisation, owner):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("questionnaire.migrations.0021_record_sources")
    assessment = completed(organisation, owner, "T01")
    items = ensure_gap_items(assessment)
    chosen, owner_only, planned = items["CR-1.1"], items["CR-1.2"], items["CR-1.3"]
    GapItem.objects.filter(pk=owner_only.pk).update(owner=owner, revision=1)
    GapRevision.objects.create(item=chosen, field="status", old_value=None, new_value="not_started", user=owner)
    GapItem.objects.filter(pk=planned.pk).update(status="planned")
    GapItem.objects.filter(assessment=assessment).update(status_recorded=False)
    migration.mark_recorded_statuses(apps, None)
    recorded = dict(GapItem.objects.filter(assessment=assessment).values_list("measure", "status_recorded"))
    assert (recorded["CR-1.1"], recorded["CR-1.2"], recorded["CR-1.3"]) == (True, False, True)
