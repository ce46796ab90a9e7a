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
With --command it measures end to end instead, as outside checks do: `python manage.py render_report` (a new
process each time: interpreter and Django start-up, the answer set read and evaluated, the report written to a
file) for the answer sets of T06 and T38 (no gap analysis: the command has none), against a floor process that
only imports WeasyPrint and writes the same words (taken from `render_report --format html`) as plain paragraphs
in tagged PDF/A-3a with the same JSON attachment (`render_report --format json`). Both are timed as wall-clock
time of the whole process, interleaved. The command uses the database of DATABASE_URL, as the checks would.

Run: .venv/bin/python bench/report.py [--runs 5] [--phases] [--profile] [--command]
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import html
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
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


# The floor process: the interpreter, WeasyPrint, the plain paragraphs and the attachment, nothing else.
FLOOR_PROCESS = """
import datetime as dt, sys
from weasyprint import HTML, Attachment
source, attachment, output = sys.argv[1:4]
with open(attachment, encoding="utf-8") as handle:
    text = handle.read()
when = dt.datetime(2026, 11, 21, 10, 0, tzinfo=dt.UTC)
HTML(filename=source).write_pdf(output, pdf_variant="pdf/a-3a", pdf_identifier=b"0" * 32, attachments=[
    Attachment(string=text, name="assessment-snapshot.json", relationship="Source", created=when, modified=when)])
"""


def command_ratio(runs: int) -> None:
    """`manage.py render_report` end to end against the floor process, for the answer sets of T06 and T38.

    Two floors: the floor process as this environment runs it (with PYTHONDONTWRITEBYTECODE set, as here, it
    compiles WeasyPrint's modules in every run), and the same process reading the bytecode that manage.py caches
    under var/pycache (`manage.cache_bytecode`), so that both sides start from compiled modules: like for like."""
    import json

    env = dict(os.environ)
    cached = {**env, "PYTHONPYCACHEPREFIX": str(Path(os.environ.get("VAR_DIR") or ROOT / "var") / "pycache")}
    print(f"render_report end to end (a new process each time) vs the floor process (python, WeasyPrint, the same "
          f"words as plain paragraphs, PDF/A-3a with the attachment), median of {runs} runs after a warm-up, "
          f"interleaved; PYTHONDONTWRITEBYTECODE={os.environ.get('PYTHONDONTWRITEBYTECODE', '')!r}")
    print(f"{'case':<26} {'pages':>5} {'command s':>9} {'floor s':>8} {'ratio':>6} {'min ratio':>9} "
          f"{'cached floor s':>14} {'ratio':>6} {'floor pages':>11} {'PDF KiB':>8}")
    fonts = Path(finders_path("fonts/DejaVuSans.ttf")).resolve()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        for label, scenario_id in (("largest: T06 systemic risk", "T06"), ("small: T38 deployer", "T38")):
            scenario = next(c for c in public_scenarios() if c["id"] == scenario_id)
            answers = work / f"{scenario_id}-answers.json"
            answers.write_text(json.dumps(scenario["answers"], default=str), encoding="utf-8")
            report = [sys.executable, "manage.py", "render_report", "--input", str(answers), "--model",
                      f"Scenario {scenario_id}", "--organisation", "Example AI Ltd"]
            for kind in ("html", "json"):
                _run([*report, "--format", kind, "--output", str(work / f"{scenario_id}.{kind}")], env)
            plain = floor_html((work / f"{scenario_id}.html").read_text(encoding="utf-8")).replace(
                'url("../fonts/DejaVuSans.ttf")', f'url("{fonts.as_uri()}")')
            (work / f"{scenario_id}-floor.html").write_text(plain, encoding="utf-8")
            command = [*report, "--output", str(work / f"{scenario_id}.pdf")]
            floor = [sys.executable, "-c", FLOOR_PROCESS, str(work / f"{scenario_id}-floor.html"),
                     str(work / f"{scenario_id}.json"), str(work / f"{scenario_id}-floor.pdf")]
            times: dict[str, list[float]] = {"command": [], "floor": [], "cached floor": []}
            cpu: dict[str, list[float]] = {key: [] for key in times}
            for index in range(runs + 1):
                for key, argv, environment in (("command", command, env), ("floor", floor, env),
                                               ("cached floor", floor, cached)):
                    start = time.perf_counter()
                    used = _run(argv, environment)
                    if index:  # the first of each is the warm-up (the file system cache, the bytecode cache)
                        times[key].append(time.perf_counter() - start)
                        cpu[key].append(used)
            wall = {key: statistics.median(values) for key, values in times.items()}
            used = {key: statistics.median(values) for key, values in cpu.items()}
            pages, floor_pages = (_pages(work / f"{scenario_id}{suffix}.pdf") for suffix in ("", "-floor"))
            print(f"{label:<26} {pages:>5} {wall['command']:>9.3f} {wall['floor']:>8.3f} "
                  f"{wall['command'] / wall['floor']:>5.2f}x {min(times['command']) / min(times['floor']):>8.2f}x "
                  f"{wall['cached floor']:>14.3f} {wall['command'] / wall['cached floor']:>5.2f}x {floor_pages:>11} "
                  f"{(work / f'{scenario_id}.pdf').stat().st_size / 1024:>8.0f}")
            print(f"{'':<26} processor time (user + system), median: command {used['command']:.3f} s, floor "
                  f"{used['floor']:.3f} s ({used['command'] / used['floor']:.2f}x), cached floor "
                  f"{used['cached floor']:.3f} s ({used['command'] / used['cached floor']:.2f}x)")


def _run(argv: list[str], env: dict[str, str]) -> float:
    """Run a process to its end; the processor time (user and system) it used."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode:
        raise SystemExit(f"{' '.join(argv[:4])} … exited with {done.returncode}:\n{done.stderr[-3000:]}")
    return after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def finders_path(relative: str) -> str:
    from django.contrib.staticfiles import finders

    return finders.find(relative)


def _pages(path: Path) -> int:
    import pypdf

    return len(pypdf.PdfReader(path).pages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-pin", action="store_true", help="do not pin the process to CPU 0")
    parser.add_argument("--profile", action="store_true", help="profile one render of the largest report")
    parser.add_argument("--phases", action="store_true", help="also time template, layout and PDF writing apart")
    parser.add_argument("--command", action="store_true",
                        help="end to end: `manage.py render_report` processes against a WeasyPrint-only process")
    args = parser.parse_args()
    if not args.no_pin and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})  # inherited by the processes it starts
    if args.command:
        command_ratio(args.runs)
        return
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
