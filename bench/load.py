"""Load test: gunicorn on PostgreSQL, simulated compliance officers, and /healthz as the machine's reference.

Starts gunicorn (5 workers) and a task worker (PDFs) against a fresh PostgreSQL database. For each
concurrency level (default 20 and 50 officers, 60 s each) every officer signs in and completes assessments
in a loop: GET and POST every section, the check page, completion, the result page and the PDF download.
One more client calls /healthz (one database query) as fast as it can. Prints throughput, p50, p95, p99 and
errors per endpoint, the ratio of a wizard step's throughput (GET and POST apart) to the reference, and
checks that no saved answer was lost.

Run: .venv/bin/python bench/load.py [--seconds 60] [--users 20 50]   (needs PostgreSQL on 127.0.0.1:5432)
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
DB = "gpai_load"
PORT = 8765
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
        "from accounts.access import ensure_organisation\n"
        f"for i in range({users}):\n"
        f"    u = get_user_model().objects.create_user(f'officer{{i}}', password='{PASSWORD}')\n"
        "    ensure_organisation(u)\n"
    )
    subprocess.run([PY, "manage.py", "shell", "-c", script], cwd=ROOT, env=ENV, check=True, capture_output=True)


class Client:
    """A browser without JavaScript: one keep-alive connection, cookies, CSRF tokens."""

    def __init__(self) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, data: dict | None = None) -> tuple[int, dict, bytes]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), "Host": "127.0.0.1"}
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{PORT}{path}"
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
            raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";")[0]
        return response.status, dict(response.getheaders()), content


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.posted: dict[str, dict[str, str]] = defaultdict(dict)  # assessment id -> code -> value saved

    def record(self, name: str, seconds: float, ok: bool) -> None:
        with self.lock:
            if ok:
                self.times[name].append(seconds)
            else:
                self.errors[name] += 1


def timed(stats: Stats, name: str, client: Client, method: str, path: str, data=None, ok=(200,)):
    start = time.perf_counter()
    try:
        status, headers, body = client.request(method, path, data)
    except (OSError, http.client.HTTPException):
        stats.record(name, 0, False)
        return None, {}, b""
    stats.record(name, time.perf_counter() - start, status in ok)
    return status, headers, body


def csrf(body: bytes) -> str:
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    return match.group(1).decode() if match else ""


def officer(index: int, stop: float, stats: Stats) -> None:
    client = Client()
    try:
        _, _, body = client.request("GET", "/accounts/login/")
        client.request("POST", "/accounts/login/", {"csrfmiddlewaretoken": csrf(body), "username": f"officer{index}",
                                                    "password": PASSWORD})
    except (OSError, http.client.HTTPException):
        stats.record("sign in", 0, False)
        return
    n = 0
    while time.time() < stop:
        n += 1
        _, _, body = client.request("GET", "/assessments/new/")
        status, headers, _ = client.request("POST", "/assessments/new/", {
            "csrfmiddlewaretoken": csrf(body), "ai_model": "new", "new_model_name": f"Model {index}-{n}-{time.time()}"})
        location = headers.get("Location", "")
        match = re.search(r"/assessments/([0-9a-f-]{36})/", location)
        if status != 302 or not match:
            stats.record("start", 0, False)
            continue
        assessment = match.group(1)
        _, headers, _ = client.request("GET", location)
        location = headers.get("Location", "")
        while "/step/" in location and time.time() < stop:
            step = location.rstrip("/").rsplit("/", 1)[-1]
            status, _, body = timed(stats, "wizard GET", client, "GET", location)
            if status != 200:
                break
            data = {"csrfmiddlewaretoken": csrf(body), f"assessment-{assessment}-current_step": step,
                    "seen_revision": re.search(rb'name="seen_revision" value="(\d+)"', body).group(1).decode()}
            for code in re.findall(rb'data-question="(\w+)"', body):
                code = code.decode()
                if code in SCENARIO:
                    data[f"{step}-{code}"] = SCENARIO[code]
            status, headers, _ = timed(stats, "wizard POST", client, "POST", location, data, ok=(302,))
            if status != 302:
                break
            with stats.lock:
                stats.posted[assessment].update({k.split("-", 1)[1]: v for k, v in data.items()
                                                 if k.startswith(f"{step}-")})
            location = headers.get("Location", "")
        if not location.endswith("/check/") or time.time() >= stop:
            continue
        status, _, body = timed(stats, "check", client, "GET", location)
        status, headers, _ = timed(stats, "complete", client, "POST", f"/assessments/{assessment}/complete/",
                                   {"csrfmiddlewaretoken": csrf(body)}, ok=(302,))
        timed(stats, "result", client, "GET", f"/assessments/{assessment}/result/")
        # queued for the worker: 202 with a progress page, or 200 with the PDF once rendered
        timed(stats, "pdf", client, "GET", f"/assessments/{assessment}/report.pdf", ok=(200, 202))


def reference(stop: float, stats: Stats) -> None:
    client = Client()
    while time.time() < stop:
        timed(stats, "healthz (reference)", client, "GET", "/healthz")


def lost_answers(stats: Stats) -> int:
    script = (
        "import json,sys\n"
        "from questionnaire.models import Assessment\n"
        "print(json.dumps({str(a.pk): a.answers for a in Assessment.objects.all()}))\n"
    )
    out = subprocess.run([PY, "manage.py", "shell", "-c", script], cwd=ROOT, env=ENV, check=True,
                         capture_output=True, text=True).stdout
    stored = json.loads(out.strip().splitlines()[-1])
    lost = 0
    for assessment, posted in stats.posted.items():
        answers = stored.get(assessment, {})
        for code, value in posted.items():
            saved = answers.get(code)
            as_form = "yes" if saved is True else "no" if saved is False else saved
            if code == "training_compute_flop":
                ok = isinstance(saved, float) and abs(saved - float(value)) < 1e12
            else:
                ok = as_form == value
            lost += not ok
    return lost


def report(label: str, stats: Stats, seconds: float) -> None:
    print(f"\n{label}")
    print(f"{'endpoint':<22} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}")
    ref = len(stats.times.get("healthz (reference)", [])) / seconds or 1
    for name in ("wizard GET", "wizard POST", "check", "complete", "result", "pdf", "healthz (reference)"):
        values = sorted(stats.times.get(name, []))
        if not values and not stats.errors.get(name):
            continue
        def pct(p, values=values):
            return values[min(len(values) - 1, int(p / 100 * len(values)))] * 1000 if values else 0
        print(f"{name:<22} {len(values) / seconds:>8.1f} {pct(50):>8.1f} {pct(95):>8.1f} {pct(99):>8.1f} "
              f"{stats.errors.get(name, 0):>7}")
    for name in ("wizard GET", "wizard POST"):
        print(f"{name} throughput / reference: {len(stats.times.get(name, [])) / seconds / ref:.1%}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--users", type=int, nargs="+", default=[20, 50])
    args = parser.parse_args()
    prepare(max(args.users))
    server = subprocess.Popen([PY, "-m", "gunicorn", "compliance_checker.wsgi", "-c", "gunicorn.conf.py"],
                              cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    worker = subprocess.Popen([PY, "manage.py", "db_worker"], cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)  # renders the PDFs, as in production
    try:
        for _ in range(100):
            try:
                if Client().request("GET", "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        total_lost = 0
        for users in args.users:
            stats = Stats()
            stop = time.time() + args.seconds
            threads = [threading.Thread(target=officer, args=(i, stop, stats)) for i in range(users)]
            threads.append(threading.Thread(target=reference, args=(stop, stats)))
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            lost = lost_answers(stats)
            total_lost += lost
            report(f"{users} officers, {args.seconds} s, gunicorn 5 workers, PostgreSQL; lost answers: {lost}",
                   stats, args.seconds)
    finally:
        for process in (server, worker):
            process.terminate()
            process.wait(timeout=30)
    sys.exit(1 if total_lost else 0)


if __name__ == "__main__":
    main()
