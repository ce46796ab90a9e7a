"""What a write announces, so that the features that act on it are never imported by the write.

`report_inputs_changed` (sender: Assessment; `assessment`): something the assessment's report shows has changed:
it was completed, or its gap-analysis records or evidence changed. reports.services queues the report's PDF when
a background worker renders it (prerender_report, connected in apps.py). It is sent inside the writing
transaction, so the queued render commits with the change or not at all (a `transaction.on_commit` hook would
queue it after the commit, and lose it when the process dies in between).
"""

from __future__ import annotations

from django.dispatch import Signal

report_inputs_changed = Signal()


def announce_report_inputs_changed(assessment) -> None:
    report_inputs_changed.send(sender=type(assessment), assessment=assessment)
