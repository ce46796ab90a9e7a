#!/usr/bin/env bash
# The shape of a multi-machine deployment on one machine: two gunicorn web processes and two task workers behind
# one proxy (Caddy, round robin), sharing PostgreSQL (sessions, the task queue, the database cache) and one media
# directory, then the browser tests against the proxy (BROWSER_BASE_URL replaces pytest-django's live server).
#
#   bench/cluster.sh [pytest arguments]      e.g. bench/cluster.sh tests/browser/test_assessment_in_browser.py
#
# DATABASE_URL names a database whose test database (test_<name>) the script makes, migrates and empties (the
# servers and the tests share it; the browser tests reuse it, --reuse-db). CLUSTER_PORT (default 8100) is the
# proxy's port; the web processes listen on the next two. Needs caddy (Debian: apt-get install caddy), curl and
# PostgreSQL. Everything of a run (the servers' logs, pytest's output and JUnit report, mails, media) is kept in
# CLUSTER_DIR (default var/cluster/<date-time>); the summary at the end says where. Exits with pytest's code.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?set DATABASE_URL=postgres://user@host:5432/name}"
for tool in caddy curl; do
  command -v "$tool" >/dev/null || { echo "$tool is not installed (apt-get install $tool)" >&2; exit 2; }
done
PY=.venv/bin/python
BASE_PORT=${CLUSTER_PORT:-8100}
RUN=$(realpath -m "${CLUSTER_DIR:-var/cluster/$(date +%Y%m%d-%H%M%S)}")
mkdir -p "$RUN"
TEST_URL="${DATABASE_URL%/*}/test_${DATABASE_URL##*/}"
started=$(date +%s)
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
pids=()
cleanup() {
  local code=$?
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$RUN/static" "$RUN/caddy"  # made again by the next run; the logs, mails and PDFs stay
  echo "logs: $RUN"
  exit "$code"
}
trap cleanup EXIT

# The servers' settings: production's (DEBUG off, the hashed static files collected, the proxy's X-Forwarded-For
# and X-Forwarded-Proto honoured, renders in the task workers), with mails written to files the tests read
# (EMAIL_FILE_PATH) instead of sent. The lease is long because the render progress tests hold a report without a
# task in the queue while they look at its progress page (a minute can pass on a loaded machine; the workers' sweep
# would then queue it). An uploaded PDF gets 5 s to be checked, as the tests give it (tests/conftest.py: 1 s of wall
# time, production's, refused the report PDF the verify test uploads on the loaded machine).
export DEBUG=false SECRET_KEY=cluster-test-only-"$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
  ALLOWED_HOSTS=127.0.0.1,localhost STATIC_ROOT="$RUN/static" MEDIA_ROOT="$RUN/media" \
  TASKS_BACKEND=database REPORT_PRERENDER=true BEHIND_PROXY=true PROXY_COUNT=1 LOG_LEVEL=WARNING \
  GUNICORN_ACCESSLOG=- WEB_CONCURRENCY=1 RENDER_LEASE_SECONDS=900 UPLOAD_CHECK_SECONDS=5 \
  EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend EMAIL_FILE_PATH="$RUN/mail"
$PY - "$DATABASE_URL" "test_${DATABASE_URL##*/}" <<'PY'
import sys, psycopg
with psycopg.connect(sys.argv[1], autocommit=True) as connection:
    if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [sys.argv[2]]).fetchone():
        connection.execute(f'CREATE DATABASE "{sys.argv[2]}"')
PY
DATABASE_URL="$TEST_URL" $PY manage.py migrate --noinput >"$RUN/migrate.log"
# what an interrupted earlier run left behind: its rows, and the counts of its rate limits in the database cache
DATABASE_URL="$TEST_URL" $PY manage.py flush --noinput
DATABASE_URL="$TEST_URL" $PY manage.py shell -v 0 -c "from django.core.cache import cache; cache.clear()"
DATABASE_URL="$TEST_URL" $PY manage.py collectstatic --noinput >"$RUN/collectstatic.log"

for n in 1 2; do
  # each gunicorn its own control socket (gunicorn's default, ~/.gunicorn/gunicorn.ctl, is one for the whole user)
  DATABASE_URL="$TEST_URL" GUNICORN_BIND=127.0.0.1:$((BASE_PORT + n)) .venv/bin/gunicorn compliance_checker.wsgi \
    -c gunicorn.conf.py --control-socket "$RUN/web$n.ctl" >"$RUN/web$n.log" 2>&1 &
  pids+=($!)
  DATABASE_URL="$TEST_URL" $PY manage.py task_worker --interval 0.2 >"$RUN/worker$n.log" 2>&1 &
  pids+=($!)
done
# Caddy sets X-Forwarded-For to the address of the client it received the request from (it trusts no proxy in
# front of it, so a client's own X-Forwarded-For is dropped) and X-Forwarded-Proto: the web processes read them
# (BEHIND_PROXY, PROXY_COUNT=1), as behind deploy/Caddyfile
cat >"$RUN/Caddyfile" <<CADDY
{
	admin off
	auto_https off
	storage file_system $RUN/caddy
}
:$BASE_PORT {
	reverse_proxy 127.0.0.1:$((BASE_PORT + 1)) 127.0.0.1:$((BASE_PORT + 2)) {
		lb_policy round_robin
	}
}
CADDY
XDG_DATA_HOME="$RUN" XDG_CONFIG_HOME="$RUN" caddy run --config "$RUN/Caddyfile" --adapter caddyfile \
  >"$RUN/caddy.log" 2>&1 &
pids+=($!)
for _ in $(seq 120); do
  curl -fsS -o /dev/null "http://127.0.0.1:$BASE_PORT/healthz" 2>/dev/null && break
  sleep 0.5
done
curl -fsS -o /dev/null "http://127.0.0.1:$BASE_PORT/healthz"
curl -fsS -o /dev/null "http://127.0.0.1:$BASE_PORT/static/css/app.css" || {
  echo "the web processes do not serve the collected static files" >&2; exit 3; }
echo "cluster up: proxy :$BASE_PORT -> web :$((BASE_PORT + 1)) :$((BASE_PORT + 2)); two task workers; logs in $RUN"

# The client address the web processes record (lockouts, rate limits, the audit log) for a failed sign-in that
# claims to come from elsewhere: through the proxy it is the proxy's client (the claim is dropped), straight to
# gunicorn it is the claim (BEHIND_PROXY trusts the header: why nothing but the proxy may reach gunicorn).
DATABASE_URL="$TEST_URL" PYTHONPATH=. $PY - "$BASE_PORT" <<'PY'
import http.cookiejar, os, re, sys, urllib.error, urllib.parse, urllib.request
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "compliance_checker.settings")
django.setup()
from axes.models import AccessAttempt
from django.core.cache import cache

def recorded_address(url, claimed):
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    headers = {"X-Forwarded-For": claimed}
    page = opener.open(urllib.request.Request(url, headers=headers), timeout=60).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    name = f"cluster-check-{claimed}"
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": name, "password": "wrong"}).encode()
    try:
        opener.open(urllib.request.Request(url, data=body, headers=headers), timeout=60).read()
    except urllib.error.HTTPError:
        pass
    return AccessAttempt.objects.filter(username=name).values_list("ip_address", flat=True).first()

port = int(sys.argv[1])
through_proxy = recorded_address(f"http://127.0.0.1:{port}/accounts/login/", "203.0.113.66")
direct = recorded_address(f"http://127.0.0.1:{port + 1}/accounts/login/", "198.51.100.77")
AccessAttempt.objects.all().delete()
cache.clear()
print(f"client address recorded through the proxy: {through_proxy} (claimed 203.0.113.66); "
      f"straight to gunicorn: {direct} (claimed 198.51.100.77)")
if (through_proxy, direct) != ("127.0.0.1", "198.51.100.77"):
    sys.exit("the web processes do not read the proxy's X-Forwarded-For as BEHIND_PROXY says")
PY

# The tests run in this process against the same test database, with the servers' SECRET_KEY (links they sign),
# media directory (PDFs they render, tests/conftest.py) and mail folder (tests/browser/conftest.py); the rest of
# their settings are the tests' own.
unset DEBUG STATIC_ROOT TASKS_BACKEND REPORT_PRERENDER BEHIND_PROXY PROXY_COUNT EMAIL_BACKEND RENDER_LEASE_SECONDS \
  UPLOAD_CHECK_SECONDS
set +e
BROWSER_BASE_URL="http://127.0.0.1:$BASE_PORT" $PY -m pytest -n 0 --reuse-db -p no:cacheprovider -m browser \
  --junitxml="$RUN/junit.xml" "${@:-tests/browser}" 2>&1 | tee "$RUN/pytest.log"
code=${PIPESTATUS[0]}
set -e

elapsed=$(($(date +%s) - started))
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
echo
echo "== bench/cluster.sh ${*:-tests/browser}"
$PY - "$RUN/junit.xml" <<'PY' || echo "no test report (pytest exited early)"
import sys
import xml.etree.ElementTree as ET

suite = ET.parse(sys.argv[1]).getroot()
suite = suite if suite.tag == "testsuite" else suite.find("testsuite")
counts = {key: int(suite.get(key, 0)) for key in ("tests", "failures", "errors", "skipped")}
passed = counts["tests"] - counts["failures"] - counts["errors"] - counts["skipped"]
print(f"tests: {passed} of {counts['tests']} passed, {counts['failures']} failed, {counts['errors']} errors, "
      f"{counts['skipped']} skipped")
for case in suite.iter("testcase"):
    for problem in ("failure", "error"):
        found = case.find(problem)
        if found is not None:
            print(f"  {problem.upper()}: {case.get('classname')}::{case.get('name')}: "
                  f"{(found.get('message') or '').splitlines()[0][:160] if found.get('message') else ''}")
PY
requests() { grep -c '"GET \|"POST \|"HEAD ' "$1" || true; }
renders() { grep -c 'render_document[a-z_]* state=SUCCESSFUL' "$1" || true; }
echo "requests: web1 $(requests "$RUN/web1.log"), web2 $(requests "$RUN/web2.log");" \
  "PDF render tasks finished: worker1 $(renders "$RUN/worker1.log"), worker2 $(renders "$RUN/worker2.log")"
echo "time: $((elapsed / 60)) min $((elapsed % 60)) s; load average (1, 5, 15 min) before: $load_before, after: $load_after"
echo "pytest exit code: $code"
exit "$code"
