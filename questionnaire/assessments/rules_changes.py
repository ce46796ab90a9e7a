"""When newly published rules would change a result: what each model's current assessment would get under the new
version, recorded once per version (RulesChange) and e-mailed once to the owners and editors."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task

from accounts.language import member_language
from accounts.models import Membership, Role

from ..core.evaluation import clean_answers
from ..core.versions import spec_for
from ..engine import AnswerError, Spec, evaluate, parse_answers
from ..models import Assessment, QuestionnaireVersion, RulesChange, current_assessments
from .presenters import result_changes

# ---------------------------------------------------------------- when the rules change


def result_under(spec: Spec, answers: dict[str, Any]) -> dict[str, Any] | None:
    """The result the answers would get under `spec`, or None when they no longer fit its questions."""
    known = {k: v for k, v in answers.items() if k in spec.questions}
    try:
        return evaluate(spec, parse_answers(spec, known), today=timezone.localdate()).to_json()
    except AnswerError:
        return None


def changes_under(spec: Spec, assessment: Assessment) -> list[str]:
    """What would differ, in plain sentences, if a completed assessment's frozen answers were evaluated under
    `spec`: its result (classification, role, obligations, dates), or the answers `spec` no longer accepts."""
    answers = assessment.snapshot["answers"]
    after = result_under(spec, answers)
    if after is None:  # some answers no longer fit: the result cannot be known without asking them again
        _kept, refused = clean_answers(spec, answers)
        return [f"Your answer to “{spec.questions[code].text}” is no longer one the rules accept: amend the "
                "assessment to answer it again" for code in refused]
    return result_changes(spec_for(assessment.questionnaire_version), assessment.snapshot["result"], spec, after)


def record_rules_changes(version: QuestionnaireVersion) -> list[RulesChange]:
    """For every model whose current assessment would get another result under `version` (classification,
    role, obligations or dates), a RulesChange naming what would change. Idempotent per version."""
    spec = spec_for(version)
    found = []
    currents = (current_assessments().exclude(questionnaire_version=version)
                .select_related("questionnaire_version", "ai_model"))
    for assessment in currents:
        changes = changes_under(spec, assessment)
        if changes:
            change, _ = RulesChange.objects.get_or_create(assessment=assessment, version=version,
                                                          defaults={"changes": changes})
            found.append(change)
    return found


@task()
def notice_rules_changes(version_id: int) -> str:
    """After a version is published: record which models' current assessments it would give another result,
    and e-mail each concerned organisation's owners and editors once (RULES_CHANGE_EMAILS turns it off)."""

    version = QuestionnaireVersion.objects.filter(pk=version_id).first()
    if version is None:
        return "nothing to do"
    with transaction.atomic():  # a savepoint when run inside publish (immediate backend): a failure here
        changes = record_rules_changes(version)  # never breaks the publishing transaction
    if settings.RULES_CHANGE_EMAILS:
        send_rules_change_emails(version)
    return f"{len(changes)} assessment(s) concerned"


def send_rules_change_emails(version: QuestionnaireVersion) -> int:
    """One e-mail per owner or editor of each organisation with rules changes not yet e-mailed; each change is
    marked as e-mailed in the same transaction, so a change is never e-mailed twice."""
    sent = 0
    with transaction.atomic():
        pending = list(RulesChange.objects.select_for_update(of=("self",))
                       .filter(version=version, notified_at__isnull=True)
                       .select_related("assessment__ai_model", "assessment__organisation"))
        by_organisation: dict = {}
        for change in pending:
            by_organisation.setdefault(change.assessment.organisation, []).append(change)
        for organisation, changes in by_organisation.items():
            members = (Membership.objects.filter(organisation=organisation, role__in=(Role.OWNER, Role.EDITOR))
                       .exclude(user__email="").select_related("user"))
            recipients = sorted({(m.user.email, member_language(m.user)) for m in members})  # each in their language
            context = {"organisation": organisation, "version": version, "site_url": settings.SITE_URL,
                       "changes": [{"change": c, "model_url": reverse("model_detail", args=[c.assessment.ai_model_id])}
                                   for c in changes]}
            for email, language in recipients:
                with translation.override(language):
                    subject = " ".join(render_to_string("questionnaire/rules_change_subject.txt", context).split())
                    body = render_to_string("questionnaire/rules_change_email.txt", context)
                send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email])
                sent += 1
            RulesChange.objects.filter(pk__in=[c.pk for c in changes]).update(notified_at=timezone.now())
    return sent
