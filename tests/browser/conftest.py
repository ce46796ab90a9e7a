"""Playwright driving Debian's Chromium against the live test server (pytest-django's live_server)."""

from __future__ import annotations

import os
import shutil

import pytest

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


if os.environ.get("BROWSER_BASE_URL"):
    @pytest.fixture(scope="session")
    def live_server():
        yield _ExternalServer(os.environ["BROWSER_BASE_URL"])


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
