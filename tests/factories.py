"""Test data shared by the test modules: members and assessments, completed assessments of the public
scenarios, and synthetic questionnaires that are larger copies of the real one."""

from __future__ import annotations

import copy
import re
from typing import Any

from accounts.models import Membership, Organisation, Role
from questionnaire.assessments.services import complete, save_section, start_assessment
from questionnaire.engine import build_spec, spec_to_content
from questionnaire.models import AIModel

from .conftest import PASSWORD, public_scenarios

SCENARIOS = {c["id"]: c for c in public_scenarios()}


def make_member(django_user_model, username: str, *, role: str = Role.OWNER, organisation=None):
    """A user with `role` in `organisation` (a new one named after the user when none is given)."""
    user = django_user_model.objects.create_user(username=username, password=PASSWORD)
    organisation = organisation or Organisation.objects.create(name=f"{username} Ltd")
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user, organisation


def new_assessment(organisation, user, name: str = "Atlas-70B"):
    ai_model, _ = AIModel.objects.get_or_create(organisation=organisation, name=name)
    return start_assessment(organisation=organisation, ai_model=ai_model, user=user)


def completed(organisation, user, scenario_id: str, *, name: str | None = None):
    """A completed assessment with the answers of public scenario `scenario_id`, saved through the services."""
    case = SCENARIOS[scenario_id]
    assessment = new_assessment(organisation, user, name=name or f"Model {scenario_id}")
    answers = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in case["answers"].items()}
    save_section(assessment, "all", as_wizard_answers(answers), user=user, seen_revision=0)
    return complete(assessment, user=user)


def as_wizard_answers(answers: dict[str, Any]) -> dict[str, Any]:
    """An answer set as the wizard stores it: an empty list for the licence terms is the contract's "none of them",
    which the wizard's required question records as the box "none" (lawyer's review W8)."""
    return {k: (["none"] if k == "licence_disqualifying_restrictions" and v == [] else v) for k, v in answers.items()}


def scaled_content(content: dict[str, Any], factor: int, *, label: str | None = None) -> dict[str, Any]:
    """The real questionnaire plus (factor - 1) renamed copies of its sections and facts, each copy with
    expressions as complex as the real ones; the real sections keep their codes and results."""
    base = spec_to_content(build_spec(content))
    out = copy.deepcopy(base)
    names = sorted([q["code"] for s in base["sections"] for q in s["questions"]] + [f["name"] for f in base["facts"]],
                   key=len, reverse=True)
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, names)) + r")\b")
    literal = re.compile(r"(\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*')")  # texts in an expression keep their words
    for i in range(1, factor):
        def rename(text, i=i):
            if not text:
                return text
            return "".join(part if n % 2 else pattern.sub(lambda m: f"{m.group(1)}_x{i}", part)
                           for n, part in enumerate(literal.split(text)))

        for section in copy.deepcopy(base["sections"]):
            section["code"] = f"{section['code']}_x{i}"
            if section.get("visible_if"):
                section["visible_if"] = rename(section["visible_if"])
            for q in section["questions"]:
                q["code"] = f"{q['code']}_x{i}"
                if q.get("visible_if"):
                    q["visible_if"] = rename(q["visible_if"])
            out["sections"].append(section)
        for fact in copy.deepcopy(base["facts"]):
            fact["name"] = f"{fact['name']}_x{i}"
            fact["expr"] = rename(fact["expr"])
            out["facts"].append(fact)
    out["scenarios"] = out["scenarios"][:2]
    if label:
        out["version"] = label
    return out
