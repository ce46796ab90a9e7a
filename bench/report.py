"""PDF report rendering: time (median of 5 after a warm-up), pages, ms per page, peak memory.

Cases: the largest report (a systemic-risk model with a full gap analysis of all 40 Code measures) and a
small one (a deployer, out of scope). Uses the canonical questionnaire; no database.
Run: .venv/bin/python bench/report.py
"""

from __future__ import annotations

import datetime as dt
import os
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "compliance_checker.settings")
os.environ.setdefault("STATIC_MANIFEST", "false")

import django  # noqa: E402

django.setup()

from questionnaire.engine import evaluate, parse_answers  # noqa: E402
from questionnaire.pdf import render_pdf  # noqa: E402
from questionnaire.services import canonical_spec  # noqa: E402
from questionnaire.services.assessments import build_snapshot, snapshot_hash  # noqa: E402
from tests.conftest import public_scenarios  # noqa: E402

STATUSES = ("Implemented", "Partially implemented", "Planned", "Not started")


def case(spec, scenario_id: str, *, gap: bool):
    scenario = next(c for c in public_scenarios() if c["id"] == scenario_id)
    answers = parse_answers(spec, scenario["answers"])
    result = evaluate(spec, answers, today=dt.date(2026, 11, 21))
    stored = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in answers.items()}
    snapshot = build_snapshot(spec, result, stored, assessment_id="00000000-0000-4000-8000-000000000000",
                              title="v1.0", organisation="Example AI Ltd", model=f"Scenario {scenario_id}",
                              completed_at=dt.datetime(2026, 11, 21, 10, 0, tzinfo=dt.UTC),
                              completed_by="bench", revision=1)
    gap_analysis = {}
    if gap:
        for i, measure_id in enumerate(result.code_measures):
            gap_analysis[measure_id] = {
                "status_label": STATUSES[i % len(STATUSES)], "owner": f"Owner {i % 5}",
                "due_date": f"2027-0{1 + i % 9}-15",
                "evidence": "Policy document v3 (internal wiki), approved by the board on 2026-10-01; "
                            "review minutes and the evaluation report archived in the compliance folder.",
            }
    return snapshot, snapshot_hash(snapshot), gap_analysis


def measure(spec, snapshot, digest, gap, runs: int = 5):
    render_pdf(spec, snapshot, digest, gap_analysis=gap)  # warm-up (fonts, templates, CSS)
    times, pages = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        rendered = render_pdf(spec, snapshot, digest, gap_analysis=gap)
        times.append(time.perf_counter() - start)
        pages = rendered.pages
    tracemalloc.start()
    render_pdf(spec, snapshot, digest, gap_analysis=gap)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return statistics.median(times), pages, peak, len(rendered.pdf)


def main() -> None:
    spec = canonical_spec()
    print("Report rendering (WeasyPrint, PDF/A-3a, tagged), median of 5 runs after a warm-up")
    print(f"{'case':<46} {'pages':>5} {'median s':>9} {'ms/page':>8} {'peak MiB':>9} {'PDF KiB':>8}")
    for label, scenario_id, gap in (("largest: T06 systemic risk + full gap analysis", "T06", True),
                                    ("small: T38 deployer (out of scope)", "T38", False)):
        snapshot, digest, gap_analysis = case(spec, scenario_id, gap=gap)
        seconds, pages, peak, size = measure(spec, snapshot, digest, gap_analysis)
        print(f"{label:<46} {pages:>5} {seconds:>9.3f} {seconds / pages * 1000:>8.1f} {peak / 2**20:>9.1f} "
              f"{size / 1024:>8.0f}")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process peak RSS: {rss:.0f} MiB (Python heap peak per render above, from tracemalloc)")


if __name__ == "__main__":
    main()
