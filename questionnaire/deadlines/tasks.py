"""The reminder digest's background task (django-tasks): `send_reminders` queues one per member due a digest;
with TASKS_BACKEND=immediate it runs at once, with `database` the `task_worker` runs it."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from .reminders import send_digest


@task()
def send_reminder_digest(membership_id: int, day: str, site: str) -> str:
    """Mail one member's digest of `day` (ISO date in their organisation's time zone), at most once that day."""
    return send_digest(membership_id, dt.date.fromisoformat(day), site)
