"""Optimistic concurrency with history: the one way answers, gap records and documentation are saved.

A record that several people edit carries a `revision` counter; a form remembers the revision it was shown
at (`seen_revision`). Saving compares field by field: a field someone else changed after that revision, and
that this save would set to a different value, is a conflict (nothing is saved; the error names who and
what they saved). Otherwise every changed field gets one history row stamped with the new revision.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, QuerySet


class ConcurrentEditError(Exception):
    """Someone saved the same fields after the form was shown. `saved`: field -> the value they saved."""

    def __init__(self, codes: list[str], by: str, at, saved: Mapping[str, Any] | None = None) -> None:
        super().__init__(f"{', '.join(codes)} changed by {by}")
        self.codes, self.by, self.at = codes, by, at
        self.saved = dict(saved or {})


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: Any
    new: Any


def save_fields(record: Model, current: Mapping[str, Any], proposed: Mapping[str, Any], *, seen_revision: int,
                history: QuerySet, field_attr: str, new_row: Callable[[FieldChange, int], Model],
                same: Callable[[Any, Any], bool] = lambda a, b: a == b) -> list[FieldChange]:
    """Check for conflicts, then bump `record.revision` and write one history row per changed field.

    `record` must be locked (select_for_update) by the caller, who applies the returned changes to it and
    saves it. `history`: the record's history rows, each with `revision`, `user`, `created_at` and the
    field name in `field_attr`. `new_row(change, revision)` builds an unsaved history row."""
    differing = [f for f, value in proposed.items() if not same(current.get(f), value)]
    if record.revision > seen_revision and differing:
        later = list(history.filter(revision__gt=seen_revision, **{f"{field_attr}__in": differing})
                     .select_related("user").order_by("-revision", "-id"))
        if later:
            fields = sorted({getattr(r, field_attr) for r in later})
            who = later[0].user.get_username() if later[0].user else "someone"
            raise ConcurrentEditError(fields, who, later[0].created_at, {f: current.get(f) for f in fields})
    changes = [FieldChange(f, current.get(f), proposed[f]) for f in differing]
    if changes:
        record.revision += 1
        history.model.objects.bulk_create(new_row(change, record.revision) for change in changes)
    return changes


def keep_times(objects: list, originals: list, attribute: str) -> None:
    """bulk_create stamps auto_now_add fields with the current time: put the original times back."""
    for obj, original in zip(objects, originals, strict=True):
        setattr(obj, attribute, getattr(original, attribute))
    if objects:
        type(objects[0]).objects.bulk_update(objects, [attribute])
