"""Stale records on a page (code_of_practice.stale): the record pages, the result page and the action plan."""

from __future__ import annotations

from django import template

from ..code_of_practice.stale import stale_records

register = template.Library()


@register.inclusion_tag("records/_stale.html", takes_context=True)
def stale_notice(context, assessment, kind=None, number=None, compact=False):
    """What changed since the assessment's records were built: each stale record with its fields, old and new
    value, and what to do ("take the new value" on a draft's own page; "issue a corrected version")."""
    records = stale_records(assessment, kind=kind, number=number) if assessment is not None else []
    return {"records": records, "assessment": assessment, "here": kind is not None, "compact": compact,
            "can_edit": context.get("can_edit", False), "csrf_token": context.get("csrf_token")}
