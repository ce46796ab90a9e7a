"""Production settings: `manage.py check --deploy` is clean, and without a SECRET_KEY it is not."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {"SECRET_KEY": "k" * 40 + "-Zq8#vR2!mT5@wL9$xN4", "DEBUG": "false", "SECURE_SSL": "true",
              "BEHIND_PROXY": "true", "ALLOWED_HOSTS": "gpai.example.org",
              "CSRF_TRUSTED_ORIGINS": "https://gpai.example.org", "TASKS_BACKEND": "database",
              "EMAIL_URL": "smtp://gpai:s3cret@smtp.example.org:587"}


IGNORED = {"EMAIL_BACKEND", "EMAIL_HOST", "CACHE_URL"}


def check_deploy(**env: str) -> subprocess.CompletedProcess:
    # the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE (Playwright) is theirs, not production's
    environment = {k: v for k, v in os.environ.items()
                   if k not in PRODUCTION and k not in IGNORED and k != "DJANGO_ALLOW_ASYNC_UNSAFE"} | env
    return subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], cwd=ROOT,
                          env=environment, capture_output=True, text=True, timeout=120)


def test_check_deploy_is_clean_with_production_settings():
    done = check_deploy(**PRODUCTION)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_check_deploy_fails_without_a_secret_key_from_the_environment():
    done = check_deploy(**{k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"})
    assert done.returncode != 0
    assert "gpai.E001" in done.stdout + done.stderr


def test_check_deploy_fails_with_the_console_mail_backend_and_debug_off():
    done = check_deploy(**PRODUCTION, EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend")
    assert done.returncode != 0
    assert "gpai.E002" in done.stdout + done.stderr


def test_check_deploy_fails_without_an_smtp_server():
    done = check_deploy(**{k: v for k, v in PRODUCTION.items() if k != "EMAIL_URL"})
    assert done.returncode != 0
    assert "gpai.E003" in done.stdout + done.stderr


def test_check_deploy_fails_with_a_per_process_cache_and_debug_off():
    done = check_deploy(**PRODUCTION, CACHE_URL="locmem://")
    assert done.returncode != 0
    assert "gpai.E004" in done.stdout + done.stderr
    assert check_deploy(**PRODUCTION, CACHE_URL="redis://127.0.0.1:6379/0").returncode == 0


def _mail_settings(env: dict) -> list[str]:
    code = ("from django.conf import settings as s; print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, "
            "s.EMAIL_HOST_USER, s.EMAIL_HOST_PASSWORD, s.EMAIL_USE_TLS, s.EMAIL_USE_SSL)")
    environment = {k: v for k, v in os.environ.items() if k not in PRODUCTION and k not in IGNORED} | env
    done = subprocess.run([sys.executable, "manage.py", "shell", "-c", code],  # noqa: S603 (our own code)
                          cwd=ROOT, capture_output=True, text=True, timeout=60, env=environment)
    return done.stdout.strip().splitlines()[-1].split()


def test_email_url_configures_smtp():
    assert _mail_settings(PRODUCTION) == ["django.core.mail.backends.smtp.EmailBackend", "smtp.example.org", "587",
                                          "gpai", "s3cret", "True", "False"]
    assert _mail_settings({"DEBUG": "true"})[0] == "django.core.mail.backends.console.EmailBackend"


def test_the_container_health_check_passes_with_the_production_settings(tmp_path):
    """docker-compose's health check (python -m compliance_checker.healthcheck) against gunicorn running with
    the documented production settings: plain HTTP from 127.0.0.1, HTTPS redirect on, one allowed host."""
    import socket
    import time

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = str(probe.getsockname()[1])
    environment = {k: v for k, v in os.environ.items() if k not in PRODUCTION and k not in IGNORED} | PRODUCTION | {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "PORT": port, "WEB_CONCURRENCY": "1",
        "GUNICORN_BIND": f"127.0.0.1:{port}", "STATIC_MANIFEST": "false", "VAR_DIR": str(tmp_path)}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "compliance_checker.wsgi", "-c", "gunicorn.conf.py"],
                              cwd=ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        health = None
        for _ in range(60):
            health = subprocess.run([sys.executable, "-m", "compliance_checker.healthcheck"], cwd=ROOT,
                                    env=environment, capture_output=True, text=True, timeout=30)
            if health.returncode == 0:
                break
            time.sleep(0.5)
        assert health.returncode == 0, health.stderr
        # the same request without the exemption would be redirected to https: the check is not vacuous
        import urllib.request

        opener = urllib.request.build_opener(type("NoRedirect", (urllib.request.HTTPRedirectHandler,), {
            "redirect_request": lambda *args, **kwargs: None}))
        try:
            opener.open(urllib.request.Request(f"http://127.0.0.1:{port}/dashboard",
                                               headers={"Host": "gpai.example.org"}), timeout=5)
            redirected = False
        except urllib.error.HTTPError as error:
            redirected = error.code == 301
        assert redirected
        # a SCRIPT_NAME header, even from a trusted proxy address, never reaches the application (#22.2): with
        # gunicorn's default forwarder_headers this request failed, as /healthz does not start with it
        probe = urllib.request.Request(f"http://127.0.0.1:{port}/healthz",
                                       headers={"Host": "gpai.example.org", "SCRIPT_NAME": "/accounts/login"})
        with urllib.request.urlopen(probe, timeout=5) as answer:  # noqa: S310 (our own local server)
            assert answer.status == 200
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_a_process_starting_while_another_writes_the_secret_key_uses_the_others_key(tmp_path, monkeypatch):
    """`make test` starts its workers at once on a fresh clone: one may find no key and then lose the race to
    write it; it must use the key the other wrote, not crash or read half of it."""
    from compliance_checker import settings as project_settings

    var = tmp_path / "var"
    monkeypatch.setattr(project_settings, "VAR_DIR", var)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    read_text = Path.read_text
    raced = []

    def other_process_writes_first(path, *args, **kwargs):
        if path.name == "secret_key" and not raced:
            raced.append(path)
            var.mkdir(parents=True, exist_ok=True)
            path.write_text("the-key-the-other-worker-wrote-" + "x" * 30)
            raise FileNotFoundError(path)
        return read_text(path, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", other_process_writes_first)
    assert project_settings._secret_key() == "the-key-the-other-worker-wrote-" + "x" * 30
    assert raced and [p.name for p in var.iterdir()] == ["secret_key"]
