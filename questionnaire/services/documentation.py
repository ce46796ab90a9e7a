"""Saving the Model Documentation Form, field by field with history."""

from __future__ import annotations

from django.db import transaction

from ..documentation import all_fields
from ..models import Assessment, DocumentationRevision, ModelDocumentation
from .history import save_fields


def documentation_for(assessment: Assessment) -> ModelDocumentation:
    documentation, _ = ModelDocumentation.objects.get_or_create(assessment=assessment)
    return documentation


@transaction.atomic
def save_documentation(assessment: Assessment, values: dict[str, str], *, user, seen_revision: int):
    """Save the posted fields; ConcurrentEditError (naming the fields) when someone else changed one of
    them since `seen_revision` and this save would set it differently."""
    documentation = documentation_for(assessment)
    locked = ModelDocumentation.objects.select_for_update().get(pk=documentation.pk)
    known = all_fields()
    proposed = {code: _text(value) for code, value in values.items() if code in known}
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


def _text(value) -> str:
    """A cleaned form value as the stored text (numbers and dates as their canonical text)."""
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).strip()
