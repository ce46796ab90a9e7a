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
