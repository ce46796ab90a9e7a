"""Every PDF of the application, rendered in the background and never inside a request: what a PDF is
made from (source: Source and Document), WeasyPrint with only our static files (pdf), the render queue with its
lease and retries, which finds each kind of document by dotted path and so imports none of its users (queue),
and the progress page with its status and retry endpoints (views)."""

# Tasks queued by earlier releases name their function by this dotted path (django-tasks-db keeps it).
from .queue import render_document, render_document_issue  # noqa: F401
