"""One-time form tokens: a form that creates something carries a token, and a second submission of the same
token (a double click, a resent POST) gets the first one's result instead of a second creation (core/once.py)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class FormSubmission(models.Model):
    token = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    result = models.CharField(max_length=300, blank=True, help_text="where the first submission led")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.token[:8]}… → {self.result}"
