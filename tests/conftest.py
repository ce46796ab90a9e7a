"""Shared fixtures. The engine fixtures need no database; `published` loads the canonical content."""

from __future__ import annotations

import copy
import os
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SHARED_SCENARIOS = ROOT.parent / "shared" / "scenarios"
OWN_SCENARIOS = Path(__file__).resolve().parent / "scenarios"
CONTENT = ROOT / "questionnaire" / "content" / "gpai.yaml"


def scenario_cases(path: Path) -> list[dict]:
    """Answer sets of a scenario file with the defaults merged in."""
    data = yaml.safe_load(path.read_text())
    return _merged(data.get("defaults"), data["scenarios"])


def _merged(defaults: dict | None, cases: list[dict]) -> list[dict]:
    return [{**case, "answers": {**(defaults or {}), **(case.get("answers") or {})}} for case in cases]


def public_scenarios() -> list[dict]:
    """The public answer sets of ../shared/scenarios. In a clone without ../shared beside it: the same answer
    sets as stored in the canonical content's golden scenarios (a test checks they are equal when both exist)."""
    if not SHARED_SCENARIOS.is_dir():
        golden = yaml.safe_load(CONTENT.read_text())["scenarios"]
        # the public ids (T01, S50, ...); our own golden edge cases (WHITE-LABEL-DEVELOPER, ...) are not public
        public = [case for case in golden["cases"] if re.fullmatch(r"[TS]\d+", case["id"])]
        return _merged(golden.get("defaults"), public)
    cases = []
    for path in sorted(SHARED_SCENARIOS.glob("*.yaml")):
        cases += scenario_cases(path)
    return cases


def own_scenarios() -> list[dict]:
    cases = []
    for path in sorted(OWN_SCENARIOS.glob("*.yaml")):
        cases += scenario_cases(path)
    return cases


@pytest.fixture(scope="session")
def _media_root(tmp_path_factory) -> Path:
    """Uploaded evidence and rendered reports of this test process: under pytest's temporary directory, which
    pytest-xdist gives each worker on its own, never under var/media."""
    return tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _test_storages(settings, _media_root):
    """Tests do not run collectstatic: serve static files without the hashed manifest; files go to this
    process's own media directory (against servers outside the tests, bench/cluster.sh: the servers' own, from
    MEDIA_ROOT, so that a file the test writes is the file they serve)."""
    media = {} if os.environ.get("BROWSER_BASE_URL") else {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": str(_media_root)}}}
    settings.STORAGES = {**settings.STORAGES, **media,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Production hashes passwords with PBKDF2 at a million iterations (about half a second a password, on
    purpose); tests create and sign in hundreds of users, so they hash with Django's fast MD5 hasher."""
    if os.environ.get("BROWSER_BASE_URL"):  # servers outside the tests (bench/cluster.sh) verify with their own
        return
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _upload_check_time(settings):
    """Production stops reading an uploaded PDF after 1 s of wall time. The suite runs on two loaded cores, where
    an ordinary PDF can wait longer than that for the CPU, so ordinary uploads get 5 s here; the limit itself is
    tested by calling run_limited with its own short limit (test_hardening)."""
    settings.UPLOAD_CHECK_SECONDS = 5


@pytest.fixture(autouse=True)
def _fresh_rate_limits(settings):
    """allauth counts requests in the cache: each test starts with none counted, in this process's memory (the
    database cache of CACHE_URL's default would need the database in every test; tests/test_shared_cache.py
    runs real processes on the database cache)."""
    from django.core.cache import cache

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}}

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session")
def authored():
    """The canonical questionnaire as written: placeholders such as {sr_threshold} left in its texts."""
    from questionnaire.authoring.content import canonical_spec

    return canonical_spec()


@pytest.fixture(scope="session")
def spec(authored):
    """The canonical questionnaire as people read it (core.versions.spec_for gives every page this): the
    constants filled into its texts."""
    from questionnaire.engine import texts_filled

    return texts_filled(authored)


@pytest.fixture(scope="session")
def canonical_content() -> dict:
    """The canonical content file parsed once per test process (PyYAML takes about a second and a half)."""
    from django.conf import settings

    from questionnaire.authoring.content import read_content_file

    return read_content_file(settings.QUESTIONNAIRE_CONTENT)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, canonical_content):
    """Each test database starts with the canonical questionnaire published, loaded once per test process
    (checking and publishing it takes seconds; most tests need it). A test that needs no content at all asks
    for `no_content`; a test on a live server flushes the database, and `published` then loads it again."""
    with django_db_blocker.unblock():
        _publish(canonical_content)


def _publish(canonical_content):
    """Load the canonical content with the German and French translations shipped beside it."""
    from django.conf import settings

    from questionnaire.authoring.content import load
    from questionnaire.authoring.translations import load_translations

    version = load(copy.deepcopy(canonical_content)).version
    load_translations(version, settings.QUESTIONNAIRE_CONTENT)
    return version


@pytest.fixture
def published(db, canonical_content):
    """The canonical questionnaire, published in the test database: the one loaded when the database was set
    up, or loaded now (checked, written, published) after a live-server test flushed it."""
    from questionnaire.models import QuestionnaireVersion, VersionStatus

    preloaded = (QuestionnaireVersion.objects.filter(label=canonical_content["version"], status=VersionStatus.PUBLISHED)
                 .first())
    return preloaded or _publish(canonical_content)


@pytest.fixture
def queued_renders(settings):
    """PDF renders are queued and not run (the dummy task backend): for tests that need a report or an issued
    document to exist, not its PDF (WeasyPrint takes about a second a document)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def no_content(db):
    """A database without any questionnaire version (the one published at set-up is removed for this test)."""
    from questionnaire.models import QuestionnaireVersion

    QuestionnaireVersion.objects.all().delete()


# ---- the cast (as healthchecks' hc/test.py): one organisation with an owner, an editor and a viewer, and a stranger
# who owns another organisation. Each user's e-mail address is <username>@example.org, the password PASSWORD.

PASSWORD = "correct horse battery staple"


def _member(django_user_model, username: str, organisation, role: str):
    from accounts.models import Membership

    user = django_user_model.objects.create_user(username, f"{username}@example.org", PASSWORD)
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


@pytest.fixture
def organisation(published):
    from accounts.models import Organisation

    return Organisation.objects.create(name="Acme AI")


@pytest.fixture
def owner(django_user_model, organisation):
    return _member(django_user_model, "olivia", organisation, "owner")


@pytest.fixture
def editor(django_user_model, organisation):
    return _member(django_user_model, "eddie", organisation, "editor")


@pytest.fixture
def viewer(django_user_model, organisation):
    return _member(django_user_model, "victor", organisation, "viewer")


@pytest.fixture
def stranger(django_user_model, published):
    """The owner of another organisation ("Other Labs")."""
    from accounts.models import Organisation

    return _member(django_user_model, "stranger", Organisation.objects.create(name="Other Labs"), "owner")


@pytest.fixture(autouse=True)
def _language_reset():
    """A request's language (LocaleMiddleware, MemberLanguageMiddleware activate it in the thread) does not leak into
    the next test: a German page request followed by a test rendering in the default language failed under xdist."""
    yield
    from django.utils import translation

    translation.deactivate()
