"""Privacy: a user exports their data or deletes their account; an owner deletes the organisation."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from questionnaire.models import AnswerRevision, GapRevision

from .audit import audit
from .memberships import SESSION_KEY, current_membership
from .models import AuditEvent, Membership, Organisation, Role


def user_data(user) -> dict:
    """Everything we hold about a user, as one JSON document."""
    return {
        "account": {"username": user.get_username(), "email": user.email, "first_name": user.first_name,
                    "last_name": user.last_name, "date_joined": user.date_joined.isoformat(),
                    "last_login": user.last_login.isoformat() if user.last_login else None},
        "memberships": [{"organisation": m.organisation.name, "role": m.role, "since": m.created_at.isoformat()}
                        for m in Membership.objects.filter(user=user).select_related("organisation")],
        "answers_saved": [{"assessment": str(r.assessment_id), "question": r.question_code, "old": r.old_value,
                           "new": r.new_value, "at": r.created_at.isoformat()}
                          for r in AnswerRevision.objects.filter(user=user).order_by("created_at")],
        "gap_analysis_changes": [{"measure": r.item.measure, "field": r.field, "old": r.old_value,
                                  "new": r.new_value, "at": r.created_at.isoformat()}
                                 for r in GapRevision.objects.filter(user=user).select_related("item")],
        "audit_events": [{"action": e.action, "target": e.target, "at": e.created_at.isoformat(), "ip": e.ip}
                         for e in AuditEvent.objects.filter(user=user)],
    }


def _blocking_organisations(user) -> list[Organisation]:
    """Organisations where the user is the last owner while other members remain."""
    blocking = []
    for membership in Membership.objects.filter(user=user, role=Role.OWNER).select_related("organisation"):
        members = Membership.objects.filter(organisation=membership.organisation)
        if members.exclude(user=user).exists() and not members.filter(role=Role.OWNER).exclude(user=user).exists():
            blocking.append(membership.organisation)
    return blocking


@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    if request.GET.get("download"):
        audit(request, "export", target=f"personal data of {request.user.get_username()}")
        response = HttpResponse(json.dumps(user_data(request.user), indent=2, ensure_ascii=False),
                                content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="my-data.json"'
        return response
    return render(request, "accounts/my_data.html", {"blocking": _blocking_organisations(request.user)})


@login_required
@require_http_methods(["POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    user = request.user
    if request.POST.get("confirm", "").strip() != user.get_username():
        messages.error(request, _("Type your username to confirm that the account should be deleted."))
        return redirect("my_data")
    blocking = _blocking_organisations(user)
    if blocking:
        messages.error(request, _("Make another member an owner of %(organisations)s first.") % {
            "organisations": ", ".join(o.name for o in blocking)})
        return redirect("my_data")
    with transaction.atomic():
        # organisations where the user is the only member go with the account
        for membership in Membership.objects.filter(user=user).select_related("organisation"):
            if not Membership.objects.filter(organisation=membership.organisation).exclude(user=user).exists():
                membership.organisation.delete()
        audit(request, "account_deleted", target=user.get_username())
        logout(request)
        user.delete()
    messages.success(request, _("Your account has been deleted."))
    return redirect("/")


@login_required
@require_http_methods(["POST"])
def delete_organisation(request: HttpRequest) -> HttpResponse:
    membership = current_membership(request)
    if membership.role != Role.OWNER:
        raise PermissionDenied("Only an owner can delete the organisation")
    organisation = membership.organisation
    if request.POST.get("confirm", "").strip() != organisation.name:
        messages.error(request, _("Type the organisation's name exactly to confirm the deletion."))
        return redirect("organisation")
    with transaction.atomic():
        audit(request, "organisation_deleted", target=organisation.name)
        organisation.delete()  # models, assessments, answers, reports, evidence records go with it
    request.session.pop(SESSION_KEY, None)
    messages.success(request, _("%(name)s and all its assessments have been deleted.") % {"name": organisation.name})
    return redirect("/")
