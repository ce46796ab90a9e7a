"""Writes on the Code of Practice gap analysis, each atomic and recorded field by field."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass, field
from typing import Any

from django.core.files import File
from django.db import transaction

from ..core.history import ConcurrentEditError, keep_times, save_fields
from ..core.signals import announce_report_inputs_changed
from ..core.uploads import CheckedUpload, check_evidence_upload
from ..models import Assessment, EvidenceFile, GapItem, GapRevision, MeasureStatus

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
        announce_report_inputs_changed(assessment)
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
                    announce: bool = True) -> GapItem:
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
        if any(change.field == "status" and change.new for change in changes):
            locked.status_recorded = True
        locked.updated_by = user
        locked.save()
        if announce:
            announce_report_inputs_changed(locked.assessment)
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
    the others are saved, a conflicting one is left as the other person saved it. The report's inputs are
    announced once for the whole save (one render queued), not once per measure."""
    outcome = ChapterSaveOutcome()
    for update in updates:
        if not update.data:
            continue
        try:
            update_gap_item(items[update.measure], update.data, user=user, seen_revision=update.seen_revision,
                            announce=False)
        except ConcurrentEditError as exc:
            outcome.conflicts[update.measure] = exc
        else:
            outcome.saved.append(update.measure)
    if outcome.saved:
        announce_report_inputs_changed(items[outcome.saved[0]].assessment)
    return outcome


@transaction.atomic
def add_evidence_file(item: GapItem, upload: CheckedUpload | Any, *, user) -> EvidenceFile:
    """Store an evidence file: one the form checked already (a CheckedUpload), or any upload, checked here."""
    checked = upload if isinstance(upload, CheckedUpload) else check_evidence_upload(upload)
    upload, extension, content_type = checked.file, checked.extension, checked.content_type
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
    announce_report_inputs_changed(item.assessment)
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


def copy_gap_records(source: Assessment, target: Assessment) -> list[GapItem]:
    """Every gap-analysis record of `source` onto `target`: status, owner, due date, evidence text, notes,
    their history, and a copy of each evidence file (so deleting one assessment never breaks the other).
    Records of measures that no longer apply are carried too; the pages show them as "no longer applies"."""
    items = list(GapItem.objects.filter(assessment=source).prefetch_related("revisions", "files").order_by("measure"))
    copies = GapItem.objects.bulk_create([
        GapItem(assessment=target, measure=i.measure, status=i.status, status_recorded=i.status_recorded,
                not_applicable_reason=i.not_applicable_reason,
                owner_id=i.owner_id, due_date=i.due_date, evidence=i.evidence, notes=i.notes, revision=i.revision,
                updated_by_id=i.updated_by_id)
        for i in items
    ])
    revisions, originals = [], []
    for item, new_item in zip(items, copies, strict=True):
        for revision in item.revisions.all():
            originals.append(revision)
            revisions.append(GapRevision(item=new_item, field=revision.field, old_value=revision.old_value,
                                         new_value=revision.new_value, user_id=revision.user_id))
        for evidence in item.files.all():
            _copy_file(evidence, new_item, target)
    keep_times(GapRevision.objects.bulk_create(revisions), originals, "created_at")
    return copies


def _copy_file(evidence: EvidenceFile, item: GapItem, target: Assessment) -> EvidenceFile:
    new = EvidenceFile(item=item, name=evidence.name, size=evidence.size, content_type=evidence.content_type,
                       sha256=evidence.sha256, uploaded_by_id=evidence.uploaded_by_id)
    extension = os.path.splitext(evidence.file.name)[1]
    with evidence.file.open("rb") as handle:
        new.file.save(f"{target.pk}/{new.id}{extension}", File(handle), save=False)
    new.save()
    EvidenceFile.objects.filter(pk=new.pk).update(uploaded_at=evidence.uploaded_at)
    return new
