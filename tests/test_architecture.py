"""Architecture rules anyone can run: the law lives in the content, not in application Python."""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SKIPPED_PARTS = {".venv", "tests", "migrations", "bench", "var", "node_modules"}


def legal_identifiers() -> set[str]:
    """Every obligation, chapter, measure, classification and deadline id of the canonical content."""
    content = yaml.safe_load((ROOT / "questionnaire" / "content" / "gpai.yaml").read_text())
    ids: set[str] = set()
    ids |= {o["id"] for o in content["obligations"]}
    ids |= {d["key"] for d in content["deadlines"]}
    for chapter in content["code_chapters"]:
        ids.add(chapter["id"])
        for commitment in chapter.get("commitments", []):
            ids |= {m["id"] for m in commitment.get("measures", [])}
    classification = next(o for o in content["outcomes"] if o["name"] == "classification")
    ids |= {v["value"] for v in classification["values"]}
    return ids


PATTERN = re.compile(r"^(ART5[0-9][0-9A-Z_]*|(TR|CR|SS)-\d+(\.\d+)?)$")


def application_python() -> list[Path]:
    return [path for path in ROOT.rglob("*.py")
            if not (set(path.relative_to(ROOT).parts) & SKIPPED_PARTS)
            and not path.relative_to(ROOT).parts[0].startswith(".")]


def test_no_legal_identifier_is_a_string_literal_in_application_python():
    ids = legal_identifiers()
    assert {"ART53_1_A", "comply_by", "TRANSPARENCY", "GPAI_MODEL"} <= ids  # the check reads the real content
    hits = []
    for path in application_python():
        for token in tokenize.generate_tokens(io.StringIO(path.read_text()).readline):
            if token.type != tokenize.STRING:
                continue
            text = token.string.lstrip("rbuRBUfF").strip("'\"")
            if text in ids or PATTERN.match(text):
                hits.append(f"{path.relative_to(ROOT)}:{token.start[0]} {token.string}")
    assert hits == [], "legal identifiers belong in questionnaire/content, not in Python:\n" + "\n".join(hits)


def test_tasks_queued_by_earlier_releases_still_find_their_function():
    """A queued task names its function by dotted path (django-tasks-db's task_path): the paths of the releases
    before the feature packages (#25) resolve to the same tasks."""
    from django.utils.module_loading import import_string
    from django_tasks.base import Task

    from questionnaire.assessments.rules_changes import notice_rules_changes
    from questionnaire.rendering.queue import render_document, render_document_issue

    old = {"questionnaire.rendering.render_document": render_document,
           "questionnaire.rendering.render_document_issue": render_document_issue,
           "questionnaire.tasks.render_report": render_document,
           "questionnaire.tasks.notice_rules_changes": notice_rules_changes}
    for path, task in old.items():
        assert isinstance(import_string(path), Task) and import_string(path) is task, path
