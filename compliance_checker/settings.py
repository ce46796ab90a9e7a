"""The one settings module, read from the environment. Bad values fail loudly at start-up.

Environment variables (see .env.example and README.md):
  DATABASE_URL          default sqlite:///var/db.sqlite3 (quick start); postgres://... in CI and production
  SECRET_KEY            required in production; without it a random key is kept in var/secret_key
  DEBUG                 true/false, default false
  ALLOWED_HOSTS         comma-separated, default "localhost,127.0.0.1" (plus "testserver" under DEBUG)
  CSRF_TRUSTED_ORIGINS  comma-separated origins, e.g. https://gpai.example.org
  SECURE_SSL            true when served over HTTPS (secure cookies, HSTS, redirect); default false
  BEHIND_PROXY          true behind a TLS-terminating proxy that sets X-Forwarded-Proto and X-Forwarded-For
  PROXY_COUNT           with BEHIND_PROXY: how many trusted proxies append to X-Forwarded-For (default 1)
  SIGNUP_OPEN           true (default): anyone can create an account and organisation; false for a closed deployment
  TASKS_BACKEND         immediate (default) or database (with `manage.py task_worker`)
  REPORT_PRERENDER      render reports on completion and gap changes (default: on with the database backend)
  EMAIL_URL             smtp://user:password@host:587 (or EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER,
                        EMAIL_HOST_PASSWORD, EMAIL_USE_TLS, EMAIL_USE_SSL); required in production
  MAX_REQUEST_BYTES     largest request body accepted (default 11 MB); larger is refused with 413 unread
"""

from __future__ import annotations

import json
import os
import re
import secrets
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, "").strip() or default


def _secret_key() -> str:
    """SECRET_KEY from the environment; otherwise a random key kept in var/ (never in the repository),
    so a fresh clone's commands work with no environment. `check --deploy` reports the fallback."""
    key = os.environ.get("SECRET_KEY", "").strip()
    if key:
        return key
    path = VAR_DIR / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    # Written whole under a private name, then linked into place: processes starting together on a fresh clone
    # (the test workers of `make test`) all end up with the one key that was linked first, never a half-written one.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    draft = VAR_DIR / f"secret_key.{os.getpid()}.{secrets.token_hex(4)}"
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_urlsafe(50))
    try:
        os.link(draft, path)
    except FileExistsError:
        pass
    finally:
        draft.unlink()
    return path.read_text().strip()


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = _secret_key()
SECRET_KEY_FROM_ENV = bool(os.environ.get("SECRET_KEY", "").strip())
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1")
if DEBUG:
    ALLOWED_HOSTS += ["testserver", "[::1]"]
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "formtools",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "csp",
    "accounts",
    "questionnaire",
]

MIDDLEWARE = [
    "compliance_checker.observability.RequestIdMiddleware",
    "compliance_checker.faults.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "compliance_checker.guards.RequestGuardMiddleware",  # size cap and NUL bytes, before the body is read
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",  # the language: cookie (set by /i18n/setlang/), else Accept-Language
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.language.MemberLanguageMiddleware",  # a signed-in member's remembered language wins
    "compliance_checker.guards.NoStoreMiddleware",  # Cache-Control: no-store for signed-in users
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.SecondFactorMiddleware",  # staff in the admin, members of organisations requiring it
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",  # last: it answers locked-out sign-ins
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out sign-ins
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",  # sign-in with the e-mail address too
]
# Brute-force protection in two layers (docs/decisions.md):
# - django-axes locks one account *from one address* after AXES_FAILURE_LIMIT failures for AXES_COOLOFF_MINUTES,
#   kept in the database (shared by every worker); an attacker elsewhere cannot lock the real user out;
# - allauth's rate limits (ACCOUNT_RATE_LIMITS) cap failed sign-ins per address and per account, password-reset
#   requests per address and per account, and sign-ups per address.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "accounts.audit.client_ip"  # the same client address as the audit log

# ---- accounts (django-allauth): sign-in with username or e-mail, sign-up with e-mail verification, MFA
ACCOUNT_SIGNUP_OPEN = env_bool("SIGNUP_OPEN", True)
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {"login": "accounts.forms.SignInForm", "signup": "accounts.forms.SignUpForm",
                 "reset_password": "accounts.forms.PasswordResetRequestForm",
                 "reset_password_from_key": "accounts.forms.NewPasswordForm"}
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_SESSION_REMEMBER = True  # sessions last SESSION_COOKIE_AGE, as before
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_PRESERVE_USERNAME_CASING = True
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False  # no mail to an address without an account (no spam through our form)
ACCOUNT_RATE_LIMITS = {
    "login": env_str("RATE_LIMIT_LOGIN", "30/m/ip"),
    # failed sign-ins: per address, and per account from any address (a distributed guess); a successful
    # password reset clears the account's count
    "login_failed": env_str("RATE_LIMIT_LOGIN_FAILED", "10/m/ip,20/h/key"),
    "reset_password": env_str("RATE_LIMIT_RESET_PASSWORD", "20/m/ip,5/h/key"),
    "reset_password_from_key": "20/m/ip",
    "signup": env_str("RATE_LIMIT_SIGNUP", "10/h/ip"),
}
INVITATION_DAYS = env_int("INVITATION_DAYS", 7)  # an invitation link works this long
# An organisation (and an owner, over all their organisations) sends at most this many invitations an hour and
# has at most this many open at once: invitations go to outside addresses, so they must not relay mail in bulk.
INVITATIONS_PER_HOUR = env_int("INVITATIONS_PER_HOUR", 10)
OPEN_INVITATIONS_MAX = env_int("OPEN_INVITATIONS_MAX", 20)
# POST /api/v1/assess needs no account: at most this many calls per client address (Django's cache counts them)
API_ASSESS_RATE = env_str("API_ASSESS_RATE", "60/m")
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "GPAI compliance checker"
# Members of an organisation whose owner requires it, and every staff user in the admin, need a second factor.

ROOT_URLCONF = "compliance_checker.urls"
WSGI_APPLICATION = "compliance_checker.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.organisation",
            ],
        },
    },
]

# ---- database: one URL; SQLite under var/ for the quick start
DEFAULT_DATABASE_URL = f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
DATABASE_URL = os.environ.get("DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL
if DATABASE_URL == DEFAULT_DATABASE_URL:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
try:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
                                                  conn_health_checks=True)}
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {exc}") from None
# Behind PgBouncer in transaction pooling (docs/deploy.md): no server-side cursors, which outlive a transaction.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env_bool("DISABLE_SERVER_SIDE_CURSORS", False)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages (contract §6): English is the source and the default; each further language is a catalogue in
# locale/<code>/LC_MESSAGES/django.po (docs/i18n.md). Dates and numbers follow the language's Django formats;
# English keeps the British day-month-year order (compliance_checker/formats/en).
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("de", "Deutsch"), ("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["compliance_checker.formats"]
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
if STATIC_ROOT.is_relative_to(VAR_DIR):
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise expects it, even before collectstatic
# Files (report PDFs, evidence) go through Django's storage API only, so that web and worker processes on several
# machines share them: a shared volume (MEDIA_ROOT) or an object store (STORAGE_BACKEND, e.g.
# storages.backends.s3.S3Storage after installing django-storages, with STORAGE_OPTIONS as JSON).
try:
    _STORAGE_OPTIONS = json.loads(os.environ.get("STORAGE_OPTIONS", "").strip() or "null")
except ValueError as exc:
    raise ImproperlyConfigured(f"STORAGE_OPTIONS must be a JSON object: {exc}") from None
STORAGES = {
    "default": {"BACKEND": os.environ.get("STORAGE_BACKEND", "").strip()
                or "django.core.files.storage.FileSystemStorage",
                "OPTIONS": _STORAGE_OPTIONS if isinstance(_STORAGE_OPTIONS, dict)
                else {"location": str(Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media")))}},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
                    if not DEBUG and env_bool("STATIC_MANIFEST", True)
                    else "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# ---- request guards (compliance_checker/guards.py): a request body above this is refused (413) unread.
# An uploaded PDF is read in a child process stopped after this many seconds of wall time (core/uploads.py)
UPLOAD_CHECK_SECONDS = env_int("UPLOAD_CHECK_SECONDS", 1)
MAX_REQUEST_BYTES = env_int("MAX_REQUEST_BYTES", 11 * 1024 * 1024)

# ---- security: secure by default behind HTTPS (SECURE_SSL=true in production)
SECURE_SSL = env_bool("SECURE_SSL", False)
SESSION_COOKIE_SECURE = SECURE_SSL
CSRF_COOKIE_SECURE = SECURE_SSL
SECURE_SSL_REDIRECT = SECURE_SSL and env_bool("SECURE_SSL_REDIRECT", True)
# the container's health check asks gunicorn over plain HTTP (compliance_checker/healthcheck.py)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000) if SECURE_SSL else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_SSL
SECURE_HSTS_PRELOAD = SECURE_SSL and env_bool("SECURE_HSTS_PRELOAD", True)
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
# How many trusted proxies append the client address to X-Forwarded-For; the client is the entry that many
# from the right. Without BEHIND_PROXY the header is ignored (anyone can send it).
PROXY_COUNT = env_int("PROXY_COUNT", 1) if BEHIND_PROXY else 0
ALLAUTH_TRUSTED_PROXY_COUNT = PROXY_COUNT
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 8)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content Security Policy (django-csp): our own scripts and styles only, no inline script, no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    },
}

# ---- e-mail: SMTP configured from the environment (EMAIL_URL, or EMAIL_HOST/EMAIL_PORT/EMAIL_HOST_USER/
# EMAIL_HOST_PASSWORD/EMAIL_USE_TLS/EMAIL_USE_SSL). The console backend (it prints mails, reset links included,
# to the log) is the default only under DEBUG; `check --deploy` refuses it otherwise (gpai.E002).
def _email_url(url: str) -> dict:
    """smtp://user:password@host:587 (STARTTLS with ?tls=true, the default on 587) or smtps://... (TLS)."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ImproperlyConfigured("EMAIL_URL must look like smtp://user:password@host:587 or smtps://host:465")
    query = {k: v[-1].lower() for k, v in parse_qs(parts.query).items()}
    ssl = parts.scheme == "smtps"
    return {"EMAIL_HOST": parts.hostname, "EMAIL_PORT": parts.port or (465 if ssl else 587),
            "EMAIL_HOST_USER": unquote(parts.username or ""), "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
            "EMAIL_USE_SSL": ssl,
            "EMAIL_USE_TLS": not ssl and query.get("tls", "true" if (parts.port or 587) == 587 else "false") in _TRUE}


EMAIL_URL = os.environ.get("EMAIL_URL", "").strip()
if EMAIL_URL:
    globals().update(_email_url(EMAIL_URL))
else:
    EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
    EMAIL_PORT = env_int("EMAIL_PORT", 25)
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_CONFIGURED = bool(EMAIL_URL or os.environ.get("EMAIL_HOST", "").strip())
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "").strip() or (
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend")
# With EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend: the folder each process writes its mails to
# (bench/cluster.sh: the browser tests read the servers' mails there)
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", "").strip() or str(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "gpai-checker@localhost")
# E-mail owners and editors when a newly published rules version would change a model's current assessment.
RULES_CHANGE_EMAILS = env_bool("RULES_CHANGE_EMAILS", True)
# Where the site is served, for links in e-mails sent from background tasks (no request to build them from).
SITE_URL = os.environ.get("SITE_URL", "").rstrip("/")

# ---- cache (CACHE_URL): one cache for every process, because allauth's rate limits (failed sign-ins, password
# resets, sign-ups) and its second-factor replay protection (a TOTP code is accepted once) count in it. A per-process
# cache would count each gunicorn worker apart. redis://host:6379/0 for deployments (Django's RedisCache);
# db://table (the default, db://gpai_cache: Django's DatabaseCache, its table made by `migrate`); locmem:// only
# under DEBUG (`check --deploy` refuses a per-process cache with DEBUG off: gpai.E004).
def _cache(url: str) -> dict:
    parts = urlsplit(url)
    name = parts.netloc or parts.path.lstrip("/")
    if parts.scheme in ("redis", "rediss"):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url, "KEY_PREFIX": "gpai"}
    if parts.scheme == "db" and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name or "gpai_cache"):
        return {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": name or "gpai_cache",
                "OPTIONS": {"MAX_ENTRIES": 100_000}}
    if parts.scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": name or "gpai"}
    raise ImproperlyConfigured("CACHE_URL must look like redis://host:6379/0, db://gpai_cache or locmem://")


CACHE_URL = os.environ.get("CACHE_URL", "").strip() or "db://gpai_cache"
CACHES = {"default": _cache(CACHE_URL)}

# ---- background tasks (PDF rendering): "immediate" runs in the request (quick start, tests);
# "database" queues them in the database for `python manage.py task_worker` (docker-compose, production)
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "immediate").strip().lower()
_TASK_BACKENDS = {"immediate": "django_tasks.backends.immediate.ImmediateBackend",
                  "database": "django_tasks_db.DatabaseBackend",
                  "dummy": "django_tasks.backends.dummy.DummyBackend"}
if TASKS_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(f"TASKS_BACKEND must be one of {', '.join(_TASK_BACKENDS)}, not {TASKS_BACKEND!r}")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASKS_BACKEND], "QUEUES": ["default"]}}
# Render a report in the background as soon as its assessment is completed (and again when its gap records change),
# so that the download is normally instant. Off with the immediate backend, which would render inside the request.
REPORT_PRERENDER = env_bool("REPORT_PRERENDER", TASKS_BACKEND == "database")

# Every PDF is rendered in the background (questionnaire/rendering/queue.py): a member may have this many renders
# waiting at once (beyond it: 429), and a render running longer than the lease is taken to have lost its worker.
RENDER_LIMIT_PER_MEMBER = env_int("RENDER_LIMIT_PER_MEMBER", 3)
RENDER_LEASE_SECONDS = env_int("RENDER_LEASE_SECONDS", 60)
# An organisation may have this many renders waiting at once, prerenders included (a member's request beyond it:
# 429; a prerender beyond it is skipped, and the report is rendered when someone asks for it).
RENDER_LIMIT_PER_ORGANISATION = env_int("RENDER_LIMIT_PER_ORGANISATION", 10)
# Every render runs in a child process (rendering/isolation.py) with these hard limits; past them it is stopped and
# fails with a message. The worker beats a heartbeat every RENDER_HEARTBEAT_SECONDS meanwhile (the lease runs
# from the last beat).
RENDER_CPU_SECONDS = env_int("RENDER_CPU_SECONDS", 60)
RENDER_MEMORY_MB = env_int("RENDER_MEMORY_MB", 1024)
RENDER_HEARTBEAT_SECONDS = env_int("RENDER_HEARTBEAT_SECONDS", 5)

# Rendered reports are kept this long (default ten years, the Code's retention), then `prune_reports` deletes them.
REPORT_RETENTION_DAYS = env_int("REPORT_RETENTION_DAYS", 3653)

# The canonical questionnaire content loaded by `load_questionnaire` without a path.
QUESTIONNAIRE_CONTENT = BASE_DIR / "questionnaire" / "content" / "gpai.yaml"

LOG_FORMAT = os.environ.get("LOG_FORMAT", "text" if DEBUG else "json").strip().lower()
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or text, not {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "compliance_checker.observability.RequestIdFilter"},
                "redact": {"()": "compliance_checker.observability.RedactSecretsFilter"}},
    "formatters": {
        "json": {"()": "compliance_checker.observability.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT,
                             "filters": ["request_id", "redact"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}, "weasyprint": {"level": "WARNING"},
                "axes": {"level": "WARNING"}, "django_tasks": {"level": "WARNING"},
                "fontTools": {"level": "WARNING"}},
}
