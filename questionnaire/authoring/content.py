"""The few multi-step writes on questionnaire content, each in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .. import models as m
from ..assessments.rules_changes import notice_rules_changes
from ..core.versions import PARTS, STORED, authored_spec, write_version
from ..engine import ContentError, Problem, Spec, build_spec, lint, spec_to_content


class ContentInvalid(Exception):
    """The content does not validate; `problems` lists every error by name."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


# ---------------------------------------------------------------- reading content files


# libyaml's parser when PyYAML was built with it (the wheels are): the same YAML, about ten times faster
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_content_file(path: str | Path) -> dict[str, Any]:
    """Parse a YAML content file; YAML errors become a Problem naming the line."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ContentInvalid([Problem(str(path), f"cannot read the file: {exc.strerror}")]) from None
    return parse_content_text(text, str(path))


def parse_content_text(text: str, name: str = "content") -> dict[str, Any]:
    """A content file's YAML, bounded before it is built (bounded_yaml), composed once for the data and the
    checks of its texts."""
    try:
        bounded_yaml(text, name)
        loader = YAML_LOADER(text)
        try:
            root = loader.get_single_node()
            data = loader.construct_document(root) if root is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{name} line {mark.line + 1}" if mark else name
        problem = getattr(exc, "problem", None) or str(exc)
        raise ContentInvalid([Problem(where, f"not valid YAML: {problem}")]) from None
    if not isinstance(data, dict):
        raise ContentInvalid([Problem(name, "expected a mapping (slug, version, sections, ...) at the top")])
    problems = unquoted_non_text(text, name, root=root)
    problems += too_long_texts(text, name, root=root)
    if problems:
        raise ContentInvalid(problems)
    return data


# An imported file is bounded before it is composed: libyaml's composer recurses once per level of nesting
# (50,000 levels crashed the process), and aliases let a few lines stand for billions of nodes ("billion
# laughs"), which every walk over the data would then visit. The canonical questionnaire has about 5,000 nodes
# at most 10 levels deep.
MAX_YAML_DEPTH = 64

MAX_YAML_NODES = 100_000


def bounded_yaml(text: str, name: str = "content") -> None:
    """ContentInvalid, naming the line, for YAML nested deeper than MAX_YAML_DEPTH, with an alias to a node that
    contains it, or more than MAX_YAML_NODES nodes once its aliases are expanded; counted on the parser's event
    stream, which builds nothing."""
    sizes: dict[str, int] = {}  # anchor -> the number of nodes it stands for
    open_nodes: list[list] = []  # [anchor, nodes so far] of each collection not yet closed
    expanded = 0

    def refuse(event, message: str) -> ContentInvalid:
        return ContentInvalid([Problem(f"{name} line {event.start_mark.line + 1}", message)])

    for event in yaml.parse(text, Loader=YAML_LOADER):
        if isinstance(event, yaml.CollectionStartEvent):
            if len(open_nodes) >= MAX_YAML_DEPTH:
                raise refuse(event, f"nested more than {MAX_YAML_DEPTH} levels deep")
            open_nodes.append([event.anchor, 1])
            expanded += 1
            continue
        if isinstance(event, yaml.CollectionEndEvent):
            anchor, size = open_nodes.pop()
        elif isinstance(event, yaml.ScalarEvent):
            anchor, size = event.anchor, 1
            expanded += 1
        elif isinstance(event, yaml.AliasEvent):
            if event.anchor not in sizes:
                raise refuse(event, f"the alias *{event.anchor} refers to a node that contains it (or to none)")
            anchor, size = None, sizes[event.anchor]
            expanded += size
        else:
            continue
        if anchor:
            sizes[anchor] = size
        if open_nodes:
            open_nodes[-1][1] += size
        if expanded > MAX_YAML_NODES:
            raise refuse(event, f"more than {MAX_YAML_NODES:,} values once its aliases (*name) are expanded")


# Authored texts: YAML reads an unquoted `label: No` as false, `title: 1.0` as a number, `help: ~` as null.
TEXT_KEYS = frozenset({
    "title", "label", "label_passed", "text", "text_passed", "help", "intro", "summary", "description",
    "explanation", "reason", "scope_note", "message", "note", "evidence", "rules_note",
})

_NON_TEXT_TAGS = {
    "tag:yaml.org,2002:bool": "yes/no (a boolean)",
    "tag:yaml.org,2002:int": "a number",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:null": "empty (null)",
}


def unquoted_non_text(text: str, name: str = "content", *, root: yaml.Node | None = None) -> list[Problem]:
    """Every authored text (and choice value or checklist item) that YAML reads as a boolean, number or null,
    named by its line: `label: No` must be written `label: "No"`."""
    problems: list[Problem] = []

    def scalar(node: yaml.Node, what: str) -> None:
        if isinstance(node, yaml.ScalarNode) and not node.style and node.tag in _NON_TEXT_TAGS:  # plain: None or ""
            problems.append(Problem(f"{name} line {node.start_mark.line + 1}",
                                    f"{what} “{node.value}” is read as {_NON_TEXT_TAGS[node.tag]}, not as text: "
                                    "put it in quotes"))

    def walk(node: yaml.Node, parent_key: str = "") -> None:
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else ""
                if key in TEXT_KEYS or (key == "value" and parent_key == "choices"):
                    scalar(value_node, key)
                walk(value_node, key)
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                if parent_key == "items":
                    scalar(item, "checklist item")
                walk(item, parent_key)

    if root is None:
        try:
            root = yaml.compose(text, Loader=YAML_LOADER)
        except yaml.YAMLError:
            return []  # reported by safe_load already
    if root is not None:
        walk(root)
    return problems


def too_long_texts(text: str, name: str = "content", *, root: yaml.Node | None = None) -> list[Problem]:
    """Every text longer than the column that stores it (engine/schema.py says which), named by its line: the
    database would refuse it."""
    if root is None:
        try:
            root = yaml.compose(text, Loader=YAML_LOADER)
        except yaml.YAMLError:
            return []
    problems: list[Problem] = []

    def check(model, column: str, key: str, node) -> None:
        limit = getattr(model._meta.get_field(column), "max_length", None)
        if limit and isinstance(node, yaml.ScalarNode) and len(node.value) > limit:
            problems.append(Problem(f"{name} line {node.start_mark.line + 1}",
                                    f"“{key}” is {len(node.value)} characters long; at most {limit} fit"))

    def walk(cls: type, mapping) -> None:
        if not isinstance(mapping, yaml.MappingNode):
            return
        kept = STORED[cls]
        for key_node, value in mapping.value:
            key = key_node.value
            if key in kept.children and isinstance(value, yaml.SequenceNode):
                for item in value.value:
                    walk(kept.children[key], item)
            elif key in kept.columns:
                check(kept.model, kept.columns[key], key, value)

    if isinstance(root, yaml.MappingNode):
        for key_node, value in root.value:
            key = key_node.value
            where, what = PARTS.get(key, ("", None))
            if where == "version":
                check(m.QuestionnaireVersion, what, key, value)
            elif where == "table" and isinstance(value, yaml.SequenceNode):
                for item in value.value:
                    walk(what, item)
            elif where == "table" and isinstance(value, yaml.MappingNode):  # scenarios: {defaults, cases: [...]}
                for sub_key, cases in value.value:
                    if sub_key.value == "cases" and isinstance(cases, yaml.SequenceNode):
                        for item in cases.value:
                            walk(what, item)
    return problems


def checked_spec(content: dict[str, Any]) -> Spec:
    """Build and lint a Spec; raise ContentInvalid with every problem."""
    try:
        spec = build_spec(content)
    except ContentError as exc:
        raise ContentInvalid([Problem(exc.where, exc.message)]) from None
    problems = lint(spec)
    if problems:
        raise ContentInvalid(problems)
    return spec


def canonical_spec() -> Spec:
    """The canonical questionnaire straight from content/gpai.yaml (no database)."""
    return checked_spec(read_content_file(settings.QUESTIONNAIRE_CONTENT))


def export_yaml(spec: Spec) -> str:
    return yaml.safe_dump(spec_to_content(spec), sort_keys=False, allow_unicode=True, width=110)


# ---------------------------------------------------------------- writing versions


@dataclass(frozen=True)
class LoadOutcome:
    """What loading a content file did: `version` is the file's version (published now, published before, or
    waiting as a draft); `created` says whether a version row was written; `message` says it in words."""

    version: m.QuestionnaireVersion
    created: bool
    message: str = ""
    published: bool = False


@transaction.atomic
def create_draft(spec: Spec, *, user=None, based_on: m.QuestionnaireVersion | None = None,
                 label: str | None = None) -> m.QuestionnaireVersion:
    """Write a Spec as a new draft version (bulk inserts: a fixed number of queries per table)."""
    return write_version(spec, label=label or spec.version, status=m.VersionStatus.DRAFT, created_by=user,
                         based_on=based_on)


@transaction.atomic
def publish(version: m.QuestionnaireVersion, *, user=None) -> m.QuestionnaireVersion:
    """Run every publish-time check on the draft; on success it becomes the one current version and the
    previous current version is retired. Assessments keep the version they were answered with."""
    version = m.QuestionnaireVersion.objects.select_for_update().get(pk=version.pk)
    if not version.is_draft:
        raise ContentInvalid([Problem(f"version {version.label}", f"is {version.status}, not a draft")])
    spec = authored_spec(version)
    problems = lint(spec)
    if problems:
        raise ContentInvalid(problems)
    # lock every version of this questionnaire so that two publishers cannot both become current
    list(m.QuestionnaireVersion.objects.select_for_update().filter(slug=version.slug))
    m.QuestionnaireVersion.objects.filter(slug=version.slug, status=m.VersionStatus.PUBLISHED).update(
        status=m.VersionStatus.RETIRED)
    version.status = m.VersionStatus.PUBLISHED
    if version.from_file and version.content_hash != spec.content_hash:
        version.from_file = False  # loaded from a file, then edited in the admin: the admin's version now
    version.content_hash = spec.content_hash
    version.published_at = timezone.now()
    version.published_by = user
    version.save()
    # which models' current assessments the new rules would change: flagged and e-mailed in the background
    notice_rules_changes.enqueue(version.pk)
    return version


def _described(version: m.QuestionnaireVersion) -> str:
    who = f" by {version.published_by}" if version.published_by_id else ""
    when = f" on {version.published_at:%Y-%m-%d %H:%M} UTC" if version.published_at else ""
    return f"{version.slug} {version.label} ({version.content_hash}, published{who}{when})"


def _free_label(slug: str, wanted: str) -> str:
    """`wanted`, or `wanted-shipped`, `wanted-shipped2`, ... whichever no version of `slug` has."""
    taken = set(m.QuestionnaireVersion.objects.filter(slug=slug, label__startswith=wanted)
                .values_list("label", flat=True))
    candidates = [wanted, f"{wanted}-shipped", *(f"{wanted}-shipped{n}" for n in range(2, 1000))]
    return next(label for label in candidates if label not in taken)


@transaction.atomic
def load(content: dict[str, Any], *, user=None) -> LoadOutcome:
    """Load a content file (load_questionnaire; `make run` and every deployment's start-up call it).

    The content hash decides, and an admin's published version is never replaced behind their back
    (docs/decisions.md, "Restarts after admins publish"):
    - content published before (current or retired): nothing changes; the current version stays current,
      also when an admin has published their own since;
    - new content and the current version came from a file too (or there is none): published as a new
      version, as before; its label must be new;
    - new content while the current version was published in the admin (both moved): written as a draft
      beside it, which an admin reviews (Diff) and publishes; the admin's version stays current.
    Raises ContentInvalid listing every problem."""
    spec = checked_spec(content)
    versions = m.QuestionnaireVersion.objects.filter(slug=spec.slug)
    current = versions.filter(status=m.VersionStatus.PUBLISHED).select_related("published_by").first()
    same = versions.filter(content_hash=spec.content_hash).exclude(status=m.VersionStatus.DRAFT).order_by(
        "-published_at").first()
    if same is not None:
        if same == current:
            return LoadOutcome(current, created=False,
                               message=f"Unchanged: {_described(current)} is current.")
        return LoadOutcome(same, created=False, message=(
            f"Unchanged: the file is {spec.slug} {same.label}, published before and now {same.status}; "
            f"left as it is. Current: {_described(current)}." if current else
            f"Unchanged: the file is {spec.slug} {same.label} ({same.status}); no version is current."))
    if current is not None and not current.from_file:
        # a draft loaded from a file keeps that file's hash (until it is published) so that the next start-up
        # finds it, also after an admin has edited it
        waiting = versions.filter(status=m.VersionStatus.DRAFT, from_file=True,
                                  content_hash=spec.content_hash).first()
        if waiting is None:
            waiting = create_draft(spec, user=user, based_on=current, label=_free_label(spec.slug, spec.version))
            waiting.content_hash = spec.content_hash
            waiting.from_file = True
            waiting.save(update_fields=["content_hash", "from_file"])
            done = "loaded as draft"
        else:
            done = "already waiting as draft"
        return LoadOutcome(waiting, created=done == "loaded as draft", message=(
            f"Not published: the file ({spec.slug} {spec.version}, {spec.content_hash}) is new, and an admin "
            f"published {_described(current)}, which stays current. The file is {done} {waiting.label}: an admin "
            f"compares it with {current.label} (Diff) and publishes it, or carries its changes into a new draft."))
    taken = versions.filter(label=spec.version).first()
    if taken is not None:
        raise ContentInvalid([Problem(
            f"version {spec.version}",
            f"version {spec.version} already exists with other content ({taken.status}); "
            "give the changed content a new version label",
        )])
    draft = create_draft(spec, user=user, based_on=current)
    draft.from_file, draft.content_hash = True, spec.content_hash
    draft.save(update_fields=["from_file", "content_hash"])
    version = publish(draft, user=user)
    replaced = f"; {current.label} is retired" if current else ""
    return LoadOutcome(version, created=True, published=True,
                       message=f"Published {version.slug} {version.label} ({version.content_hash}){replaced}.")


@transaction.atomic
def clone_version(version: m.QuestionnaireVersion, *, user=None, label: str | None = None) -> m.QuestionnaireVersion:
    """A new draft with the content of `version`, to edit and publish later."""
    if label is None:
        base = f"{version.label}-draft"
        taken = set(m.QuestionnaireVersion.objects.filter(slug=version.slug, label__startswith=base)
                    .values_list("label", flat=True))
        label = base if base not in taken else next(f"{base}{n}" for n in range(2, 1000) if f"{base}{n}" not in taken)
    draft = create_draft(authored_spec(version), user=user, based_on=version, label=label)
    m.Translation.objects.bulk_create(
        m.Translation(version=draft, position=t.position, target=t.target, language=t.language, text=t.text,
                      source_hash=t.source_hash)
        for t in m.Translation.objects.filter(version=version)
    )
    return draft
