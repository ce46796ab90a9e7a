"""python manage.py validate_questionnaire [PATH] [--accept-results]: the publish-time checks, on a file or on the
current draft; the golden scenarios whose result changes, old against new, and (with --accept-results) their new
results accepted."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from ...authoring.content import ContentInvalid, read_content_file
from ...authoring.goldens import accept_in_file, accept_scenario_results
from ...authoring.translations import file_translation_status, version_translation_status
from ...core.versions import authored_spec
from ...engine import (
    ContentError,
    ExpressionError,
    Problem,
    ScenarioChange,
    Spec,
    build_spec,
    lint,
    scenario_changes,
    written_out_constants,
)
from ...models import QuestionnaireVersion, VersionStatus


class Command(BaseCommand):
    help = ("Run the publish-time checks on PATH, or else on the newest draft in the database, or else on "
            "questionnaire/content/gpai.yaml. Lists the golden scenarios whose result changes (old → new); "
            "--accept-results stores the new results as their expectations. Exit 1 listing every problem.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", nargs="?")
        parser.add_argument("--accept-results", action="store_true",
                            help="Accept the new results of every changed golden scenario: rewrite their "
                                 "`expected:` in PATH, or store them in the draft.")

    def handle(self, *args, **options) -> None:
        path, accept = options["path"], options["accept_results"]
        draft = None
        if path is None:
            try:
                draft = QuestionnaireVersion.objects.filter(status=VersionStatus.DRAFT).order_by("-created_at").first()
            except DatabaseError:
                draft = None
        what = f"draft {draft.slug} {draft.label}" if draft is not None else (
            path or str(settings.QUESTIONNAIRE_CONTENT))
        try:
            spec = authored_spec(draft) if draft is not None else self.file_spec(what)
            self.warn(spec)
            changes = self.changed_scenarios(spec)
            if changes and accept:
                if draft is not None:
                    accepted = accept_scenario_results(draft)
                    spec = authored_spec(draft)
                else:
                    file = Path(what)
                    accepted = [c for c in changes if not c.error]
                    file.write_text(accept_in_file(file.read_text(encoding="utf-8"), accepted), encoding="utf-8")
                    spec = self.file_spec(what)
                self.stdout.write(f"Accepted the new results of {len(accepted)} golden scenario"
                                  f"{'s' if len(accepted) != 1 else ''}: {', '.join(c.id for c in accepted)}.")
            elif changes:
                self.stdout.write("Review them; --accept-results accepts the new results.")
            problems = lint(spec)
            if problems:
                raise ContentInvalid(problems)
            # missing or stale translations show in English, marked: a warning, not a problem
            statuses = (version_translation_status(draft) if draft is not None
                        else file_translation_status(spec, Path(what)))
        except ContentInvalid as exc:
            lines = "\n".join(f"  - {p}" for p in exc.problems)
            raise CommandError(f"{what} does not validate ({len(exc.problems)} problems):\n{lines}") from None
        for status in statuses:  # missing or stale translations show in English, marked: a warning
            for warning in status.warnings():
                self.stderr.write(f"Warning: translation {warning}")
        self.stdout.write(f"{what}: valid.")

    def file_spec(self, path: str) -> Spec:
        try:
            return build_spec(read_content_file(path))
        except ContentError as exc:
            raise ContentInvalid([Problem(exc.where, exc.message)]) from None

    def changed_scenarios(self, spec: Spec) -> list[ScenarioChange]:
        """Print each golden scenario whose result changes, old → new."""
        try:
            changes = scenario_changes(spec)
        except ExpressionError:
            return []  # the lint names the expression
        if changes:
            self.stdout.write(f"{len(changes)} golden scenario{'s' if len(changes) != 1 else ''} "
                              "give a different result:")
        for change in changes:
            self.stdout.write(f"  scenario {change.id} ({change.description})")
            if change.error:
                self.stdout.write(f"    cannot be evaluated: {change.error}")
            for key, old, new in change.differences:
                self.stdout.write(f"    {key}: {old!r} → {new!r}")
        return changes

    def warn(self, spec: Spec) -> None:
        """Warnings do not stop publishing: a constant's value written out instead of its placeholder."""
        for problem in written_out_constants(spec):
            self.stderr.write(f"warning: {problem}")
