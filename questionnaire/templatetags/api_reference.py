"""The API reference page's one filter: a description from the OpenAPI schema, escaped, with `code` in backticks
shown as code."""

from __future__ import annotations

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def api_text(text) -> str:
    return mark_safe(re.sub(r"`([^`]+)`", r"<code>\1</code>", escape(str(text or ""))))  # escaped first
