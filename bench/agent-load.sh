#!/usr/bin/env bash
# The agent hot path against PostgreSQL's own limit, in one run on this machine: the pgbench
# single-row UPDATE rate of the same server is the baseline (and pgbench's default TPC-B-like
# rate beside it), every figure is also printed as a ratio to it (figures are only comparable within one run: these machines are noisy).
#   prerequisites: ./mvnw package -DskipTests (the JAR), PostgreSQL at 127.0.0.1:5432 with
#                  postgres/postgres (its pgbench), wrk (apt-get install wrk), a JDK >= 21.
# usage: bench/agent-load.sh [seconds per figure, default 20] [latency samples, default 1000]
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-20}
SAMPLES=${2:-1000}
DB=paddock_bench
PORT_A=18081
PORT_B=18082
. bench/service-env.sh $DB
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done' EXIT

echo "# Paddock agent load — $(date -u +%FT%TZ) — $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)," \
     "$(psql -tAc 'SHOW server_version' postgres | cut -d' ' -f1) PostgreSQL, $SERVICE_NAME"
echo "# service, PostgreSQL and load generator share this machine; $SECS s per figure"
"$JAVA" bench/LoadGen.java check   # compiles the load generator before anything is measured

dropdb --if-exists $DB && createdb $DB

# 1. baseline: single-row UPDATEs by pgbench, 64 clients, on the same server
pgbench_prepare $DB
PG_TPS=$(pgbench -n -c 64 -j 2 -T "$SECS" -f "$PGBENCH_UPDATE" ${DB}_pgbench 2>/dev/null | awk '/^tps/ {print int($3)}')
echo "baseline  pgbench single-row UPDATE: $PG_TPS TPS (64 clients)"
# pgbench's default script (TPC-B-like: three UPDATEs, a SELECT, an INSERT), the other reading of
# "pgbench TPS"; each ratio is printed against both, the single-row UPDATE first (the stricter)
TPCB_TPS=$(pgbench -n -c 64 -j 2 -T "$SECS" ${DB}_pgbench 2>/dev/null | awk '/^tps/ {print int($3)}')
echo "baseline  pgbench TPC-B-like (built-in): $TPCB_TPS TPS (64 clients)"
ratio() { awk -v a="$1" -v b="$PG_TPS" -v c="$TPCB_TPS" 'BEGIN {printf "%.3f (TPC-B-like %.3f)", a / b, a / c}'; }

start() { # port [java options]; PADDOCK_BENCH_JAVA_OPTS are added to every replica's
  QUARKUS_HTTP_PORT=$1 run_service ${2:-} >/tmp/paddock-bench-$1.log 2>&1 &
  PIDS+=($!)
  until curl -sf -o /dev/null "http://127.0.0.1:$(management_port $1)/q/health/ready"; do
    kill -0 "${PIDS[-1]}" 2>/dev/null || { echo "the service did not start: /tmp/paddock-bench-$1.log" >&2; exit 1; }
    sleep 0.1
  done
}
# PADDOCK_BENCH_JFR=file.jfr records a flight recording of the first replica for the whole run
start $PORT_A "${PADDOCK_BENCH_JFR:+-XX:StartFlightRecording=filename=$PADDOCK_BENCH_JFR,settings=profile}"

# the fleets: tokens rn_<fleet>_<i> stored as their SHA-256, as the service stores them
seed() { # prefix tenant count
  psql -q $DB -c "INSERT INTO runners (id, tenant, name, max_concurrency, reported_status, token_hash, token_prefix,
                  last_heartbeat_at, registered_by)
                  SELECT gen_random_uuid(), '$2', '$1-' || i, 1000, 'online',
                         sha256(convert_to('rn_$1_' || i, 'UTF8')), 'rn_$1', now(), 'bench'
                    FROM generate_series(1, $3) i"
}
seed bench bench 10000
seed lat bench-latency $((2 * SAMPLES))
seed log bench-logs 600

# the JIT warms up on the same mix before anything is counted, and the service learns every
# runner of the fleet (a sweep of 25 s: the first call of each runner is a lookup), as it knows
# a real fleet whose runners beat every 30 s
wrk -t2 -c64 -d25s -s bench/heartbeat.lua "http://127.0.0.1:$PORT_A" -- 10000 sweep >/dev/null
"$JAVA" bench/LoadGen.java lifecycle "http://127.0.0.1:$PORT_A" bench 10000 50 10 >/dev/null
wrk -t2 -c64 -d10s -s bench/heartbeat.lua "http://127.0.0.1:$PORT_A" -- 10000 >/dev/null
# The fleet was seeded by one INSERT a minute ago, which a real fleet never is: its statistics,
# as autovacuum keeps them for runners that registered over time (without them PostgreSQL took
# 0.09 ms a heartbeat instead of 0.06, and the first window after the sweep measured the JIT)
psql -q $DB -c "VACUUM ANALYZE"

# 2. heartbeats: 10,000 runners, 64 connections
wrk -t2 -c64 -d"${SECS}s" --latency -s bench/heartbeat.lua "http://127.0.0.1:$PORT_A" -- 10000 >/tmp/paddock-wrk-hb.txt
HB=$(awk '/Requests\/sec/ {print int($2)}' /tmp/paddock-wrk-hb.txt)
echo "heartbeats: $HB /s = $(ratio "$HB") x baseline (goal >= 1.0); latency p50 $(awk '$1=="50%" {print $2}' /tmp/paddock-wrk-hb.txt)," \
     "p99 $(awk '$1=="99%" {print $2}' /tmp/paddock-wrk-hb.txt); $(grep -E 'Non-2xx|Socket errors' /tmp/paddock-wrk-hb.txt || echo 'all 200')"

# 3. full job lifecycles, 50 at once, over the 10,000-runner fleet (the 120/min limit never binds)
LC_LINE=$("$JAVA" bench/LoadGen.java lifecycle "http://127.0.0.1:$PORT_A" bench 10000 50 "$SECS")
LC=$(echo "$LC_LINE" | awk '{print int($2)}')
echo "$LC_LINE = $(ratio "$LC") x baseline (goal >= 0.1)"

# 4. log ingestion, 200-line batches
echo "$("$JAVA" bench/LoadGen.java logs "http://127.0.0.1:$PORT_A" bench-logs 600 "$SECS") (goal >= 100,000)"

# 5. dispatch latency: the enqueue and the waiting claim on one replica, then on two
echo "one replica:  $("$JAVA" bench/LoadGen.java latency "http://127.0.0.1:$PORT_A" "http://127.0.0.1:$PORT_A" bench-latency 1 "$SAMPLES") (goal p50 <= 5, p99 <= 50)"
start $PORT_B
# the second replica's JIT warms up as the first's did, on the same calls, before it is measured
"$JAVA" bench/LoadGen.java lifecycle "http://127.0.0.1:$PORT_B" bench 10000 50 10 >/dev/null
echo "two replicas: $("$JAVA" bench/LoadGen.java latency "http://127.0.0.1:$PORT_A" "http://127.0.0.1:$PORT_B" bench-latency $((SAMPLES + 1)) "$SAMPLES") (goal p50 <= 5, p99 <= 50)"

echo "RSS after load: $(awk '/VmRSS/ {printf "%d MB", $2/1024}' /proc/${PIDS[0]}/status) (goal <= 300 MB)," \
     "peak $(awk '/VmHWM/ {printf "%d MB", $2/1024}' /proc/${PIDS[0]}/status)"
