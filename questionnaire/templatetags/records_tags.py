"""Stale records on a page (code_of_practice.stale): the record pages, the result page and the action plan."""

from __future__ import annotations

from django import template

from ..code_of_practice.stale import stale_records, stale_records_of_current

register = template.Library()


@register.inclusion_tag("records/_stale.html", takes_context=True)
def stale_notice(context, assessment, kind=None, number=None, among=None):
    """What changed since the assessment's records were built: each stale record with its fields, old and new
    value, and what to do ("take the new value" on a draft's own page; "issue a corrected version").
    `among`: the current assessments of a list page (the action plan's groups, each with an "assessment"), read
    once for all of them for the request (each include renders apart), so the page's queries do not grow with its
    models."""
    request = context.get("request")
    if assessment is None:
        records = []
    elif among is not None and request is not None:
        if not hasattr(request, "_stale_records_of_current"):
            request._stale_records_of_current = stale_records_of_current([g["assessment"] for g in among])
        records = request._stale_records_of_current.get(assessment.pk, [])
    else:
        records = stale_records(assessment, kind=kind, number=number, only_current=kind is None)
    return {"records": records, "assessment": assessment, "here": kind is not None,
            "can_edit": context.get("can_edit", False), "csrf_token": context.get("csrf_token")}
