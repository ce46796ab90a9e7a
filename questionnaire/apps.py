from django.apps import AppConfig


class QuestionnaireConfig(AppConfig):
    name = "questionnaire"
    verbose_name = "GPAI questionnaire"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from . import (
            checks,  # noqa: F401  (registers the system checks)
            files,
        )
        from .models import QuestionnaireVersion
        from .versions import forget_versions

        post_save.connect(forget_versions, sender=QuestionnaireVersion, dispatch_uid="forget_versions_saved")
        post_delete.connect(forget_versions, sender=QuestionnaireVersion, dispatch_uid="forget_versions_deleted")
        files.connect()  # a row's stored files are deleted with it
