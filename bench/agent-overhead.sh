#!/usr/bin/env bash
# paddock-agent's own costs, measured on this machine with the real agent (installed by a runner's
# install script) against the packaged service and PostgreSQL:
#   1. the agent idle, fresh from its start, waiting for work: RSS, and CPU seconds per minute;
#   2. overhead per job, over N jobs whose script is one instruction (`date +%s%N`, which prints
#      the moment it ran): claim answered (jobs.started_at) -> that instruction, and that
#      instruction -> result stored (jobs.completed_at), p50 / p99;
#   3. log throughput of one job printing M short lines (`seq`): lines stored per second of the
#      job's life, and the agent's largest RSS meanwhile; and the CPU each of agent, service and
#      PostgreSQL spent on it. Twice: on a service that never stored logs (cold) and then (warm).
# PADDOCK_AGENT_JAVA_OPTS replaces the launcher's JVM options for the agent.
# The baseline of the same run: pgbench's single-row UPDATE, one client (its latency is PostgreSQL's
# floor for one committed statement on this box).
#   prerequisites: ./mvnw package -DskipTests (the JAR), PostgreSQL at 127.0.0.1:5432 with
#                  postgres/postgres (its pgbench), a JDK >= 21, curl, openssl.
# usage: bench/agent-overhead.sh [jobs, default 200] [lines, default 1000000] [idle seconds, default 60]
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS=${1:-200}
LINES=${2:-1000000}
IDLE=${3:-60}
DB=paddock_bench_agent
PORT=18083
URL=http://127.0.0.1:$PORT
. bench/service-env.sh $DB
export JAVA_HOME   # the agent's install script and launcher look for a Java 21+ there
HOME_DIR=$(mktemp -d /tmp/paddock-agent-bench.XXXXXX)
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; rm -rf "$HOME_DIR"' EXIT

echo "# paddock-agent overhead — $(date -u +%FT%TZ) — $(nproc) cores," \
     "$(psql -tAc 'SHOW server_version' postgres | cut -d' ' -f1) PostgreSQL, $SERVICE_NAME"
echo "# agent, service and PostgreSQL share this machine; the agent runs with its launcher's JVM options"

dropdb --if-exists $DB && createdb $DB
pgbench_prepare $DB
PG_LATENCY=$(pgbench -n -c 1 -T 10 -f "$PGBENCH_UPDATE" ${DB}_pgbench 2>/dev/null | awk '/latency average/ {print $4}')
echo "baseline  pgbench single-row UPDATE, 1 client: $PG_LATENCY ms a transaction"

QUARKUS_HTTP_PORT=$PORT run_service >/tmp/paddock-bench-$PORT.log 2>&1 &
PIDS+=($!)
until curl -sf -o /dev/null "http://127.0.0.1:$(management_port $PORT)/q/health/ready"; do
  kill -0 "${PIDS[-1]}" 2>/dev/null || { echo "the service did not start: /tmp/paddock-bench-$PORT.log" >&2; exit 1; }
  sleep 0.1
done

b64() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
jwt() { # a JWT of the test issuer, signed with the test key the service trusts (service-env.sh)
  local now header claims
  now=$(date +%s)
  header=$(printf '{"alg":"RS256","typ":"JWT"}' | b64)
  claims=$(printf '{"iss":"https://paddock.test","sub":"bench","tenant":"bench-agent","scope":"runners:manage jobs:manage","iat":%s,"exp":%s}' \
    "$now" $((now + 7200)) | b64)
  printf '%s.%s.%s' "$header" "$claims" \
    "$(printf '%s.%s' "$header" "$claims" | openssl dgst -sha256 -sign src/test/resources/privateKey.pem | b64)"
}
TOKEN=$(jwt)
api() { curl -sf -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' "$@"; }
json() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p"; }

RUNNER=$(api -XPOST "$URL/api/runners" -d '{"name":"bench-agent","labels":["bench"]}')
RUNNER_ID=$(echo "$RUNNER" | json id | head -1)
RUNNER_TOKEN=$(echo "$RUNNER" | json token)
curl -fsSL "$URL/api/runners/$RUNNER_ID/setup?token=$RUNNER_TOKEN" | PADDOCK_HOME=$HOME_DIR sh -s >/dev/null
PADDOCK_HOME=$HOME_DIR "$HOME_DIR/bin/paddock-agent" run 2>/tmp/paddock-bench-agent.log &
AGENT=$!
PIDS+=($AGENT)

await_final() { # how many of the tenant's jobs must be final
  until [ "$(psql -tAc "SELECT count(*) FROM jobs WHERE tenant = 'bench-agent' AND status IN ('success', 'failure')" $DB)" -ge "$1" ]; do
    kill -0 $AGENT 2>/dev/null || { echo "the agent stopped: /tmp/paddock-bench-agent.log" >&2; exit 1; }
    sleep 0.2
  done
}
rss_mb() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' /proc/$AGENT/status; }
cpu_ticks() { awk '{print $14 + $15}' /proc/${1:-$AGENT}/stat; }
pg_ticks() { for p in $(pgrep -u postgres postgres); do awk '{print $14 + $15}' /proc/$p/stat 2>/dev/null; done | awk '{s += $1} END {print s}'; }
SERVICE=${PIDS[0]}

# 1. idle, fresh from its start: waiting for work with its long poll and heartbeats
sleep 10
TICKS_BEFORE=$(cpu_ticks)
sleep "$IDLE"
TICKS_AFTER=$(cpu_ticks)
HZ=$(getconf CLK_TCK)
echo "idle      RSS $(rss_mb) MB (goal <= 80 MB); CPU $(awk -v t=$((TICKS_AFTER - TICKS_BEFORE)) -v hz="$HZ" -v s="$IDLE" \
  'BEGIN {printf "%.2f", t / hz * 60 / s}') s a minute (goal <= 1 s), over $IDLE s"

# 2. overhead per job: a few jobs first, so the JIT has seen the path once, then the measured ones
for i in $(seq 1 20); do api -XPOST "$URL/api/jobs" -d '{"type":"warm-up","labels":["bench"],"payload":{"script":"true"}}' >/dev/null; done
await_final 20
for i in $(seq 1 "$JOBS"); do
  api -XPOST "$URL/api/jobs" -d '{"type":"overhead","labels":["bench"],"payload":{"script":"date +%s%N"}}' >/dev/null
done
await_final $((20 + JOBS))
psql -tA $DB <<'SQL' | sed 's/^/overhead  /'
WITH ran AS (
  SELECT j.started_at, j.completed_at, to_timestamp(l.message::numeric / 1e9) AS instruction
    FROM jobs j JOIN job_logs l ON l.job_id = j.id AND l.seq = 1
   WHERE j.tenant = 'bench-agent' AND j.type = 'overhead' AND j.status = 'success')
SELECT format('claim answered -> first instruction: p50 %s ms, p99 %s ms; script exit -> result stored: p50 %s ms, p99 %s ms (%s jobs; goal p50 <= 50 ms each)',
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM instruction - started_at) * 1000)::numeric, 1),
       round(percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM instruction - started_at) * 1000)::numeric, 1),
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM completed_at - instruction) * 1000)::numeric, 1),
       round(percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM completed_at - instruction) * 1000)::numeric, 1),
       count(*))
  FROM ran;
SQL

# 3. one job printing many short lines; the agent's RSS sampled while it runs. Twice: the first such
#    job meets a service whose log path the JIT has not compiled yet, the second a warm one.
lines_job() { # label
  local type="lines-$1" max_rss a0 s0 p0 a1 s1 p1 rss hz
  max_rss=$(rss_mb)
  a0=$(cpu_ticks); s0=$(cpu_ticks $SERVICE); p0=$(pg_ticks)
  api -XPOST "$URL/api/jobs" -d "{\"type\":\"$type\",\"labels\":[\"bench\"],\"timeout_seconds\":3600,\"payload\":{\"script\":\"seq 1 $LINES\"}}" >/dev/null
  until [ "$(psql -tAc "SELECT count(*) FROM jobs WHERE tenant = 'bench-agent' AND type = '$type' AND status IN ('success', 'failure')" $DB)" -ge 1 ]; do
    rss=$(rss_mb); [ "$rss" -gt "$max_rss" ] && max_rss=$rss
    sleep 0.2
  done
  a1=$(cpu_ticks); s1=$(cpu_ticks $SERVICE); p1=$(pg_ticks)
  psql -tA $DB <<SQL | sed 's/^/logs      /'
SELECT format('one job printing %s lines, %s service: %s lines stored in %s s = %s lines/s (goal >= 50,000); status %s',
       $LINES, '$1', (SELECT count(*) FROM job_logs WHERE job_id = j.id), round(extract(epoch FROM completed_at - started_at)::numeric, 2),
       round((SELECT count(*) FROM job_logs WHERE job_id = j.id) / extract(epoch FROM completed_at - started_at)), status)
  FROM jobs j WHERE tenant = 'bench-agent' AND type = '$type';
SQL
  hz=$(getconf CLK_TCK)
  echo "logs      the agent's largest RSS while it ran: $max_rss MB (goal <= 128 MB)"
  awk -v a=$((a1 - a0)) -v s=$((s1 - s0)) -v p=$((p1 - p0)) -v hz="$hz" -v n="$LINES" 'BEGIN {
    printf "logs      CPU per line: agent %.1f us, service %.1f us, PostgreSQL %.1f us (all of PostgreSQL'"'"'s processes)\n",
           a / hz / n * 1e6, s / hz / n * 1e6, p / hz / n * 1e6 }'
}
lines_job cold
lines_job warm

