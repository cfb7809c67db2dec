#!/usr/bin/env bash
# The dashboard's server time with a large fleet and a long log (issue 28's figures): the fleet
# page — its shell, who the credential is, and the first, the last and a filtered page of 10,000
# runners — and a job's page — its shell, its fields, the last page of a 100,000-line log and a
# page back. Each request N times with curl on loopback after 10 to warm up; its time_total is the
# server's time plus loopback. Prints p50 / p95 per request. What the browser keeps of a long log
# (at most 2,000 lines) is tested in JobPageTest.
#   prerequisites: as bench/agent-load.sh (the JAR, PostgreSQL at 127.0.0.1:5432 postgres/postgres)
# usage: bench/dashboard.sh [requests per figure, default 200]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-200}
DB=paddock_bench_dashboard
PORT=18081
. bench/service-env.sh $DB
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done' EXIT

echo "# Paddock dashboard — $(date -u +%FT%TZ) — $(nproc) cores, $SERVICE_NAME; $N requests a figure"
"$JAVA" bench/LoadGen.java check
dropdb --if-exists $DB && createdb $DB
QUARKUS_HTTP_PORT=$PORT run_service >/tmp/paddock-bench-dashboard.log 2>&1 &
PIDS+=($!)
until curl -sf -o /dev/null "http://127.0.0.1:$(management_port $PORT)/q/health/ready"; do
  kill -0 "${PIDS[0]}" 2>/dev/null || { echo "the service did not start: /tmp/paddock-bench-dashboard.log" >&2; exit 1; }
  sleep 0.1
done
# 10,000 runners of one tenant: a third silent for an hour (offline), labels in a few sets
psql -q $DB -c "INSERT INTO runners (id, tenant, name, labels, max_concurrency, reported_status, token_hash, token_prefix,
                last_heartbeat_at, registered_by, version)
                SELECT gen_random_uuid(), 'bench', 'bench-' || i,
                       CASE i % 4 WHEN 0 THEN '{linux}' WHEN 1 THEN '{linux,gpu}' WHEN 2 THEN '{macos,arm64}' ELSE '{windows}' END::varchar(63)[],
                       4, 'online', sha256(convert_to('rn_bench_' || i, 'UTF8')), 'rn_bench',
                       CASE WHEN i % 3 = 0 THEN now() - interval '1 hour' ELSE now() END, 'bench', '1.0.0'
                  FROM generate_series(1, 10000) i"
JWT=$("$JAVA" bench/LoadGen.java jwt bench)
BASE=http://127.0.0.1:$PORT
JOB=$(curl -s -XPOST $BASE/api/jobs -H "Authorization: Bearer $JWT" -H 'Content-Type: application/json' \
  -d '{"type": "build", "name": "a long build"}' | sed -E 's/.*"id":"([^"]+)".*/\1/')
psql -q $DB -c "INSERT INTO job_log_batches (job_id, first_seq, line_count, attempt, timestamps, levels, messages, data)
                SELECT '$JOB', b * 200 + 1, 200, 1, array_agg(now()), array_agg(CASE WHEN i % 50 = 0 THEN 'warn' ELSE 'info' END ORDER BY i),
                       array_agg('line ' || i || ': compiling module ' || (i % 97) || ' of the build, with its warnings and output' ORDER BY i), '{}'
                  FROM generate_series(1, 100000) i, LATERAL (SELECT (i - 1) / 200 AS b) batch GROUP BY b" \
            -c "UPDATE jobs SET log_next_seq = 100001 WHERE id = '$JOB'" -c "VACUUM ANALYZE"

measure() { # what, path
  for _ in $(seq 1 10); do curl -s -o /dev/null -H "Authorization: Bearer $JWT" "$BASE$2"; done
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $JWT" "$BASE$2")
  [ "$code" = 200 ] || { echo "$1: HTTP $code" >&2; exit 1; }
  for _ in $(seq 1 "$N"); do
    curl -s -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $JWT" "$BASE$2"
  done | sort -n | awk -v what="$1" '{ t[NR] = $1 * 1000 } END {
    printf "%-48s p50 %6.1f ms, p95 %6.1f ms\n", what, t[int(NR * 0.5) + 1], t[int(NR * 0.95) + 1] }'
}
measure "fleet page: the shell" /ui/
measure "who signed in (GET /api/me)" /api/me
measure "fleet: first page of 10,000 runners" /ui/fragments/runners
measure "fleet: last page" "/ui/fragments/runners?offset=9950"
measure "fleet: filtered by name" "/ui/fragments/runners?q=bench-99"
measure "fleet: filtered by status and label" "/ui/fragments/runners?status=offline&label=gpu"
measure "job page: the shell" "/ui/jobs/$JOB"
measure "job: its fields" "/ui/fragments/jobs/$JOB"
measure "job log: the last 500 of 100,000 lines" "/ui/fragments/jobs/$JOB/log"
measure "job log: the 500 before line 50,000" "/ui/fragments/jobs/$JOB/log?before=50000"
