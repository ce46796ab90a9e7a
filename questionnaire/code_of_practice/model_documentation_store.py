"""Saving the Model Documentation Form, field by field with history."""

from __future__ import annotations

from django.db import transaction

from ..core.history import keep_times, save_fields
from ..models import Assessment, DocumentationRevision, ModelDocumentation
from .model_documentation import all_fields


def documentation_for(assessment: Assessment) -> ModelDocumentation:
    documentation, _ = ModelDocumentation.objects.get_or_create(assessment=assessment)
    return documentation


@transaction.atomic
def save_documentation(assessment: Assessment, values: dict[str, str], *, user, seen_revision: int,
                       sources: dict[str, str] | None = None):
    """Save the posted fields; ConcurrentEditError (naming the fields) when someone else changed one of
    them since `seen_revision` and this save would set it differently. `sources`: the pre-filled values the
    saved fields were built from (what code_of_practice.stale compares with the assessment later)."""
    documentation = documentation_for(assessment)
    locked = ModelDocumentation.objects.select_for_update().get(pk=documentation.pk)
    if sources:
        locked.sources = {**locked.sources, **sources}
        locked.save(update_fields=["sources"])
    known = all_fields()
    proposed = {code: stored_text(value) for code, value in values.items() if code in known}
    changes = save_fields(
        locked, {code: locked.values.get(code, "") for code in proposed}, proposed, seen_revision=seen_revision,
        history=DocumentationRevision.objects.filter(documentation=locked), field_attr="field",
        new_row=lambda c, revision: DocumentationRevision(documentation=locked, field=c.field, old_value=c.old,
                                                          new_value=c.new, revision=revision, user=user))
    if changes:
        locked.values = {**locked.values, **{c.field: c.new for c in changes}}
        locked.updated_by = user
        locked.save()
    return locked


def stored_text(value) -> str:
    """A cleaned form value as the stored text (numbers and dates as their canonical text)."""
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).strip()


def copy_documentation(source: Assessment, target: Assessment) -> ModelDocumentation | None:
    """The Model Documentation Form of `source`, with its history, onto `target`."""
    documentation = ModelDocumentation.objects.filter(assessment=source).first()
    if documentation is None:
        return None
    new = ModelDocumentation.objects.create(assessment=target, values=dict(documentation.values),
                                            sources=dict(documentation.sources),
                                            revision=documentation.revision, updated_by_id=documentation.updated_by_id)
    originals = list(documentation.revisions.all())
    copies = DocumentationRevision.objects.bulk_create(
        DocumentationRevision(documentation=new, field=r.field, old_value=r.old_value, new_value=r.new_value,
                              user_id=r.user_id) for r in originals)
    keep_times(copies, originals, "created_at")
    return new
