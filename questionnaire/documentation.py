"""The Model Documentation Form (Transparency chapter, Measure 1.1): its fields and who receives each."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

FORM_FILE = Path(__file__).resolve().parent / "content" / "model_documentation_form.yaml"
AUDIENCES = {"aio": ("AIO", "AI Office"), "nca": ("NCA", "National competent authorities"),
             "dp": ("DP", "Downstream providers")}


@dataclass(frozen=True)
class FormField:
    code: str
    label: str
    audiences: frozenset[str]
    help: str = ""


@dataclass(frozen=True)
class FormGroup:
    code: str
    title: str
    fields: tuple[FormField, ...]


@cache
def _form_data() -> dict:
    return yaml.safe_load(FORM_FILE.read_text(encoding="utf-8"))


def form_chapter() -> str:
    """The Code chapter the form belongs to (content, not code): the form is offered when it applies."""
    return _form_data()["chapter"]


@cache
def documentation_form() -> tuple[FormGroup, ...]:
    data = _form_data()
    return tuple(
        FormGroup(g["code"], g["title"], tuple(
            FormField(f["code"], f["label"], frozenset(f["audiences"]), f.get("help", "")) for f in g["fields"]))
        for g in data["groups"]
    )


def all_fields() -> dict[str, FormField]:
    return {f.code: f for g in documentation_form() for f in g.fields}


def for_audience(audience: str) -> tuple[FormGroup, ...]:
    """The groups and fields marked for one audience (aio, nca or dp), in form order."""
    mark = AUDIENCES[audience][0]
    groups = []
    for group in documentation_form():
        fields = tuple(f for f in group.fields if mark in f.audiences)
        if fields:
            groups.append(FormGroup(group.code, group.title, fields))
    return tuple(groups)


def audience_document(audience: str, values: dict[str, str], *, model: str, organisation: str,
                      version: int) -> dict:
    """The filled form for one audience: only its fields, in the form's groups."""
    return {
        "form": "Model Documentation Form (GPAI Code of Practice, Transparency chapter)",
        "audience": AUDIENCES[audience][1],
        "model": model,
        "provider": organisation,
        "document_version": version,
        "sections": [
            {"code": g.code, "title": g.title,
             "fields": [{"code": f.code, "label": f.label, "value": values.get(f.code, "")} for f in g.fields]}
            for g in for_audience(audience)
        ],
    }


def documentation_content(audience: str, documentation, *, model: str, organisation: str) -> dict:
    """What a PDF export shows, frozen when it is asked for (rendering.request_render stores it)."""
    document = audience_document(audience, documentation.values, model=model, organisation=organisation,
                                 version=documentation.revision)
    return {"audience": audience, "document": document,
            "updated": documentation.updated_at.isoformat() if documentation.updated_at else None}


def documentation_source(content: dict):
    """The export's HTML and JSON attachment (rendering.DOCUMENTS["documentation"])."""
    import datetime as dt
    import hashlib
    import json

    from django.template.loader import render_to_string

    from .pdf import Source

    document = content["document"]
    updated = dt.datetime.fromisoformat(content["updated"]) if content.get("updated") else None
    html = render_to_string("reports/documentation.html", {"document": document, "updated": updated})
    identifier = hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()[:32].encode()
    return Source(html=html, when=updated or dt.datetime(2025, 8, 2, tzinfo=dt.UTC), identifier=identifier,
                  attachment=(f"model-documentation-{content['audience']}.json",
                              "The filled form for this audience (JSON)",
                              json.dumps(document, indent=2, ensure_ascii=False)))
