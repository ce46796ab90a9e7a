"""Queue each member's deadline digest: what is overdue and what falls due within their chosen days ahead, for the
members who asked for reminders (daily or weekly), at most one a day however often this runs. Schedule it, e.g.
hourly (README, "Deadlines that reach people")."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from questionnaire.deadlines.reminders import digest_for, members_due, site_url
from questionnaire.deadlines.tasks import send_reminder_digest


class Command(BaseCommand):
    help = "Send each member who asked for reminders one digest of deadlines (at most one a day)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="print who would get what; send nothing")

    def handle(self, *args, dry_run: bool = False, **options):
        site = site_url()
        queued = 0
        for membership, day in members_due():
            if dry_run:
                digest = digest_for(membership, day)
                if not digest.count:
                    continue
                self.stdout.write(f"{membership.user.email} ({membership.organisation.name}, {day:%Y-%m-%d}): "
                                  f"{digest.subject}")
                for item in digest.overdue + digest.upcoming:
                    self.stdout.write(f"  {item.date:%Y-%m-%d} {item.when}: {item.summary}")
                continue
            send_reminder_digest.enqueue(membership.pk, day.isoformat(), site)
            queued += 1
        if not dry_run:
            self.stdout.write(f"{queued} digest{'s' if queued != 1 else ''} queued")
