"""The dashboard's "Next deadline": the first item of the ranked deadlines (questionnaire/deadlines) per model.
A tag, as the dashboard (assessments) sits below the deadlines in the layers."""

from __future__ import annotations

from django import template

from accounts.memberships import current_membership

from ..deadlines import next_by_model, ranked

register = template.Library()


@register.simple_tag(takes_context=True)
def next_deadlines(context) -> dict:
    """Model pk -> its first ranked deadline, for the organisation the request acts for (a fixed number of
    queries)."""
    return next_by_model(ranked(current_membership(context["request"]).organisation))


@register.filter
def for_model(mapping: dict, model):
    return mapping.get(model.pk) if mapping else None
