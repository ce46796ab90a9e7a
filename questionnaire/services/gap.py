"""Writes on the Code of Practice gap analysis, each atomic and recorded field by field."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from ..models import Assessment, EvidenceFile, GapItem, GapRevision, MeasureStatus
from ..tasks import prerender_report
from ..uploads import OFFICE_PARTS, check_office_zip, check_pdf, check_text

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


class GapConflictError(Exception):
    def __init__(self, by: str) -> None:
        super().__init__(f"changed by {by}")
        self.by = by


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
def update_gap_item(item: GapItem, data: dict[str, Any], *, user, seen_revision: int) -> GapItem:
    locked = GapItem.objects.select_for_update(of=("self",)).select_related("owner").get(pk=item.pk)
    if locked.revision != seen_revision:
        last = GapRevision.objects.filter(item=locked).select_related("user").first()
        raise GapConflictError(last.user.get_username() if last and last.user else "someone")
    if data.get("status") != MeasureStatus.NOT_APPLICABLE:
        data = {**data, "not_applicable_reason": ""}
    changes = []
    for field in GAP_FIELDS:
        if field not in data:
            continue
        old, new = getattr(locked, field), data[field]
        if old != new:
            changes.append(GapRevision(item=locked, field=field, old_value=_json(old), new_value=_json(new), user=user))
            setattr(locked, field, new)
    if changes:
        locked.revision += 1
        locked.updated_by = user
        locked.save()
        GapRevision.objects.bulk_create(changes)
        prerender_report(locked.assessment)
    return locked


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
            "status_label": item.get_status_display(),
            "owner": item.owner.get_username() if item.owner else "",
            "due_date": item.due_date.isoformat() if item.due_date else "",
            "evidence": item.evidence,
            "not_applicable_reason": item.not_applicable_reason,
            "files": [f"{f.name} (SHA-256 {f.sha256[:12]})" for f in item.files.all()],
        }
    return dict(sorted(out.items()))
