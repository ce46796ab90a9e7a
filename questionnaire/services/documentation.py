"""Saving the Model Documentation Form, field by field with history."""

from __future__ import annotations

from django.db import transaction

from ..documentation import all_fields
from ..models import Assessment, DocumentationRevision, ModelDocumentation


class DocumentationConflictError(Exception):
    pass


def documentation_for(assessment: Assessment) -> ModelDocumentation:
    documentation, _ = ModelDocumentation.objects.get_or_create(assessment=assessment)
    return documentation


@transaction.atomic
def save_documentation(assessment: Assessment, values: dict[str, str], *, user, seen_revision: int):
    documentation = documentation_for(assessment)
    locked = ModelDocumentation.objects.select_for_update().get(pk=documentation.pk)
    if locked.revision != seen_revision:
        raise DocumentationConflictError("the form was changed by someone else")
    known = all_fields()
    changes = []
    merged = dict(locked.values)
    for code, value in values.items():
        if code not in known:
            continue
        value = (value or "").strip()
        if merged.get(code, "") != value:
            changes.append(DocumentationRevision(documentation=locked, field=code, old_value=merged.get(code, ""),
                                                 new_value=value, user=user))
            merged[code] = value
    if changes:
        locked.values = merged
        locked.revision += 1
        locked.updated_by = user
        locked.save()
        DocumentationRevision.objects.bulk_create(changes)
    return locked
