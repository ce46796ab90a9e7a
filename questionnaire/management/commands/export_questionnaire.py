"""python manage.py export_questionnaire [--version V]: print a version as YAML that load_questionnaire accepts."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from ...authoring.content import export_yaml
from ...core.versions import authored_spec
from ...models import QuestionnaireVersion, VersionStatus


class Command(BaseCommand):
    help = "Print the current published version (or --version V) as YAML."

    def create_parser(self, prog_name, subcommand, **kwargs):
        # contract.md §3 names the option --version; it replaces Django's own --version flag here
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser) -> None:
        parser.add_argument("--version", dest="label", help="version label, e.g. 2025.1")
        parser.add_argument("--slug", default="gpai")

    def handle(self, *args, **options) -> None:
        versions = QuestionnaireVersion.objects.filter(slug=options["slug"])
        if options["label"]:
            version = versions.filter(label=options["label"]).first()
        else:
            version = versions.filter(status=VersionStatus.PUBLISHED).first()
        if version is None:
            wanted = options["label"] or "published"
            raise CommandError(f"no {wanted} version of {options['slug']}; run load_questionnaire first")
        self.stdout.write(export_yaml(authored_spec(version)), ending="")
