#!/usr/bin/env bash
# The shape of a multi-machine deployment on one machine: two gunicorn web processes and two task workers behind
# one proxy (Caddy, round robin), sharing PostgreSQL (sessions, queue, the database cache) and one media directory,
# then the browser tests against the proxy (BROWSER_BASE_URL replaces pytest-django's live server).
#
#   bench/cluster.sh [pytest arguments]      e.g. bench/cluster.sh tests/browser/test_assessment_in_browser.py
#
# DATABASE_URL names a database whose test database (test_<name>) the script makes and the servers use; the
# browser tests reuse it (--reuse-db). Needs caddy (Debian: apt-get install caddy) and PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?set DATABASE_URL=postgres://user@host:5432/name}"
command -v caddy >/dev/null || { echo "caddy is not installed (apt-get install caddy)" >&2; exit 2; }
PY=.venv/bin/python
BASE_PORT=${CLUSTER_PORT:-8100}
RUN=$(mktemp -d /tmp/gpai-cluster.XXXXXX)
TEST_URL="${DATABASE_URL%/*}/test_${DATABASE_URL##*/}"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  echo "logs: $RUN"
}
trap cleanup EXIT

export DEBUG=false SECRET_KEY=cluster-test-only-"$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
  ALLOWED_HOSTS=127.0.0.1,localhost STATIC_MANIFEST=false STATIC_ROOT="$RUN/static" MEDIA_ROOT="$RUN/media" \
  TASKS_BACKEND=database BEHIND_PROXY=true PROXY_COUNT=1 LOG_LEVEL=WARNING GUNICORN_ACCESSLOG= \
  EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend REPORT_PRERENDER=true WEB_CONCURRENCY=1
$PY - "$DATABASE_URL" "test_${DATABASE_URL##*/}" <<'PY'
import sys, psycopg
with psycopg.connect(sys.argv[1], autocommit=True) as connection:
    if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [sys.argv[2]]).fetchone():
        connection.execute(f'CREATE DATABASE "{sys.argv[2]}"')
PY
DATABASE_URL="$TEST_URL" $PY manage.py migrate --noinput >"$RUN/migrate.log"
DATABASE_URL="$TEST_URL" $PY manage.py flush --noinput  # what an interrupted earlier run left behind
DATABASE_URL="$TEST_URL" $PY manage.py collectstatic --noinput >/dev/null

for n in 1 2; do
  DATABASE_URL="$TEST_URL" GUNICORN_BIND=127.0.0.1:$((BASE_PORT + n)) \
    .venv/bin/gunicorn compliance_checker.wsgi -c gunicorn.conf.py >"$RUN/web$n.log" 2>&1 &
  pids+=($!)
  DATABASE_URL="$TEST_URL" $PY manage.py task_worker --interval 0.2 >"$RUN/worker$n.log" 2>&1 &
  pids+=($!)
done
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
for _ in $(seq 60); do
  curl -fsS -o /dev/null "http://127.0.0.1:$BASE_PORT/healthz" 2>/dev/null && break
  sleep 0.5
done
curl -fsS "http://127.0.0.1:$BASE_PORT/healthz" >/dev/null
echo "cluster up: proxy :$BASE_PORT -> web :$((BASE_PORT + 1)) :$((BASE_PORT + 2)); two task workers"

# the tests run in this process against the same test database; their settings are the servers' own
unset DEBUG SECRET_KEY STATIC_ROOT MEDIA_ROOT TASKS_BACKEND BEHIND_PROXY PROXY_COUNT EMAIL_BACKEND REPORT_PRERENDER
BROWSER_BASE_URL="http://127.0.0.1:$BASE_PORT" $PY -m pytest -n 0 --reuse-db -p no:cacheprovider -m browser \
  "${@:-tests/browser}"
