#!/usr/bin/env bash
# Every figure of the performance goals (issue 10) in one run on this machine, each with its unit
# and goal; the pgbench single-row UPDATE rate of the same server in the same run is the baseline
# the agent path is measured against (figures are only comparable within one run).
#   prerequisites: ./mvnw package -DskipTests (the JAR); PostgreSQL at 127.0.0.1:5432 with
#                  postgres/postgres and its pgbench; wrk (apt-get install wrk); a JDK >= 21.
#                  Optional, measured when present: the native executable (target/*-runner,
#                  README "Native") and the JDK AOT cache (target/quarkus-app/app.aot).
# usage: bench/all.sh [seconds per rate figure, default 20] [dispatch latency samples, default 1000]
#                     [queue-depth samples, default 300]
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-20}
SAMPLES=${2:-1000}
DEPTH_SAMPLES=${3:-300}
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export JAVA_HOME PGHOST=127.0.0.1 PGUSER=postgres PGPASSWORD=${PGPASSWORD:-postgres}

echo "# Paddock benchmarks — $(date -u +%FT%TZ)"
echo "# machine: $(nproc) cores ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo);" \
     "PostgreSQL $(psql -tAc 'SHOW server_version' postgres | cut -d' ' -f1); $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"
echo "# service, PostgreSQL and load generators share this machine"

echo; echo "## Agent hot path, the JAR (bench/agent-load.sh $SECS $SAMPLES)"
bench/agent-load.sh "$SECS" "$SAMPLES" | grep -v '^#'
if ls target/*-runner >/dev/null 2>&1; then
  echo; echo "## Agent hot path, the native executable (PADDOCK_BENCH_SERVICE=native bench/agent-load.sh $SECS $SAMPLES)"
  PADDOCK_BENCH_SERVICE=native bench/agent-load.sh "$SECS" "$SAMPLES" | grep -v '^#'
fi

echo; echo "## Enqueue and claim latency by queue depth (bench/queue-depth.sh $DEPTH_SAMPLES; goal: p99 at 1M within 2 x of 1k)"
bench/queue-depth.sh "$DEPTH_SAMPLES" | grep -v '^#'

echo; echo "## Start and memory (bench/startup-and-memory.sh 3 paddock_start; goals: JVM start <= 1500 ms, native < 100 ms, RSS under load <= 300 MB)"
dropdb --if-exists paddock_start && createdb paddock_start
bench/startup-and-memory.sh 3 paddock_start
ls target/*-runner >/dev/null 2>&1 || echo "native: not measured, no target/*-runner (README, \"Native\": ./mvnw package -Dnative)"
