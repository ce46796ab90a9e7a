"""gunicorn's access log without secrets: request line, path, query and referer have reset and invitation
tokens replaced by [redacted] (see observability.redact). Used by gunicorn.conf.py (logger_class)."""

from __future__ import annotations

from gunicorn.glogging import Logger

from .observability import redact


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {key: redact(value) if isinstance(value, str) else value for key, value in atoms.items()}
