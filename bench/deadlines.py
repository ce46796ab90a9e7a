"""How long the ranked deadlines take (`questionnaire.deadlines.ranked`), with the calendar feed and the digest
built from them, and how that grows with the organisation: 2, 10 and 30 current assessments (systemic-risk and
plain models, an open incident and gap records with due dates on each systemic one).

Prints, per size, the median of several runs after a warm-up: ranked(), the calendar's bytes (icalendar), one
member's digest rendered (text and HTML), the number of deadlines and of database queries of one ranked() call
(constant as the organisation grows). Works on the database of DATABASE_URL (default: SQLite under var/), inside a
transaction that is rolled back: nothing is left behind.
Run: .venv/bin/python bench/deadlines.py [--runs 7]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "compliance_checker.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import Membership, Organisation  # noqa: E402
from questionnaire.deadlines import organisation_today, ranked  # noqa: E402
from questionnaire.deadlines.calendar import feed  # noqa: E402
from questionnaire.deadlines.reminders import digest_for, render_digest  # noqa: E402
from questionnaire.legal_documents.store import new_numbered_document  # noqa: E402
from questionnaire.models import GapItem  # noqa: E402
from tests.factories import completed  # noqa: E402


class Rollback(Exception):
    pass


def median_ms(fn, runs: int) -> float:
    fn()  # warm-up (specs cached)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def organisation_with(models: int):
    user = get_user_model().objects.create_user(f"bench-{models}", f"bench{models}@example.com", "x")
    organisation = Organisation.objects.create(name=f"Bench {models}")
    membership = Membership.objects.create(user=user, organisation=organisation, role="owner",
                                           reminder_frequency="daily")
    today = organisation_today(organisation)
    for i in range(models):
        if i % 2 == 0:
            assessment = completed(organisation, user, "T05", name=f"Systemic {i}")
            entry = new_numbered_document(assessment, "serious_incident", user=user)
            entry.values = {**entry.values, "harm_category": ["health"], "causal_link_status": "reasonably_likely",
                            "awareness_datetime": f"{today - dt.timedelta(days=i % 9):%Y-%m-%d}T08:00"}
            entry.save()
            for n, measure in enumerate(assessment.snapshot["result"]["code_measures"][:12]):
                GapItem.objects.create(assessment=assessment, measure=measure, status="planned", revision=1,
                                       owner=user, due_date=today + dt.timedelta(days=n * 5 - 20))
        else:
            completed(organisation, user, "T01", name=f"Plain {i}")
    return organisation, membership


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    call_command("load_questionnaire", verbosity=0)  # the canonical questionnaire, published if it is not yet
    print(f"{'models':>6} {'deadlines':>9} {'queries':>7} {'ranked ms':>10} {'calendar ms':>12} {'digest ms':>10}")
    try:
        with transaction.atomic():
            for size in (2, 10, 30):
                organisation, membership = organisation_with(size)
                with CaptureQueriesContext(connection) as queries:
                    items = ranked(organisation)
                ranked_ms = median_ms(lambda o=organisation: ranked(o), args.runs)
                calendar_ms = median_ms(lambda i=items, o=organisation: feed(
                    i, organisation_name=o.name, site="https://example.org", zone="Europe/Brussels"), args.runs)
                day = organisation_today(organisation)
                digest_ms = median_ms(lambda m=membership, i=items, day=day: render_digest(
                    digest_for(m, day, i), "https://example.org"), args.runs)
                print(f"{size:>6} {len(items):>9} {len(queries):>7} {ranked_ms:>10.1f} {calendar_ms:>12.1f} "
                      f"{digest_ms:>10.1f}")
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
