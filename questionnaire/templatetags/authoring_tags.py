"""The admin home's starting point, "Edit the questionnaire" (templates/admin/index.html)."""

from django import template

from .. import models as m

register = template.Library()


@register.simple_tag(takes_context=True)
def questionnaire_to_edit(context) -> dict:
    """The draft to open (the newest), else the current version to make a draft from; what this admin may do."""
    user = context["request"].user
    return {
        "draft": m.QuestionnaireVersion.objects.filter(status=m.VersionStatus.DRAFT).order_by("-created_at").first(),
        "current": m.QuestionnaireVersion.objects.filter(status=m.VersionStatus.PUBLISHED).first(),
        "can_view": user.has_perm("questionnaire.view_questionnaireversion"),
        "can_clone": user.has_perm("questionnaire.add_questionnaireversion"),
    }
