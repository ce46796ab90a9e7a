"""Background tasks (django-tasks), each calling a service: noticing which models' current assessments a newly
published questionnaire version would change (and e-mailing their organisations once), and, under its
historical name, rendering a report.

Rendering PDFs (the rows, the task, the lease, the progress page) is questionnaire/rendering.py, shared by
every PDF; what a report shows and asking for it is services/reports.py. With TASKS_BACKEND=immediate (make
run, tests) a task runs in the request; with `database` it is queued and `python manage.py task_worker` runs it.
"""

from __future__ import annotations

from .assessments.rules_changes import notice_rules_changes
from .rendering.queue import render_document

# the task's historical name: tasks queued before the move still find it
render_report = render_document

__all__ = ["notice_rules_changes", "render_report"]
