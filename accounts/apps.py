from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Organisations and members"
    default_auto_field = "django.db.models.BigAutoField"
