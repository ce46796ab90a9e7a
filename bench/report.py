"""PDF report rendering against the engine's floor, in one run.

For the largest report (T06, a systemic-risk model with a full gap analysis of every applicable Code measure)
and a small one (T38, a deployer, out of scope) it prints, side by side:

- report: `render_pdf` (template, layout, PDF/A-3a writing with tags, bookmarks, the attachment);
- floor: the same words laid out by WeasyPrint as plain paragraphs (one <p> per block of the report's HTML,
  the same fonts and font size, A4, no other styling), written the same way (PDF/A-3a, tagged, with the same
  JSON attachment), so the ratio is the cost of the report's structure and styling, not of the archive format;
- their ratio (of the medians, and of the fastest runs, which noise touches least), pages, PDF size.

Each figure is the median of several runs after a warm-up, report and floor interleaved so that noise on the
shared machine hits both alike; compare ratios within one run. The process pins itself to CPU 0 (as
`taskset -c 0` would) unless --no-pin is given.
Run: .venv/bin/python bench/report.py [--runs 5] [--phases] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import html
import os
import pstats
import statistics
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "compliance_checker.settings")
os.environ.setdefault("STATIC_MANIFEST", "false")

import django  # noqa: E402

django.setup()

from questionnaire.assessments.services import build_snapshot  # noqa: E402
from questionnaire.authoring.content import canonical_spec  # noqa: E402
from questionnaire.engine import canonical_hash, evaluate, parse_answers  # noqa: E402
from questionnaire.rendering import pdf  # noqa: E402
from questionnaire.reports import pdf as reports_pdf  # noqa: E402
from tests.conftest import public_scenarios  # noqa: E402

STATUSES = ("Implemented", "Partially implemented", "Planned", "Not started")
BLOCKS = {"p", "li", "td", "th", "h1", "h2", "h3", "h4", "div", "dt", "dd", "caption", "figcaption"}
FLOOR_CSS = """
@font-face { font-family: "Report Sans"; src: url("../fonts/DejaVuSans.ttf"); }
@page { size: A4; margin: 22mm 16mm 20mm 16mm; }
html { font-family: "Report Sans"; font-size: 9.5pt; line-height: 1.4; }
"""


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
                "status": ("implemented", "partially_implemented", "planned", "not_started")[i % 4],
                "status_label": STATUSES[i % len(STATUSES)], "owner": f"Owner {i % 5}",
                "due_date": f"2027-0{1 + i % 9}-15",
                "evidence": "Policy document v3 (internal wiki), approved by the board on 2026-10-01; "
                            "review minutes and the evaluation report archived in the compliance folder.",
            }
        snapshot = {**snapshot, "gap_analysis": gap_analysis}
    return snapshot, canonical_hash(snapshot), gap_analysis


class _Words(HTMLParser):
    """The text of each block element of the report, in order (the words the floor lays out)."""

    def __init__(self) -> None:
        super().__init__()
        self.blocks: list[str] = []
        self.current: list[str] = []
        self.skip = 0

    def _flush(self) -> None:
        text = " ".join("".join(self.current).split())
        if text:
            self.blocks.append(text)
        self.current = []

    def handle_starttag(self, tag, attrs):
        if tag in ("head", "style", "script"):
            self.skip += 1
        elif tag in BLOCKS or tag == "br":
            self._flush()

    def handle_endtag(self, tag):
        if tag in ("head", "style", "script"):
            self.skip -= 1
        elif tag in BLOCKS:
            self._flush()

    def handle_data(self, data):
        if not self.skip:
            self.current.append(data)


def floor_html(report_html: str) -> str:
    parser = _Words()
    parser.feed(report_html)
    parser._flush()
    body = "\n".join(f"<p>{html.escape(text)}</p>" for text in parser.blocks)
    return f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>floor</title>' \
           f"<style>{FLOOR_CSS}</style></head><body>{body}</body></html>"


def render_floor(text: str, snapshot, digest) -> pdf.RenderedReport:
    from weasyprint import HTML, Attachment

    fetcher = pdf.StaticOnlyFetcher()
    document = HTML(string=text, base_url=pdf.STATIC_BASE + "css/", url_fetcher=fetcher).render()
    when = dt.datetime.fromisoformat(snapshot["assessment"]["completed_at"])
    attachment = Attachment(string=reports_pdf.snapshot_json(snapshot, digest), name="assessment-snapshot.json",
                            relationship="Source", url_fetcher=fetcher, created=when, modified=when)
    data = document.write_pdf(pdf_variant=pdf.PDF_VARIANT, attachments=[attachment], pdf_identifier=b"0" * 32)
    return pdf.RenderedReport(pdf=data, pages=len(document.pages), html=text, refused_urls=())


def measure(spec, snapshot, digest, runs: int):
    def report():
        return reports_pdf.render_pdf(spec, snapshot, digest, gap_analysis=snapshot.get("gap_analysis", {}))

    rendered = report()  # warm-up (fonts, templates, CSS)
    plain = floor_html(rendered.html)
    floor = render_floor(plain, snapshot, digest)  # warm-up
    report_times, floor_times = [], []
    for _ in range(runs):
        start = time.perf_counter()
        rendered = report()
        report_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        floor = render_floor(plain, snapshot, digest)
        floor_times.append(time.perf_counter() - start)
    return report_times, floor_times, rendered, floor


def phases(spec, snapshot, digest, runs: int) -> dict[str, float]:
    """Where the time goes, fastest of several runs: the template, cascade and layout (`render`), and the PDF
    writing with tags, fonts and attachment (`write`), for the report and for the floor."""
    import io

    from weasyprint import HTML

    gap = snapshot.get("gap_analysis", {})
    html = reports_pdf.render_html(spec, snapshot, digest, gap_analysis=gap)
    plain = floor_html(html)
    css, font_config, _ = pdf._stylesheet()
    times: dict[str, list[float]] = {k: [] for k in ("template", "report layout", "report write", "floor layout",
                                                      "floor write")}

    def timed(key, call):
        start = time.perf_counter()
        value = call()
        times[key].append(time.perf_counter() - start)
        return value

    for _ in range(runs + 1):
        timed("template", lambda: reports_pdf.render_html(spec, snapshot, digest, gap_analysis=gap))
        document = timed("report layout", lambda: pdf._PdfHTML(
            string=html, base_url=pdf.STATIC_BASE, url_fetcher=pdf.StaticOnlyFetcher()).render(
            stylesheets=[css], font_config=font_config))
        timed("report write", lambda d=document: d.write_pdf(io.BytesIO(), pdf_variant=pdf.PDF_VARIANT,
                                                             pdf_identifier=b"0" * 32))
        floor = timed("floor layout", lambda: HTML(string=plain, base_url=pdf.STATIC_BASE + "css/",
                                                   url_fetcher=pdf.StaticOnlyFetcher()).render())
        timed("floor write", lambda d=floor: d.write_pdf(io.BytesIO(), pdf_variant=pdf.PDF_VARIANT,
                                                         pdf_identifier=b"0" * 32))
    return {k: min(v[1:]) for k, v in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-pin", action="store_true", help="do not pin the process to CPU 0")
    parser.add_argument("--profile", action="store_true", help="profile one render of the largest report")
    parser.add_argument("--phases", action="store_true", help="also time template, layout and PDF writing apart")
    args = parser.parse_args()
    if not args.no_pin and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})
    spec = canonical_spec()
    cases = (("largest: T06 systemic risk + full gap analysis", "T06", True),
             ("small: T38 deployer (out of scope)", "T38", False))
    if args.profile:
        snapshot, digest, _ = case(spec, "T06", gap=True)
        gap = snapshot.get("gap_analysis", {})
        reports_pdf.render_pdf(spec, snapshot, digest, gap_analysis=gap)
        profiler = cProfile.Profile()
        profiler.runcall(reports_pdf.render_pdf, spec, snapshot, digest, gap_analysis=gap)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
        return
    print(f"Report rendering vs the floor (same words as plain paragraphs, same fonts, PDF/A-3a with the "
          f"attachment), median of {args.runs} runs after a warm-up"
          f"{'' if args.no_pin else ', pinned to CPU 0'}")
    print(f"{'case':<48} {'pages':>5} {'report s':>9} {'floor s':>8} {'ratio':>6} {'min ratio':>9} "
          f"{'floor pages':>11} {'PDF KiB':>8}")
    for label, scenario_id, gap in cases:
        snapshot, digest, _ = case(spec, scenario_id, gap=gap)
        report_times, floor_times, rendered, floor = measure(spec, snapshot, digest, args.runs)
        seconds, floor_seconds = statistics.median(report_times), statistics.median(floor_times)
        print(f"{label:<48} {rendered.pages:>5} {seconds:>9.3f} {floor_seconds:>8.3f} "
              f"{seconds / floor_seconds:>5.2f}x {min(report_times) / min(floor_times):>8.2f}x "
              f"{floor.pages:>11} {len(rendered.pdf) / 1024:>8.0f}")
        if args.phases:
            print("    fastest of the runs, s: " + ", ".join(
                f"{k} {v:.3f}" for k, v in phases(spec, snapshot, digest, args.runs).items()))


if __name__ == "__main__":
    main()
