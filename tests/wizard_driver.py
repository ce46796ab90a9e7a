"""Drive a complete assessment through the wizard with Django's test client, as a browser without
JavaScript would: follow each section, post the scenario's answers for the questions shown, complete."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.urls import reverse

SECTION_URL = re.compile(r"/assessments/(?P<id>[0-9a-f-]{36})/step/(?P<section>[\w-]+)/$")


def form_value(question_type: str, value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return str(value)


def posted_value(question, value: Any) -> Any:
    """What a person posts for a question's answer (None: nothing, the field left empty). An empty list is the
    answer "none of them", which a required question records with its box "none" (lawyer's review W8)."""
    value = form_value(question.type.value, value)
    if value == [] and "none" in question.choice_values():
        return ["none"]
    if value in ("", []) and question.type.value == "multiple_choice":
        return None
    return value


def post_section(client, assessment, section: str, answers: dict[str, Any], spec, *, seen_revision=None):
    """Post the answers for the questions of `section` that the page shows. The response is a redirect when the
    section was saved, 400 when the answers were refused, 409 when someone changed them meanwhile."""
    url = reverse("wizard_step", kwargs={"assessment_id": assessment.pk, "step": section})
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    html = page.content.decode()
    data: dict[str, Any] = {f"assessment-{assessment.pk}-current_step": section}
    revision = re.search(r'name="seen_revision" value="(\d+)"', html).group(1)
    data["seen_revision"] = seen_revision if seen_revision is not None else revision
    for code in re.findall(r'data-question="([\w]+)"', html):
        question = spec.questions[code]
        value = posted_value(question, answers.get(code))
        if value is not None:
            data[f"{section}-{code}"] = value
    return client.post(url, data)


def complete_through_wizard(client, assessment, answers: dict[str, Any], spec, *, max_sections: int = 40):
    """Answer every section shown, then complete; returns the result page response."""
    response = client.get(reverse("resume", kwargs={"assessment_id": assessment.pk}))
    for _ in range(max_sections):
        assert response.status_code == 302, (response.status_code, getattr(response, "content", b"")[:2000])
        location = response["Location"]
        match = SECTION_URL.search(location)
        if not match:
            break
        response = post_section(client, assessment, match.group("section"), answers, spec)
    assert location.endswith("/check/"), location
    check = client.get(location)
    assert check.status_code == 200
    done = client.post(reverse("complete", kwargs={"assessment_id": assessment.pk}))
    assert done.status_code == 302 and done["Location"].endswith("/result/"), done
    return client.get(done["Location"])


def corrected_answers(spec, answers: dict[str, Any]) -> dict[str, Any]:
    """The scenario's answers as a user would correct them after the wizard refuses a contradiction at the field
    (S54: cumulative compute typed below training compute): the refused field is left empty."""
    from questionnaire.engine import check_answers, parse_answers

    answers = dict(answers)
    for problem in check_answers(spec, parse_answers(spec, answers), dt.date.today()):
        if problem.refuse:
            answers[problem.fields[0]] = None
    return answers
