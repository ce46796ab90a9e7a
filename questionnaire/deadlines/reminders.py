"""Reminder digests by e-mail (contract §6): each member who asked for them (daily or weekly, so many days ahead)
gets one mail of what falls due in that window and what is overdue, at most one a day (a ReminderDigest row per
member and day, unique), through the task queue (`tasks.send_reminder_digest`). The unsubscribe link is a signed
token of the membership: one click, no sign-in."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.language import member_language
from accounts.models import Membership, ReminderDigest, ReminderFrequency

from .ranking import Deadline, organisation_today, ranked, standing_by_model

MAX_DAYS_AHEAD = 90
WEEK = 7
UNSUBSCRIBE_SALT = "questionnaire.deadlines.unsubscribe"


def unsubscribe_token(membership: Membership) -> str:
    return signing.dumps({"m": membership.pk}, salt=UNSUBSCRIBE_SALT, compress=True)


def membership_for_token(token: str) -> Membership | None:
    """The membership a signed unsubscribe token names, or None for a changed or foreign token."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    pk = data.get("m") if isinstance(data, dict) else None
    if not isinstance(pk, int):
        return None
    return Membership.objects.select_related("user", "organisation").filter(pk=pk).first()


@dataclass
class Digest:
    membership: Membership
    day: dt.date
    overdue: list[Deadline]  # every overdue item, in rank order
    upcoming: list[Deadline]  # due within the member's days ahead
    standing: list[dict] = field(default_factory=list)  # the long-passed ones of `overdue`, one group per model

    @property
    def recent(self) -> list[Deadline]:
        """Overdue, but recently: the clocks that ran out in the last weeks (shown first)."""
        return [i for i in self.overdue if not i.standing]

    @property
    def count(self) -> int:
        return len(self.overdue) + len(self.upcoming)

    @property
    def subject(self) -> str:
        parts = []
        if self.overdue:
            parts.append(_("%(n)d overdue") % {"n": len(self.overdue)})
        if self.upcoming:
            parts.append(_("%(n)d due in the next %(days)d days") % {"n": len(self.upcoming),
                                                                      "days": self.membership.reminder_days_ahead})
        return _("Deadlines: %(counts)s") % {"counts": ", ".join(parts)}


def digest_for(membership: Membership, day: dt.date, items: list[Deadline] | None = None) -> Digest:
    """What one member's digest holds on `day`: everything overdue, and what falls due within their days ahead."""
    if items is None:
        items = ranked(membership.organisation, today=day)
    ahead = max(1, min(MAX_DAYS_AHEAD, membership.reminder_days_ahead))
    overdue = [i for i in items if i.overdue]
    return Digest(membership, day, overdue, [i for i in items if i.due_within(ahead)], standing_by_model(overdue))


def is_due(membership: Membership, day: dt.date, last: dt.date | None) -> bool:
    """Whether the member's setting asks for a digest on `day`, given the day of their last one."""
    if membership.reminder_frequency == ReminderFrequency.DAILY:
        return last is None or last < day
    if membership.reminder_frequency == ReminderFrequency.WEEKLY:
        return last is None or (day - last).days >= WEEK
    return False


def members_due(now: dt.datetime | None = None) -> list[tuple[Membership, dt.date]]:
    """(membership, their organisation's today) for every member whose setting asks for a digest now and who has
    an address: three queries however many members."""
    now = now or timezone.now()
    members = list(Membership.objects.exclude(reminder_frequency=ReminderFrequency.OFF).exclude(user__email="")
                   .filter(user__is_active=True).select_related("user", "organisation").order_by("pk"))
    last: dict[int, dt.date] = {}
    for membership_id, day in (ReminderDigest.objects.filter(membership__in=[m.pk for m in members])
                               .order_by("day").values_list("membership_id", "day")):
        last[membership_id] = day
    out = []
    for membership in members:
        day = organisation_today(membership.organisation, now)
        if is_due(membership, day, last.get(membership.pk)):
            out.append((membership, day))
    return out


def site_url() -> str:
    return settings.SITE_URL or "http://127.0.0.1:8000"


def render_digest(digest: Digest, site: str) -> tuple[str, str]:
    """(text, HTML) of the mail."""
    context = {"digest": digest, "site": site, "organisation": digest.membership.organisation,
               "unsubscribe_url": site + reverse("reminders_unsubscribe",
                                                 kwargs={"token": unsubscribe_token(digest.membership)}),
               "plan_url": site + reverse("action_plan")}
    return (render_to_string("deadlines/email/digest.txt", context),
            render_to_string("deadlines/email/digest.html", context))


def send_digest(membership_id: int, day: dt.date, site: str) -> str:
    """Mail one member's digest for `day`, once: the ReminderDigest row is written in the same transaction as the
    mail is handed over, so a failed send is retried by the next run and a second run the same day sends nothing."""
    membership = (Membership.objects.select_related("user", "organisation").filter(pk=membership_id)
                  .exclude(reminder_frequency=ReminderFrequency.OFF).first())
    if membership is None or not membership.user.email:
        return "not subscribed"
    with translation.override(member_language(membership.user)):  # the digest in the member's language
        return _send(membership, day, site)


def _send(membership: Membership, day: dt.date, site: str) -> str:
    digest = digest_for(membership, day)
    if not digest.count:
        return "nothing due"
    try:
        with transaction.atomic():
            ReminderDigest.objects.create(membership=membership, day=day, items=digest.count)
            text, html = render_digest(digest, site)
            unsubscribe = site + reverse("reminders_unsubscribe", kwargs={"token": unsubscribe_token(membership)})
            mail = EmailMultiAlternatives(digest.subject, text, settings.DEFAULT_FROM_EMAIL, [membership.user.email],
                                          headers={"List-Unsubscribe": f"<{unsubscribe}>",
                                                   "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"})
            mail.attach_alternative(html, "text/html")
            mail.send()
    except IntegrityError:
        return "already sent today"
    return "sent"
