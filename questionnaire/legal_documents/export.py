"""What a document looks like outside the tool: its JSON, the HTML of its PDF, and (for documents that are
published) an HTML page and Markdown ready for the provider's website. Every rendering comes from the issued
version's frozen values; a closed block (its gate answered "No") prints only "No"."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import pgettext

from ..core.translations import document_language
from ..rendering.source import Source
from .checks import UNKNOWN_FIELD
from .deadlines import dues
from .definitions import DocumentDefinition, Field, definition, text_translations
from .values import cell_words, date_words, display


def _field_view(f: Field, value: Any, unknown: set[str]) -> dict[str, Any]:
    text = display(f, value)
    if not text and f.report_item is not None and str(f.report_item) in unknown:
        # recorded as unknown (M9.2), not left blank; written out, not through the constants, so that xgettext finds it
        text = pgettext("an item of a report recorded as not yet known", "Not yet known")
    view = {"id": f.id, "label": f.label, "type": f.type, "value": value, "text": text}
    if f.type == "table":
        view["columns"] = [c.label for c in f.columns]
        view["rows"] = [[cell_words(c, row.get(c.id)) for c in f.columns] for row in value or ()]
    return view


def sections_view(doc: DocumentDefinition, values: dict[str, Any], *, printed_only: bool) -> list[dict[str, Any]]:
    """Sections -> blocks -> fields with their values in words, as every rendering shows them."""
    open_fields = doc.open_fields(values)
    unknown = {str(v) for v in values.get(UNKNOWN_FIELD) or ()}
    out = []
    for section in doc.sections:
        blocks = []
        for block in section.blocks:
            closed = bool(block.gates) and not any(values.get(g) == "yes" for g in block.gates)
            fields = [_field_view(f, values.get(f.id), unknown) for f in block.fields
                      if f.id in open_fields and (f.printed or not printed_only)]
            if fields:
                blocks.append({"code": block.code, "title": block.title, "closed": closed, "fields": fields})
        if blocks:
            out.append({"code": section.code, "title": section.title, "blocks": blocks})
    return out


def summary_lines(doc: DocumentDefinition, values: dict[str, Any]) -> list[dict[str, str]]:
    """The document's `summary` lines (YAML: label and a text with {field} placeholders), where every field
    they use is filled in; e.g. the compute of a notification as 3.8 × 10^25 FLOP."""
    out = []
    for line in doc.extra.get("summary", ()):
        try:
            text = line["text"].format_map({k: v for k, v in values.items() if v not in (None, "", [])})
        except (KeyError, ValueError, IndexError):
            continue
        out.append({"label": line["label"], "text": text})
    return out


def recorded_at(issue) -> str | None:
    """When the version was recorded in the tool (not the date the user gives as published or sent), in the
    site's time zone to the second."""
    return timezone.localtime(issue.recorded_at).isoformat(timespec="seconds") if issue.recorded_at else None


def document_json(doc: DocumentDefinition, document, issue) -> dict[str, Any]:
    """The issued version as JSON: every field (also those not printed), with the earlier versions; in English
    whatever the language of the member who issues it (the JSON and its hash are language-neutral)."""
    with translation.override("en"):
        return _document_json(doc, document, issue)


def _document_json(doc: DocumentDefinition, document, issue) -> dict[str, Any]:
    assessment = document.assessment
    earlier_issues = [i for i in document.issues.order_by("sequence") if i.pk != issue.pk]
    earlier = [{"label": i.label, "stage": i.stage, "issued_on": i.issued_on.isoformat(),
                "recorded_at": recorded_at(i), "sha256": i.sha256}
               for i in document.issues.order_by("sequence") if i.pk != issue.pk]
    return {
        "document": doc.title,
        "kind": doc.kind,
        "legal_basis": doc.legal_basis,
        "provider": assessment.organisation.name,
        "model": assessment.ai_model.name,
        "assessment": str(assessment.pk),
        "number": document.number or None,
        "version": issue.label,
        "stage": issue.stage,
        "sequence": issue.sequence,
        "issued_on": issue.issued_on.isoformat(),
        "recorded_at": recorded_at(issue),
        "earlier_versions": earlier,
        "summary": summary_lines(doc, issue.values),
        "deadlines": [{"what": d.what, "due": d.due.isoformat() if d.due else None, "note": d.note, "basis": d.basis}
                      for d in dues(doc.kind, issue.values, [e.issued_on for e in earlier_issues], doc.rules,
                                    [(e.stage, e.issued_on) for e in earlier_issues]) if d.action],
        "values": {f.id: issue.values.get(f.id) for f in doc.fields().values() if f.id in issue.values},
        "sections": sections_view(doc, issue.values, printed_only=False),
    }


def shown_label(doc: DocumentDefinition, label: str, stage: str) -> str:
    """An issued version's label as `doc`'s language says it: a report named after its stage ("Initial report
    (1)", stored in English) with the stage's translated name ("Erster Bericht (1)"); a label the member typed
    (a version id) as typed."""
    english = dict(definition(doc.kind).stages).get(stage)
    match = re.fullmatch(rf"{re.escape(english)} \((\d+)\)", label) if english else None
    return f"{dict(doc.stages)[stage]} ({match.group(1)})" if match else label


def issue_context(doc: DocumentDefinition, issue, *, printed_only: bool) -> dict[str, Any]:
    """What an issued version's renderings show: `doc` in the language in use (definitions(document_language())),
    the frozen JSON's summary labels in that language too (the JSON itself stays English)."""
    words = text_translations(document_language()) if document_language() != "en" else {}
    data = {**issue.document_json, "summary": [{**line, "label": words.get(line["label"], line["label"])}
                                                for line in issue.document_json.get("summary", ())],
            "version": shown_label(doc, issue.label, issue.stage),
            "earlier_versions": [{**e, "label": shown_label(doc, e["label"], e.get("stage", ""))}
                                 for e in issue.document_json.get("earlier_versions", ())]}
    last_update = issue.values.get("last_update")
    return {"definition": doc, "data": data, "issue": issue,
            "last_update": date_words(last_update) if last_update else issue.issued_on.strftime("%-d %B %Y"),
            "sections": sections_view(doc, issue.values, printed_only=printed_only)}


def pdf_html(doc: DocumentDefinition, issue) -> str:
    """The HTML the PDF is printed from (the report stylesheet and bundled fonts): the printed fields; the
    attached JSON has every field."""
    return render_to_string("documents/pdf.html", issue_context(doc, issue, printed_only=True))


def issue_source(issue) -> Source:
    """What an issued document's PDF is rendered from: its printed fields as HTML in the language in use (the
    issue's own, rendering.queue.render_row activates it), dated the day it was issued, with its JSON attached
    (English, as frozen)."""
    doc = definition(issue.document.kind, document_language())
    attachment = (f"{doc.kind}-{issue.sequence}.json", f"{doc.title}, {issue.label} (JSON)",
                  json.dumps(issue.document_json, indent=2, ensure_ascii=False, sort_keys=True))
    return Source(html=pdf_html(doc, issue), when=dt.datetime.combine(issue.issued_on, dt.time(), tzinfo=dt.UTC),
                  identifier=issue.sha256[:32].encode(), attachment=attachment)


def publishable_html(doc: DocumentDefinition, issue) -> str:
    """A standalone page for the provider's website: the printed fields only, no tool chrome."""
    return render_to_string("documents/publish.html", issue_context(doc, issue, printed_only=True))


def markdown_text(text: str) -> str:
    """One line of typed text, safe in Markdown: every character that starts markup is escaped (also ~, which
    opens a fenced block), HTML is neutralised, and the line starts with none of what opens a block (a fence,
    a rule or setext underline, a list item, an indented code block: leading spaces are dropped)."""
    out = str(text).lstrip(" \t")
    for char in "\\`*_[]<>#|~":
        out = out.replace(char, "\\" + char)
    if out[:1] in ("-", "+", "="):
        out = "\\" + out
    return re.sub(r"^(\d+)([.)])", r"\1\\\2", out)


def publishable_markdown(doc: DocumentDefinition, issue) -> str:
    data = issue.document_json
    lines = [f"# {markdown_text(doc.title)}", "",
             f"**{markdown_text(data['model'])}**, provided by {markdown_text(data['provider'])}  ",
             f"Version {markdown_text(data['version'])}, published {issue.issued_on:%-d %B %Y}", ""]
    for section in sections_view(doc, issue.values, printed_only=True):
        lines += [f"## {markdown_text(section['title'])}", ""]
        for block in section["blocks"]:
            if block["title"]:
                lines += [f"### {markdown_text(block['title'])}", ""]
            for f in block["fields"]:
                lines.append(f"**{markdown_text(f['label'])}**")
                lines.append("")
                if f["type"] == "table" and f["rows"]:
                    lines.append("| " + " | ".join(markdown_text(c) for c in f["columns"]) + " |")
                    lines.append("|" + "---|" * len(f["columns"]))
                    lines += ["| " + " | ".join(markdown_text(c) for c in row) + " |" for row in f["rows"]]
                elif f["type"] == "list" and f["value"]:
                    lines += [f"- {markdown_text(v)}" for v in f["value"]]
                else:
                    text = f["text"] or "Not applicable"
                    lines += [markdown_text(line) for line in text.splitlines()] or [""]
                lines.append("")
    return "\n".join(lines).rstrip() + "\n"
