#!/usr/bin/env bash
# Webhooks under the agent load, in one run: job lifecycles/s without and with one active webhook
# subscribed to every job event (goal: within 10 %), the event-to-delivery latency with a receiver
# that answers at once (goal p99 <= 1 s), and N events delivered to a receiver that was down for
# 60 s (goal: all, none twice). The pgbench baseline of agent-load.sh is printed for scale.
#   prerequisites: as bench/agent-load.sh (the JAR, PostgreSQL at 127.0.0.1:5432, a JDK >= 21).
# usage: bench/webhooks.sh [seconds per figure, default 20] [events while down, default 10000]
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-20}
DOWN_EVENTS=${2:-10000}
DB=paddock_bench_webhooks
PORT=18081
RECEIVER_PORT=18090
RECEIVED=/tmp/paddock-webhooks-received.txt
. bench/service-env.sh $DB
# the receiver listens on loopback
export PADDOCK_WEBHOOKS_ALLOW_PRIVATE_NETWORKS=true
# a receiver down for 60 s is tried again on this schedule (the default's second wait is 5 minutes)
export PADDOCK_WEBHOOKS_RETRY_SCHEDULE=${PADDOCK_WEBHOOKS_RETRY_SCHEDULE:-5s,10s,20s,40s,80s,160s}
PIDS=()
RECEIVER=
trap 'for p in "${PIDS[@]}" $RECEIVER; do kill -TERM "$p" 2>/dev/null || true; done' EXIT

echo "# Paddock webhooks — $(date -u +%FT%TZ) — $(nproc) cores, $SERVICE_NAME; $SECS s per figure"
"$JAVA" bench/LoadGen.java check
dropdb --if-exists $DB && createdb $DB
dropdb --if-exists ${DB}_pgbench && createdb ${DB}_pgbench
pgbench -i -q -s 10 ${DB}_pgbench >/dev/null 2>&1
printf '\\set aid random(1, 1000000)\nUPDATE pgbench_accounts SET abalance = abalance + 1 WHERE aid = :aid;\n' >/tmp/paddock-update.sql
echo "baseline  pgbench single-row UPDATE: $(pgbench -n -c 64 -j 2 -T "$SECS" -f /tmp/paddock-update.sql ${DB}_pgbench 2>/dev/null | awk '/^tps/ {print int($3)}') TPS (64 clients)"

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
"$JAVA" bench/LoadGen.java lifecycle $BASE bench 10000 50 40 >/dev/null   # the JIT warms up

# 1. lifecycles without, then with, a webhook subscribed to every job event (alternated twice)
start_receiver() {
  "$JAVA" bench/LoadGen.java receiver $RECEIVER_PORT $RECEIVED >/dev/null 2>&1 &
  RECEIVER=$!
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$RECEIVER_PORT/")" = 400 ]; do sleep 0.1; done
}
pending() { psql -tAc "SELECT count(*) FROM webhook_deliveries WHERE status = 'pending'" $DB; }
await_delivered() { # seconds
  for _ in $(seq 1 $(($1 * 10))); do [ "$(pending)" = 0 ] && return 0; sleep 0.1; done
  echo "  still pending after $1 s: $(pending)"
}
rm -f $RECEIVED $RECEIVED.all
start_receiver
WEBHOOK=$(curl -s -XPOST $BASE/api/webhooks -H "Authorization: Bearer $JWT" -H 'Content-Type: application/json' \
  -d "{\"url\": \"http://127.0.0.1:$RECEIVER_PORT/hook\", \"events\": [\"paddock.job.*\"], \"active\": false}" \
  | sed -E 's/.*"id":"([^"]+)".*/\1/')
for round in 1 2; do
  curl -s -o /dev/null -XPATCH $BASE/api/webhooks/$WEBHOOK -H "Authorization: Bearer $JWT" \
    -H 'Content-Type: application/json' -d '{"active": false}'
  echo "without a webhook: $("$JAVA" bench/LoadGen.java lifecycle $BASE bench 10000 50 "$SECS")"
  curl -s -o /dev/null -XPATCH $BASE/api/webhooks/$WEBHOOK -H "Authorization: Bearer $JWT" \
    -H 'Content-Type: application/json' -d '{"active": true}'
  echo "with a webhook:    $("$JAVA" bench/LoadGen.java lifecycle $BASE bench 10000 50 "$SECS")"
  await_delivered 60
  # the round's deliveries (round 1 still warms the JIT up on the webhook's path)
  sort -n -k3 $RECEIVED | awk -v r=$round '{ l[NR] = $3; ids[$1]++ } END {
    printf "  round %d, event to delivery: p50 %d ms, p99 %d ms, max %d ms\n", r, l[int(NR * 0.5) + 1], l[int(NR * 0.99) + 1], l[NR] }'
  cat $RECEIVED >>$RECEIVED.all
  : >$RECEIVED
done
DELIVERED=$(psql -tAc "SELECT count(*) FROM webhook_deliveries WHERE status = 'delivered'" $DB)
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
