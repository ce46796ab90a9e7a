"""The dotted paths of background tasks (django-tasks) queued by earlier releases, which a queued task keeps:
`notice_rules_changes` (its work is in assessments/rules_changes.py) and `render_report`, the historical name of
the render task of every PDF (questionnaire/rendering/: the rows, the task, the lease, the progress page; what a
report shows and asking for it is reports/services.py). With TASKS_BACKEND=immediate (make run, tests) a task runs
in the request; with `database` it is queued and `python manage.py task_worker` runs it.
"""

from __future__ import annotations

from .assessments.rules_changes import notice_rules_changes
from .rendering.queue import render_document

# the task's historical name: tasks queued before the move still find it
render_report = render_document

__all__ = ["notice_rules_changes", "render_report"]
