"""System checks: `manage.py check --deploy` reports a production set-up that is not safe."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def secret_key_from_environment(app_configs, **kwargs):
    if not getattr(settings, "SECRET_KEY_FROM_ENV", True):
        return [Error("SECRET_KEY is not set in the environment (a generated key from var/ is in use).",
                      hint="Set SECRET_KEY to a long random value in production.", id="gpai.E001")]
    return []
