"""python manage.py prune_orphan_files [--dry-run]: delete stored files (rendered PDFs, evidence uploads) that
no row points to any more. Files younger than an hour are left alone (their row may not be committed yet)."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand

from ...core.files import orphan_files


class Command(BaseCommand):
    help = "Delete stored files that no database row points to."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, **options) -> None:
        orphans = orphan_files(default_storage)
        for name in orphans:
            if not options["dry_run"]:
                default_storage.delete(name)
        verb = "Would delete" if options["dry_run"] else "Deleted"
        self.stdout.write(f"{verb} {len(orphans)} orphan file(s).")
