"""The action plan page (it opens with what is overdue and what is due in the next 30 days), the member's private
calendar feed and its reset, the reminder settings and the one-click unsubscribe."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accounts.language import member_language
from accounts.memberships import current_membership
from accounts.models import Membership, ReminderFrequency, new_calendar_token

from ..code_of_practice.action_plan import NOT_RECORDED_STATUS, page_sections, plan_csv, plan_rows
from ..models import NOT_RECORDED, OPEN_STATUSES, MeasureStatus
from .calendar import feed
from .ranking import Deadline, organisation_today, ranked, sections, time_zone
from .reminders import MAX_DAYS_AHEAD, membership_for_token

DEADLINE_CSV_KIND = {"overdue_all": "overdue", "soon": "due_soon"}


def site(request: HttpRequest) -> str:
    """The scheme and host links start with: SITE_URL when set (behind a proxy), else the request's."""
    return settings.SITE_URL or request.build_absolute_uri("/").rstrip("/")


def calendar_url(request: HttpRequest, membership: Membership) -> str:
    return site(request) + reverse("calendar_feed", kwargs={"token": membership.calendar_token})


def deadline_csv_rows(parts: dict[str, list[Deadline]]) -> list[list]:
    """The opening sections' rows in the action plan CSV's columns: the reference as `measure`, when as `status`,
    the date under the column of what sets it; `kind` says the section."""
    rows = []
    for part in ("overdue_all", "soon"):
        for i in parts[part]:
            rows.append([i.model.name, i.reference, i.title + (f": {i.detail}" if i.measures else ""), i.when, "",
                         i.date if i.basis in ("own",) else "", "yes" if i.overdue else "no",
                         i.date if i.basis == "act" else "", "yes" if i.basis == "act" and i.overdue else "no",
                         i.date if i.basis == "code" else "", "yes" if i.basis == "code" and i.overdue else "no",
                         i.date if i.basis == "suggested" else "", i.assessment.pk,
                         i.assessment.completed_at.date().isoformat() if i.assessment.completed_at else "",
                         f"deadline_{DEADLINE_CSV_KIND[part]}"])
    return rows


@login_required
def action_plan(request: HttpRequest) -> HttpResponse:
    membership = current_membership(request)
    organisation = membership.organisation
    today = organisation_today(organisation)
    model = request.GET.get("model") or None
    statuses = [(NOT_RECORDED_STATUS, NOT_RECORDED)] + [c for c in MeasureStatus.choices if c[0] in OPEN_STATUSES]
    status = request.GET.get("status") if request.GET.get("status") in dict(statuses) else None
    owner = request.GET.get("owner") or None
    if owner == "me":
        owner = request.user.pk
    try:
        rows = plan_rows(organisation, today=today, model=model, status=status, owner=owner)
        parts = sections(ranked(organisation, today=today, model=model))
    except (ValidationError, ValueError):
        raise Http404 from None
    if request.GET.get("format") == "csv":
        response = HttpResponse(plan_csv(rows, before=deadline_csv_rows(parts)), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="action-plan.csv"'
        return response
    groups, documents = page_sections(rows)
    summaries = {(i.model.pk, i.date): i for i in parts["overdue_all"] + parts["soon"] if i.measures}
    for group in groups:  # the model's legal date said once, above its table, not on each of its rows
        group["legal"] = [i for (pk, _), i in summaries.items() if pk == group["model"].pk]
    return render(request, "questionnaire/action_plan.html", {
        "rows": [row for group in groups for row in group["rows"]], "groups": groups, "documents": documents,
        "today": today, "models": organisation.ai_models.all(), "statuses": statuses,
        "overdue": parts["overdue"], "standing": parts["standing"], "soon": parts["soon"],
        "time_zone": str(time_zone(organisation)),
        "calendar_url": calendar_url(request, membership), "membership": membership,
        "frequencies": ReminderFrequency.choices, "max_days_ahead": MAX_DAYS_AHEAD,
        "selected": {"model": model or "", "status": status or "", "owner": request.GET.get("owner", "")},
        "query": request.GET.urlencode()})


def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The member's private feed, without a session: the token is the key; any other token answers 404."""
    membership = (Membership.objects.select_related("organisation", "user").filter(calendar_token=token).first()
                  if 20 <= len(token) <= 64 else None)
    if membership is None or not membership.user.is_active:
        raise Http404
    organisation = membership.organisation
    with translation.override(member_language(membership.user)):  # no session: the member's language, as a digest
        body = feed(ranked(organisation, every_date=True), organisation_name=organisation.name, site=site(request),
                    zone=str(time_zone(organisation)))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="deadlines.ics"'
    response["Cache-Control"] = "private, max-age=900"
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
@require_POST
def calendar_reset(request: HttpRequest) -> HttpResponse:
    """A new private URL for the member's feed; the old one answers 404 from now on."""
    membership = current_membership(request)
    membership.calendar_token = new_calendar_token()
    membership.save(update_fields=["calendar_token"])
    messages.success(request, "Your calendar link was reset. The old link no longer works: subscribe again with the "
                              "new one.")
    return redirect(reverse("action_plan") + "#calendar")


@login_required
@require_POST
def reminder_settings(request: HttpRequest) -> HttpResponse:
    """The member's reminder digest: off, daily or weekly, and how many days ahead (1 to MAX_DAYS_AHEAD)."""
    membership = current_membership(request)
    frequency = request.POST.get("reminder_frequency", "")
    try:
        days = int(request.POST.get("reminder_days_ahead", ""))
    except ValueError:
        days = -1
    if frequency not in ReminderFrequency.values or not 1 <= days <= MAX_DAYS_AHEAD:
        messages.error(request, f"Choose off, daily or weekly, and a number of days from 1 to {MAX_DAYS_AHEAD}.")
        return redirect(reverse("action_plan") + "#reminders")
    membership.reminder_frequency, membership.reminder_days_ahead = frequency, days
    membership.save(update_fields=["reminder_frequency", "reminder_days_ahead"])
    if frequency == ReminderFrequency.OFF:
        messages.success(request, "Reminders are off.")
    elif not request.user.email:
        messages.warning(request, "Reminders are on, but your account has no e-mail address to send them to.")
    else:
        messages.success(request, f"Reminders: {ReminderFrequency(frequency).label.lower()}, for what falls due "
                                  f"within {days} days, to {request.user.email}.")
    return redirect(reverse("action_plan") + "#reminders")


@csrf_exempt  # the signed token is the key; a mail client's one-click POST (RFC 8058) carries no CSRF token
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET: a page with one button (a link checker that opens the link changes nothing); POST: reminders off.
    No sign-in: the token is a signature of the membership."""
    membership = membership_for_token(token) if len(token) <= 200 else None
    if membership is None:
        raise Http404
    done = False
    if request.method == "POST":
        membership.reminder_frequency = ReminderFrequency.OFF
        membership.save(update_fields=["reminder_frequency"])
        done = True
    elif request.method != "GET":
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    return render(request, "deadlines/unsubscribe.html", {"membership": membership, "done": done,
                                                         "subscribed": membership.reminder_frequency != "off"})
