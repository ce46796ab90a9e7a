"""python manage.py prune_reports: delete stored report PDFs older than REPORT_RETENTION_DAYS (default 10 years),
then every stored file no row points to (prune_orphan_files).

Assessments and their frozen snapshots stay; a deleted report is rendered again from the snapshot on request.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone

from ...models import RenderedDocument


class Command(BaseCommand):
    help = "Delete stored report files older than the retention period."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, **options) -> None:
        cutoff = timezone.now() - dt.timedelta(days=settings.REPORT_RETENTION_DAYS)
        old = RenderedDocument.objects.filter(rendered_at__lt=cutoff)
        count = 0
        for report in old.iterator():
            count += 1
            if not options["dry_run"]:
                if report.file:
                    report.file.delete(save=False)
                report.delete()
        verb = "Would delete" if options["dry_run"] else "Deleted"
        self.stdout.write(f"{verb} {count} report(s) rendered before {cutoff:%Y-%m-%d}.")
        call_command("prune_orphan_files", dry_run=options["dry_run"], stdout=self.stdout)
