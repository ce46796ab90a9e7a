"""Production settings: `manage.py check --deploy` is clean, and without a SECRET_KEY it is not."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {"SECRET_KEY": "k" * 40 + "-Zq8#vR2!mT5@wL9$xN4", "DEBUG": "false", "SECURE_SSL": "true",
              "BEHIND_PROXY": "true", "ALLOWED_HOSTS": "gpai.example.org",
              "CSRF_TRUSTED_ORIGINS": "https://gpai.example.org", "TASKS_BACKEND": "database"}


def check_deploy(**env: str) -> subprocess.CompletedProcess:
    # the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE (Playwright) is theirs, not production's
    environment = {k: v for k, v in os.environ.items()
                   if k not in PRODUCTION and k != "DJANGO_ALLOW_ASYNC_UNSAFE"} | env
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
