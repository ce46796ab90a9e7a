"""API latency through Django's test client: POST /api/v1/assess for the public scenarios, next to the engine
alone (engine.assess, the same function: the floor), and with a token the lists, one assessment, a section saved
and the deadlines, with 1 and 20 completed models. Prints medians (ms) after a warm-up, and the ratios.

Creates a throw-away test database (SQLite by default; PostgreSQL when DATABASE_URL points at it).
Run: .venv/bin/python bench/api.py [--rounds 40]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "compliance_checker.settings")
os.environ.setdefault("STATIC_MANIFEST", "false")
os.environ.setdefault("API_ASSESS_RATE", "1000000/m")  # the limit is not what is measured

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402


def median_ms(function, rounds: int) -> float:
    function()  # warm-up
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def run(rounds: int) -> None:
    from django.contrib.auth import get_user_model

    from accounts.api_tokens import create_token
    from questionnaire.authoring.content import load, read_content_file
    from questionnaire.core.versions import spec_for
    from questionnaire.engine import assess
    from tests.conftest import public_scenarios
    from tests.factories import completed, make_member

    version = load(read_content_file(settings.QUESTIONNAIRE_CONTENT)).version
    spec = spec_for(version)
    cases = [json.loads(json.dumps(c["answers"], default=str)) for c in public_scenarios()]
    client = Client()
    today = timezone.localdate()

    def engine_all():
        for answers in cases:
            assess(spec, answers, today)

    def http_all():
        for answers in cases:
            response = client.post("/api/v1/assess", json.dumps(answers), content_type="application/json")
            assert response.status_code == 200, response.content[:200]

    engine = median_ms(engine_all, rounds) / len(cases)
    http = median_ms(http_all, rounds) / len(cases)
    print(f"API through the test client on {connection.vendor}, medians of {rounds} rounds")
    print(f"{'':44} {'median ms':>10} {'ratio':>7}")
    print(f"{'engine.assess (one public scenario)':44} {engine:>10.2f} {1:>7.1f}")
    print(f"{'POST /api/v1/assess (one public scenario)':44} {http:>10.2f} {http / engine:>7.1f}")

    user, organisation = make_member(get_user_model(), "bench")
    organisation.name_confirmed = True
    organisation.save()
    secret = create_token(organisation, name="bench", scope="write", days=30, user=user)[1]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    first = completed(organisation, user, "T06", name="Model 0")
    for models in (1, 20):
        while organisation.ai_models.count() < models:
            completed(organisation, user, "T06", name=f"Model {organisation.ai_models.count()}")
        for path in ("/api/v1/models", "/api/v1/assessments", f"/api/v1/assessments/{first.pk}",
                     f"/api/v1/assessments/{first.pk}/gap", "/api/v1/deadlines"):
            def get(path=path):
                assert client.get(path, **headers).status_code == 200
            label = f"GET {path.replace(str(first.pk), '{id}')} ({models} models)"
            print(f"{label:44} {median_ms(get, rounds):>10.2f}")
    draft = client.post("/api/v1/assessments", json.dumps({"model_name": "Draft"}), content_type="application/json",
                        **headers).json()
    flip = iter(range(10**6))

    def save_section():
        role = "developer" if next(flip) % 2 else "integrator"
        revision = client.get(f"/api/v1/assessments/{draft['id']}", **headers).json()["revision"]
        response = client.put(f"/api/v1/assessments/{draft['id']}/sections/role", json.dumps(
            {"revision": revision, "answers": {"role": role}}), content_type="application/json", **headers)
        assert response.status_code == 200, response.content[:300]
    print(f"{'GET + PUT a section (role)':44} {median_ms(save_section, rounds):>10.2f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(args.rounds)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
