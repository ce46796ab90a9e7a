"""Questionnaire versions in the database: a version's rows read into the engine's Spec, a Spec written as rows.

Which table and column holds each field is the content schema's (engine/schema.py: TABLES and the dataclass
fields); this module runs it. Reading a version takes one query per table, whatever the size of the
questionnaire; writing one, one bulk insert per table. Published and retired versions never change, so
their Spec and their row are kept per process.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from .. import models as m
from ..engine import Spec, build_spec, spec_to_content, texts_filled
from ..engine.schema import TABLES, VERSION_COLUMNS, Table, children, columns, spec_parts


class SchemaError(Exception):
    """A field of the Spec has no column to be kept in, or a column belongs to no field."""


@dataclass(frozen=True)
class Stored:
    """How the items of one dataclass are stored: model, foreign key to the enclosing row, columns."""

    model: type
    parent: str  # the foreign key's name ("section"), or "" for a top-level item
    columns: dict[str, str]  # content key -> column
    children: dict[str, type]  # content key -> class of the listed items with a table of their own

    @property
    def values(self) -> tuple[str, ...]:
        """The names read per row."""
        return ("id", "position", *((f"{self.parent}_id",) if self.parent else ()), *self.columns.values())


BOOKKEEPING = {"id", "version", "position"}


def stored(cls: type, table: Table) -> Stored:
    """The storage of `cls` in `table`; SchemaError names a field without a column or a column without a field,
    so that no field is silently dropped on the way to the database and back."""
    model = getattr(m, table.model, None)
    if model is None:
        raise SchemaError(f"{cls.__name__} is kept in {table.model}, which is not a model")
    names = {f.name for f in model._meta.concrete_fields}
    keys = columns(cls, table)
    for key, column in keys.items():
        if column not in names:
            raise SchemaError(f"{cls.__name__}.{key} has no column in {model.__name__}: add the column (and its "
                              "migration) or map the field in questionnaire/engine/schema.py")
    for name in sorted(names - set(keys.values()) - BOOKKEEPING - {table.parent}):
        raise SchemaError(f"{model.__name__}.{name} is no field of {cls.__name__}: add the field or map the "
                          "column in questionnaire/engine/schema.py")
    return Stored(model, table.parent, keys, children(cls))


STORED = {cls: stored(cls, table) for cls, table in TABLES.items()}  # checked when the app starts
PARTS = spec_parts()
if missing := set(VERSION_COLUMNS.values()) - {f.name for f in m.QuestionnaireVersion._meta.concrete_fields}:
    raise SchemaError(f"QuestionnaireVersion has no column {', '.join(sorted(missing))}")
CONSTANT_VALUES = ("id", "position", "name", "value")  # Spec.constants: a Constant row each
PART_VALUES = ("id", "position", "key", "data")  # the other parts: a ContentPart row each


# ---------------------------------------------------------------- rows -> content dictionary -> Spec


def version_rows(version: m.QuestionnaireVersion) -> dict[str, list[dict[str, Any]]]:
    """The version's content rows as column values, in order, by model name: one query per table."""
    rows = {s.model.__name__: list(s.model.objects.filter(version=version).order_by("position", "id")
                                   .values(*s.values)) for s in STORED.values()}
    rows["Constant"] = list(m.Constant.objects.filter(version=version).order_by("position", "id")
                            .values(*CONSTANT_VALUES))
    rows["ContentPart"] = list(m.ContentPart.objects.filter(version=version).order_by("position", "id")
                               .values(*PART_VALUES))
    return rows


def with_row(rows: dict[str, list[dict[str, Any]]], row: m.VersionContent) -> dict[str, list[dict[str, Any]]]:
    """The rows with `row` (a changed or new model instance, not saved) in place of the stored one."""
    name = type(row).__name__
    if name not in rows:
        return rows
    names = next((s.values for s in STORED.values() if s.model is type(row)), None) or (
        CONSTANT_VALUES if name == "Constant" else PART_VALUES)
    changed = {key: getattr(row, key) for key in names}
    table = [r for r in rows[name] if row.pk is None or r["id"] != row.pk] + [changed]
    table.sort(key=lambda r: (r["position"], r["id"] is None, r["id"] or 0))
    return {**rows, name: table}


def rows_content(version: m.QuestionnaireVersion, rows: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """The content dictionary (the shape of content/gpai.yaml) of a version's rows."""
    listed: dict[tuple[type, Any], list[dict[str, Any]]] = defaultdict(list)
    for cls, s in STORED.items():
        for row in rows[s.model.__name__]:
            listed[cls, row[f"{s.parent}_id"] if s.parent else None].append(row)

    def items(cls: type, parent_id: Any) -> list[dict[str, Any]]:
        s = STORED[cls]
        return [{**{key: row[column] for key, column in s.columns.items()},
                 **{key: items(child, row["id"]) for key, child in s.children.items()}}
                for row in listed[cls, parent_id]]

    content: dict[str, Any] = {}
    for key, (where, what) in PARTS.items():
        if where == "version":
            content[key] = getattr(version, what)
        elif where == "table":
            content[key] = items(what, None)
    content["constants"] = {row["name"]: row["value"] for row in rows["Constant"]}
    content.update({row["key"]: row["data"] for row in rows["ContentPart"]})
    return content


def version_content(version: m.QuestionnaireVersion) -> dict[str, Any]:
    """The version as the content dictionary of content/gpai.yaml."""
    return rows_content(version, version_rows(version))


_SPEC_CACHE: dict[tuple[int, str, bool], Spec] = {}


def version_to_edit() -> m.QuestionnaireVersion | None:
    """The version an admin works on: the newest draft, else the current (published) version."""
    return (m.QuestionnaireVersion.objects.filter(status=m.VersionStatus.DRAFT).order_by("-created_at").first()
            or m.QuestionnaireVersion.objects.filter(status=m.VersionStatus.PUBLISHED).first())


def authored_spec(version: m.QuestionnaireVersion) -> Spec:
    """The Spec as its authors wrote it, placeholders such as {sr_threshold} left in the texts: for authoring
    (lint, clone, export, diff, translations). Published and retired versions are cached (they are frozen)."""
    return _spec(version, filled=False)


def spec_for(version: m.QuestionnaireVersion) -> Spec:
    """The engine's Spec for a version as people read it: every authored text with the constants' placeholders
    filled (engine.texts_filled), for every page, report, export and e-mail. Published and retired versions are
    cached (they are frozen)."""
    return _spec(version, filled=True)


def _spec(version: m.QuestionnaireVersion, *, filled: bool) -> Spec:
    key = (version.pk, version.content_hash, filled)
    if version.status != m.VersionStatus.DRAFT and key in _SPEC_CACHE:
        return _SPEC_CACHE[key]
    spec = authored_spec(version) if filled else build_spec(version_content(version))
    if filled:
        spec = texts_filled(spec)
    if version.status != m.VersionStatus.DRAFT:
        _SPEC_CACHE[key] = spec
    return spec


# ---------------------------------------------------------------- Spec -> rows


def write_version(spec: Spec, **version_fields: Any) -> m.QuestionnaireVersion:
    """A new version row (slug, label, title, rulebook date from the Spec unless given) with the Spec's content
    as rows: one bulk insert per table. The caller runs it in a transaction."""
    version = m.QuestionnaireVersion.objects.create(
        **{**{column: getattr(spec, name) for name, column in VERSION_COLUMNS.items()}, **version_fields})
    content = spec_to_content(spec)
    m.Constant.objects.bulk_create(
        m.Constant(version=version, position=i, name=name, value=value)
        for i, (name, value) in enumerate(content["constants"].items()))
    for key, (where, what) in PARTS.items():
        if where == "table":
            _insert(version, what, [(None, item) for item in content.get(key, [])])
    m.ContentPart.objects.bulk_create(
        m.ContentPart(version=version, position=i, key=key, data=content[key])
        for i, key in enumerate(k for k, (where, _) in PARTS.items() if where == "part" and k in content))
    return version


def _insert(version: m.QuestionnaireVersion, cls: type, listed: list[tuple[Any, dict[str, Any]]]) -> None:
    """Rows for (enclosing row, content item) pairs, then the items each lists, table by table."""
    s = STORED[cls]
    rows = s.model.objects.bulk_create(
        s.model(version=version, position=i, **({s.parent: parent} if s.parent else {}),
                **{column: item[key] for key, column in s.columns.items() if key in item})
        for i, (parent, item) in enumerate(listed))
    for key, child in s.children.items():
        _insert(version, child, [(row, each) for row, (_, item) in zip(rows, listed, strict=True)
                                 for each in item.get(key, [])])


# ---------------------------------------------------------------- version rows


_FROZEN_VERSIONS: dict[int, m.QuestionnaireVersion] = {}


def frozen_version(version_id: int) -> m.QuestionnaireVersion:
    """A questionnaire version by id. Published and retired versions are kept per process: their content,
    label and hash never change, so an assessment's pages need no join or query for them. Any save or delete
    of a version in this process empties the cache (see apps.py)."""
    version = _FROZEN_VERSIONS.get(version_id)
    if version is None:
        version = m.QuestionnaireVersion.objects.get(pk=version_id)
        if version.status != m.VersionStatus.DRAFT:
            _FROZEN_VERSIONS[version_id] = version
    return version


def forget_versions(**_signal) -> None:
    _FROZEN_VERSIONS.clear()


def current_version(slug: str = "gpai") -> m.QuestionnaireVersion | None:
    return m.QuestionnaireVersion.objects.filter(slug=slug, status=m.VersionStatus.PUBLISHED).first()
