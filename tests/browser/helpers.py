"""Page actions shared by the browser tests."""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path
from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Error as PlaywrightError

from tests.conftest import PASSWORD
from tests.factories import completed

WIDTHS = (1280, 390)  # desktop and phone
SCREENSHOTS = os.environ.get("SCREENSHOTS")  # a folder: full-page screenshots of the pages checked, to look at
_axe = Axe()


def serious_violations(page) -> list[str]:
    """axe-core violations of impact serious or critical, as readable lines."""
    results = _axe.run(page)
    return [f"{v['id']} ({v['impact']}): {v['help']} – {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]


def sign_in(page, base_url: str, username: str, password: str = PASSWORD, *, totp_secret: str | None = None) -> None:
    """Sign in; with `totp_secret`, also enter the authenticator app's code when asked for it."""
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    if totp_secret is not None:
        from ..mfa import totp_code

        assert "/accounts/2fa/authenticate/" in page.url, page.url
        page.fill("input[name=code]", totp_code(totp_secret))
        with page.expect_navigation():
            page.click("main button[type=submit]")


# What each question on the page asks for, read in one round trip (Playwright calls cost a few ms each)
_QUESTIONS_ON_PAGE = """() => [...document.querySelectorAll('[data-question]')].map(w => ({
    code: w.dataset.question,
    kind: w.querySelector('input[data-flop-input]') ? 'flop'
        : w.querySelector('input[type=checkbox]') ? 'checkbox'
        : w.querySelector('input[type=radio]') ? 'radio'
        : w.querySelector('input[type=date]') ? 'date' : 'text',
}))"""


def answer_visible_questions(page, answers: dict[str, Any]) -> None:
    """Fill every question the page shows with the scenario's answer, as a person would (typing, checking)."""
    for question in page.evaluate(_QUESTIONS_ON_PAGE):
        code, kind = question["code"], question["kind"]
        value = answers.get(code)
        if value is None:
            continue
        wrapper = f"[data-question='{code}']"
        if kind == "flop":
            page.fill(f"{wrapper} input[data-flop-input]", repr(value) if isinstance(value, float) else str(value))
        elif isinstance(value, bool):
            page.check(f"{wrapper} input[type=radio][value={'yes' if value else 'no'}]")
        elif isinstance(value, list):
            # an empty list is the answer "none of them": a required question has a box for it (value "none")
            none = f"{wrapper} input[type=checkbox][value='none']"
            for item in value or (["none"] if page.locator(none).count() else []):
                page.check(f"{wrapper} input[type=checkbox][value='{item}']")
        elif kind == "radio":
            page.check(f"{wrapper} input[type=radio][value='{value}']")
        elif kind == "date":
            page.fill(f"{wrapper} input[type=date]", value.isoformat() if isinstance(value, dt.date) else str(value))
        else:
            page.fill(f"{wrapper} :is(input[type=text], textarea)", repr(value) if isinstance(value, float)
                      else str(value))


def save(page) -> None:
    with page.expect_navigation():
        page.click("main form .actions button[type=submit], main form > button.button[type=submit]")


def open_completed(page, base_url: str, user, organisation, scenario_id: str, *, model_name: str):
    """A completed assessment of a public scenario, made through the services (the wizard in the browser is
    tested by test_complete_assessment), opened at its result page; returns the assessment."""
    assessment = completed(organisation, user, scenario_id, name=model_name)
    page.goto(f"{base_url}/assessments/{assessment.pk}/result/")
    return assessment


PDF_WAIT_SECONDS = 300  # the longest we wait while a progress page shows a render waiting or under way
NO_PDF_SECONDS = 15  # the longest we wait for a page that is neither the PDF nor a progress page

# Where the page stands: a progress page that reloads itself (meta refresh) or polls (static/js/report.js), or its
# ready page (reached by that reload, ?waited=1) with the link to the PDF it shows
_PDF_PAGE = """() => ({
    waiting: !!document.querySelector('meta[http-equiv=refresh], [data-status-url]'),
    ready: !!document.querySelector(`a[download][href="${location.pathname}"]`),
})"""


def download_pdf(page, selector: str):
    """Click the link to a PDF at `selector` and wait for the PDF as a person would; returns Playwright's Download,
    with the page back where it was. A rendered PDF downloads at once (under pytest-django's live server every PDF
    is rendered when it is asked for). Otherwise the link opens its progress page, which says where the render
    stands (a worker renders it: bench/cluster.sh) and reloads itself (with JavaScript it polls, and downloads the
    PDF itself when it is ready): we wait as long as it shows the render waiting or under way, up to
    PDF_WAIT_SECONDS, and take the "Download the PDF" link of its ready page."""
    start = page.url
    downloads: list = []

    def arrived(download) -> None:
        downloads.append(download)

    page.on("download", arrived)
    try:
        page.click(selector)
        began, clicked = time.monotonic(), False
        while not downloads:
            try:
                where = page.evaluate(_PDF_PAGE)
            except PlaywrightError:  # between two pages (the progress page reloading itself)
                where = {"waiting": True, "ready": False}
            waited = time.monotonic() - began
            if where["ready"] and not clicked:
                page.click(f"a[download][href='{page.evaluate('location.pathname')}']")
                clicked = True
            elif waited > (PDF_WAIT_SECONDS if where["waiting"] or clicked else NO_PDF_SECONDS):
                raise AssertionError(f"no PDF after {waited:.0f} s; {page.url} shows: {page.inner_text('main')}")
            page.wait_for_timeout(250)
    finally:
        page.remove_listener("download", arrived)
    if page.url != start:
        page.goto(start)
    return downloads[0]


def shoot(page, name: str) -> None:
    """Full-page screenshots at both widths when SCREENSHOTS names a folder."""
    if not SCREENSHOTS:
        return
    Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1100, "height": 900})


def look(page, name: str, problems: dict[str, list[str]]) -> None:
    """axe-core at both widths, and no sideways scrolling; a screenshot of each when SCREENSHOTS is set."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        found = serious_violations(page)
        if page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth"):
            found.append("the page scrolls sideways")
        if found:
            problems[f"{name}@{width}"] = found
    shoot(page, name)
    page.set_viewport_size({"width": 1100, "height": 900})
