"""Playwright driving Debian's Chromium against the live test server (pytest-django's live_server)."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Sequence
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from django.conf import settings
from django.core.mail import EmailMessage

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"]


def pytest_collection_modifyitems(config, items):
    if shutil.which(CHROMIUM) or os.path.exists(CHROMIUM):
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(f"{CHROMIUM} is missing: CI must install Debian's chromium")
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is not installed (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


class _ExternalServer:
    """Servers started outside the tests (bench/cluster.sh: two web processes and two task workers behind one
    proxy, on the test database) in place of pytest-django's live server."""

    class _NoSettings:
        def enable(self) -> None:
            pass

        def disable(self) -> None:
            pass

    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")
        self._live_server_modified_settings = self._NoSettings()

    def __str__(self) -> str:
        return self.url


class _MailFolder(Sequence):
    """The mails the servers outside the tests wrote to EMAIL_FILE_PATH (Django's file e-mail backend), oldest
    first, read again at each look: what `mailoutbox` is under the live server, which shares this process."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _messages(self) -> list[EmailMessage]:
        messages = []
        for path in sorted(self.folder.glob("*.log"), key=lambda p: p.stat().st_mtime_ns):
            for raw in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
                if raw.strip():
                    messages.append(_received(message_from_bytes(raw, policy=policy.default)))
        return messages

    def __getitem__(self, index):
        return self._messages()[index]

    def __len__(self) -> int:
        return len(self._messages())


def _received(parsed) -> EmailMessage:
    """A written mail as Django's EmailMessage (subject, recipients, the plain-text body)."""
    text = parsed.get_body(preferencelist=("plain",))
    return EmailMessage(subject=str(parsed["Subject"]), body=text.get_content() if text else "",
                        from_email=str(parsed["From"]), to=[a.strip() for a in str(parsed["To"]).split(",")])


_SERVERS_CONTENT_TYPES: dict[tuple[str, str], int] = {}


def _content_types_as_the_servers_know_them() -> None:
    """Flushing a test's data deletes the content types, and Django makes them again with new ids; the servers keep
    the ids they read first (ContentType's per-process cache), so the admin's log entry of the next test would
    point to an id that no longer exists. Content types never change in a deployment: give them back the ids of
    the first test (the ones the servers read), with the permissions made again as migrate makes them."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction

    now = {(app_label, model): pk for app_label, model, pk in
           ContentType.objects.values_list("app_label", "model", "pk")}
    if not _SERVERS_CONTENT_TYPES:
        _SERVERS_CONTENT_TYPES.update(now)
    if now == _SERVERS_CONTENT_TYPES:
        return
    with transaction.atomic():
        Permission.objects.all().delete()
        ContentType.objects.all().delete()
        ContentType.objects.bulk_create(ContentType(pk=pk, app_label=app_label, model=model)
                                        for (app_label, model), pk in _SERVERS_CONTENT_TYPES.items())
        ContentType.objects.clear_cache()
        for app_config in apps.get_app_configs():
            create_permissions(app_config, verbosity=0)


if os.environ.get("BROWSER_BASE_URL"):
    @pytest.fixture(scope="session")
    def live_server():
        yield _ExternalServer(os.environ["BROWSER_BASE_URL"])

    @pytest.fixture
    def mailoutbox():
        """The servers' mails (bench/cluster.sh sets EMAIL_FILE_PATH for them and for this process), none at first."""
        folder = Path(settings.EMAIL_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        for path in folder.glob("*.log"):
            path.unlink()
        return _MailFolder(folder)

    @pytest.fixture(autouse=True)
    def _fresh_rate_limits(transactional_db):
        """The servers count rate limits and used second-factor codes in their shared cache (CACHE_URL's database
        cache, in the test database, which flushing between tests leaves alone): each test starts with none
        counted, as each does under the live server (tests/conftest.py). After the test, before its data is
        flushed: the renders it queued and no worker has taken are dropped, and the ones under way are waited
        for, so that no worker renders from rows being deleted (a task worker whose task's row vanishes under it
        stops: django-tasks-db cannot record the task's end)."""
        from django.core.cache import cache
        from django_tasks_db.models import DBTaskResult

        cache.clear()
        _content_types_as_the_servers_know_them()
        yield
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            DBTaskResult.objects.filter(status="READY").delete()
            if not DBTaskResult.objects.filter(status="RUNNING").exists():
                break
            time.sleep(0.2)


@pytest.fixture(scope="session")
def chromium():
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(chromium):
    contexts = []

    def make(*, javascript: bool = True):
        context = chromium.new_context(java_script_enabled=javascript, viewport={"width": 1100, "height": 900})
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
