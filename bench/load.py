"""Load test: gunicorn on PostgreSQL, simulated compliance officers, and /healthz as the machine's reference.

Starts gunicorn (5 sync workers) and a task worker (PDFs) against a fresh PostgreSQL database, and drives
them with wrk (a separate C process, so the load generator takes little of the two cores) and the script
bench/officer.lua, one wrk thread and connection per officer. For each concurrency level (default 20 and
50 officers) it runs, one after the other:

1. the reference: /healthz (one database query) as fast as the connections go;
2. a wizard step alone: GET of one section page, then POST of that section (each POST changes an answer,
   so every one is a real save with its answer history), the like-for-like comparison with the reference;
3. the officers (default 60 s): each completes assessments in a loop, start page, GET and POST of every
   section, check page, completion, result page and PDF download (the worker renders it meanwhile).

It prints throughput, p50, p95, p99 and errors per endpoint, the ratio of a wizard step's throughput (GET
and POST apart) to the reference's, and checks in the database that no saved answer was lost.

With --fault it runs the officers once more while PostgreSQL is stopped for 10 s and started again
(pg_ctlcluster), and shows the errors during the outage, when saving worked again, and the lost answers.

4. the PDFs (once per --pdf-workers count, default one task worker and then two, at the lowest concurrency), with
   fresh task workers that render each report in the background from its assessment's completion
   (REPORT_PRERENDER), in two runs (--pdf-modes):
   - wait, the goal's figure: officers who complete an assessment and then wait for its PDF as the progress page
     does (report.pdf again every 1.5 s until the PDF itself comes) before they start the next;
   - flow, the open-loop stress run: officers who start the next assessment as soon as report.pdf has answered
     at all (202), so completions outrun any worker.
   Each prints the completion rate, the workers' capacity (renders per second: workers over the mean time of a
   render from taken to done), the time from completion to PDF (p50, p95, max) and how many PDFs were ready
   within 30 s of completion. With --separate-cores the task workers run at nice 0 on their own core (the
   web tier on the other); without, at nice 19 beside the web tier.

Run: .venv/bin/python bench/load.py [--seconds 60] [--users 20 50] [--fault] [--pdf-workers 1 2] [--pdf-only]
     [--pdf-modes wait flow] [--separate-cores] [--worker-nice N] [--ramp SECONDS]
Environment: LOAD_DB (default gpai_load: dropped and created again), LOAD_PORT (default 8765).
Needs PostgreSQL on 127.0.0.1:5432 and wrk (Debian: apt-get install wrk).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
DB = os.environ.get("LOAD_DB", "gpai_load")  # a database of its own: dropped and created again
PORT = int(os.environ.get("LOAD_PORT", "8765"))
# --separate-cores: the web tier (gunicorn and wrk) on core 0, the task workers on core 1 (taskset)
PIN: dict[str, list[str]] = {"web": [], "worker": []}
READY_WITHIN = 30  # seconds from completion to a rendered PDF that count as "ready"
PASSWORD = "correct horse battery staple"
ENV = {**os.environ, "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB}", "SECRET_KEY": "x" * 60,
       "DEBUG": "false", "ALLOWED_HOSTS": "127.0.0.1,localhost", "TASKS_BACKEND": "database",
       "LOG_LEVEL": "WARNING", "GUNICORN_ACCESSLOG": "", "WEB_CONCURRENCY": "5", "PORT": str(PORT),
       "GUNICORN_BIND": f"127.0.0.1:{PORT}", "DB_CONN_MAX_AGE": "60", "AXES_FAILURE_LIMIT": "1000"}
SCENARIO = {  # T01 of the public scenarios, as form values
    "role": "developer", "places_under_own_name": "yes", "provider_established_in_eu": "yes", "sme_or_smc": "no",
    "eu_market_placement": "yes", "internal_use": "none", "integrated_into_eu_product_by_third_party": "no",
    "eu_excluded_clearly": "no", "first_eu_placement_date": "2025-10-01", "research_status": "none",
    "academic_noncommercial_release": "no", "training_compute_flop": "6.3e24", "generates_language": "yes",
    "text_to_image": "no", "text_to_video": "no", "narrow_task_only": "no", "licence_type": "proprietary",
    "commission_designated": "no",
}
# The section timed alone: the organisation section of T01 (three questions), its SME answer switched each time.
STEP, TOGGLED = "organisation", "sme_or_smc"
EXPECTED = {"start GET": (200,), "start POST": (302,), "resume": (302,), "wizard GET": (200,),
            "wizard POST": (302,), "check": (200,), "complete": (302,), "result": (200,), "pdf": (200, 202),
            "pdf again": (200, 202), "ramp": (200,),
            "healthz (reference)": (200,)}
ENDPOINTS = tuple(EXPECTED)


def manage(*args: str) -> None:
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=ENV, check=True, capture_output=True)


def prepare(users: int) -> None:
    for sql in (f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)", f"CREATE DATABASE {DB}"):
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c", sql], check=True)
    manage("migrate", "--noinput")
    manage("load_questionnaire")
    manage("collectstatic", "--noinput")
    script = (
        "from django.contrib.auth import get_user_model\n"
        "from accounts.memberships import ensure_organisation\n"
        "from accounts.services import rename_organisation\n"
        f"for i in range({users}):\n"
        f"    u = get_user_model().objects.create_user(f'officer{{i}}', password='{PASSWORD}')\n"
        "    # a legal name, as sign-up asks: a made-up one is asked before the first completion\n"
        "    rename_organisation(ensure_organisation(u).organisation, f'Officer {i} GmbH')\n"
    )
    subprocess.run([PY, "manage.py", "shell", "-c", script], cwd=ROOT, env=ENV, check=True, capture_output=True)


class Client:
    """A browser without JavaScript, for signing in and preparing: cookies and CSRF tokens."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, data: dict | None = None) -> tuple[int, dict, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        content = response.read()
        conn.close()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";")[0]
        return response.status, dict(response.getheaders()), content


def sign_in(index: int) -> Client:
    client = Client()
    client.request("GET", "/accounts/login/")
    status, _, _ = client.request("POST", "/accounts/login/", {
        "csrfmiddlewaretoken": client.cookies["csrftoken"], "username": f"officer{index}", "password": PASSWORD})
    assert status == 302, f"officer{index} could not sign in ({status})"
    return client


def prepare_step(client: Client, index: int) -> dict[str, str]:
    """An assessment at the timed section: what officer.lua needs to GET it and POST it again and again."""
    token = client.cookies["csrftoken"]
    _, headers, _ = client.request("POST", "/assessments/new/", {
        "csrfmiddlewaretoken": token, "ai_model": "new", "new_model_name": f"Step model {index}"})
    assessment = re.search(r"/assessments/([0-9a-f-]{36})/", headers["Location"]).group(1)
    prefix = f"/assessments/{assessment}/step"
    client.request("POST", f"{prefix}/role/", {"csrfmiddlewaretoken": token, "role-role": "developer",
                                               f"assessment-{assessment}-current_step": "role", "seen_revision": 0})
    _, _, page = client.request("GET", f"{prefix}/{STEP}/")
    revision = int(re.search(rb'name="seen_revision" value="(\d+)"', page).group(1))
    codes = [code.decode() for code in re.findall(rb'data-question="(\w+)"', page)]
    fields = {f"{STEP}-{code}": SCENARIO[code] for code in codes}
    fields[f"{STEP}-{TOGGLED}"] = "{value}"
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, f"assessment-{assessment}-current_step": STEP,
                                   "seen_revision": "{revision}", **fields}, safe="{}")
    return {"@path": f"{prefix}/{STEP}/", "@body": body, "@revision": str(revision), "@value1": "yes",
            "@value2": "no", "@code": TOGGLED, "@assessment": assessment}


def write_officers(folder: Path, clients: list[Client], steps: list[dict[str, str]]) -> None:
    for index, client in enumerate(clients):
        lines = ["; ".join(f"{k}={v}" for k, v in client.cookies.items()), client.cookies["csrftoken"]]
        lines += [f"{code}={value}" for code, value in {**SCENARIO, **steps[index]}.items()]
        (folder / f"officer-{index + 1}.txt").write_text("\n".join(lines) + "\n")


class Run:
    """What one wrk run recorded: per endpoint, the latencies of expected answers and the errors."""

    def __init__(self, label: str, seconds: float, times, errors, saved, socket_errors: int, saves_at) -> None:
        self.label, self.seconds, self.times, self.errors = label, seconds, times, errors
        self.saved, self.socket_errors, self.saves_at = saved, socket_errors, saves_at

    def throughput(self, endpoint: str) -> float:
        return len(self.times.get(endpoint, ())) / self.seconds


def run_wrk(folder: Path, mode: str, users: int, seconds: int, label: str, ramp: float = 0) -> Run:
    """wrk with one connection per officer; with `ramp` (seconds) the officers start one after another over it."""
    for log in folder.glob("log-*.txt"):
        log.unlink()
    out = subprocess.run([*PIN["web"], "wrk", "-t", str(users), "-c", str(users), "-d", f"{seconds}s",
                          "--timeout", "30s",
                          "-s", str(ROOT / "bench" / "officer.lua"), f"http://127.0.0.1:{PORT}", "--",
                          str(folder), mode, str(round(ramp * 1000 / users))], capture_output=True, text=True,
                         check=True).stdout
    amount, unit = re.search(r"requests in ([\d.]+)(us|ms|s|m|h)\b", out).groups()
    elapsed = float(amount) * {"us": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600}[unit]
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    times: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, Counter] = defaultdict(Counter)
    saved: list[tuple[str, ...]] = []
    saves_at: list[float] = []  # when each acknowledged section save came back (time.monotonic())
    for log in folder.glob("log-*.txt"):
        for line in log.read_text().splitlines():
            parts = line.split("\t")
            if parts[0] == "saved":
                saved.append(tuple(parts[1:]))
            elif int(parts[1]) in EXPECTED.get(parts[0], ()):
                times[parts[0]].append(float(parts[2]))
                if parts[0] == "wizard POST":
                    saves_at.append(float(parts[3]))
            else:
                errors[parts[0]][parts[1]] += 1
    return Run(label, elapsed, times, errors, saved, sum(map(int, socket.groups())) if socket else 0,
               sorted(saves_at))


def as_form(value) -> str:
    return "yes" if value is True else "no" if value is False else value if isinstance(value, str) else repr(value)


def lost_answers(saved: list[tuple[str, ...]]) -> int:
    """Acknowledged saves (a redirect came back) missing from the database. A save with a revision (POST alone,
    the answer switched each time) must be in the answer history at that revision with that value; a save in
    the officers' flow must be the assessment's current answer."""
    script = ("import json\nfrom questionnaire.models import Assessment, AnswerRevision\n"
              "print(json.dumps({'answers': {str(a.pk): a.answers for a in Assessment.objects.all()},\n"
              "  'history': [[str(r.assessment_id), r.question_code, r.new_value, r.revision]\n"
              "              for r in AnswerRevision.objects.filter(question_code='" + TOGGLED + "')]}))\n")
    out = subprocess.run([PY, "manage.py", "shell", "-c", script], cwd=ROOT, env=ENV, check=True,
                         capture_output=True, text=True).stdout
    stored = json.loads(out.strip().splitlines()[-1])
    history = {(a, code, as_form(value), str(revision)) for a, code, value, revision in stored["history"]}
    lost = 0
    for assessment, code, value, *revision in saved:
        if revision:
            lost += (assessment, code, value, revision[0]) not in history
            continue
        current = stored["answers"].get(assessment, {}).get(code)
        if code == "training_compute_flop":
            lost += not (isinstance(current, float) and abs(current - float(value)) < 1e12)
        else:
            lost += as_form(current) != value
    return lost


def report_counts() -> str:
    script = ("from collections import Counter\nfrom questionnaire.models import RenderedDocument\n"
              "print(dict(Counter(RenderedDocument.objects.values_list('status', flat=True))))\n")
    out = subprocess.run([PY, "manage.py", "shell", "-c", script], cwd=ROOT, env=ENV, check=True,
                         capture_output=True, text=True).stdout
    return out.strip().splitlines()[-1]


def pdf_readiness(since: float) -> tuple[list[tuple[bool, float | None]], list[float]]:
    """For every assessment completed after `since` (epoch seconds), in order of completion: (whether it is its
    officer's first completion of the run, seconds from its completion until the report of its snapshot was
    rendered or None: not rendered yet); and for every report rendered since then, its render's own time in the
    worker (from the worker taking it to done: the service time). Each officer has an organisation of their own."""
    script = ("import json, datetime as dt\nfrom django.db.models import Min\n"
              "from questionnaire.models import Assessment, RenderedDocument, RenderStatus\n"
              f"since = dt.datetime.fromtimestamp({since}, dt.UTC)\n"
              "rows = RenderedDocument.objects.filter(status=RenderStatus.DONE)"
              ".values('assessment_id', 'document_hash')\n"
              "done = {(r['assessment_id'], r['document_hash']): r['first']\n"
              "        for r in rows.annotate(first=Min('rendered_at'))}\n"
              "out = []\n"
              "seen = set()\n"
              "for a in Assessment.objects.filter(completed_at__gte=since).order_by('completed_at'):\n"
              "    at = done.get((a.pk, a.snapshot_hash))\n"
              "    out.append((a.organisation_id not in seen, (at - a.completed_at).total_seconds() if at else None))\n"
              "    seen.add(a.organisation_id)\n"
              "service = [(r - s).total_seconds() for s, r in RenderedDocument.objects.filter(\n"
              "    status=RenderStatus.DONE, started_at__gte=since).values_list('started_at', 'rendered_at')]\n"
              "print(json.dumps([out, service]))\n")
    out = subprocess.run([PY, "manage.py", "shell", "-c", script], cwd=ROOT, env=ENV, check=True,
                         capture_output=True, text=True).stdout
    delays, service = json.loads(out.strip().splitlines()[-1])
    return delays, service


def start_task_workers(count: int, niceness: int = 19) -> list[subprocess.Popen]:
    # render the PDFs, as in production; on this one machine by default at the lowest CPU priority (docker-compose
    # gives the worker a lower CPU weight too), so that rendering gives way to the officers' requests
    return [subprocess.Popen([*PIN["worker"], "nice", "-n", str(niceness), PY, "manage.py", "task_worker",
                              "--no-reload"], cwd=ROOT,
                             env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for _ in range(count)]


def cpu_seconds(process: subprocess.Popen) -> float:
    """User plus system CPU time the process has used so far (Linux /proc)."""
    try:
        fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    # its own and its finished children's (each render runs in a child process: rendering/isolation.py)
    return sum(int(value) for value in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def clear_queue() -> None:
    """Drop the renders still waiting, so that the next run starts without the previous run's backlog."""
    script = ("from django_tasks_db.models import DBTaskResult\n"
              "from questionnaire.models import RenderedDocument, RenderStatus\n"
              "DBTaskResult.objects.ready().delete()\n"
              "RenderedDocument.objects.exclude(status=RenderStatus.DONE).delete()\n")
    subprocess.run([PY, "manage.py", "shell", "-c", script], cwd=ROOT, env=ENV, check=True, capture_output=True)


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait(timeout=60)


PDF_MODES = {
    "wait": "officers who wait for their PDF (poll report.pdf every 1.5 s until 200, then the next assessment): "
            "the goal's figure",
    "flow": "OPEN-LOOP STRESS: officers who move on after the PDF's first answer (202) without waiting, so "
            "completions are not paced by the renders",
}


def pdf_level(folder: Path, users: int, seconds: int, clients: list[Client], steps: list[dict],
              workers: int, grace: int, niceness: int, mode: str, ramp: float = 0) -> int:
    """Officers completing assessments with `workers` task workers (mode "wait": each waits for their PDF before
    the next assessment; "flow": the open loop): the time from completion to PDF, how many were ready within 30 s,
    the completion rate and the workers' capacity (each report is rendered in the background from its
    completion: REPORT_PRERENDER)."""
    clear_queue()
    processes = start_task_workers(workers, niceness)
    try:
        write_officers(folder, clients[:users], steps[:users])
        time.sleep(8)  # the workers have started and loaded WeasyPrint (task_worker warms the renderer)
        cpu_before = sum(cpu_seconds(p) for p in processes)
        since = time.time()
        run = run_wrk(folder, mode, users, seconds, f"{users} {PDF_MODES[mode]}; {workers} task "
                                                   f"worker{'s' if workers > 1 else ''} at nice {niceness}"
                                                   + (f"; the officers start one after another over {ramp:g} s"
                                                      if ramp else "; the officers all start at once"), ramp)
        time.sleep(grace)  # a PDF for a completion near the end of the run gets its 30 s too
        completions, service = pdf_readiness(since)
        cpu = sum(cpu_seconds(p) for p in processes) - cpu_before
    finally:
        stop(processes)
    print_run(run)
    delays = [delay for _at, delay in completions]
    ready = [d for d in delays if d is not None]
    within = sum(d <= READY_WITHIN for d in ready)
    print(f"\n  [{mode}] {len(delays)} assessments completed in {run.seconds:.0f} s: completion rate "
          f"{len(delays) / run.seconds:.2f}/s ({len(delays) / run.seconds * 3600:.0f} per hour); PDF ready within "
          f"{READY_WITHIN} s of completion: {within} ({within / max(1, len(delays)):.0%}); rendered later: "
          f"{len(ready) - within}; not rendered {grace} s after the run: {len(delays) - len(ready)}")
    if service:
        mean = statistics.fmean(service)
        print(f"  [{mode}] the workers' capacity: {workers / mean:.2f} renders/s ({workers} worker"
              f"{'s' if workers > 1 else ''} / mean render time {mean:.2f} s from taken to done, p50 "
              f"{statistics.median(service):.2f} s, {len(service)} renders); CPU per rendered report "
              f"{cpu / len(service):.2f} s (render children included)")
    if ready:
        print(f"  [{mode}] time from completion to PDF, every completion of the run: p50 "
              f"{statistics.median(ready):.1f} s, p95 {percentile(ready, 95):.1f} s, max {max(ready):.1f} s "
              f"({len(ready)} rendered)")
        # without a ramp the officers start at the same moment, so their first completions arrive together; after
        # warm-up: every officer's second and later completions (a PDF not rendered counts as the longest wait)
        later = [delay if delay is not None else float("inf") for first, delay in completions if not first]
        if later:
            print(f"  [{mode}] after warm-up (the {len(later)} completions after each officer's first): p50 "
                  f"{statistics.median(later):.1f} s, p95 {percentile(later, 95):.1f} s, max {max(later):.1f} s")
        else:
            print(f"  [{mode}] after warm-up: none (no officer completed a second assessment in the run)")
    return sum(c.total() for c in run.errors.values()) + run.socket_errors


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] if ordered else 0.0


def print_run(run: Run) -> None:
    print(f"\n{run.label} ({run.seconds:.0f} s)")
    print(f"  {'endpoint':<21} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for endpoint in ENDPOINTS:
        values = run.times.get(endpoint, [])
        errors = run.errors.get(endpoint, Counter())
        if values or errors:
            statuses = ", ".join(f"{count} × {status}" for status, count in sorted(errors.items()))
            print(f"  {endpoint:<21} {run.throughput(endpoint):>8.1f} {statistics.median(values or [0]):>8.1f} "
                  f"{percentile(values, 95):>8.1f} {percentile(values, 99):>8.1f} {errors.total():>7}"
                  f"{'  (' + statuses + ')' if statuses else ''}")
    if run.socket_errors:
        print(f"  socket errors (connect, read, write, timeout): {run.socket_errors}")


def wait_for_server() -> None:
    for _ in range(150):
        try:
            if Client().request("GET", "/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("gunicorn did not come up")


def refresh_revisions(clients: list[Client], steps: list[dict[str, str]]) -> None:
    """The revision each prepared section is at now (an earlier POST run moved it on)."""
    for client, step in zip(clients, steps, strict=True):
        _, _, page = client.request("GET", step["@path"])
        step["@revision"] = re.search(rb'name="seen_revision" value="(\d+)"', page).group(1).decode()


def level(folder: Path, users: int, seconds: int, clients: list[Client], steps: list[dict]) -> int:
    refresh_revisions(clients[:users], steps[:users])
    write_officers(folder, clients[:users], steps[:users])
    short = max(5, min(20, seconds // 3))
    reference = run_wrk(folder, "reference", users, short, f"{users} connections: /healthz, the reference")
    get = run_wrk(folder, "get", users, short, f"{users} connections: one wizard step, GET alone")
    post = run_wrk(folder, "post", users, short, f"{users} connections: one wizard step, POST alone "
                                                 "(an answer changed every time)")
    flow = run_wrk(folder, "flow", users, seconds, f"{users} officers completing assessments")
    lost = lost_answers(post.saved + flow.saved)
    for run in (reference, get, post, flow):
        print_run(run)
    ref = reference.throughput("healthz (reference)") or 1
    print(f"\n  ratio to the reference ({ref:.0f} req/s): wizard GET alone {get.throughput('wizard GET') / ref:.1%}, "
          f"POST alone {post.throughput('wizard POST') / ref:.1%}; in the officers' mix GET "
          f"{flow.throughput('wizard GET') / ref:.1%}, POST {flow.throughput('wizard POST') / ref:.1%}")
    print(f"  acknowledged saves of an answer checked in the database: {len(post.saved) + len(flow.saved)}; "
          f"lost: {lost}")
    print(f"  reports so far by status (the worker renders at the lowest priority; a PDF download answers 202 "
          f"with a progress page until its report is done): {report_counts()}")
    errors = sum(r.socket_errors + sum(c.total() for c in r.errors.values()) for r in (reference, get, post, flow))
    return lost + errors


def postgres(action: str) -> None:
    cluster = sorted(os.listdir("/etc/postgresql"))[-1]
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", cluster, "main", action, *(
        ["-m", "fast"] if action == "stop" else [])], check=True)


def fault(folder: Path, users: int, seconds: int, clients: list[Client], steps: list[dict]) -> int:
    """Officers at work while PostgreSQL is stopped for 10 s and started again; the app is not restarted."""
    write_officers(folder, clients[:users], steps[:users])
    down_at, outage = seconds // 3, 10
    timeline: dict[str, float] = {}

    def outage_thread() -> None:
        time.sleep(down_at)
        timeline["stopped"] = time.monotonic()
        postgres("stop")
        time.sleep(outage)
        postgres("start")
        timeline["started"] = time.monotonic()

    thread = threading.Thread(target=outage_thread)
    began = time.monotonic()  # the same clock as officer.lua's timestamps (CLOCK_MONOTONIC)
    thread.start()
    try:
        run = run_wrk(folder, "flow", users, seconds, f"{users} officers, PostgreSQL stopped at {down_at} s for "
                                                     f"{outage} s, app not restarted")
    finally:
        thread.join()
        if subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1"]).returncode != 0:
            postgres("start")
    print_run(run)
    lost = lost_answers(run.saved)
    # after the restart: does saving work again, and how soon, without restarting gunicorn or the worker?
    wait_for_server()
    after = run_wrk(folder, "flow", users, 10, f"{users} officers, 10 s after the outage")
    print_run(after)
    first_save = next((t for t in run.saves_at if t > timeline["started"]), None)
    outage_errors = sum(c.total() for c in run.errors.values())
    after_errors = sum(c.total() for c in after.errors.values())
    print(f"\n  PostgreSQL stopped at {timeline['stopped'] - began:.1f} s, started again at "
          f"{timeline['started'] - began:.1f} s; error pages during the run: {outage_errors}")
    print("  first acknowledged save after the restart: " + (
        f"{(first_save - timeline['started']) * 1000:.0f} ms after PostgreSQL was back (pg_ctlcluster start returned)"
        if first_save else "none"))
    print(f"  10 s after the outage, same processes: {after_errors} errors, {after.throughput('wizard POST'):.1f} "
          f"saves/s; acknowledged saves checked in the database: {len(run.saved)}; lost: {lost}")
    return lost + after_errors + (0 if first_save and after.throughput("wizard POST") > 0 else 1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--users", type=int, nargs="+", default=[20, 50])
    parser.add_argument("--fault", action="store_true", help="also stop and start PostgreSQL during a run")
    parser.add_argument("--pdf-workers", type=int, nargs="*", default=[1, 2],
                        help="officers' runs (at the lowest concurrency) measuring PDFs ready within 30 s of "
                             "completion, one per number of task workers")
    parser.add_argument("--pdf-only", action="store_true", help="only the PDF readiness runs")
    parser.add_argument("--pdf-modes", nargs="+", choices=list(PDF_MODES), default=list(PDF_MODES),
                        help="the officers of the PDF runs: wait (each waits for their PDF; the goal's figure) and "
                             "flow (the open-loop stress run)")
    parser.add_argument("--grace", type=int, default=READY_WITHIN, help="seconds to wait after a PDF run")
    parser.add_argument("--ramp", type=float, default=0,
                        help="PDF runs: spread the officers' start over this many seconds (default 0: all at once)")
    parser.add_argument("--worker-nice", type=int, default=None,
                        help="niceness of the task workers in the PDF runs (default 19, so that rendering gives way "
                             "to the officers' requests on the shared cores; 0 with --separate-cores, where the "
                             "worker has a core of its own)")
    parser.add_argument("--separate-cores", action="store_true",
                        help="pin gunicorn and wrk to core 0 and the task workers to core 1 (taskset)")
    args = parser.parse_args()
    if args.separate_cores:
        PIN.update(web=["taskset", "-c", "0"], worker=["taskset", "-c", "1"])
    if args.worker_nice is None:
        args.worker_nice = 0 if args.separate_cores else 19
    if shutil.which("wrk") is None:
        raise SystemExit("bench/load.py needs wrk: apt-get install wrk")
    users = max(args.users)
    prepare(users)
    server = subprocess.Popen([*PIN["web"], PY, "-m", "gunicorn", "compliance_checker.wsgi", "-c", "gunicorn.conf.py"],
                              cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers = [] if args.pdf_only else start_task_workers(1)
    failures = 0
    try:
        wait_for_server()
        clients = [sign_in(i) for i in range(users)]
        steps = [prepare_step(client, i) for i, client in enumerate(clients)]
        print(f"gunicorn {ENV['WEB_CONCURRENCY']} sync workers and task workers on PostgreSQL; load from wrk, "
              f"{os.cpu_count()} cores shared by all")
        with tempfile.TemporaryDirectory() as folder:
            write_officers(Path(folder), clients, steps)
            for mode in ("flow", "get", "post"):  # warm-up: every worker has loaded and compiled what it uses
                run_wrk(Path(folder), mode, min(args.users), 3, "warm-up")
            for n in [] if args.pdf_only else args.users:
                failures += level(Path(folder), n, args.seconds, clients, steps)
            if args.fault and not args.pdf_only:
                failures += fault(Path(folder), min(args.users), args.seconds, clients, steps)
            if server.poll() is not None or any(w.poll() is not None for w in workers):
                print("gunicorn or the task worker exited during the run")
                failures += 1
            stop(workers)
            for count in args.pdf_workers:
                for mode in args.pdf_modes:
                    failures += pdf_level(Path(folder), min(args.users), args.seconds, clients, steps, count,
                                          args.grace, args.worker_nice, mode, args.ramp)
    finally:
        stop([server, *workers])
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
