#!/usr/bin/env bash
# Enqueue and claim latency with 1,000, 100,000 and 1,000,000 jobs already queued in the tenant,
# on the packaged JAR and a fresh database, with the claim's query plan at each depth (the goal:
# p99 at 1M within 2 x of the p99 at 1k).
#   prerequisites: ./mvnw package -DskipTests, PostgreSQL at 127.0.0.1:5432 (postgres/postgres), a JDK >= 21.
# usage: bench/queue-depth.sh [samples per depth, default 300]
set -euo pipefail
cd "$(dirname "$0")/.."
SAMPLES=${1:-300}
DB=paddock_depth
PORT=18083
. bench/service-env.sh $DB
export QUARKUS_HTTP_PORT=$PORT
"$JAVA" bench/LoadGen.java check
echo "# Paddock queue depth — $(date -u +%FT%TZ) — $(nproc) cores; $SAMPLES enqueue+claim pairs per depth"

dropdb --if-exists $DB && createdb $DB
run_service >/tmp/paddock-depth.log 2>&1 &
PID=$!
trap 'kill -TERM $PID 2>/dev/null || true' EXIT
until curl -sf -o /dev/null "http://127.0.0.1:$(management_port $PORT)/q/health/ready"; do
  kill -0 $PID 2>/dev/null || { echo "the service did not start: /tmp/paddock-depth.log" >&2; exit 1; }
  sleep 0.1
done
psql -q $DB -c "INSERT INTO runners (id, tenant, name, max_concurrency, reported_status, token_hash, token_prefix,
                last_heartbeat_at, registered_by)
                SELECT gen_random_uuid(), 'depth', 'depth-' || i, 1000, 'online',
                       sha256(convert_to('rn_depth_' || i, 'UTF8')), 'rn_dept', now(), 'bench'
                  FROM generate_series(1, $SAMPLES) i"

# the JIT warms up on the same calls first: else the first depth measured is the cold one
"$JAVA" bench/LoadGen.java depth "http://127.0.0.1:$PORT" depth "$SAMPLES" >/dev/null
psql -q $DB -c "DELETE FROM jobs WHERE tenant = 'depth'; UPDATE runners SET active_jobs = 0 WHERE tenant = 'depth'"

queued=0
declare -A p99s
for depth in 1000 100000 1000000; do
  # top the queue up to $depth jobs (older and lower in priority than the ones measured: every
  # claim takes a fresh job from the head of the queue, as it would in a backlog)
  psql -q $DB -c "INSERT INTO jobs (id, tenant, type, priority, created_at, queued_at)
                  SELECT gen_random_uuid(), 'depth', 'backlog', -1, now() - interval '1 hour', now() - interval '1 hour'
                    FROM generate_series(1, $((depth - queued))); ANALYZE jobs"
  queued=$depth
  line=$("$JAVA" bench/LoadGen.java depth "http://127.0.0.1:$PORT" depth "$SAMPLES")
  printf '%8d queued: %s\n' "$depth" "$line"
  p99s[$depth]=$(echo "$line" | sed -E 's/.*enqueue p50 [0-9.]+ ms, p99 ([0-9.]+) ms; claim p50 [0-9.]+ ms, p99 ([0-9.]+) ms.*/\1 \2/')
  psql -Atq $DB -c "EXPLAIN (ANALYZE, COSTS OFF) SELECT id FROM jobs WHERE tenant = 'depth' AND status IN ('queued')
                    AND labels <@ ARRAY[]::varchar[] ORDER BY priority DESC, created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED" \
    | grep -E "Scan|Execution Time" | sed 's/^/           plan: /'
  # the measured jobs are done with: only the backlog stays queued
  psql -q $DB -c "DELETE FROM jobs WHERE tenant = 'depth' AND type = 'depth'; UPDATE runners SET active_jobs = 0 WHERE tenant = 'depth'"
done
read -r e1k c1k <<<"${p99s[1000]}"
read -r e1m c1m <<<"${p99s[1000000]}"
awk -v e1k="$e1k" -v c1k="$c1k" -v e1m="$e1m" -v c1m="$c1m" \
  'BEGIN {printf "p99 at 1M / p99 at 1k: enqueue %.2f x, claim %.2f x (goal <= 2)\n", e1m / e1k, c1m / c1k}'
