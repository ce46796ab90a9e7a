"""One cache for every process (CACHE_URL; the database cache by default): two gunicorn web processes on ports
of their own, as two workers behind one proxy, count one lockout, one rate limit, and accept a second-factor code
once; a translation corrected in one process is read by every other. With a per-process cache (locmem) the same
requests get through: the control test shows the test can fail."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from tests.mfa import SECRET, totp_code, with_second_factor
from tests.processes import Browser, database_url, production_env, start_web, stop

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.processes]

PASSWORD = "correct horse battery staple 42"
LOGIN = "/accounts/login/"
SERVERS = {"BEHIND_PROXY": "true", "PROXY_COUNT": "1", "AXES_FAILURE_LIMIT": "3",
           "RATE_LIMIT_LOGIN": "4/m/ip", "RATE_LIMIT_LOGIN_FAILED": "100/m/ip,100/h/key"}


def _servers(**env: str):
    if database_url() is None:
        pytest.skip("needs PostgreSQL: other processes cannot see an in-memory SQLite test database")
    environment = production_env(**SERVERS, **env)
    first = start_web(environment)
    try:
        second = start_web(environment)
    except Exception:
        stop(first.process)
        raise
    return first, second


@pytest.fixture
def two_web_processes(published):
    first, second = _servers()
    yield first.url, second.url
    stop(first.process)
    stop(second.process)


def _user(name: str):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(name, f"{name}@example.org")
    # the web processes hash with PBKDF2 (the tests' MD5 hasher is not theirs); few iterations, to be quick
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, "saltsaltsalt", iterations=1000)
    user.save(update_fields=["password"])
    return user


def _sign_in(browser: Browser, base: str, name: str, password: str = PASSWORD):
    return browser.post_form(base + LOGIN, {"username": name, "password": password})


def test_failed_sign_ins_on_two_processes_count_as_one_lockout(two_web_processes):
    a, b = two_web_processes
    _user("alice")
    stranger = Browser("198.51.100.66")
    for base in (a, b, a):  # AXES_FAILURE_LIMIT=3 over both processes
        _sign_in(stranger, base, "alice", "wrong password")
    status, page, _ = _sign_in(stranger, b, "alice")
    assert status == 429 and "Sign-in is paused" in page
    assert not stranger.signed_in(a)
    # the lockout is per account and address: the real user, from their own address, signs in
    alice = Browser("192.0.2.10")
    _sign_in(alice, a, "alice")
    assert alice.signed_in(b)


def test_the_sign_in_rate_limit_counts_requests_on_both_processes(two_web_processes):
    a, b = two_web_processes
    _user("bob")
    browser = Browser("203.0.113.7")
    for n, base in enumerate((a, b, a, b)):  # RATE_LIMIT_LOGIN=4/m/ip over both processes
        status, page, _ = _sign_in(browser, base, f"nobody{n}", "wrong password")
        assert status == 200, (base, re.sub(r"\s+", " ", page[page.find("<main"):])[:600])
    status, page, _ = _sign_in(browser, a, "bob")
    assert status == 429
    assert not browser.signed_in(a)


def test_a_second_factor_code_is_accepted_once_over_both_processes(two_web_processes):
    a, b = two_web_processes
    with_second_factor(_user("carol"), SECRET)
    code = totp_code(SECRET)
    first = Browser("192.0.2.21")
    status, _, headers = _sign_in(first, a, "carol")
    assert status == 302 and headers["Location"] == "/accounts/2fa/authenticate/"
    first.post_form(a + "/accounts/2fa/authenticate/", {"code": code})
    assert first.signed_in(a)
    # someone who saw the code uses it in another session, on the other process, within its 30 seconds
    second = Browser("192.0.2.22")
    _sign_in(second, b, "carol")
    status, page, _ = second.post_form(b + "/accounts/2fa/authenticate/", {"code": code})
    assert status == 200 and "Incorrect code" in page
    assert not second.signed_in(b)


def test_control_a_per_process_cache_counts_each_process_apart(published):
    """The same rate limit with CACHE_URL=locmem:// (what the check --deploy refuses): each process counts alone,
    so the fifth sign-in gets through. This is why the tests above can fail."""
    a, b = _servers(CACHE_URL="locmem://")
    try:
        _user("dave")
        browser = Browser("203.0.113.8")
        for n, base in enumerate((a.url, b.url, a.url, b.url)):
            _sign_in(browser, base, f"nobody{n}", "wrong password")
        status, _, _ = _sign_in(browser, a.url, "dave")
        assert status == 302
        assert browser.signed_in(a.url)
    finally:
        stop(a.process)
        stop(b.process)


def test_a_translation_corrected_in_one_process_is_read_by_the_others(two_web_processes, settings):
    """Each process keeps the translated questionnaire it built (core.translations). A translation corrected in
    one process (here the test's, as the admin's would be in a web process) reaches the others through the
    shared cache, not only the process that saved it."""
    from questionnaire.models import Translation

    a, b = two_web_processes
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                                   "LOCATION": "gpai_cache"}}  # the servers' cache (CACHE_URL's default)
    reader = Browser("192.0.2.30", language="de")
    for base in (a, b):  # each process builds and keeps the German questionnaire
        status, page, _ = reader.request(base + "/quick-check/role/")
        assert status == 200 and "In welcher Beziehung steht Ihre Organisation zu dem Modell?" in page
    translation = Translation.objects.get(target="question:role:text", language="de",
                                          version__status="published")
    translation.text = "Welche Beziehung hat Ihre Organisation zu dem Modell?"
    translation.save()
    for base in (a, b):
        status, page, _ = reader.request(base + "/quick-check/role/")
        assert status == 200 and "Welche Beziehung hat Ihre Organisation zu dem Modell?" in page, base
        assert "In welcher Beziehung" not in page
