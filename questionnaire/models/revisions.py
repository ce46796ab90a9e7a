"""The history of records that people edit field by field (core.history.save_fields): answers, gap-analysis
records, the Model Documentation Form, legal documents. Each change is one row of a table built on Revision."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Revision(models.Model):
    """One changed field of a record: who and when. A table adds which record and field, the old and new value,
    and (where saves are checked for conflicts) the record's revision the change made."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.field_name}: {self.old_value!r} -> {self.new_value!r}"

    @property
    def field_name(self) -> str:
        return getattr(self, "field", "")
