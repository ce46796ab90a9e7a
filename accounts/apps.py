from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Organisations and members"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # adapter and audit use the models, which exist only once the app registry is ready
        from . import adapter, audit, language  # noqa: F401  (connect the sign-in signals and the trusted-address signal)
