"""The background task worker (PDF reports): django-tasks-db's db_worker, kept running through database outages.

db_worker exits on the first database error. In production that would leave reports unrendered until someone
restarts the worker, so this command waits and starts the worker loop again instead; a report that was being
rendered when the database went away is picked up again (see tasks.request_report). Same options as db_worker.
"""

from __future__ import annotations

import logging
import time

from django.db import InterfaceError, OperationalError, connections
from django_tasks_db.management.commands import db_worker

logger = logging.getLogger("questionnaire.tasks")

RETRY_SECONDS = (1, 2, 5, 10, 30)  # then every 30 s until the database answers


class Command(db_worker.Command):
    help = "Run the background task worker (PDF reports); it waits out database outages instead of exiting."

    def handle(self, *args, **options) -> None:
        failures = 0
        while True:
            try:
                super().handle(*args, **options)
                return
            except (OperationalError, InterfaceError) as error:
                delay = RETRY_SECONDS[min(failures, len(RETRY_SECONDS) - 1)]
                failures += 1
                first_line = (str(error).strip().splitlines() or [type(error).__name__])[0]
                logger.warning("Database unavailable (%s); the task worker starts again in %s s", first_line, delay)
                connections.close_all()
                time.sleep(delay)
