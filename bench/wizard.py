"""Wizard throughput: drive complete assessments through Django's test client and time every section.

Creates a throw-away test database (SQLite by default; PostgreSQL when DATABASE_URL points at it), loads
the questionnaire, then completes assessments for several scenarios, GET and POST of every section,
after a warm-up run. Prints median and p95 per GET and per POST, and steps per second.
Run: .venv/bin/python bench/wizard.py [--assessments 30]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "compliance_checker.settings")
os.environ.setdefault("STATIC_MANIFEST", "false")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

SCENARIO_IDS = ("T01", "T06", "T26", "T08", "T39")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def run(assessments: int) -> None:
    from django.contrib.auth import get_user_model

    from questionnaire.authoring.content import load, read_content_file
    from questionnaire.core.versions import spec_for
    from tests.conftest import public_scenarios
    from tests.factories import make_member, new_assessment
    from tests.wizard_driver import SECTION_URL, form_value

    version = load(read_content_file(settings.QUESTIONNAIRE_CONTENT)).version
    spec = spec_for(version)
    user, organisation = make_member(get_user_model(), "bench")
    client = Client()
    client.force_login(user)
    scenarios = {c["id"]: c for c in public_scenarios()}
    gets: list[float] = []
    posts: list[float] = []

    def complete_one(answers, record: bool) -> None:
        assessment = new_assessment(organisation, user, name=f"model-{time.perf_counter_ns()}")
        response = client.get(reverse("resume", kwargs={"assessment_id": assessment.pk}))
        while (match := SECTION_URL.search(response["Location"])) is not None:
            section = match.group("section")
            url = response["Location"]
            start = time.perf_counter()
            page = client.get(url)
            get_time = time.perf_counter() - start
            html = page.content.decode()
            import re

            data = {f"assessment-{assessment.pk}-current_step": section,
                    "seen_revision": re.search(r'name="seen_revision" value="(\d+)"', html).group(1)}
            for code in re.findall(r'data-question="(\w+)"', html):
                value = form_value(spec.questions[code].type.value, answers.get(code))
                if value not in ("", []):
                    data[f"{section}-{code}"] = value
            start = time.perf_counter()
            response = client.post(url, data)
            post_time = time.perf_counter() - start
            assert response.status_code == 302, (section, response.status_code)
            if record:
                gets.append(get_time)
                posts.append(post_time)
        client.post(reverse("complete", kwargs={"assessment_id": assessment.pk}))

    complete_one(scenarios["T01"]["answers"], record=False)  # warm-up
    started = time.perf_counter()
    for i in range(assessments):
        complete_one(scenarios[SCENARIO_IDS[i % len(SCENARIO_IDS)]]["answers"], record=True)
    elapsed = time.perf_counter() - started
    steps = len(gets)
    print(f"Wizard through the test client on {connection.vendor}: {assessments} assessments, {steps} sections")
    print(f"{'':6} {'median ms':>10} {'p95 ms':>8}")
    for name, values in (("GET", gets), ("POST", posts)):
        print(f"{name:6} {statistics.median(values) * 1000:>10.2f} {percentile(values, 95) * 1000:>8.2f}")
    print(f"sections (GET + POST) per second: {steps / elapsed:.1f}; requests per second: {2 * steps / elapsed:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--assessments", type=int, default=30)
    args = parser.parse_args()
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(args.assessments)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
