"""How long evaluating one answer set takes, and how that grows with the size of the questionnaire.

Prints the median of several runs (after a warm-up) for the canonical questionnaire and for synthetic
copies with 10x and 100x the questions (each extra section repeats the real sections with renamed codes
and facts, so the expressions are as complex as the real ones). Run: .venv/bin/python bench/engine.py
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "compliance_checker.settings")

import django  # noqa: E402
import yaml  # noqa: E402

django.setup()  # tests.factories imports the account models

from questionnaire.engine import build_spec, evaluate, parse_answers  # noqa: E402
from tests.factories import scaled_content  # noqa: E402

CONTENT = ROOT / "questionnaire" / "content" / "gpai.yaml"


def measure(spec, answers, repeat: int = 7, number: int = 200) -> float:
    evaluate(spec, answers)  # warm-up (compiles and caches the expressions)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            evaluate(spec, answers)
        times.append((time.perf_counter() - start) / number)
    return statistics.median(times)


def main() -> None:
    content = yaml.safe_load(CONTENT.read_text())
    scenarios = {s["id"]: s for s in content["scenarios"]["cases"]}
    defaults = content["scenarios"]["defaults"]
    rows = []
    baseline = None
    for factor in (1, 10, 100):
        spec = build_spec(scaled_content(content, factor))
        raw = {**defaults, **scenarios["T06"]["answers"]}
        answers = {}
        for i in range(factor):
            suffix = "" if i == 0 else f"_x{i}"
            answers.update({f"{k}{suffix}": v for k, v in raw.items()})
        parsed = parse_answers(spec, answers)
        number = max(5, 200 // factor)
        seconds = measure(spec, parsed, number=number)
        baseline = baseline or seconds
        rows.append((factor, len(spec.questions), len(spec.facts), seconds, seconds / baseline))
    print("Engine: evaluate one answer set (scenario T06), median of 7 runs after a warm-up")
    print(f"{'size':>6} {'questions':>10} {'facts':>6} {'ms per answer set':>18} {'x time':>7} "
          f"{'per question (µs)':>18}")
    for factor, questions, facts, seconds, ratio in rows:
        print(f"{factor:>5}x {questions:>10} {facts:>6} {seconds * 1000:>18.3f} {ratio:>7.1f} "
              f"{seconds / questions * 1e6:>18.2f}")


if __name__ == "__main__":
    main()
