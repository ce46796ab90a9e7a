"""The content schema (engine/schema.py): content dictionary ↔ Spec ↔ database rows, one mapping."""

from __future__ import annotations

import dataclasses

import pytest
import yaml

from questionnaire import models as m
from questionnaire.authoring.content import export_yaml, load
from questionnaire.core.versions import SchemaError, authored_spec, stored, version_content
from questionnaire.engine import QuestionType, build_spec, spec_to_content
from questionnaire.engine import spec as s
from questionnaire.engine.schema import TABLES, Table, from_content, to_content

pytestmark = pytest.mark.django_db


def test_the_shipped_content_through_the_database_is_the_same_spec(published, spec, authored):
    """dict → rows → Spec equals dict → Spec, field by field (not only the hash)."""
    assert authored_spec(published) == authored
    assert build_spec(version_content(published)).content_hash == spec.content_hash


def test_the_exported_content_gives_the_same_spec(published, authored):
    """dict → rows → exported YAML → Spec is the same."""
    exported = yaml.safe_load(export_yaml(authored_spec(published)))
    assert build_spec(exported) == authored
    assert exported == spec_to_content(authored)


def test_a_changed_field_survives_the_database(authored):
    """Every kind of field is stored: a text, an expression, a flag, a list, a nested item, a JSON column."""
    spec = authored
    content = spec_to_content(spec)
    question = content["sections"][0]["questions"][0]
    question["help"] = "Changed help."
    question["required"] = False
    question["estimator"] = True
    content["obligations"][0]["citations"][0]["pinpoint"] = "Art. 99"
    content["code_chapters"][0]["commitments"][0]["measures"][0]["serves"] = []
    content["facts"][0]["type"] = "any"
    content["version"] = "changed"
    changed = build_spec(content)
    version = load(content).version
    assert authored_spec(version) == changed != spec


def test_a_dataclass_field_without_a_column_fails_loudly():
    @dataclasses.dataclass(frozen=True)
    class Question(s.Question):
        reviewer: str = ""  # a new field, and no column for it

    with pytest.raises(SchemaError, match=r"Question\.reviewer has no column in Question"):
        stored(Question, TABLES[s.Question])
    assert stored(s.Question, TABLES[s.Question]).columns["help"] == "help"


def test_a_column_without_a_dataclass_field_fails_loudly():
    Question = dataclasses.make_dataclass(  # the name the schema knows the class by
        "Question", [(f.name, f.type, f) for f in dataclasses.fields(s.Question) if f.name != "estimator"],
        frozen=True, namespace={"__module__": s.__name__})
    with pytest.raises(SchemaError, match=r"Question\.estimator is no field of Question"):
        stored(Question, TABLES[s.Question])
    with pytest.raises(SchemaError, match="not a model"):
        stored(s.Question, Table("Questions", parent="section"))


def test_a_new_field_goes_through_the_content_without_a_change_to_the_schema():
    @dataclasses.dataclass(frozen=True)
    class Flag(s.Flag):
        severity: str = ""

    flag = from_content(Flag, {"id": "X", "when": "True", "severity": " high "}, "flag X")
    assert flag.severity == "high"
    assert to_content(flag) == {"id": "X", "when": "True", "severity": "high"}


def test_question_types_are_defined_once():
    field = m.Question._meta.get_field("type")
    assert field.choices == [(kind.value, kind.label) for kind in QuestionType]
    assert not hasattr(m, "QuestionType")


def test_a_field_of_a_kind_the_schema_does_not_know_fails_loudly():
    @dataclasses.dataclass(frozen=True)
    class Flag(s.Flag):
        weight: float = 0.0

    with pytest.raises(TypeError, match=r"Flag\.weight: the schema does not know how to read"):
        to_content(Flag("X", "", "True", ""))
