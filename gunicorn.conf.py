"""gunicorn settings, read from the environment (docker-compose and production)."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# a worker is replaced after this many requests (a guard against slow leaks; a new worker costs about a second)
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = max_requests // 10
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-") or None
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Headers with an underscore that a trusted proxy may pass into the WSGI environment (gunicorn's default lets it
# set SCRIPT_NAME and PATH_INFO): none, since we serve from the root and read no such header. Django reads
# X-Forwarded-Proto and X-Forwarded-For itself, only with BEHIND_PROXY (compliance_checker/settings.py).
forwarder_headers = ""
# reset and invitation links in the access log are redacted
logger_class = "compliance_checker.gunicorn_logging.RedactingLogger"
