"""Real processes against the test database, for tests that must see what several processes share (the cache,
the render queue): gunicorn web processes on ports of their own, each one process, and a small HTTP client
with its own cookies (a browser)."""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")


def database_url() -> str | None:
    """The test database as a DATABASE_URL for other processes; None when it is not PostgreSQL (an in-memory
    SQLite test database is seen by this process only)."""
    from django.db import connection

    s = connection.settings_dict
    if connection.vendor != "postgresql":
        return None
    auth = urllib.parse.quote(s["USER"] or "", safe="")
    if s.get("PASSWORD"):
        auth += ":" + urllib.parse.quote(s["PASSWORD"], safe="")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(**extra: str) -> dict[str, str]:
    """The environment of a production process on this machine (DEBUG off), against the test database."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update({"DATABASE_URL": database_url() or "", "DEBUG": "false", "SECRET_KEY": "s" * 50,
                "ALLOWED_HOSTS": "127.0.0.1,localhost", "STATIC_MANIFEST": "false", "LOG_LEVEL": "WARNING",
                "GUNICORN_ACCESSLOG": "", "TASKS_BACKEND": "database", "EMAIL_BACKEND":
                "django.core.mail.backends.dummy.EmailBackend"})
    env.update(extra)
    return env


@dataclass
class Web:
    port: int
    process: subprocess.Popen

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def start_web(env: dict[str, str], *, timeout: float = 60) -> Web:
    """One gunicorn web process (one worker) on a port of its own; waits until /healthz answers."""
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 (our own command)
        [str(GUNICORN), "compliance_checker.wsgi", "-c", "gunicorn.conf.py"], cwd=ROOT,
        env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "1"},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {process.stderr.read().decode()[-2000:]}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return Web(port, process)
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    stop(process)
    raise RuntimeError("gunicorn did not answer in time")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Browser:
    """Cookies of one browser; `address` is the client address the (absent) proxy would append; `language` the
    browser's Accept-Language, if any."""

    address: str
    jar: http.cookiejar.CookieJar = field(default_factory=http.cookiejar.CookieJar)
    language: str | None = None

    def __post_init__(self) -> None:
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect)

    def request(self, url: str, data: dict | None = None) -> tuple[int, str, dict]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        headers = {"X-Forwarded-For": self.address, **({"Accept-Language": self.language} if self.language else {})}
        request = urllib.request.Request(url, data=body, headers=headers)  # noqa: S310
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), dict(error.headers)

    def post_form(self, url: str, data: dict) -> tuple[int, str, dict]:
        """GET the page for its CSRF token, then POST the form."""
        status, page, _ = self.request(url)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, f"no CSRF token on {url} ({status})"
        return self.request(url, {"csrfmiddlewaretoken": token.group(1), **data})

    def signed_in(self, base: str) -> bool:
        """Whether this browser's session is signed in (a page for members only answers 200, not a redirect)."""
        return self.request(f"{base}/accounts/2fa/")[0] == 200
