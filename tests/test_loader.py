"""Loading, exporting and freezing versioned content in the database."""

from __future__ import annotations

import copy

import pytest
import yaml
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from questionnaire import models as m
from questionnaire.authoring.content import ContentInvalid, create_draft, export_yaml, load, publish, read_content_file
from questionnaire.core.versions import authored_spec, spec_for, version_content
from questionnaire.engine import spec_to_content

pytestmark = pytest.mark.django_db


def canonical():
    return read_content_file(settings.QUESTIONNAIRE_CONTENT)


def test_load_is_idempotent(no_content):
    first = load(canonical())
    second = load(canonical())
    assert first.created and not second.created
    assert second.version == first.version
    assert m.QuestionnaireVersion.objects.count() == 1
    assert first.version.status == m.VersionStatus.PUBLISHED
    assert first.version.content_hash.startswith("sha256:")


def test_export_then_load_publishes_nothing_new(published):
    exported = yaml.safe_load(export_yaml(authored_spec(published)))
    outcome = load(exported)
    assert not outcome.created
    assert m.QuestionnaireVersion.objects.count() == 1


def test_round_trip_keeps_the_hash(published, authored):
    spec = authored  # as written: placeholders in its texts
    assert published.content_hash == spec.content_hash
    again = authored_spec(published)
    assert spec_to_content(again) == spec_to_content(spec)


def test_general_dates_live_in_the_content_and_survive_the_database(published, authored):
    spec = authored  # as written: placeholders in its texts
    assert spec.general_dates and all(d.date and d.text for d in spec.general_dates)
    again = authored_spec(published)
    assert again.general_dates == spec.general_dates  # rows -> content -> spec
    assert yaml.safe_load(export_yaml(again))["general_dates"] == [
        {"date": d.date, "text": d.text} for d in spec.general_dates]
    content = canonical()
    content["general_dates"][0]["text"] = "The AI Act enters into force."
    from questionnaire.engine import build_spec

    changed = build_spec(content)
    assert changed.content_hash != spec.content_hash  # the hash covers them
    from questionnaire.authoring.diff import diff_specs

    assert [(c.kind, c.key, c.change) for c in diff_specs(spec, changed)] == [
        ("general date", content["general_dates"][0]["date"], "changed")]  # and the admin's diff shows them
    content["general_dates"][0]["date"] = "1 August 2024"
    with pytest.raises(ContentInvalid, match="general_dates"):
        load(content)


def test_changed_content_needs_a_new_label_and_then_retires_the_old_version(published):
    content = canonical()
    content["sections"][0]["questions"][0]["help"] = "A clearer help text."
    with pytest.raises(ContentInvalid, match="already exists with other content"):
        load(copy.deepcopy(content))
    content["version"] = "2025.2"
    outcome = load(content)
    assert outcome.created and outcome.version.label == "2025.2"
    published.refresh_from_db()
    assert published.status == m.VersionStatus.RETIRED
    assert m.QuestionnaireVersion.objects.filter(status=m.VersionStatus.PUBLISHED).get() == outcome.version


def test_a_threshold_change_that_breaks_golden_scenarios_is_refused(published):
    content = canonical()
    content["version"] = "2025.2"
    content["constants"]["sr_threshold"] = 2e25
    with pytest.raises(ContentInvalid) as info:
        load(content)
    assert "scenario T05" in {p.where for p in info.value.problems}
    assert m.QuestionnaireVersion.objects.get() == published


def test_invalid_content_is_refused_with_every_problem(no_content):
    content = canonical()
    content["facts"][0]["expr"] = "nonsense =="
    content["obligations"][0]["label"] = ""
    with pytest.raises(ContentInvalid) as info:
        load(content)
    wheres = {p.where for p in info.value.problems}
    assert {f"fact {content['facts'][0]['name']}", "obligation ART52_1_NOTIFY"} <= wheres
    assert m.QuestionnaireVersion.objects.count() == 0


def test_yaml_errors_name_the_line(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("slug: gpai\nsections:\n  - code: [unclosed\n")
    with pytest.raises(ContentInvalid) as info:
        read_content_file(path)
    assert info.value.problems[0].where == f"{path} line 4"


def test_reading_a_version_takes_a_fixed_number_of_queries(published, spec):
    with CaptureQueriesContext(connection) as small:
        version_content(published)
    bigger = spec_to_content(spec)
    extra = copy.deepcopy(bigger["sections"][-1])
    for i in range(10):
        section = copy.deepcopy(extra)
        section["code"] = f"extra{i}"
        for q in section["questions"]:
            q["code"] = f"{q['code']}_{i}"
        bigger["sections"].append(section)
    bigger["version"] = "big"
    from questionnaire.engine import build_spec

    draft = create_draft(build_spec(bigger))
    with CaptureQueriesContext(connection) as large:
        version_content(draft)
    assert len(large) == len(small) <= 20


@pytest.mark.parametrize("model", [m.Question, m.Fact, m.Obligation, m.Measure, m.Scenario, m.Choice])
def test_published_content_cannot_change_through_the_orm(published, model):
    row = model.objects.filter(version=published).first()
    with pytest.raises(m.FrozenVersionError):
        row.save()
    with pytest.raises(m.FrozenVersionError):
        row.delete()
    with pytest.raises(m.FrozenVersionError):
        model.objects.filter(version=published).update(position=99)
    with pytest.raises(m.FrozenVersionError):
        model.objects.filter(version=published).delete()


def test_published_version_itself_is_frozen(published):
    published.title = "Changed"
    with pytest.raises(m.FrozenVersionError):
        published.save()
    published.refresh_from_db()
    with pytest.raises(m.FrozenVersionError):
        published.delete()
    published.status = m.VersionStatus.DRAFT
    with pytest.raises(m.FrozenVersionError):
        published.save()


def test_cannot_add_content_to_a_published_version(published):
    with pytest.raises(m.FrozenVersionError):
        m.Constant.objects.create(version=published, name="x", value=1)
    with pytest.raises(m.FrozenVersionError):
        m.Constant.objects.bulk_create([m.Constant(version=published, name="x", value=1)])


def test_publishing_a_draft_with_a_broken_expression_is_refused(published, spec):
    content = spec_to_content(spec)
    content["version"] = "draft-1"
    from questionnaire.engine import build_spec

    draft = create_draft(build_spec(content))
    m.Fact.objects.filter(version=draft, name="is_deployer").update(expr="role ==")
    with pytest.raises(ContentInvalid) as info:
        publish(draft)
    assert info.value.problems[0].where == "fact is_deployer"
    draft.refresh_from_db()
    assert draft.status == m.VersionStatus.DRAFT
    published.refresh_from_db()
    assert published.status == m.VersionStatus.PUBLISHED


def test_sections_added_in_2026_survive_the_database_round_trip(published, authored):
    spec = authored  # as written: placeholders in its texts
    content = spec_to_content(authored_spec(published))
    for key in ("rules_note", "perspectives", "notices", "answer_checks", "article_groups", "next_steps",
                "checklists", "general_dates"):
        assert content[key] == spec_to_content(spec)[key], key
    assert any(d.get("label_passed") for d in content["deadlines"])
    assert m.ContentPart.objects.filter(version=published).count() == 8


def test_changing_a_new_section_changes_the_hash(spec):
    from questionnaire.engine import build_spec

    content = spec_to_content(spec)
    content["next_steps"][0]["text"] += " Changed."
    assert build_spec(content).content_hash != spec.content_hash


@pytest.mark.parametrize("line", ["            label: No", "    title: 1.5", "        help: ~",
                                  "          - value: yes"])
def test_text_that_yaml_reads_as_bool_number_or_null_is_refused_naming_the_line(tmp_path, line):
    lines = settings.QUESTIONNAIRE_CONTENT.read_text().split("\n")
    key = line.split(":")[0] + ":"
    # a one-line value of the same key and indentation (not a folded block that continues below)
    number = next(i for i, text in enumerate(lines) if text.startswith(key) and text.strip() != line.strip()
                  and not text.endswith(">-") and len(lines[i + 1]) - len(lines[i + 1].lstrip()) <= len(key) - 2)
    lines[number] = line
    path = tmp_path / "bad.yaml"
    path.write_text("\n".join(lines))
    with pytest.raises(ContentInvalid) as info:
        read_content_file(path)
    assert [p.where for p in info.value.problems] == [f"{path} line {number + 1}"]
    assert "put it in quotes" in info.value.problems[0].message


# ---- restarts after admins publish (#26): load_questionnaire runs at every start-up


def admin_publishes(based_on, user, help_text="The admin's clearer help text."):
    """What an admin does in the web admin: clone the current version, edit it, publish it."""
    from questionnaire.authoring.content import clone_version

    draft = clone_version(based_on, user=user)
    question = m.Question.objects.filter(version=draft).order_by("pk").first()
    question.help = help_text
    question.save()
    return publish(draft, user=user)


@pytest.fixture
def legal_engineer(django_user_model):
    return django_user_model.objects.create_user("legal-engineer", "le@example.org", "x")


def test_restart_on_the_unchanged_file_keeps_the_admins_version_current(published, legal_engineer):
    admins = admin_publishes(published, legal_engineer)
    outcome = load(canonical())
    assert not outcome.created and not outcome.published
    assert outcome.version == published
    assert m.QuestionnaireVersion.objects.get(status=m.VersionStatus.PUBLISHED) == admins
    assert f"Current: gpai {admins.label}" in outcome.message and "legal-engineer" in outcome.message
    assert m.QuestionnaireVersion.objects.count() == 2


def test_restart_with_a_new_file_label_publishes_it_as_before(published):
    content = canonical()
    content["version"] = "2099.1"
    content["sections"][0]["questions"][0]["help"] = "A clearer help text."
    outcome = load(content)
    assert outcome.created and outcome.published and outcome.version.from_file
    assert m.QuestionnaireVersion.objects.get(status=m.VersionStatus.PUBLISHED) == outcome.version
    assert f"{published.label} is retired" in outcome.message
    again = load(canonical())  # rolled back to the old file: published before, so nothing moves
    assert not again.created
    assert m.QuestionnaireVersion.objects.get(status=m.VersionStatus.PUBLISHED) == outcome.version


def test_when_both_moved_the_file_waits_as_a_draft_and_the_admins_version_stays_current(published, legal_engineer):
    admins = admin_publishes(published, legal_engineer)
    content = canonical()
    content["version"] = admins.label  # even the label the admin chose: never a clash that stops start-up
    content["sections"][0]["questions"][0]["help"] = "The shipped file's help text."
    outcome = load(copy.deepcopy(content))
    assert outcome.created and not outcome.published
    draft = outcome.version
    assert draft.is_draft and draft.from_file and draft.label == f"{admins.label}-shipped"
    assert draft.based_on == admins
    assert m.QuestionnaireVersion.objects.get(status=m.VersionStatus.PUBLISHED) == admins
    assert "Not published" in outcome.message and f"draft {draft.label}" in outcome.message
    assert "stays current" in outcome.message
    assert spec_for(draft).sections[0].questions[0].help == "The shipped file's help text."
    # the next start-up finds the waiting draft instead of making another
    again = load(copy.deepcopy(content))
    assert not again.created and again.version == draft and "already waiting" in again.message
    assert m.QuestionnaireVersion.objects.filter(status=m.VersionStatus.DRAFT).count() == 1
    # an admin publishes the draft: it becomes current, and the file is then unchanged on restart
    publish(draft, user=legal_engineer)
    assert load(copy.deepcopy(content)).message.startswith("Unchanged")


def test_a_shipped_draft_the_admin_edited_is_the_admins_version(published, legal_engineer):
    admins = admin_publishes(published, legal_engineer)
    content = canonical()
    content["version"] = "2099.1"
    content["sections"][0]["questions"][0]["help"] = "The shipped file's help text."
    shipped = load(copy.deepcopy(content)).version
    m.Question.objects.filter(version=shipped, code=content["sections"][0]["questions"][0]["code"]).update(
        help="The admin's own reading.")
    publish(shipped, user=legal_engineer)
    shipped.refresh_from_db()
    assert shipped.status == m.VersionStatus.PUBLISHED and not shipped.from_file
    content["version"] = "2099.2"
    content["sections"][0]["questions"][0]["help"] = "The next release's help text."
    outcome = load(content)  # the admin's edit is current: the next file waits as a draft again
    assert outcome.version.is_draft and "Not published" in outcome.message
    assert admins.pk != shipped.pk


def test_versions_published_before_the_field_existed_count_as_loaded_from_files(published, legal_engineer):
    """Migration 0022: a version published without a publisher came from load_questionnaire; one an admin
    published (published_by set) did not; a draft is no one's yet."""
    import importlib

    from django.apps import apps

    assert published.from_file  # the fixture loads the canonical file
    admins = admin_publishes(published, legal_engineer)
    draft = create_draft(spec_for(admins), user=legal_engineer, label="later-draft")
    m.QuestionnaireVersion.objects.update(from_file=False)
    migration = importlib.import_module("questionnaire.migrations.0022_version_from_file")
    migration.mark_loaded_versions(apps, None)
    flags = dict(m.QuestionnaireVersion.objects.values_list("pk", "from_file"))
    assert flags == {published.pk: True, admins.pk: False, draft.pk: False}
