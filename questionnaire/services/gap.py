"""Writes on the Code of Practice gap analysis, each atomic and recorded field by field."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from ..models import Assessment, EvidenceFile, GapItem, GapRevision, MeasureStatus
from ..uploads import OFFICE_PARTS, check_office_zip, check_pdf, check_text
from .history import ConcurrentEditError, save_fields
from .reports import prerender_report

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
# Extension -> (content type, accepted leading bytes). Anything else is refused.
EVIDENCE_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    ".txt": ("text/plain", ()),
    ".csv": ("text/csv", ()),
    ".md": ("text/markdown", ()),
}
GAP_FIELDS = ("status", "not_applicable_reason", "owner", "due_date", "evidence", "notes")


def applicable_measures(assessment: Assessment) -> list[str]:
    return list(assessment.snapshot["result"]["code_measures"]) if assessment.snapshot else []


def ensure_gap_items(assessment: Assessment) -> dict[str, GapItem]:
    """The gap-analysis record of every measure that applies to the assessment (created on first use)."""
    measures = applicable_measures(assessment)
    items = {i.measure: i for i in GapItem.objects.filter(assessment=assessment, measure__in=measures)
             .select_related("owner")}
    missing = [m for m in measures if m not in items]
    if missing:
        GapItem.objects.bulk_create([GapItem(assessment=assessment, measure=m) for m in missing],
                                    ignore_conflicts=True)
        prerender_report(assessment)
        items = {i.measure: i for i in GapItem.objects.filter(assessment=assessment, measure__in=measures)
                 .select_related("owner")}
    return {m: items[m] for m in measures}


def carried_not_applying(assessment: Assessment, spec) -> list[dict[str, Any]]:
    """Records carried over from an earlier assessment for measures that no longer apply: kept in the record,
    shown as "no longer applies", never counted as open."""
    measures = set(applicable_measures(assessment))
    titles = {m.id: m.title for m in spec.measures().values()}
    return [{"item": item, "title": titles.get(item.measure, "")}
            for item in GapItem.objects.filter(assessment=assessment).exclude(measure__in=measures)
            .select_related("owner").order_by("measure")]


def _json(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.get_username() if hasattr(value, "get_username") else str(value.pk)
    return value


@transaction.atomic
def update_gap_item(item: GapItem, data: dict[str, Any], *, user, seen_revision: int,
                    prerender: bool = True) -> GapItem:
    """Save the fields in `data` of one measure's record (optimistic concurrency, every change kept).
    ConcurrentEditError when someone else changed one of these fields since `seen_revision`."""
    locked = GapItem.objects.select_for_update(of=("self",)).select_related("owner").get(pk=item.pk)
    if "status" in data and data["status"] != MeasureStatus.NOT_APPLICABLE:
        data = {**data, "not_applicable_reason": ""}
    current = {field: getattr(locked, field) for field in GAP_FIELDS}
    if not locked.is_recorded:
        current["status"] = None  # "not recorded": recording "not started" is a change, kept in the history
    proposed = {field: data[field] for field in GAP_FIELDS if field in data}
    changes = save_fields(
        locked, current, proposed, seen_revision=seen_revision,
        history=GapRevision.objects.filter(item=locked), field_attr="field",
        new_row=lambda c, revision: GapRevision(item=locked, field=c.field, old_value=_json(c.old),
                                                new_value=_json(c.new), revision=revision, user=user))
    if changes:
        for change in changes:
            setattr(locked, change.field, change.new)
        locked.updated_by = user
        locked.save()
        if prerender:
            prerender_report(locked.assessment)
    return locked


@dataclass(frozen=True)
class GapUpdate:
    """What one row of a chapter page asks to change: the fields the person changed, and the revision
    of the record the page showed."""

    measure: str
    data: dict[str, Any]
    seen_revision: int


@dataclass
class ChapterSaveOutcome:
    saved: list[str] = field(default_factory=list)
    conflicts: dict[str, ConcurrentEditError] = field(default_factory=dict)


@transaction.atomic
def update_gap_items(items: dict[str, GapItem], updates: list[GapUpdate], *, user) -> ChapterSaveOutcome:
    """Save several measures at once (a chapter page). Each measure is checked for conflicts on its own:
    the others are saved, a conflicting one is left as the other person saved it. One report render is
    queued for the whole save, not one per measure."""
    outcome = ChapterSaveOutcome()
    for update in updates:
        if not update.data:
            continue
        try:
            update_gap_item(items[update.measure], update.data, user=user, seen_revision=update.seen_revision,
                            prerender=False)
        except ConcurrentEditError as exc:
            outcome.conflicts[update.measure] = exc
        else:
            outcome.saved.append(update.measure)
    if outcome.saved:
        prerender_report(items[outcome.saved[0]].assessment)
    return outcome


def check_evidence_upload(upload) -> tuple[str, str]:
    """(extension, content type) of an acceptable upload; ValidationError with a clear message otherwise."""
    name = os.path.basename(upload.name or "")
    extension = os.path.splitext(name)[1].lower()
    if extension not in EVIDENCE_TYPES:
        allowed = ", ".join(sorted(EVIDENCE_TYPES))
        raise ValidationError(f"“{name}” is not an accepted type. Upload one of: {allowed}.")
    if upload.size > MAX_EVIDENCE_BYTES:
        raise ValidationError(f"“{name}” is {upload.size / 2**20:.1f} MB; the limit is "
                              f"{MAX_EVIDENCE_BYTES // 2**20} MB per file.")
    if upload.size == 0:
        raise ValidationError(f"“{name}” is empty.")
    content_type, magic = EVIDENCE_TYPES[extension]
    head = upload.read(16)
    upload.seek(0)
    if magic and not any(head.startswith(m) for m in magic):
        raise ValidationError(f"“{name}” does not look like a {extension} file.")
    # then by what the file really is, not only its first bytes
    if extension == ".pdf":
        check_pdf(upload, name)
    elif extension in OFFICE_PARTS:
        check_office_zip(upload, name, extension)
    elif not magic:
        check_text(upload, name)
    return extension, content_type


@transaction.atomic
def add_evidence_file(item: GapItem, upload, *, user) -> EvidenceFile:
    extension, content_type = check_evidence_upload(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    evidence = EvidenceFile(item=item, name=os.path.basename(upload.name)[:200], size=upload.size,
                            content_type=content_type, sha256=digest.hexdigest(), uploaded_by=user)
    # stored under a random name: the user's file name never becomes a path
    evidence.file.save(f"{item.assessment_id}/{evidence.id}{extension}", upload, save=False)
    evidence.save()
    GapRevision.objects.create(item=item, field="file", old_value=None, new_value=evidence.name, user=user)
    prerender_report(item.assessment)
    return evidence


def gap_snapshot(assessment: Assessment) -> dict[str, dict[str, Any]]:
    """The gap analysis as it stands, for the report (measure -> status, owner, due date, evidence)."""
    items = GapItem.objects.filter(assessment=assessment).select_related("owner").prefetch_related("files")
    out = {}
    for item in items:
        out[item.measure] = {
            "status": item.status,
            "status_label": item.status_label,
            "recorded": item.is_recorded,
            "owner": item.owner.get_username() if item.owner else "",
            "due_date": item.due_date.isoformat() if item.due_date else "",
            "evidence": item.evidence,
            "not_applicable_reason": item.not_applicable_reason,
            "files": [f"{f.name} (SHA-256 {f.sha256[:12]})" for f in item.files.all()],
        }
    return dict(sorted(out.items()))
