"""python manage.py load_questionnaire [PATH]: publish the content as a new version if it changed."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ...authoring.content import ContentInvalid, load, read_content_file
from ...authoring.translations import load_translations


class Command(BaseCommand):
    help = "Load questionnaire/content/gpai.yaml (or PATH); publish it as a new version if its content changed."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", nargs="?", default=str(settings.QUESTIONNAIRE_CONTENT))

    def handle(self, *args, **options) -> None:
        path = options["path"]
        try:
            outcome = load(read_content_file(path))
        except ContentInvalid as exc:
            lines = "\n".join(f"  - {p}" for p in exc.problems)
            raise CommandError(f"{path} does not validate ({len(exc.problems)} problems):\n{lines}") from None
        self.stdout.write(outcome.message)
        # the translations shipped beside the content (gpai.de.yaml, gpai.fr.yaml): loaded into the file's version
        # (published now, before, or waiting as a draft); what is missing or stale is a warning, not an error (it
        # shows in English, marked)
        for status in load_translations(outcome.version, Path(path)):
            for warning in status.warnings():
                self.stderr.write(f"Warning: translation {warning}")
