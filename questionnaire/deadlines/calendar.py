"""A member's private iCalendar feed (contract §6): one all-day VEVENT per dated deadline of the organisation's
current assessments, with a stable UID, the model's name and the article or measure in SUMMARY, and a link back;
its words in the language in use (the view: the member's own, as the reminder digest).
Built with the `icalendar` library; the URL's token is the member's `calendar_token` (256 random bits)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from .ranking import Deadline

PRODID = "-//GPAI compliance checker//Deadlines//EN"


def feed(items: list[Deadline], *, organisation_name: str, site: str, zone: str,
         now: dt.datetime | None = None) -> bytes:
    """The calendar's bytes. `site`: the scheme and host the links start with. All-day events need no time zone;
    X-WR-TIMEZONE tells a client the organisation's, for its display."""
    stamp = now or timezone.now()
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", _("Deadlines: %(organisation)s") % {"organisation": organisation_name})
    calendar.add("x-wr-timezone", zone)
    for item in items:
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", item.date)  # a date: VALUE=DATE, an all-day event
        event.add("dtend", item.date + dt.timedelta(days=1))
        event.add("summary", item.summary)
        lines = [item.detail, _("Basis: %(basis)s.") % {"basis": item.basis_label} if item.basis_label else ""]
        if item.measures:
            lines.append(_("Open measures: %(measures)s") % {
                "measures": ", ".join(f"{m.id} {m.title}" for m in item.measures)})
        url = site + item.url
        lines.append(url)
        event.add("description", "\n".join(line for line in lines if line))
        event.add("url", url)
        event.add("categories", [item.kind])
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical()
