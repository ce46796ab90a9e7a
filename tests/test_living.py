"""Living assessments: amend and new model versions with everything carried over, one current assessment per
model, the action plan of current assessments, and notices when the rules change under a completed one."""


from __future__ import annotations

import copy
import re

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from questionnaire.assessments.rules_changes import notice_rules_changes
from questionnaire.assessments.services import save_section
from questionnaire.authoring.content import ContentInvalid, load, read_content_file
from questionnaire.code_of_practice.model_documentation_store import save_documentation
from questionnaire.models import (
    Assessment,
    DocumentationRevision,
    EvidenceFile,
    GapItem,
    GapRevision,
    ModelDocumentation,
    RulesChange,
    current_assessments,
)

from .factories import completed
from .test_gap import post_item

pytestmark = pytest.mark.django_db


def content_with(change, label: str) -> dict:
    """The canonical content under a new version label, changed by `change(content)`."""
    content = copy.deepcopy(read_content_file(settings.QUESTIONNAIRE_CONTENT))
    content["version"] = label
    change(content)
    return content


def question(content: dict, code: str) -> dict:
    return next(q for s in content["sections"] for q in s["questions"] if q["code"] == code)


def rename_choice(code: str, old: str, new: str):
    def change(content):
        for choice in question(content, code)["choices"]:
            if choice["value"] == old:
                choice["value"] = new
        scenarios = content["scenarios"]
        for answers in [scenarios.get("defaults") or {}, *[c.get("answers") or {} for c in scenarios["cases"]]]:
            if answers.get(code) == old:
                answers[code] = new
    return change


def test_copy_onto_a_version_without_a_saved_choice_drops_that_answer(client, organisation, owner):
    """#13: a saved answer that the new version no longer accepts is left out and named, never a 500."""
    client.force_login(owner)
    original = completed(organisation, owner, "T01")
    assert original.answers["internal_use"] == "none"
    load(content_with(rename_choice("internal_use", "none", "not_used"), "2099.1"))
    response = client.post(reverse("copy", kwargs={"assessment_id": original.pk}), {"title": "v2"}, follow=True)
    assert response.status_code == 200
    new = Assessment.objects.exclude(pk=original.pk).get()
    assert "internal_use" not in new.answers
    assert new.answers["role"] == original.answers["role"]
    assert "no longer" in response.content.decode() and "internal" in response.content.decode().lower()
    for name in ("resume", "check_answers"):
        assert client.get(reverse(name, kwargs={"assessment_id": new.pk}), follow=True).status_code == 200, name


def url(name, assessment, **kwargs):
    return reverse(name, kwargs={"assessment_id": assessment.pk, **kwargs})


def record_gap(client, assessment, editor):
    """SS-1.1 planned with owner, due date, evidence text and a file, then changed once (two history entries)."""
    client.get(url("gap_overview", assessment))
    upload = SimpleUploadedFile("framework.txt", b"Safety and Security Framework v1", content_type="text/plain")
    post_item(client, assessment, "SS-1.1", status="planned", owner=str(editor.pk), due_date="2027-03-31",
              evidence="Framework draft in the wiki", notes="Board review in Q1", upload=upload)
    post_item(client, assessment, "SS-1.1", status="partially_implemented", owner=str(editor.pk),
              due_date="2027-03-31", evidence="Framework draft in the wiki", notes="Board review in Q1")
    return GapItem.objects.get(assessment=assessment, measure="SS-1.1")


def test_amend_carries_everything_over_and_becomes_current(client, organisation, owner, editor):
    client.force_login(owner)
    original = completed(organisation, owner, "T06", name="Frontier")
    item = record_gap(client, original, editor)
    save_documentation(original, {"model_name": "Frontier 1.0", "release_date": "2026-01-15"}, user=owner,
                       seen_revision=0)
    original_hash = original.snapshot_hash

    first = client.post(url("amend", original))
    second = client.post(url("amend", original))  # double submit: the same amendment
    amendment = Assessment.objects.get(amends=original)
    assert first["Location"] == second["Location"] == url("check_answers", amendment)
    assert Assessment.objects.filter(ai_model=original.ai_model).count() == 2

    assert amendment.answers == original.answers and amendment.based_on == original
    copy_item = GapItem.objects.get(assessment=amendment, measure="SS-1.1")
    for field in ("status", "owner_id", "due_date", "evidence", "notes", "revision", "not_applicable_reason"):
        assert getattr(copy_item, field) == getattr(item, field), field
    assert (list(GapRevision.objects.filter(item=copy_item).values_list("field", "new_value", "created_at"))
            == list(GapRevision.objects.filter(item=item).values_list("field", "new_value", "created_at")))
    original_file, copied_file = EvidenceFile.objects.get(item=item), EvidenceFile.objects.get(item=copy_item)
    assert copied_file.file.name != original_file.file.name
    assert (copied_file.name, copied_file.sha256) == (original_file.name, original_file.sha256)
    documentation = ModelDocumentation.objects.get(assessment=amendment)
    assert documentation.values == {"model_name": "Frontier 1.0", "release_date": "2026-01-15"}
    assert DocumentationRevision.objects.filter(documentation=documentation).count() == 2

    page = client.get(url("check_answers", amendment)).content.decode()
    assert f'data-amends="{original.pk}"' in page
    done = client.post(url("complete", amendment))
    assert done["Location"] == url("result", amendment) != url("result", original)
    assert list(current_assessments().filter(ai_model=original.ai_model)) == [amendment]
    original.refresh_from_db()
    item.refresh_from_db()
    assert original.snapshot_hash == original_hash and item.status == "partially_implemented"

    old_page = client.get(url("result", original)).content.decode()
    assert f'data-amended-by="{amendment.pk}"' in old_page and "data-superseded" in old_page
    new_page = client.get(url("result", amendment)).content.decode()
    assert f'data-amends="{original.pk}"' in new_page and "data-superseded" not in new_page
    gap_page = client.get(url("gap_overview", amendment)).content.decode()
    assert re.search(r'data-measure="SS-1.1" data-status="partially_implemented"', gap_page)

    # deleting the original never breaks the amendment's evidence
    original.delete()
    with copied_file.file.open("rb") as handle:
        assert handle.read() == b"Safety and Security Framework v1"
    assert client.get(url("evidence_file", amendment, file_id=copied_file.pk)).status_code == 200


def test_a_measure_that_stops_applying_is_carried_and_shown_as_no_longer_applying(client, organisation, owner, editor):
    client.force_login(owner)
    original = completed(organisation, owner, "T06", name="Frontier")
    record_gap(client, original, editor)
    post_item(client, original, "TR-1.1", status="implemented", evidence="Form filed")
    client.post(url("amend", original))
    amendment = Assessment.objects.get(amends=original)
    save_section(amendment, "compute", {"training_compute_flop": 6.3e24}, user=owner,
                 seen_revision=amendment.revision)
    assert client.post(url("complete", amendment))["Location"] == url("result", amendment)
    amendment.refresh_from_db()
    assert "SS-1.1" not in amendment.snapshot["result"]["code_measures"]
    assert GapItem.objects.filter(assessment=amendment, measure="SS-1.1").exists()
    gap_page = client.get(url("gap_overview", amendment)).content.decode()
    assert 'data-no-longer-applies="SS-1.1"' in gap_page and 'data-measure="SS-1.1"' not in gap_page
    compare = client.get(url("compare", original, other_id=amendment.pk)).content.decode()
    assert re.search(r'data-gap-measure="SS-1.1"[^>]*>.*?No longer applies', compare, re.S)
    assert 'data-removed="ART55_1_A"' in compare
    plan = client.get(reverse("action_plan")).content.decode()
    assert "SS-1.1" not in plan
    assert 'data-measure="TR-1.1"' not in plan  # implemented, carried over: not open


def test_new_version_carries_only_what_was_chosen(client, organisation, owner, editor):
    client.force_login(owner)
    original = completed(organisation, owner, "T06", name="Frontier")
    record_gap(client, original, editor)
    save_documentation(original, {"model_name": "Frontier 1.0"}, user=owner, seen_revision=0)
    client.post(url("copy", original), {"title": "Frontier 2.0", "carry_chosen": "1", "carry": ["answers",
                                                                                                  "gap_records"]})
    new = Assessment.objects.exclude(pk=original.pk).get()
    assert new.title == "Frontier 2.0" and new.amends is None and new.answers == original.answers
    assert GapItem.objects.get(assessment=new, measure="SS-1.1").status == "partially_implemented"
    assert not ModelDocumentation.objects.filter(assessment=new).exists()
    client.post(url("copy", original), {"title": "Frontier 3.0", "carry_chosen": "1", "carry": ["documentation"]})
    third = Assessment.objects.get(title="Frontier 3.0")
    assert third.answers == {} and not GapItem.objects.filter(assessment=third).exists()
    assert ModelDocumentation.objects.get(assessment=third).values == {"model_name": "Frontier 1.0"}


def publish_changed(change, label: str):
    """Publish the canonical content changed by `change`, leaving out the golden scenarios it breaks."""
    content = content_with(change, label)
    for _ in range(3):
        try:
            return load(content).version
        except ContentInvalid as exc:
            broken = {m.group(1) for p in exc.problems if (m := re.match(r"scenario (\S+):", str(p)))}
            assert broken, exc.problems
            content["scenarios"]["cases"] = [c for c in content["scenarios"]["cases"] if c["id"] not in broken]
    raise AssertionError("could not publish")


def higher_systemic_threshold(content):
    content["constants"]["sr_threshold"] = 5e25


def test_new_rules_flag_and_email_exactly_the_model_whose_current_result_changes(client, organisation, owner, editor,
                                                                                 viewer, django_user_model,
                                                                                 mailoutbox):
    for user in (owner, editor, viewer):
        user.email = f"{user.username}@example.org"
        user.save()
    client.force_login(owner)
    alpha = completed(organisation, owner, "T01", name="Alpha")
    frontier = completed(organisation, owner, "T06", name="Frontier")
    client.post(url("amend", frontier))
    amendment = Assessment.objects.get(amends=frontier)
    client.post(url("complete", amendment))
    hashes = {a.pk: a.snapshot_hash for a in (alpha, frontier)}

    version = publish_changed(higher_systemic_threshold, "2099.2")

    changes = list(RulesChange.objects.all())
    assert [c.assessment_id for c in changes] == [amendment.pk]  # the current one; the superseded one is not
    assert any("Classification" in line for line in changes[0].changes)
    assert sorted(m.to[0] for m in mailoutbox) == ["eddie@example.org", "olivia@example.org"]
    assert all("Frontier" in m.body and "Alpha" not in m.body for m in mailoutbox)
    notice_rules_changes.call(version.pk)  # the task runs again (a retry, a second worker): no second e-mail
    assert len(mailoutbox) == 2 and RulesChange.objects.count() == 1

    frontier_page = client.get(reverse("model_detail", kwargs={"model_id": frontier.ai_model_id})).content.decode()
    assert 'data-rules-change="2099.2"' in frontier_page and "Amend under the new rules" in frontier_page
    alpha_page = client.get(reverse("model_detail", kwargs={"model_id": alpha.ai_model_id})).content.decode()
    assert "data-rules-change" not in alpha_page
    assert client.get(reverse("dashboard")).content.decode().count("data-rules-change=") == 1
    assert 'data-rules-change="2099.2"' in client.get(url("result", amendment)).content.decode()
    assert "data-rules-change" not in client.get(url("result", frontier)).content.decode()
    for assessment in (alpha, frontier):
        assessment.refresh_from_db()
        assert assessment.snapshot_hash == hashes[assessment.pk]  # nothing changes by itself

    # amending under the new rules clears the notice once completed
    client.post(url("amend", amendment))
    under_new_rules = Assessment.objects.get(amends=amendment)
    assert under_new_rules.questionnaire_version == version
    client.post(url("complete", under_new_rules))
    assert "data-rules-change" not in client.get(
        reverse("model_detail", kwargs={"model_id": frontier.ai_model_id})).content.decode()


def test_rules_change_emails_can_be_turned_off(organisation, owner, settings, mailoutbox):
    settings.RULES_CHANGE_EMAILS = False
    owner.email = "olivia@example.org"
    owner.save()
    completed(organisation, owner, "T06", name="Frontier")
    publish_changed(higher_systemic_threshold, "2099.3")
    assert RulesChange.objects.count() == 1 and mailoutbox == []


def test_made_up_organisation_name_is_asked_before_the_first_completion(client, published, django_user_model):
    from questionnaire.core.versions import spec_for
    from questionnaire.reports.pdf import render_html

    from .factories import SCENARIOS

    user = django_user_model.objects.create_user(username="officer", password="correct horse battery staple")
    client.force_login(user)
    client.post(reverse("new_assessment"), {"new_model_name": "Atlas"})
    assessment = Assessment.objects.get()
    assert assessment.organisation.name == "officer's organisation" and not assessment.organisation.name_confirmed
    answers = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in SCENARIOS["T01"]["answers"].items()}
    save_section(assessment, "all", answers, user=user, seen_revision=0)
    check = client.get(url("check_answers", assessment)).content.decode()
    assert 'name="organisation-name"' in check and "officer&#x27;s organisation" not in check
    too_long = client.post(url("complete", assessment), {"organisation-name": "x" * 201})
    assert too_long.status_code == 400 and "at most 200 characters" in too_long.content.decode()
    assessment.refresh_from_db()
    assert not assessment.is_completed
    assert client.post(url("complete", assessment), {"organisation-name": "Example AI  GmbH"})["Location"] == url(
        "result", assessment)
    assessment.refresh_from_db()
    assert assessment.organisation.name == "Example AI GmbH" and assessment.organisation.name_confirmed
    assert assessment.snapshot["assessment"]["organisation"] == "Example AI GmbH"
    # the cover keeps the name recorded at completion, whatever the organisation is called later
    assessment.organisation.name = "Renamed Holdings"
    assessment.organisation.save()
    html = render_html(spec_for(assessment.questionnaire_version), assessment.snapshot, assessment.snapshot_hash)
    assert "Example AI GmbH" in html and "Renamed Holdings" not in html
    # asked once: the next assessment completes without it
    client.post(url("amend", assessment))
    amendment = Assessment.objects.get(amends=assessment)
    assert 'name="organisation-name"' not in client.get(url("check_answers", amendment)).content.decode()


def test_completing_without_the_legal_name_marks_the_recorded_name(client, published, django_user_model):
    """Asked, not forced (a user made by createsuperuser completes straight away, contract §3): the snapshot and
    so the report cover say the legal name was not given, and the next completion asks again."""
    from .factories import SCENARIOS

    user = django_user_model.objects.create_user(username="officer", password="correct horse battery staple")
    client.force_login(user)
    client.post(reverse("new_assessment"), {"new_model_name": "Atlas"})
    assessment = Assessment.objects.get()
    answers = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in SCENARIOS["T01"]["answers"].items()}
    save_section(assessment, "all", answers, user=user, seen_revision=0)
    assert client.post(url("complete", assessment), {"organisation-name": "  "})["Location"] == url(
        "result", assessment)
    assessment.refresh_from_db()
    assert assessment.is_completed and not assessment.organisation.name_confirmed
    assert assessment.snapshot["assessment"]["organisation"] == "officer's organisation (legal name not given)"
    client.post(url("amend", assessment))
    amendment = Assessment.objects.get(amends=assessment)
    assert 'name="organisation-name"' in client.get(url("check_answers", amendment)).content.decode()


def test_action_plan_marks_a_legal_deadline_that_passed_and_lists_each_open_measure_once(client, organisation, owner):
    import datetime as dt

    from django.utils import timezone

    from .factories import SCENARIOS

    client.force_login(owner)
    today = timezone.localdate()
    placed = today - dt.timedelta(days=440)
    SCENARIOS["LATE"] = {"answers": {**SCENARIOS["T01"]["answers"], "first_eu_placement_date": placed}}
    try:
        late = completed(organisation, owner, "LATE", name="Late")
    finally:
        del SCENARIOS["LATE"]
    frontier = completed(organisation, owner, "T06", name="Frontier")
    post_item(client, frontier, "SS-1.1", status="implemented")
    client.post(url("amend", frontier))
    amendment = Assessment.objects.get(amends=frontier)
    client.post(url("complete", amendment))

    page = client.get(reverse("action_plan")).content.decode()
    rows = re.findall(r'<tr data-measure="([\w.-]+)" data-model="([\w-]+)"', page)
    late_rows = [m for m, model in rows if model == str(late.ai_model_id)]
    frontier_rows = [m for m, model in rows if model == str(frontier.ai_model_id)]
    assert sorted(late_rows) == sorted(late.snapshot["result"]["code_measures"])
    assert len(frontier_rows) == len(set(frontier_rows)) == 40 - 1  # once each, SS-1.1 is implemented
    assert str(frontier.pk) not in page and str(amendment.pk) in page  # rows of the current assessment only
    # the passed date is said once per model (#28): in "Overdue" and above the model's table, not on each row
    assert page.count("440 days ago") == 1 and page.count("(440 days)") == 1 and len(late_rows) == 8
    assert page.count("data-legal-passed") == len(late_rows) + len(frontier_rows)
    assert rows[0][1] == str(late.ai_model_id)  # its legal deadline is the earliest
    never = client.get(reverse("action_plan"), {"status": "not_recorded"}).content.decode()
    assert len(re.findall(r'<tr data-measure="', never)) == len(rows)  # nothing was recorded but SS-1.1 (done)
    assert client.get(reverse("action_plan"), {"status": "planned"}).content.decode().count("<tr data-measure=") == 0
    csv_lines = client.get(reverse("action_plan"), {"format": "csv"}).content.decode().strip().splitlines()
    late_csv = [line for line in csv_lines if line.startswith("Late,") and line.endswith(",measure")]
    assert len(late_csv) == len(late_rows) and all(f",{placed.isoformat()},yes," in line for line in late_csv)
    late_documents = [kind for kind, model in re.findall(
        r'<tr data-document="(\w+)"[^>]*>\s*<td data-label="Due">.*?</td>\s*<td data-label="Model">([^<]*)</td>', page)
        if model == "Late"]
    assert late_documents
    assert [line.split(",")[1] for line in csv_lines if line.startswith("Late,") and line.endswith(",document")
            ] == late_documents  # its documents due are in the CSV as on the page


def test_queries_per_page_do_not_grow_with_assessments_per_model(client, organisation, owner):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(owner)
    first = completed(organisation, owner, "T06", name="Frontier")
    completed(organisation, owner, "T01", name="Alpha")

    def counts(current):
        pages = {"plan": reverse("action_plan"), "dashboard": reverse("dashboard"),
                 "model": reverse("model_detail", kwargs={"model_id": current.ai_model_id}),
                 "result": url("result", current)}
        out = {}
        for name, page in pages.items():
            client.get(page)  # warm the per-process caches
            with CaptureQueriesContext(connection) as queries:
                assert client.get(page).status_code == 200
            out[name] = len(queries)
        return out

    small = counts(first)
    current = first
    for _ in range(4):
        client.post(url("amend", current))
        current = Assessment.objects.get(amends=current)
        client.post(url("complete", current))
    assert Assessment.objects.filter(ai_model=first.ai_model).count() == 5
    assert counts(current) == small


def test_a_viewer_cannot_amend_or_start_a_new_version(client, organisation, owner, viewer):
    original = completed(organisation, owner, "T01")
    client.force_login(viewer)
    assert client.post(url("amend", original)).status_code == 403
    assert client.post(url("copy", original)).status_code == 403
    assert Assessment.objects.count() == 1
    assert "data-action=\"amend\"" not in client.get(url("result", original)).content.decode()


def test_a_draft_holding_an_answer_its_version_refuses_asks_it_again(client, organisation, owner):
    """#13: drafts copied before copies were cleaned hold such answers; their pages must not fail."""
    client.force_login(owner)
    original = completed(organisation, owner, "T01")
    client.post(url("copy", original))
    draft = Assessment.objects.exclude(pk=original.pk).get()
    Assessment.objects.filter(pk=draft.pk).update(answers={**draft.answers, "internal_use": "not_a_choice"})
    resume = client.get(url("resume", draft))
    assert resume.status_code == 302 and "/step/" in resume["Location"]
    step = client.get(resume["Location"])
    assert step.status_code == 200 and 'data-question="internal_use"' in step.content.decode()
    check = client.get(url("check_answers", draft))
    assert check.status_code == 200 and "Some questions are not answered yet" in check.content.decode()


def test_new_rules_that_refuse_a_saved_answer_are_noticed(client, organisation, owner):
    client.force_login(owner)
    alpha = completed(organisation, owner, "T01", name="Alpha")
    load(content_with(rename_choice("internal_use", "none", "not_used"), "2099.4"))
    change = RulesChange.objects.get()
    assert change.assessment_id == alpha.pk and len(change.changes) == 1
    assert "no longer one the rules accept" in change.changes[0]
    page = client.get(url("result", alpha)).content.decode()
    assert 'data-rules-change="2099.4"' in page


def test_records_of_a_superseded_assessment_stay_as_they_were(client, organisation, owner, editor):
    client.force_login(owner)
    original = completed(organisation, owner, "T06", name="Frontier")
    item = record_gap(client, original, editor)
    client.post(url("amend", original))
    amendment = Assessment.objects.get(amends=original)
    client.post(url("complete", amendment))
    refused = post_item(client, original, "SS-1.1", status="implemented")
    assert refused.status_code == 302
    item.refresh_from_db()
    assert item.status == "partially_implemented"
    page = client.get(reverse("gap_item", kwargs={"assessment_id": original.pk, "measure": "SS-1.1"}))
    assert 'name="status"' not in page.content.decode()
    assert "data-superseded" in client.get(url("gap_overview", original)).content.decode()
    before = ModelDocumentation.objects.filter(assessment=original).first()
    client.post(url("model_documentation", original), {"model_name": "Changed", "seen_revision": "0"})
    after = ModelDocumentation.objects.filter(assessment=original).first()
    assert (before.values if before else {}) == (after.values if after else {})
    assert post_item(client, amendment, "SS-1.1", status="implemented").status_code == 302
    assert GapItem.objects.get(assessment=amendment, measure="SS-1.1").status == "implemented"


def test_every_carry_choice_names_carriers_that_exist():
    """Assessments name the features' carry-over functions by dotted path (living.CARRIERS): each choice of the
    "assess a new version" form has its carriers, and every carrier is a function that can be imported."""
    import dataclasses

    from django.utils.module_loading import import_string

    from questionnaire.assessments.living import CARRIERS, Carry

    assert set(CARRIERS) == {f.name for f in dataclasses.fields(Carry)} - {"answers"}
    assert all(callable(import_string(path)) for carriers in CARRIERS.values() for path in carriers)
