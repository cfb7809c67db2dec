#!/usr/bin/env bash
# The JVM's start, as issue 26 counts it: process start -> /q/health/ready answering 200, on a
# fresh database (Flyway migrates it) and on a migrated one, RUNS times each, min / median / max;
# then the first request after ready (a person's GET /api/jobs: routing, JWT, a statement, JSON),
# so that no work moved from the start into the first request goes unseen. Several JARs (e.g. a
# build of another commit) are measured in turn, in the same run.
#   prerequisites: ./mvnw package -DskipTests; PostgreSQL at 127.0.0.1:5432 (postgres/postgres).
# usage: bench/start.sh [runs, default 5] [JAR ...] (default target/quarkus-app/quarkus-run.jar)
#        the baselines (Quarkus alone, and Paddock's extensions without its code) in the same run:
#        bench/start.sh 5 target/quarkus-app/quarkus-run.jar $(bench/start-baseline.sh)
#        PADDOCK_BENCH_JAVA_OPTS: the JVM's options (e.g. the image's -XX:AOTCache=…)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
shift || true
JARS=("$@")
[ ${#JARS[@]} -gt 0 ] || JARS=(target/quarkus-app/quarkus-run.jar)
DB=paddock_bench_start
PORT=18082
. bench/service-env.sh $DB
export QUARKUS_HTTP_PORT=$PORT QUARKUS_MANAGEMENT_PORT=$(management_port $PORT)
JWT=$("$JAVA" bench/LoadGen.java jwt bench)
trap 'kill -TERM $PID 2>/dev/null || true' EXIT
PID=

now_ms() { date +%s%3N; }

one_start() { # jar: prints "ms-to-ready ms-of-first-request"
  local t0 ready first
  t0=$(now_ms)
  "$JAVA" ${PADDOCK_BENCH_JAVA_OPTS:-} -jar "$1" >/tmp/paddock-bench-start.log 2>&1 &
  PID=$!
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$QUARKUS_MANAGEMENT_PORT/q/health/ready")" = 200 ]; do
    kill -0 $PID 2>/dev/null || { echo "the service did not start: /tmp/paddock-bench-start.log" >&2; exit 1; }
    sleep 0.01
  done
  ready=$(( $(now_ms) - t0 ))
  first=$(curl -s -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $JWT" "http://127.0.0.1:$PORT/api/jobs")
  kill -TERM $PID; wait $PID 2>/dev/null || true
  echo "$ready $(awk -v s="$first" 'BEGIN { printf "%d", s * 1000 }')"
}

summary() { # label, then "ready first" lines on stdin
  local lines
  lines=$(cat)
  printf '  %-28s ready: %s ms   first request: %s ms\n' "$1" \
    "$(echo "$lines" | cut -d' ' -f1 | sort -n | awk '{ v[NR] = $1 } END { printf "min %5d, median %5d, max %5d", v[1], v[int((NR + 1) / 2)], v[NR] }')" \
    "$(echo "$lines" | cut -d' ' -f2 | sort -n | awk '{ v[NR] = $1 } END { printf "median %4d", v[int((NR + 1) / 2)] }')"
}

echo "# Paddock's start — $(date -u +%FT%TZ) — $(nproc) cores, $("$JAVA" -version 2>&1 | head -1); $RUNS runs each"
for jar in "${JARS[@]}"; do
  echo "$jar ($(ls "$(dirname "$jar")"/lib/main | wc -l) libraries; JVM options: ${PADDOCK_BENCH_JAVA_OPTS:-none})"
  for _ in $(seq 1 "$RUNS"); do
    dropdb --if-exists $DB && createdb $DB
    one_start "$jar"
  done | summary "fresh database (migrates)"
  for _ in $(seq 1 "$RUNS"); do one_start "$jar"; done | summary "migrated database"
done
dropdb --if-exists $DB
