"""Authoring in the admin: pages, read-only published versions, validation on publish, diff and impact."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from questionnaire import models as m
from questionnaire.authoring.content import clone_version

from .factories import completed, make_member
from .mfa import staff_login, with_second_factor

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(django_user_model):
    return with_second_factor(
        django_user_model.objects.create_superuser("root", "root@example.org", "correct horse battery staple"))


@pytest.fixture
def draft(published, superuser):
    return clone_version(published, user=superuser)


def test_every_admin_page_answers_200(client, superuser, draft):
    staff_login(client, superuser)
    for model, model_admin in admin.site._registry.items():
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        assert client.get(reverse(f"{info}_changelist")).status_code == 200, info
        if model_admin.has_add_permission(type("R", (), {"user": superuser})()):
            assert client.get(reverse(f"{info}_add")).status_code == 200, info
        obj = model._default_manager.first()
        if obj is not None:
            assert client.get(reverse(f"{info}_change", args=[obj.pk])).status_code == 200, info
    for name in ("validate", "preview", "diff", "export", "clone", "publish"):
        assert client.get(reverse(f"admin:questionnaire_version_{name}", args=[draft.pk])).status_code == 200
    assert client.get(reverse("admin:questionnaire_version_import")).status_code == 200


def test_published_content_is_read_only_in_the_admin(client, superuser, published):
    staff_login(client, superuser)
    question = m.Question.objects.filter(version=published).get(code="role")
    url = reverse("admin:questionnaire_question_change", args=[question.pk])
    page = client.get(url).content.decode()
    assert 'name="text"' not in page  # shown, not editable
    response = client.post(url, {"text": "Changed"})
    assert response.status_code == 403
    question.refresh_from_db()
    assert question.text != "Changed"
    version_url = reverse("admin:questionnaire_questionnaireversion_change", args=[published.pk])
    assert client.post(version_url, {"title": "x"}).status_code == 403


def fact_form(draft):
    """The fact is_deployer of the draft, its admin page and the form's data as stored."""
    fact = m.Fact.objects.get(version=draft, name="is_deployer")
    data = {"version": draft.pk, "position": fact.position, "name": fact.name, "label": fact.label,
            "type": fact.type, "expr": fact.expr}
    return fact, reverse("admin:questionnaire_fact_change", args=[fact.pk]), data


def test_expression_errors_on_save_name_the_problem_and_known_names(client, superuser, draft):
    staff_login(client, superuser)
    _fact, url, data = fact_form(draft)
    page = client.post(url, {**data, "expr": "rolle == 'x'"}).content.decode()
    # the engine's lint, shown next to the field
    assert re.search(r'id="id_expr_error"><li>unknown name “rolle” in [^<]*Known names: [^<]*\brole\b', page)
    page = client.post(url, {**data, "expr": "role =="}).content.decode()
    assert re.search(r'id="id_expr_error"><li>syntax error', page)
    assert client.post(url, {**data, "expr": 'role == "deployer_only"'}).status_code == 302


def _publish(client, version):
    return client.post(reverse("admin:questionnaire_version_publish", args=[version.pk]))


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda v: m.Fact.objects.filter(version=v, name="is_deployer").update(expr="role =="),
         "fact is_deployer"),
        (lambda v: m.Obligation.objects.filter(version=v, code="ART54").update(applies_if="gpai_provider and nope"),
         "unknown name “nope”"),
        (lambda v: m.Question.objects.filter(version=v, code="places_under_own_name").update(
            visible_if="training_compute_flop is not None"), "is not known yet here"),
        (lambda v: m.Question.objects.filter(version=v, code="monetised").update(
            visible_if='licence_type == "foss" and licence_type == "none"'), "can never be reached"),
        (lambda v: m.Constant.objects.filter(version=v, name="sr_threshold").update(value=2e25), "scenario T05"),
    ],
)
def test_publishing_a_broken_draft_is_refused_with_the_error(client, superuser, published, draft, mutate, expected):
    staff_login(client, superuser)
    mutate(draft)
    response = _publish(client, draft)
    page = response.content.decode()
    assert "cannot be published" in page and expected in page
    assert re.search(r'<a href="/admin/questionnaire/\w+/\d+/change/">', page)  # linked to the object to fix
    draft.refresh_from_db()
    assert draft.is_draft
    assert m.QuestionnaireVersion.objects.get(status="published") == published


def test_publishing_a_good_draft_makes_it_current_and_keeps_assessments(client, superuser, published, draft,
                                                                       django_user_model):
    user, organisation = make_member(django_user_model, "ann")
    assessment = completed(organisation, user, "T01")
    staff_login(client, superuser)
    m.Question.objects.filter(version=draft, code="role").update(help="Clearer help.")
    response = _publish(client, draft)
    assert response.status_code == 302
    draft.refresh_from_db()
    published.refresh_from_db()
    assert draft.status == "published" and draft.published_by == superuser
    assert published.status == "retired"
    assessment.refresh_from_db()
    assert assessment.questionnaire_version == published


def test_diff_of_one_threshold_lists_exactly_the_changed_results(client, superuser, published, draft,
                                                                 django_user_model):
    user, organisation = make_member(django_user_model, "ann")
    near = completed(organisation, user, "T05", name="Near")  # 1.05e25: systemic at 1e25, not at 1.1e25
    far = completed(organisation, user, "T06", name="Far")  # 3.8e25: systemic either way
    m.Constant.objects.filter(version=draft, name="sr_threshold").update(value=1.1e25)
    staff_login(client, superuser)
    page = client.get(reverse("admin:questionnaire_version_diff", args=[draft.pk]),
                      {"against": published.pk}).content.decode()
    assert "sr_threshold" in page
    impacted = set(re.findall(r'data-impact="([^"]+)"', page))
    # golden scenarios between 1e25 and 1.1e25: T05 (1.05e25) and two of our edge cases (1.01e25 planned, 1.1e25)
    assert impacted == {"scenario:T05", "scenario:PLANNED-ABOVE-1E25", "scenario:CUMULATIVE-ABOVE-TRAINING",
                        f"assessment:{near.pk}"}
    assert f"assessment:{far.pk}" not in impacted


def test_import_yaml_creates_a_draft_and_errors_name_the_line(client, superuser, published, settings):
    staff_login(client, superuser)
    url = reverse("admin:questionnaire_version_import")
    text = re.sub(r'^version: ".*"$', 'version: "9999.1"', settings.QUESTIONNAIRE_CONTENT.read_text(), count=1,
                  flags=re.MULTILINE)
    response = client.post(url, {"file": SimpleUploadedFile("gpai.yaml", text.encode())})
    assert response.status_code == 302
    assert m.QuestionnaireVersion.objects.get(label="9999.1").is_draft
    broken = "slug: gpai\nversion: x\nsections:\n  - code: [oops\n"
    page = client.post(url, {"file": SimpleUploadedFile("bad.yaml", broken.encode())}).content.decode()
    assert "bad.yaml line 5" in page and "not valid YAML" in page


def test_preview_evaluates_an_answer_set(client, superuser, draft):
    staff_login(client, superuser)
    url = reverse("admin:questionnaire_version_preview", args=[draft.pk])
    page = client.post(url, {"answers": '{"role": "deployer_only"}'}).content.decode()
    assert "OUT_OF_SCOPE" in page and "deployer" in page
    page = client.post(url, {"answers": '{"role": "king"}'}).content.decode()
    assert "not one of" in page


def test_history_shows_who_changed_what_in_a_draft(client, superuser, draft):
    staff_login(client, superuser)
    fact = m.Fact.objects.get(version=draft, name="is_deployer")
    client.post(reverse("admin:questionnaire_fact_change", args=[fact.pk]), {
        "version": draft.pk, "position": fact.position, "name": fact.name, "label": "Deployer only",
        "type": fact.type, "expr": fact.expr})
    page = client.get(reverse("admin:questionnaire_version_history", args=[draft.pk])).content.decode()
    assert "root" in page and "is_deployer" in page and "Changed Label" in page


def test_translations_become_stale_when_the_source_changes(client, superuser, draft):
    from questionnaire.authoring.translations import is_stale, source_texts
    from questionnaire.core.versions import authored_spec

    staff_login(client, superuser)
    response = client.post(reverse("admin:questionnaire_translation_add"), {
        "version": draft.pk, "position": 0, "target": "question:role:text", "language": "es",
        "text": "¿Qué relación tiene su organización con el modelo?"})  # German and French ship with the content
    assert response.status_code == 302
    translation = m.Translation.objects.get(version=draft, language="es")
    assert not is_stale(source_texts(authored_spec(draft)), translation.target, translation.source_hash)
    page = client.get(reverse("admin:questionnaire_translation_changelist")).content.decode()
    assert 'alt="False"' in page  # not stale
    m.Question.objects.filter(version=draft, code="role").update(text="How are you related to the model?")
    assert is_stale(source_texts(authored_spec(draft)), translation.target, translation.source_hash)
    page = client.get(reverse("admin:questionnaire_translation_changelist") + "?language__exact=es").content.decode()
    assert 'alt="True"' in page
    bad = client.post(reverse("admin:questionnaire_translation_add"), {
        "version": draft.pk, "position": 0, "target": "question:nope:text", "language": "es", "text": "x"})
    assert "is not a text of this version" in bad.content.decode()
    copy = clone_version(draft, user=superuser)
    assert m.Translation.objects.filter(version=copy, target="question:role:text", language="es").exists()


def test_expression_checks_on_save_forward_reference_and_choice_values(client, superuser, draft):
    staff_login(client, superuser)
    fact, url, data = fact_form(draft)
    page = client.post(url, {**data, "expr": "systemic_risk"}).content.decode()
    assert 'id="id_expr_error"><li>“systemic_risk” is not known yet here: fact systemic_risk is defined after ' \
           "is_deployer" in page
    page = client.post(url, {**data, "expr": 'role == "deployer"'}).content.decode()
    assert 'id="id_expr_error"><li>“deployer” is not a choice of role (' in page
    assert m.Fact.objects.get(pk=fact.pk).expr == fact.expr  # none of them was saved


def test_preview_walks_the_pages_a_respondent_would_see(client, superuser, draft):
    staff_login(client, superuser)
    url = reverse("admin:questionnaire_version_preview", args=[draft.pk])
    answers = '{"role": "downstream_modifier", "eu_market_placement": "yes"}'
    page = client.post(url, {"answers": answers}).content.decode()
    assert 'data-question="modification_compute_flop"' in page
    assert 'data-question="training_compute_flop"' not in page


def test_a_save_that_breaks_another_item_is_refused_naming_it(client, superuser, draft):
    """The form runs the engine's lint on the draft as it would be: renaming a fact that conditions use is
    refused with the items it would break, above the form."""
    staff_login(client, superuser)
    _fact, url, data = fact_form(draft)
    page = client.post(url, {**data, "name": "deployer_only"}).content.decode()
    assert re.search(r'<ul class="errorlist nonfield"><li>fact \w+: unknown name “is_deployer”', page)
    assert "<li>section organisation: unknown name “is_deployer” in “not is_deployer”" in page
    assert m.Fact.objects.filter(version=draft, name="is_deployer").exists()
    assert client.post(url, {**data, "name": "is_deployer"}).status_code == 302  # unchanged: saved


def test_an_obligation_without_a_source_is_refused_at_the_field(client, superuser, draft):
    staff_login(client, superuser)
    obligation = m.Obligation.objects.filter(version=draft).first()
    url = reverse("admin:questionnaire_obligation_change", args=[obligation.pk])
    data = {f: getattr(obligation, f) for f in ("position", "code", "label", "title", "summary", "applies_if",
                                                "reason", "scope_note")}
    page = client.post(url, {**data, "version": draft.pk, "citations": "[]",
                             "deadlines": json.dumps(obligation.deadlines)}).content.decode()
    assert 'id="id_citations_error"><li>needs at least one legal source' in page
