from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class QuestionnaireConfig(AppConfig):
    name = "questionnaire"
    verbose_name = "GPAI questionnaire"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # the app's modules import its models, which exist only once the app registry is ready
        from .core import files, system_checks  # noqa: F401  (registers the system checks)
        from .core.signals import report_inputs_changed
        from .core.translations import forget_translations
        from .core.versions import forget_versions
        from .models import QuestionnaireVersion, Translation
        from .reports.services import prerender_on_change

        post_save.connect(forget_versions, sender=QuestionnaireVersion, dispatch_uid="forget_versions_saved")
        post_delete.connect(forget_versions, sender=QuestionnaireVersion, dispatch_uid="forget_versions_deleted")
        post_save.connect(forget_translations, sender=Translation, dispatch_uid="forget_translations_saved")
        post_delete.connect(forget_translations, sender=QuestionnaireVersion, dispatch_uid="forget_translated_versions")
        post_delete.connect(forget_translations, sender=Translation, dispatch_uid="forget_translations_deleted")
        files.connect()  # a row's stored files are deleted with it
        report_inputs_changed.connect(prerender_on_change, dispatch_uid="prerender_on_change")
