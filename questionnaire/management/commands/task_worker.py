"""The background task worker (PDF rendering): django-tasks-db's db_worker, kept running through database
outages, and reclaiming renders whose worker died.

db_worker exits on the first database error. In production that would leave documents unrendered until someone
restarts the worker, so this command waits and starts the worker loop again instead; the wait grows with each
failure in a row (RETRY_SECONDS) and starts again from the shortest once the database has answered. The same for
a task whose row was deleted while it ran (db_worker cannot record its end: "Save with update_fields did not
affect any rows"): the worker goes on with the next task.

A render whose worker died (killed, out of memory, machine lost) would stay "rendering" for ever: every render
holds a lease of RENDER_LEASE_SECONDS, and a sweep in this process (every lease / 5) queues again each render
whose lease expired, without waiting for anyone to ask for it (rendering.reclaim_stalled). Same options as
db_worker, but `--interval` (how long an idle worker waits before it looks for a task again) defaults to
POLL_SECONDS rather than db_worker's second: a render queued while the worker is idle starts 0.1 s later on average
instead of 0.5 s, for about five indexed queries a second (PostgreSQL answers each in well under a millisecond).
WeasyPrint, the report stylesheet and its fonts are loaded when the worker starts (rendering.pdf.warm), not by the
first render, which would otherwise wait a few seconds longer than the rest.
"""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.db.backends.signals import connection_created
from django_tasks_db.management.commands import db_worker

from ...rendering.queue import reclaim_stalled

logger = logging.getLogger("questionnaire.tasks")

RETRY_SECONDS = (1, 2, 5, 10, 30)  # then every 30 s until the database answers
POLL_SECONDS = 0.2


class LeaseSweeper(threading.Thread):
    """Every `every` seconds, queue again the renders whose worker died (in its own database connection)."""

    def __init__(self, every: float) -> None:
        super().__init__(name="render-lease-sweeper", daemon=True)
        self.every = every
        self.stopped = threading.Event()

    def sweep(self) -> int:
        try:
            return reclaim_stalled()
        except DatabaseError as error:
            logger.warning("The render lease sweep could not reach the database (%s)", error)
            return 0

    def run(self) -> None:
        while True:  # at start too: renders left behind by the worker this one replaces
            self.sweep()
            connections.close_all()  # this thread's own connections, not the worker's
            if self.stopped.wait(self.every):
                return

    def stop(self) -> None:
        self.stopped.set()


class Command(db_worker.Command):
    help = ("Run the background task worker (PDF rendering); it waits out database outages instead of exiting "
            "and re-queues renders whose worker died.")

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.set_defaults(interval=POLL_SECONDS)

    def handle(self, *args, **options) -> None:
        from ...rendering.pdf import warm  # heavy: WeasyPrint, only where PDFs are made

        warm()  # once, before the first task: every render's child process inherits it (rendering.isolation)
        self.failures = 0
        sweeper = LeaseSweeper(every=max(1, settings.RENDER_LEASE_SECONDS / 5))
        sweeper.start()
        connection_created.connect(self._database_answered, dispatch_uid="task_worker_database_answered")
        try:
            while True:
                try:
                    super().handle(*args, **options)
                    return
                except DatabaseError as error:  # unavailable (OperationalError, InterfaceError), or a row gone
                    delay = RETRY_SECONDS[min(self.failures, len(RETRY_SECONDS) - 1)]
                    self.failures += 1
                    first_line = (str(error).strip().splitlines() or [type(error).__name__])[0]
                    what = "Database unavailable" if isinstance(error, (OperationalError, InterfaceError)) \
                        else "Database error"
                    logger.warning("%s (%s); the task worker starts again in %s s", what, first_line, delay)
                    connections.close_all()
                    time.sleep(delay)
        finally:
            sweeper.stop()
            connection_created.disconnect(dispatch_uid="task_worker_database_answered")

    def _database_answered(self, sender, connection, **kwargs) -> None:
        """A new connection is the database answering again: the next outage waits from the shortest delay."""
        self.failures = 0
