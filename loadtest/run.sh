#!/usr/bin/env bash
# The load test of an exam day, from a fresh database to the checked figures.
# `make loadtest USERS=100 EXAM=6m` calls this with its variables; see README.md.
#
#   USERS      learners: they log in over ARRIVAL, then all start the paper in one minute
#   ARRIVAL    how long the logins are spread over before the start minute (default 3m)
#   DURATION   locust's time limit: ARRIVAL + 1 min of starts + EXAM + 1 min to hand in
#   EXAM       how long each learner works before handing in (the compressed exam);
#              by default DURATION - ARRIVAL - 2m, or 6m when neither is given
#   WORKERS, THREADS   gunicorn workers, and threads per worker (THREADS > 1: gthread)
#   PAPER      default-l3-theory (190 items) or default-l4-theory (200 items)
#   CHANGES    answers changed per save round (every SAVE_EVERY ± 5 s), e.g. 2-4
#   TYPOS      share of learners who mistype their password once (default 0)
#   PROCESSES  locust processes (its --processes); 1 is enough for a few hundred learners
#   PORT, LOADTEST_DATABASE_URL, POSTGRES_URL (to drop and create it), OUT (results folder)
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PY:-.venv/bin/python}
USERS=${USERS:-50}
EXAM=${EXAM:-}
ARRIVAL=${ARRIVAL:-3m}
DURATION=${DURATION:-}
WORKERS=${WORKERS:-2}
THREADS=${THREADS:-8}
PORT=${PORT:-8100}
PAPER=${PAPER:-default-l3-theory}
CHANGES=${CHANGES:-2-4}
SAVE_EVERY=${SAVE_EVERY:-30}
TYPOS=${TYPOS:-0}
PROCESSES=${PROCESSES:-1}
POSTGRES_URL=${POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}
LOADTEST_DATABASE_URL=${LOADTEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/loadtest}
PASSWORD=exam-day-2026
LOAD_BEFORE=$(cut -d' ' -f1 /proc/loadavg) # what else runs here: the figures depend on it

seconds() { # 6m, 90s or 360 → seconds
  case "$1" in
    *m) echo $((${1%m} * 60)) ;;
    *s) echo "${1%s}" ;;
    *) echo "$1" ;;
  esac
}
ARRIVAL_SECONDS=$(seconds "$ARRIVAL")
if [ -z "$EXAM" ] && [ -n "$DURATION" ]; then
  EXAM=$(($(seconds "$DURATION") - ARRIVAL_SECONDS - 120))s
fi
EXAM_SECONDS=$(seconds "${EXAM:-6m}")
DURATION=${DURATION:-$((ARRIVAL_SECONDS + 60 + EXAM_SECONDS + 60))s}
if [ "$ARRIVAL_SECONDS" -lt 1 ] || [ "$EXAM_SECONDS" -lt 30 ] ||
  [ $(($(seconds "$DURATION") - ARRIVAL_SECONDS - EXAM_SECONDS)) -lt 90 ]; then
  echo "DURATION ($DURATION) must leave ARRIVAL ($ARRIVAL), the start minute and some time" \
    "to hand in around an EXAM ($EXAM_SECONDS s) of at least 30 s:" \
    "e.g. DURATION=11m with ARRIVAL=3m and EXAM=6m." >&2
  exit 2
fi
STAMP=$(date +%Y%m%d-%H%M%S)
OUT=${OUT:-loadtest-out/$STAMP-u$USERS-w$WORKERS-t$THREADS}
mkdir -p "$OUT"
if [ "$THREADS" -gt 1 ]; then
  WORKER_CLASS=gthread GUNICORN_MODE="gthread, $WORKERS workers × $THREADS threads"
else
  WORKER_CLASS=sync GUNICORN_MODE="sync, $WORKERS workers"
fi
DB_NAME=${LOADTEST_DATABASE_URL##*/}

# The server's environment: production settings (DEBUG off, whitenoise, Argon2, django-axes)
# except HTTPS, which a load generator on the loopback does not speak.
export DATABASE_URL=$LOADTEST_DATABASE_URL
export DEBUG=false
export SECRET_KEY=${SECRET_KEY:-loadtest-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')}
export ALLOWED_HOSTS=127.0.0.1,localhost
export SECURE_SSL_REDIRECT=false SESSION_COOKIE_SECURE=false CSRF_COOKIE_SECURE=false
export SECURE_HSTS_SECONDS=0
export DB_CONN_MAX_AGE=${DB_CONN_MAX_AGE:-60}
export LOG_LEVEL=WARNING

echo "== fresh database $DB_NAME"
psql "$POSTGRES_URL" -qc "DROP DATABASE IF EXISTS $DB_NAME" -c "CREATE DATABASE $DB_NAME"
"$PY" manage.py migrate --noinput -v0
"$PY" manage.py load_starter_bank | tail -1
"$PY" manage.py load_default_blueprints
# A few spare accounts: locust processes may share the learners out unevenly.
"$PY" -m loadtest.learners --count $((USERS + PROCESSES)) --password "$PASSWORD"
"$PY" manage.py collectstatic --noinput -v0

echo "== gunicorn ($GUNICORN_MODE) on 127.0.0.1:$PORT, log in $OUT/gunicorn.log"
.venv/bin/gunicorn config.wsgi --bind "127.0.0.1:$PORT" --worker-class "$WORKER_CLASS" \
  --workers "$WORKERS" --threads "$THREADS" --no-control-socket >"$OUT/gunicorn.log" 2>&1 &
GUNICORN=$!
trap 'kill $GUNICORN 2>/dev/null || true' EXIT
for _ in $(seq 60); do
  if "$PY" -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$PORT/accounts/login/')" \
    2>/dev/null; then break; fi
  kill -0 $GUNICORN 2>/dev/null || { cat "$OUT/gunicorn.log"; exit 1; }
  sleep 1
done

RATE=$("$PY" -c "print(round($USERS / $ARRIVAL_SECONDS, 3))")
echo "== locust: $USERS learners logging in at $RATE/s, all starting in one minute" \
  "$ARRIVAL_SECONDS s later, exam $EXAM_SECONDS s, at most $DURATION"
# The start minute: a few seconds after the last login is due (locust takes ~2 s to start).
export LOADTEST_START_AT=$(($(date +%s) + ARRIVAL_SECONDS + 5))
export LOADTEST_PAPER=$PAPER LOADTEST_EXAM_SECONDS=$EXAM_SECONDS LOADTEST_CHANGES=$CHANGES
export LOADTEST_SAVE_EVERY=$SAVE_EVERY LOADTEST_PASSWORD=$PASSWORD LOADTEST_LOG_DIR=$OUT
export LOADTEST_PROCESSES=$PROCESSES LOADTEST_TYPOS=$TYPOS
LOCUST_STATUS=0
MORE=()
if [ "$PROCESSES" -gt 1 ]; then MORE=(--processes "$PROCESSES"); fi
TIMEFORMAT="%U %S %R"
{ time "$PY" -m locust -f loadtest/locustfile.py --headless --only-summary "${MORE[@]}" \
  -u "$USERS" -r "$RATE" -t "$DURATION" --host "http://127.0.0.1:$PORT" --csv "$OUT/locust" \
  >"$OUT/locust.log" 2>&1 || LOCUST_STATUS=$?; } 2>"$OUT/locust.time"

# CPU seconds of the server (master and workers) and of the load generator, same machine.
SERVER_CPU=$(ps -o times= -p $GUNICORN --ppid $GUNICORN | awk '{s += $1} END {print s}')
read -r LOCUST_USER LOCUST_SYS LOCUST_WALL <"$OUT/locust.time"
LOCUST_CPU=$(awk "BEGIN {printf \"%.0f\", $LOCUST_USER + $LOCUST_SYS}")
kill $GUNICORN
wait $GUNICORN 2>/dev/null || true
trap - EXIT

echo "== check"
CONFIG="$USERS learners, paper $PAPER, exam compressed to $EXAM_SECONDS s (saves every \
$SAVE_EVERY ± 5 s, $CHANGES changes each, $TYPOS mistyping their password), \
$(date +%Y-%m-%d). gunicorn $GUNICORN_MODE, DB_CONN_MAX_AGE=$DB_CONN_MAX_AGE, PostgreSQL $(psql "$POSTGRES_URL" -Atc 'SHOW server_version' \
| cut -d' ' -f1), locust on the same $(nproc)-core machine (exit code $LOCUST_STATUS). CPU \
over the ${LOCUST_WALL%.*} s of the run: gunicorn ${SERVER_CPU} s, locust ${LOCUST_CPU} s \
(PostgreSQL not counted); load average before the set-up: $LOAD_BEFORE."
CHECK_STATUS=0
"$PY" -m loadtest.check --log-dir "$OUT" --csv "$OUT/locust" --config "$CONFIG" \
  --title "Exam day: $USERS learners" | tee "$OUT/summary.md" || CHECK_STATUS=$?

if grep -q "CPU usage" "$OUT/locust.log"; then
  echo "WARNING: locust itself ran short of CPU (see $OUT/locust.log): its times include" \
    "its own delays; try PROCESSES=2." | tee -a "$OUT/summary.md"
fi
echo ""
echo "Results in $OUT/ (summary.md, locust_*.csv, saves-*.jsonl, gunicorn.log, locust.log)."
if [ "$CHECK_STATUS" -ne 0 ]; then
  echo "The check failed: answers lost, hand-ins missing or errors in the server's log."
fi
exit $CHECK_STATUS
