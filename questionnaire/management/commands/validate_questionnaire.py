"""python manage.py validate_questionnaire [PATH]: the publish-time checks, on a file or on the current draft."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from ...authoring.content import ContentInvalid, checked_spec, read_content_file
from ...core.versions import authored_spec
from ...engine import Spec, lint, written_out_constants
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
                spec = authored_spec(draft)
                self.warn(spec)
                problems = lint(spec)
                if problems:
                    raise ContentInvalid(problems)
            else:
                path = path or str(settings.QUESTIONNAIRE_CONTENT)
                what = path
                spec = checked_spec(read_content_file(path))
                self.warn(spec)
        except ContentInvalid as exc:
            lines = "\n".join(f"  - {p}" for p in exc.problems)
            raise CommandError(f"{what} does not validate ({len(exc.problems)} problems):\n{lines}") from None
        self.stdout.write(f"{what}: valid.")

    def warn(self, spec: Spec) -> None:
        """Warnings do not stop publishing: a constant's value written out instead of its placeholder."""
        for problem in written_out_constants(spec):
            self.stderr.write(f"warning: {problem}")
