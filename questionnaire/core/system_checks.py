"""System checks: `manage.py check --deploy` reports a production set-up that is not safe."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security, deploy=True)
def secret_key_from_environment(app_configs, **kwargs):
    if not getattr(settings, "SECRET_KEY_FROM_ENV", True):
        return [Error("SECRET_KEY is not set in the environment (a generated key from var/ is in use).",
                      hint="Set SECRET_KEY to a long random value in production.", id="gpai.E001")]
    return []


@register(Tags.compatibility, deploy=True)
def harfbuzz_subset_installed(app_configs, **kwargs):
    """Without HarfBuzz's subsetter WeasyPrint falls back to fontTools: slower, and the font tables carry the
    time of rendering, so two renders of one snapshot are no longer the same bytes."""
    from weasyprint.text.ffi import harfbuzz_subset  # heavy: WeasyPrint is loaded only where PDFs are made

    if harfbuzz_subset is None:
        return [Warning("HarfBuzz-Subset is not installed: reports render slower and are not byte-for-byte "
                        "reproducible.", hint="Install the Debian package libharfbuzz-subset0.", id="gpai.W001")]
    return []


DEVELOPMENT_MAIL_BACKENDS = ("console", "locmem", "dummy", "filebased")


@register(Tags.security, deploy=True)
def email_sent_through_smtp(app_configs, **kwargs):
    """Outside DEBUG, mail (password resets, invitations) goes out through a configured SMTP server: the
    console backend would write every reset link to the log, and deliver nothing."""
    if settings.DEBUG:
        return []
    backend = settings.EMAIL_BACKEND.lower()
    if any(f".{name}." in backend for name in DEVELOPMENT_MAIL_BACKENDS):
        return [Error(f"EMAIL_BACKEND is {settings.EMAIL_BACKEND} with DEBUG off: mail is not delivered and its "
                      "links (password resets, invitations) are written to the log.",
                      hint="Set EMAIL_URL=smtp://user:password@host:587 (or EMAIL_HOST and friends) and unset "
                           "EMAIL_BACKEND.", id="gpai.E002")]
    if backend.endswith("smtp.emailbackend") and not getattr(settings, "EMAIL_CONFIGURED", True):
        return [Error("No SMTP server is configured: mail would go to localhost:25.",
                      hint="Set EMAIL_URL=smtp://user:password@host:587 (or EMAIL_HOST).", id="gpai.E003")]
    return []


PER_PROCESS_CACHES = ("locmem", "dummy")


@register(Tags.security, deploy=True)
def cache_shared_by_every_process(app_configs, **kwargs):
    """Outside DEBUG, the cache is shared by every process (CACHE_URL: Redis or the database): allauth's rate
    limits and its single-use second-factor codes count in it, and a per-process cache counts each worker apart
    (five workers, five times the guesses, a code accepted once per worker)."""
    if settings.DEBUG:
        return []
    backend = settings.CACHES["default"]["BACKEND"].lower()
    if any(f".{name}." in backend for name in PER_PROCESS_CACHES):
        return [Error(f"The cache is {settings.CACHES['default']['BACKEND']} with DEBUG off: every process counts "
                      "failed sign-ins and used second-factor codes on its own.",
                      hint="Set CACHE_URL=redis://host:6379/0, or db://gpai_cache (the default).",
                      id="gpai.E004")]
    return []
