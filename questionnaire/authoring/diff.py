"""Authoring questionnaire versions: clone, diff, and who would be affected by a draft."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import models as m
from ..assessments.presenters import result_changes
from ..assessments.rules_changes import changes_under, result_under
from ..engine import Spec, spec_to_content


@dataclass(frozen=True)
class Change:
    kind: str  # question, choice, fact, obligation...
    key: str
    change: str  # added, removed, changed
    details: tuple[str, ...] = ()


def _index(items: list[dict], key: str) -> dict[str, dict]:
    return {str(item[key]): item for item in items}


def _compare(kind: str, old: dict[str, dict], new: dict[str, dict], skip: tuple[str, ...] = ()) -> list[Change]:
    changes = []
    for key in old.keys() - new.keys():
        changes.append(Change(kind, key, "removed"))
    for key in new.keys() - old.keys():
        changes.append(Change(kind, key, "added"))
    for key in old.keys() & new.keys():
        a, b = old[key], new[key]
        fields = sorted((a.keys() | b.keys()) - set(skip))
        details = tuple(f"{f}: {a.get(f)!r} → {b.get(f)!r}" for f in fields if a.get(f) != b.get(f))
        if details:
            changes.append(Change(kind, key, "changed", details))
    return sorted(changes, key=lambda c: (c.kind, c.key))


def diff_specs(old: Spec, new: Spec) -> list[Change]:
    """What changed between two versions: questions, choices, expressions, obligations, texts..."""
    a, b = spec_to_content(old), spec_to_content(new)
    changes: list[Change] = []
    changes += _compare("constant", {k: {"value": v} for k, v in a["constants"].items()},
                        {k: {"value": v} for k, v in b["constants"].items()})
    changes += _compare("section", _index(a["sections"], "code"), _index(b["sections"], "code"), skip=("questions",))
    qa = {q["code"]: q for s in a["sections"] for q in s["questions"]}
    qb = {q["code"]: q for s in b["sections"] for q in s["questions"]}
    changes += _compare("question", qa, qb, skip=("choices",))
    ca = {f"{q['code']}={c['value']}": c for q in qa.values() for c in q.get("choices", [])}
    cb = {f"{q['code']}={c['value']}": c for q in qb.values() for c in q.get("choices", [])}
    changes += _compare("choice", ca, cb)
    changes += _compare("fact", _index(a["facts"], "name"), _index(b["facts"], "name"))
    ra = {f"{o['name']} rule {i + 1}": r for o in a["outcomes"] for i, r in enumerate(o["rules"])}
    rb = {f"{o['name']} rule {i + 1}": r for o in b["outcomes"] for i, r in enumerate(o["rules"])}
    changes += _compare("outcome rule", ra, rb)
    changes += _compare("obligation", _index(a["obligations"], "id"), _index(b["obligations"], "id"))
    changes += _compare("deadline", _index(a["deadlines"], "key"), _index(b["deadlines"], "key"))
    changes += _compare("flag", _index(a["flags"], "id"), _index(b["flags"], "id"))
    changes += _compare("general date", _index(a.get("general_dates", []), "date"),
                        _index(b.get("general_dates", []), "date"))
    ma = {x["id"]: x for ch in a["code_chapters"] for k in ch["commitments"] for x in k["measures"]}
    mb = {x["id"]: x for ch in b["code_chapters"] for k in ch["commitments"] for x in k["measures"]}
    changes += _compare("measure", ma, mb)
    changes += _compare("source", _index(a["sources"], "id"), _index(b["sources"], "id"))
    changes += _compare("scenario", _index(a["scenarios"], "id"), _index(b["scenarios"], "id"))
    # the sections added in 2026 (left out of the canonical form when empty)
    for kind, section, key in (("perspective", "perspectives", "key"), ("notice", "notices", "id"),
                               ("answer check", "answer_checks", "id"), ("article group", "article_groups", "article"),
                               ("next step", "next_steps", "id"), ("checklist", "checklists", "id")):
        changes += _compare(kind, _index(a.get(section, []), key), _index(b.get(section, []), key))
    if a.get("rules_note") != b.get("rules_note"):
        changes.append(Change("rules note", "rules_note", "changed"))
    return changes


@dataclass(frozen=True)
class Impact:
    kind: str  # "scenario" or "assessment"
    key: str
    label: str
    differences: tuple[str, ...]
    assessment: Any = None


def impact(old: Spec, new: Spec) -> list[Impact]:
    """Golden scenarios and models' current assessments whose result (classification, role, obligations,
    deadlines) would change under `new`: who must re-assess."""
    impacts = []
    scenarios = {s.id: s for s in (*old.scenarios, *new.scenarios)}
    for scenario in scenarios.values():
        before, after = result_under(old, dict(scenario.answers)), result_under(new, dict(scenario.answers))
        if before is None or after is None:
            continue
        differences = tuple(result_changes(old, before, new, after))
        if differences:
            impacts.append(Impact("scenario", scenario.id, scenario.description, differences))
    assessments = (m.current_assessments().select_related("organisation", "ai_model", "questionnaire_version")
                   .order_by("organisation__name", "ai_model__name"))
    for assessment in assessments.iterator():
        differences = tuple(changes_under(new, assessment))
        if differences:
            impacts.append(Impact("assessment", str(assessment.pk),
                                  f"{assessment.organisation.name}: {assessment.ai_model.name}", differences,
                                  assessment))
    return impacts
