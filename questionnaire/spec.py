"""The one bridge between database rows and the pure engine.

`version_content` reads a version with one query per table (a fixed number, whatever the size of
the questionnaire) into the canonical content dictionary; `spec_for` builds the engine's Spec from it
and caches published versions, which never change.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from .engine import Spec, build_spec
from .models import (
    Choice,
    CodeChapter,
    Commitment,
    Constant,
    ContentPart,
    Deadline,
    Fact,
    Flag,
    Measure,
    Obligation,
    Outcome,
    OutcomeRule,
    OutcomeValue,
    Question,
    QuestionnaireVersion,
    Scenario,
    Section,
    Source,
    VersionStatus,
)

_SPEC_CACHE: dict[tuple[int, str], Spec] = {}


def _rows(model, version: QuestionnaireVersion):
    return list(model.objects.filter(version=version).order_by("position", "id"))


def version_content(version: QuestionnaireVersion) -> dict[str, Any]:
    """The version as the content dictionary of content/gpai.yaml (normalised form)."""
    choices = defaultdict(list)
    for c in _rows(Choice, version):
        choices[c.question_id].append({"value": c.value, "label": c.label, **({"help": c.help} if c.help else {})})
    questions = defaultdict(list)
    for q in _rows(Question, version):
        item: dict[str, Any] = {"code": q.code, "type": q.type, "text": q.text}
        if q.help:
            item["help"] = q.help
        if not q.required:
            item["required"] = False
        if q.visible_if:
            item["visible_if"] = q.visible_if
        if q.estimator:
            item["estimator"] = True
        if choices.get(q.pk):
            item["choices"] = choices[q.pk]
        questions[q.section_id].append(item)
    sections = []
    for s in _rows(Section, version):
        item = {"code": s.code, "title": s.title}
        if s.intro:
            item["intro"] = s.intro
        if s.visible_if:
            item["visible_if"] = s.visible_if
        item["questions"] = questions.get(s.pk, [])
        sections.append(item)

    values = defaultdict(list)
    for v in _rows(OutcomeValue, version):
        values[v.outcome_id].append({"value": v.value, "label": v.label,
                                     **({"description": v.description} if v.description else {})})
    rules = defaultdict(list)
    for r in _rows(OutcomeRule, version):
        rules[r.outcome_id].append({**({"when": r.when} if r.when else {}), "value": r.value,
                                    **({"reason": r.reason} if r.reason else {})})
    measures = defaultdict(list)
    for m in _rows(Measure, version):
        measures[m.commitment_id].append({"id": m.code, "title": m.title, "summary": m.summary,
                                          "evidence": m.evidence, "serves": list(m.serves)})
    commitments = defaultdict(list)
    for c in _rows(Commitment, version):
        commitments[c.chapter_id].append({"number": c.number, "title": c.title, "measures": measures.get(c.pk, [])})

    return {
        "slug": version.slug,
        "version": version.label,
        "title": version.title,
        "rulebook_date": version.rulebook_date,
        "sources": [{"id": s.code, "title": s.title, "url": s.url, "confidence": s.confidence,
                     **({"note": s.note} if s.note else {})} for s in _rows(Source, version)],
        "constants": {c.name: c.value for c in _rows(Constant, version)},
        "sections": sections,
        "facts": [{"name": f.name, **({"label": f.label} if f.label else {}),
                   **({"type": f.type} if f.type != "bool" else {}), "expr": f.expr}
                  for f in _rows(Fact, version)],
        "outcomes": [{"name": o.name, "title": o.title, "values": values.get(o.pk, []), "rules": rules.get(o.pk, [])}
                     for o in _rows(Outcome, version)],
        "obligations": [{"id": o.code, "label": o.label, "title": o.title, "summary": o.summary,
                         **({"scope_note": o.scope_note} if o.scope_note else {}),
                         "applies_if": o.applies_if, **({"reason": o.reason} if o.reason else {}),
                         "citations": list(o.citations), "deadlines": list(o.deadlines)}
                        for o in _rows(Obligation, version)],
        "deadlines": [{"key": d.key, "label": d.label, **({"label_passed": d.label_passed} if d.label_passed else {}),
                       "when": d.when, "value": d.value,
                       **({"explanation": d.explanation} if d.explanation else {})}
                      for d in _rows(Deadline, version)],
        "flags": [{"id": f.code, "title": f.title, "when": f.when, "explanation": f.explanation}
                  for f in _rows(Flag, version)],
        "code_chapters": [{"id": c.code, "title": c.title, "applies_if": c.applies_if, "summary": c.summary,
                           "commitments": commitments.get(c.pk, [])} for c in _rows(CodeChapter, version)],
        "scenarios": [{"id": s.code, "description": s.description, "answers": s.answers, "expected": s.expected}
                      for s in _rows(Scenario, version)],
        **{part.key: part.data for part in _rows(ContentPart, version)},
    }


def spec_for(version: QuestionnaireVersion) -> Spec:
    """The engine's Spec for a version; published and retired versions are cached (they are frozen)."""
    key = (version.pk, version.content_hash)
    if version.status != VersionStatus.DRAFT and key in _SPEC_CACHE:
        return _SPEC_CACHE[key]
    spec = build_spec(version_content(version))
    if version.status != VersionStatus.DRAFT:
        _SPEC_CACHE[key] = spec
    return spec


_FROZEN_VERSIONS: dict[int, QuestionnaireVersion] = {}


def frozen_version(version_id: int) -> QuestionnaireVersion:
    """A questionnaire version by id. Published and retired versions are kept per process: their content,
    label and hash never change, so an assessment's pages need no join or query for them. Any save or delete
    of a version in this process empties the cache (see apps.py)."""
    version = _FROZEN_VERSIONS.get(version_id)
    if version is None:
        version = QuestionnaireVersion.objects.get(pk=version_id)
        if version.status != VersionStatus.DRAFT:
            _FROZEN_VERSIONS[version_id] = version
    return version


def forget_versions(**_signal) -> None:
    _FROZEN_VERSIONS.clear()


def current_version(slug: str = "gpai") -> QuestionnaireVersion | None:
    return QuestionnaireVersion.objects.filter(slug=slug, status=VersionStatus.PUBLISHED).first()
