#!/usr/bin/env bash
# Start time, memory and size of the packaged service, JVM and native, measured in one run on
# this machine (figures are only comparable within one run: these machines are noisy).
#   prerequisites: ./mvnw package -DskipTests (JVM), optionally ./mvnw verify -Dquarkus.package.jar.aot.enabled=true
#                  (JVM with the AOT cache) and ./mvnw package -Dnative -DskipTests (native),
#                  a PostgreSQL at 127.0.0.1:5432 (postgres/postgres), wrk.
# usage: bench/startup-and-memory.sh [runs, default 3] [database, default test]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
. bench/service-env.sh "${2:-test}"
NATIVE=$(ls target/*-runner 2>/dev/null | head -1 || true)
PORT=18080
export QUARKUS_HTTP_PORT=$PORT QUARKUS_MANAGEMENT_PORT=$(management_port $PORT)

rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }

measure() { # name, command...
  local name=$1; shift
  local starts=() idle=() loaded=()
  for _ in $(seq 1 "$RUNS"); do
    local t0 t1 pid
    t0=$(date +%s%N)
    "$@" >/tmp/paddock-bench.log 2>&1 &
    pid=$!
    until curl -sf -o /dev/null "http://127.0.0.1:$(management_port $PORT)/q/health/live"; do sleep 0.005; done
    t1=$(date +%s%N)
    starts+=($(( (t1 - t0) / 1000000 )))
    sleep 2
    idle+=($(rss_kb $pid))
    # a short load on an authenticated route (401 answers still exercise routing, auth and problem+json)
    wrk -t2 -c32 -d10s "http://127.0.0.1:$PORT/api/runners" >/tmp/paddock-wrk-$name.txt 2>&1 || true
    loaded+=($(rss_kb $pid))
    kill -TERM $pid; wait $pid 2>/dev/null || true
  done
  printf '%-7s start->first response ms: %-20s RSS idle MB: %-20s RSS after 10s load MB: %s   (%s req/s)\n' "$name" \
    "${starts[*]}" "$(for v in "${idle[@]}"; do printf '%d ' $((v/1024)); done)" \
    "$(for v in "${loaded[@]}"; do printf '%d ' $((v/1024)); done)" \
    "$(awk '/Requests\/sec/ {print $2}' /tmp/paddock-wrk-$name.txt)"
}

echo "runs per variant: $RUNS   $(nproc) cores   $(date -u +%FT%TZ)"
measure jvm "$JAVA" -jar target/quarkus-app/quarkus-run.jar
# with the JDK AOT cache that `./mvnw verify -Dquarkus.package.jar.aot.enabled=true` trains on the ITs
if [ -f target/quarkus-app/app.aot ]; then
  measure jvm-aot "$JAVA" -XX:AOTCache=target/quarkus-app/app.aot -jar target/quarkus-app/quarkus-run.jar
fi
if [ -n "$NATIVE" ]; then
  measure native "$NATIVE"
  echo "native executable: $(du -m "$NATIVE" | cut -f1) MB ($NATIVE)"
fi
echo "JVM application (target/quarkus-app): $(du -sm target/quarkus-app | cut -f1) MB, plus a JRE"
