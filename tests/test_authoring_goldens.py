"""Golden scenarios follow a reviewed change (#26): Validate lists each changed scenario old against new, the
admin accepts the new results in one action (audit log: who, when), publishing refuses until then; the same from
the command line (validate_questionnaire --accept-results)."""

from __future__ import annotations

import io
import re
import shutil

import pytest
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import AuditEvent
from questionnaire import models as m
from questionnaire.authoring.content import ContentInvalid, clone_version, publish

from .conftest import PASSWORD
from .mfa import staff_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.org", PASSWORD)


@pytest.fixture
def raised(published, superuser):
    """A draft in which the Commission raised the systemic-risk threshold to 10^26 FLOP (Art. 51(3))."""
    draft = clone_version(published, user=superuser)
    m.Constant.objects.filter(version=draft, name="sr_threshold").update(value=1e26)
    return draft


def expected_of(draft, code):
    return m.Scenario.objects.get(version=draft, code=code).expected


def test_validate_lists_each_changed_scenario_old_against_new(client, superuser, raised):
    staff_login(client, superuser)
    page = client.get(reverse("admin:questionnaire_version_validate", args=[raised.pk])).content.decode()
    assert 'data-scenario="T05"' in page and 'data-scenario="T01"' not in page  # T01 (6.3e24) keeps its result
    t05 = page.split('data-scenario="T05"')[1].split("</table>")[0]
    assert '<tr data-key="classification"><th scope="row">classification</th><td class="old">' \
           'GPAI_MODEL_SYSTEMIC_RISK</td><td class="new">GPAI_MODEL</td></tr>' in t05
    assert 'data-key="obligations"' in t05 and 'data-key="flags"' in t05 and 'data-key="deadlines"' in t05
    assert 'data-action="accept-results"' in page


def test_accepting_records_who_and_when_and_then_publishing_succeeds(client, superuser, raised):
    with pytest.raises(ContentInvalid):  # unreviewed: refused
        publish(raised, user=superuser)
    staff_login(client, superuser)
    refused = client.post(reverse("admin:questionnaire_version_publish", args=[raised.pk])).content.decode()
    assert "cannot be published" in refused and 'data-action="review-scenarios"' in refused
    response = client.post(reverse("admin:questionnaire_version_accept_results", args=[raised.pk]))
    assert response.status_code == 302
    assert expected_of(raised, "T05")["classification"] == "GPAI_MODEL"
    event = AuditEvent.objects.get(action="accept_results")
    assert event.user == superuser and event.created_at is not None
    assert "T05" in event.details["scenarios"] and raised.label in event.target
    assert event.details["changes"]["T05"]["classification"] == ["GPAI_MODEL_SYSTEMIC_RISK", "GPAI_MODEL"]
    assert LogEntry.objects.filter(object_id=str(raised.pk), change_message__contains="T05",
                                   user=superuser).exists()  # "Who changed what" shows it too
    page = client.get(reverse("admin:questionnaire_version_validate", args=[raised.pk])).content.decode()
    assert "No problems" in page and "data-scenario=" not in page
    assert client.post(reverse("admin:questionnaire_version_publish", args=[raised.pk])).status_code == 302
    raised.refresh_from_db()
    assert raised.status == m.VersionStatus.PUBLISHED


def test_accepting_needs_the_change_permission_and_a_draft(client, django_user_model, published, raised):
    staff = django_user_model.objects.create_user("staffer", "staff@example.org", PASSWORD, is_staff=True)
    url = reverse("admin:questionnaire_version_accept_results", args=[raised.pk])

    def grant(*codenames):
        staff.user_permissions.set(Permission.objects.filter(content_type__app_label="questionnaire",
                                                             codename__in=codenames))
        staff_login(client, type(staff).objects.get(pk=staff.pk))

    grant("view_questionnaireversion")
    assert client.post(url).status_code == 403
    page = client.get(reverse("admin:questionnaire_version_validate", args=[raised.pk])).content.decode()
    assert 'data-scenario="T05"' in page and 'data-action="accept-results"' not in page  # may look, not accept
    assert expected_of(raised, "T05")["classification"] == "GPAI_MODEL_SYSTEMIC_RISK"
    assert not AuditEvent.objects.filter(action="accept_results").exists()
    grant("view_questionnaireversion", "change_questionnaireversion")
    assert client.get(url).status_code == 302  # a GET changes nothing
    assert expected_of(raised, "T05")["classification"] == "GPAI_MODEL_SYSTEMIC_RISK"
    frozen = reverse("admin:questionnaire_version_accept_results", args=[published.pk])
    assert client.post(frozen).status_code == 302  # a published version: nothing to accept
    assert not AuditEvent.objects.filter(action="accept_results").exists()
    assert client.post(url).status_code == 302
    assert expected_of(raised, "T05")["classification"] == "GPAI_MODEL"
    assert AuditEvent.objects.get(action="accept_results").user == staff


def test_the_command_shows_the_changes_and_accepts_them_in_the_file(tmp_path):
    path = tmp_path / "gpai.yaml"
    shutil.copy(settings.QUESTIONNAIRE_CONTENT, path)
    text = path.read_text()
    path.write_text(text.replace("  sr_threshold: 1.0e+25 ", "  sr_threshold: 1.0e+26 ", 1))
    out = io.StringIO()
    with pytest.raises(CommandError, match="scenario T05"):
        call_command("validate_questionnaire", str(path), stdout=out, stderr=io.StringIO())
    shown = out.getvalue()
    assert "scenario T05" in shown and "classification: 'GPAI_MODEL_SYSTEMIC_RISK' → 'GPAI_MODEL'" in shown
    assert "--accept-results" in shown
    out = io.StringIO()
    call_command("validate_questionnaire", str(path), "--accept-results", stdout=out, stderr=io.StringIO())
    assert "Accepted the new results of" in out.getvalue() and out.getvalue().rstrip().endswith("valid.")
    rewritten = path.read_text()
    assert rewritten.count("\n# ") == text.count("\n# ")  # the file's comments are kept
    assert len(rewritten.splitlines()) < len(text.splitlines())  # the dropped obligations are gone
    call_command("validate_questionnaire", str(path), stdout=io.StringIO(), stderr=io.StringIO())


def test_the_command_accepts_the_results_of_the_newest_draft(raised):
    out = io.StringIO()
    call_command("validate_questionnaire", "--accept-results", stdout=out, stderr=io.StringIO())
    assert "scenario T05" in out.getvalue() and out.getvalue().rstrip().endswith("valid.")
    assert expected_of(raised, "T05")["classification"] == "GPAI_MODEL"


# ---- finding your way: the admin home, lists of one version, the version overview


def test_the_admin_home_starts_with_edit_the_questionnaire(client, superuser, published):
    staff_login(client, superuser)
    page = client.get(reverse("admin:index")).content.decode()
    assert page.index("Edit the questionnaire") < page.index("GPAI questionnaire")
    assert 'data-action="make-draft"' in page and f"Make a draft of {published.label}" in page
    assert client.post(reverse("admin:questionnaire_version_clone", args=[published.pk])).status_code == 302
    draft = m.QuestionnaireVersion.objects.get(status=m.VersionStatus.DRAFT)
    page = client.get(reverse("admin:index")).content.decode()
    assert 'data-action="open-draft"' in page and 'data-action="make-draft"' not in page
    assert reverse("admin:questionnaire_version_overview", args=[draft.pk]) in page


def test_a_viewer_is_not_offered_to_make_a_draft(client, django_user_model, published):
    staff = django_user_model.objects.create_user("viewer-staff", "vs@example.org", PASSWORD, is_staff=True)
    staff.user_permissions.set(Permission.objects.filter(codename="view_questionnaireversion"))
    staff_login(client, staff)
    page = client.get(reverse("admin:index")).content.decode()
    assert "Edit the questionnaire" in page and 'data-action="make-draft"' not in page


@pytest.mark.parametrize(("query", "shows"), [
    ("", "draft"), ("?version={published}", "published"), ("?version=all", "both"), ("?version=x1", "none"),
    ("?version=99999999999999999999999", "none"),
])
def test_content_lists_show_one_version(client, superuser, raised, published, query, shows):
    staff_login(client, superuser)
    url = reverse("admin:questionnaire_question_changelist") + query.format(published=published.pk)
    response = client.get(url)
    assert response.status_code == 200
    rows = list(response.context["cl"].result_list)
    versions = {q.version_id for q in rows}
    expected = {"draft": {raised.pk}, "published": {published.pk}, "both": {raised.pk, published.pk},
                "none": set()}[shows]
    assert versions == expected
    if shows == "draft":
        assert len(rows) == m.Question.objects.filter(version=raised).count()


def test_the_lists_show_the_current_version_when_there_is_no_draft(client, superuser, published):
    staff_login(client, superuser)
    response = client.get(reverse("admin:questionnaire_constant_changelist"))
    assert {c.version_id for c in response.context["cl"].result_list} == {published.pk}


def test_the_version_overview(client, superuser, raised, published, organisation, owner,
                              django_assert_max_num_queries):
    from .factories import completed

    completed(organisation, owner, "T01", name="Atlas")
    staff_login(client, superuser)
    url = reverse("admin:questionnaire_version_overview", args=[published.pk])
    with django_assert_max_num_queries(40):
        page = client.get(url).content.decode()
    assert 'data-status="published"' in page and published.content_hash in page
    assert 'data-pinned="1"' in page and "1 completed" in page
    assert "by load_questionnaire" in page
    page = client.get(reverse("admin:questionnaire_version_overview", args=[raised.pk])).content.decode()
    assert 'data-status="draft"' in page and "constant <strong>sr_threshold</strong> changed" in page
    assert 'data-pinned="0"' in page and "Validate" in page and "Publish" in page


def test_the_overview_needs_the_view_permission(client, django_user_model, published):
    staff = django_user_model.objects.create_user("nobody-staff", "ns@example.org", PASSWORD, is_staff=True)
    staff_login(client, staff)
    assert client.get(reverse("admin:questionnaire_version_overview", args=[published.pk])).status_code == 403


def test_the_diff_page_reads_the_results_with_the_constants_filled(client, superuser, published):
    draft = clone_version(published, user=superuser)
    m.Constant.objects.filter(version=draft, name="legacy_due").update(value="2027-09-01")
    staff_login(client, superuser)
    page = client.get(reverse("admin:questionnaire_version_diff", args=[draft.pk]) + f"?against={published.pk}")
    impacts = page.content.decode().split("Results that would change")[1]
    assert 'data-impact="scenario:T23"' in impacts
    assert "The provider must comply, as the model was placed before 2 August 2025, by" in impacts
    assert not re.search(r"\{[a-z_]+\}", impacts)  # not "{chapter_v_applies}"
