#!/usr/bin/env bash
# Webhooks under the agent load, in one run: job lifecycles/s without and with one active webhook
# subscribed to every job event (goal: within 10 %), the event-to-delivery latency with a receiver
# that answers at once (goal p99 <= 1 s), and N events delivered to a receiver that was down for
# 60 s (goal: all, none twice). The pgbench baseline of agent-load.sh is printed for scale.
#   prerequisites: as bench/agent-load.sh (the JAR, PostgreSQL at 127.0.0.1:5432, a JDK >= 21).
# usage: bench/webhooks.sh [seconds per figure, default 20] [events while down, default 10000] [rounds, default 6]
#   PADDOCK_BENCH_PGSS=1  also print each figure's costliest statements from pg_stat_statements
#                         (calls and execution time a lifecycle; PostgreSQL must preload it)
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-20}
DOWN_EVENTS=${2:-10000}
ROUNDS=${3:-6}
DB=paddock_bench_webhooks
PORT=18081
RECEIVER_PORT=18090
RECEIVED=/tmp/paddock-webhooks-received.txt
. bench/service-env.sh $DB
# the receiver listens on loopback
export PADDOCK_WEBHOOKS_ALLOW_PRIVATE_NETWORKS=true
# No runner's sign of life is written at once during the run (it is every offline-after / 2, 45 s
# by default, and batched in between): the runners, taken in turn, come round every ~22 s, so
# every second or third lifecycle's runner was written at once, in bursts that fell on one figure
# or the other (0.1 to 1.0 such writes a lifecycle, 0.15-0.2 ms each, in one run's figures).
# That cost does not depend on the webhook; without it the webhook's share is, if anything, larger.
export PADDOCK_RUNNERS_OFFLINE_AFTER=${PADDOCK_RUNNERS_OFFLINE_AFTER:-3600s}
# a receiver down for 60 s is tried again on this schedule (the default's second wait is 5 minutes)
export PADDOCK_WEBHOOKS_RETRY_SCHEDULE=${PADDOCK_WEBHOOKS_RETRY_SCHEDULE:-5s,10s,20s,40s,80s,160s}
PIDS=()
RECEIVER=
trap 'for p in "${PIDS[@]}" $RECEIVER; do kill -TERM "$p" 2>/dev/null || true; done' EXIT

echo "# Paddock webhooks — $(date -u +%FT%TZ) — $(nproc) cores, $SERVICE_NAME; $SECS s per figure"
"$JAVA" bench/LoadGen.java check
dropdb --if-exists $DB && createdb $DB
pgbench_prepare $DB
echo "baseline  pgbench single-row UPDATE: $(pgbench -n -c 64 -j 2 -T "$SECS" -f "$PGBENCH_UPDATE" ${DB}_pgbench 2>/dev/null | awk '/^tps/ {print int($3)}') TPS (64 clients)"

QUARKUS_HTTP_PORT=$PORT run_service >/tmp/paddock-bench-webhooks.log 2>&1 &
PIDS+=($!)
until curl -sf -o /dev/null "http://127.0.0.1:$(management_port $PORT)/q/health/ready"; do
  kill -0 "${PIDS[0]}" 2>/dev/null || { echo "the service did not start: /tmp/paddock-bench-webhooks.log" >&2; exit 1; }
  sleep 0.1
done
psql -q $DB -c "INSERT INTO runners (id, tenant, name, max_concurrency, reported_status, token_hash, token_prefix,
                last_heartbeat_at, registered_by)
                SELECT gen_random_uuid(), 'bench', 'bench-' || i, 1000, 'online',
                       sha256(convert_to('rn_bench_' || i, 'UTF8')), 'rn_bench', now(), 'bench'
                  FROM generate_series(1, 10000) i"
JWT=$("$JAVA" bench/LoadGen.java jwt bench)
BASE=http://127.0.0.1:$PORT
# The lifecycles take the runners in turn across all the figures, as one long run would: a
# runner's sign of life is written at once every offline-after / 2 and batched in between, and
# restarting at runner 1 for each figure made that cost fall on every other figure.
NEXT_RUNNER=1
LIFECYCLES=/tmp/paddock-webhooks-lifecycles.txt
run_lifecycles() { # seconds: LoadGen's line in $LIFECYCLES
  "$JAVA" bench/LoadGen.java lifecycle $BASE bench 10000 50 "$1" $NEXT_RUNNER >$LIFECYCLES
  NEXT_RUNNER=$(( (NEXT_RUNNER - 1 + $(sed -E 's/.*\(([0-9]+) in .*/\1/' $LIFECYCLES)) % 10000 + 1 ))
}
run_lifecycles 40   # the JIT warms up

# 1. lifecycles without and with a webhook subscribed to every job event, in ROUNDS pairs whose
# order alternates (without-with, with-without, ...) so that a drift of the box favours neither;
# each figure with the CPU a lifecycle took in the service, the receiver and PostgreSQL's backends
start_receiver() {
  "$JAVA" bench/LoadGen.java receiver $RECEIVER_PORT $RECEIVED >/dev/null 2>&1 &
  RECEIVER=$!
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$RECEIVER_PORT/")" = 400 ]; do sleep 0.1; done
}
pending() { psql -tAc "SELECT count(*) FROM webhook_deliveries WHERE status = 'pending'" $DB; }
await_delivered() { # seconds
  # the receiver writes its lines out every 100 ms
  for _ in $(seq 1 $(($1 * 10))); do [ "$(pending)" = 0 ] && { sleep 0.3; return 0; }; sleep 0.1; done
  echo "  still pending after $1 s: $(pending)"
}
set_active() { # true|false
  curl -s -o /dev/null -XPATCH $BASE/api/webhooks/$WEBHOOK -H "Authorization: Bearer $JWT" \
    -H 'Content-Type: application/json' -d "{\"active\": $1}"
  sleep 1 # a window still being sent when the webhook stops ends before the figure starts
}
ticks() { awk '{ print $14 + $15 }' /proc/$1/stat; }
backend_ticks() { # of PostgreSQL's backends on the benchmark's database
  for p in $(pgrep -f "postgres: .* $DB "); do awk '{ print $14 + $15 }' /proc/$p/stat 2>/dev/null || true; done | awk '{ s += $1 } END { print s + 0 }'
}
TICK_MS=$((1000 / $(getconf CLK_TCK)))
lifecycles() { # label: prints the figure and its CPU; sets RATE
  local s0 r0 p0 out done
  # Each figure starts from the same state of PostgreSQL, as pgbench starts its runs: the tables
  # vacuumed (no figure pays for the autovacuum of the one before it) and a checkpoint just made
  # (under this load PostgreSQL checkpoints about once a minute, for its WAL: a figure starts at the
  # same point of that cycle as the others).
  psql -q $DB -c "VACUUM ANALYZE" -c "CHECKPOINT"
  [ -z "${PADDOCK_BENCH_PGSS:-}" ] || psql -qAt $DB -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements; SELECT pg_stat_statements_reset()" >/dev/null
  s0=$(ticks "${PIDS[0]}"); r0=$(ticks $RECEIVER); p0=$(backend_ticks)
  run_lifecycles "$SECS"
  out=$(cat $LIFECYCLES)
  done=$(echo "$out" | sed -E 's/.*\(([0-9]+) in .*/\1/')
  RATE=$(echo "$out" | sed -E 's/lifecycles: ([0-9.]+) .*/\1/')
  awk -v l="$1" -v o="$out" -v n="$done" -v t=$TICK_MS -v s=$(( $(ticks "${PIDS[0]}") - s0 )) \
      -v r=$(( $(ticks $RECEIVER) - r0 )) -v p=$(( $(backend_ticks) - p0 )) \
    'BEGIN { printf "%-18s %s\n%18s CPU a lifecycle: service %.2f ms, receiver %.2f ms, PostgreSQL backends %.2f ms\n",
             l, o, "", s * t / n, r * t / n, p * t / n }'
  [ -z "${PADDOCK_BENCH_PGSS:-}" ] || psql -qAtX -F ' | ' $DB -v n="$done" <<'SQL'
  SELECT round(calls / :n::numeric, 3), round((total_exec_time / :n)::numeric, 4) || ' ms',
         left(regexp_replace(query, '\s+', ' ', 'g'), 110)
    FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
   ORDER BY total_exec_time DESC LIMIT 12;
SQL
}
rm -f $RECEIVED $RECEIVED.all
start_receiver
WEBHOOK=$(curl -s -XPOST $BASE/api/webhooks -H "Authorization: Bearer $JWT" -H 'Content-Type: application/json' \
  -d "{\"url\": \"http://127.0.0.1:$RECEIVER_PORT/hook\", \"events\": [\"paddock.job.*\"]}" \
  | sed -E 's/.*"id":"([^"]+)".*/\1/')
run_lifecycles 30   # the JIT warms up the webhook's path too
await_delivered 60
: >$RECEIVED
WARM_DELIVERED=$(psql -tAc "SELECT count(*) FROM webhook_deliveries WHERE status = 'delivered'" $DB)
RATIOS=()
for round in $(seq 1 "$ROUNDS"); do
  order="false true"; [ $((round % 2)) = 0 ] && order="true false"
  for active in $order; do
    set_active $active
    if [ $active = true ]; then lifecycles "with a webhook:"; WITH=$RATE; else lifecycles "without a webhook:"; WITHOUT=$RATE; fi
  done
  RATIOS+=("$(awk -v a="$WITH" -v b="$WITHOUT" 'BEGIN { printf "%.3f", a / b }')")
  await_delivered 60
  sort -n -k3 $RECEIVED | awk -v r=$round '{ l[NR] = $3 } END {
    printf "  round %d, event to delivery: p50 %d ms, p99 %d ms, max %d ms\n", r, l[int(NR * 0.5) + 1], l[int(NR * 0.99) + 1], l[NR] }'
  cat $RECEIVED >>$RECEIVED.all
  : >$RECEIVED
done
printf '%s\n' "${RATIOS[@]}" | sort -n | awk '{ r[NR] = $1; all = all (NR > 1 ? ", " : "") $1 } END {
  printf "with / without a webhook, each round: %s; median %.3f (goal >= 0.90)\n", all, (r[int((NR + 1) / 2)] + r[int(NR / 2) + 1]) / 2 }'
set_active true
DELIVERED=$(( $(psql -tAc "SELECT count(*) FROM webhook_deliveries WHERE status = 'delivered'" $DB) - WARM_DELIVERED ))
sort -n -k3 $RECEIVED.all | awk -v d="$DELIVERED" '{ l[NR] = $3; ids[$1]++ } END {
  for (i in ids) if (ids[i] > 1) dup++
  printf "event to delivery: %d events delivered (%d recorded), p50 %d ms, p99 %d ms, max %d ms (goal p99 <= 1000); twice: %d\n",
         length(ids), d, l[int(NR * 0.5) + 1], l[int(NR * 0.99) + 1], l[NR], dup }'

# 2. the receiver down for 60 s while DOWN_EVENTS events happen, then back
kill -TERM $RECEIVER; wait $RECEIVER 2>/dev/null || true
DOWN_AT=$(date +%s)
: >$RECEIVED
BEFORE=$(psql -tAc "SELECT count(*) FROM webhook_deliveries" $DB)
"$JAVA" bench/LoadGen.java enqueue $BASE bench "$DOWN_EVENTS" 50 >/dev/null
sleep $((60 - ($(date +%s) - DOWN_AT) > 0 ? 60 - ($(date +%s) - DOWN_AT) : 0))
BACK_AT=$(date +%s)
start_receiver
await_delivered 600
MADE=$(psql -tAc "SELECT count(*) FROM webhook_deliveries" $DB)
awk -v made=$((MADE - BEFORE)) -v back=$(( $(date +%s) - BACK_AT )) '{ ids[$1]++ } END {
  for (i in ids) if (ids[i] > 1) dup++
  printf "receiver down 60 s: %d deliveries made, %d distinct events received (%d requests), twice: %d; all in within %d s of its return\n",
         made, length(ids), NR, dup, back }' $RECEIVED
echo "failed deliveries: $(psql -tAc "SELECT count(*) FROM webhook_deliveries WHERE status = 'failed'" $DB)"
