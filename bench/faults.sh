#!/usr/bin/env bash
# Fault injection against two replicas on one database, and the checks that nothing was lost:
# runners on both replicas claim, log and report while PostgreSQL is stopped and started again,
# one replica is SIGKILLed and restarted, one runner dies holding a job, and both replicas sweep.
# Prints what it sent and injected, what it checked, and lost/duplicated counts (all must be 0).
#   prerequisites: ./mvnw package -DskipTests (the JAR), a local PostgreSQL cluster this user can
#                  stop and start (pg_ctlcluster, as root here) with postgres/postgres, a JDK >= 21.
# usage: bench/faults.sh [jobs, default 300] [runners, default 24]
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS=${1:-300}
RUNNERS=${2:-24}
DB=paddock_faults
PORT_A=18091
PORT_B=18092
CLUSTER=$(pg_lsclusters --no-header | awk 'NR==1 {print $1" "$2}')
. bench/service-env.sh $DB
export PADDOCK_JOBS_LEASE=15s PADDOCK_JOBS_SWEEP_INTERVAL=1s
declare -A PID
cleanup() { for p in "${PID[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; pg_ctlcluster --skip-systemctl-redirect $CLUSTER start 2>/dev/null || true; }
trap cleanup EXIT

echo "# Paddock fault run — $(date -u +%FT%TZ) — $JOBS jobs, $RUNNERS runners, two replicas"
"$JAVA" bench/LoadGen.java check
dropdb --if-exists $DB && createdb $DB

start() { # name port
  QUARKUS_HTTP_PORT=$2 run_service >>/tmp/paddock-faults-$1.log 2>&1 &
  PID[$1]=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$(management_port $2)/q/health/ready"; do sleep 0.2; done
}
start a $PORT_A
start b $PORT_B

# readiness of replica A, every 200 ms, for the whole run
( while true; do echo "$(date +%s.%N) $(curl -s -o /dev/null -w '%{http_code}' -m 1 http://127.0.0.1:$(management_port $PORT_A)/q/health/ready)"; sleep 0.2; done ) >/tmp/paddock-faults-ready.log &
PROBE=$!
FAULTS=0
( sleep 8; pg_ctlcluster --skip-systemctl-redirect $CLUSTER stop -m fast; sleep 6; pg_ctlcluster --skip-systemctl-redirect $CLUSTER start ) &
FAULTS=$((FAULTS + 1))
( sleep 25; kill -KILL "${PID[b]}" ) &
FAULTS=$((FAULTS + 1))
TENANT=faults-$(date +%s)
"$JAVA" bench/LoadGen.java faults "http://127.0.0.1:$PORT_A" "http://127.0.0.1:$PORT_B" "$TENANT" "$JOBS" "$RUNNERS" /tmp/paddock-faults-acks.txt &
LOAD=$!
sleep 27; start b $PORT_B   # the killed replica comes back
wait $LOAD
kill $PROBE 2>/dev/null || true
FAULTS=$((FAULTS + 1))   # the runner that died holding its job

# checks, in the database
psql -q $DB -c "CREATE TEMP TABLE acks (kind text, job uuid, attempt int, first bigint, n int)" \
  -c "\copy acks FROM '/tmp/paddock-faults-acks.txt' WITH (DELIMITER ' ')" \
  -At -F ' ' -c "SELECT
     (SELECT count(*) FROM jobs WHERE tenant = '$TENANT'),
     (SELECT count(*) FROM jobs WHERE tenant = '$TENANT' AND status <> 'success'),
     (SELECT count(*) FROM (SELECT job FROM acks WHERE kind = 'result' GROUP BY job HAVING count(*) > 1) d),
     (SELECT count(*) FROM acks a JOIN jobs j ON j.id = a.job WHERE a.kind = 'result' AND j.status <> 'success'),
     (SELECT coalesce(sum(n), 0) FROM acks WHERE kind = 'log'),
     (SELECT coalesce(sum(a.n - (SELECT count(*) FROM job_logs l WHERE l.job_id = a.job AND l.attempt = a.attempt
                                  AND l.client_seq >= a.first AND l.client_seq < a.first + a.n)), 0)
        FROM acks a WHERE a.kind = 'log'),
     (SELECT count(*) FROM job_logs l JOIN jobs j ON j.id = l.job_id WHERE j.tenant = '$TENANT')" \
  > /tmp/paddock-faults-checks.txt
read -r TOTAL NOT_DONE DONE_TWICE RESULTS_LOST LINES_ACKED LINES_LOST LINES_STORED < <(tail -1 /tmp/paddock-faults-checks.txt)
DOWN=$(awk '$2 != 200' /tmp/paddock-faults-ready.log | wc -l)
UP_AFTER=$(awk 'seen && $2 == 200 {up = 1} $2 != 200 {seen = 1} END {print up ? "yes" : "no"}' /tmp/paddock-faults-ready.log)
echo "faults    $FAULTS injected: PostgreSQL stopped 6 s and started; replica B SIGKILLed and restarted; a runner died holding a job"
echo "checked   $TOTAL jobs, $LINES_ACKED acknowledged log lines ($LINES_STORED stored), readiness of A probed $(wc -l </tmp/paddock-faults-ready.log) times: DOWN $DOWN times, UP again without a restart: $UP_AFTER"
echo "lost      jobs not done: $NOT_DONE, jobs done twice: $DONE_TWICE, acknowledged results lost: $RESULTS_LOST, acknowledged log lines lost: $LINES_LOST"
[ "$NOT_DONE$DONE_TWICE$RESULTS_LOST$LINES_LOST" = "0000" ] && [ "$DOWN" -gt 0 ] && [ "$UP_AFTER" = yes ]
