"""python manage.py validate_questionnaire [PATH]: the publish-time checks, on a file or on the current draft."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from ...authoring.content import ContentInvalid, checked_spec, read_content_file
from ...authoring.translations import file_translation_status, version_translation_status
from ...core.versions import spec_for
from ...engine import lint
from ...models import QuestionnaireVersion, VersionStatus


class Command(BaseCommand):
    help = ("Run the publish-time checks on PATH, or else on the newest draft in the database, or else on "
            "questionnaire/content/gpai.yaml. Exit 1 listing every problem.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", nargs="?")

    def handle(self, *args, **options) -> None:
        path = options["path"]
        draft = None
        if path is None:
            try:
                draft = QuestionnaireVersion.objects.filter(status=VersionStatus.DRAFT).order_by("-created_at").first()
            except DatabaseError:
                draft = None
        try:
            if draft is not None:
                what = f"draft {draft.slug} {draft.label}"
                problems = lint(spec_for(draft))
                if problems:
                    raise ContentInvalid(problems)
                statuses = version_translation_status(draft)
            else:
                path = path or str(settings.QUESTIONNAIRE_CONTENT)
                what = path
                statuses = file_translation_status(checked_spec(read_content_file(path)), Path(path))
        except ContentInvalid as exc:
            lines = "\n".join(f"  - {p}" for p in exc.problems)
            raise CommandError(f"{what} does not validate ({len(exc.problems)} problems):\n{lines}") from None
        for status in statuses:  # missing or stale translations show in English, marked: a warning
            for warning in status.warnings():
                self.stderr.write(f"Warning: translation {warning}")
        self.stdout.write(f"{what}: valid.")
