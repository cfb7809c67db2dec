#!/usr/bin/env bash
# CPU per operation of the service, of PostgreSQL and of the load generator: the figure this
# machine's noise moves least, for comparing two builds or two schemas one after the other. The
# baselines first: PostgreSQL's CPU per pgbench single-row UPDATE on the same server, against which
# issue 26 counts a heartbeat's service CPU and a lifecycle's PostgreSQL CPU, and per transaction of
# pgbench's default (TPC-B-like) script, the other reading of "a pgbench transaction".
# Counts the CPU ticks in /proc/<pid>/stat of the service, of every PostgreSQL process and of
# the load generator over a measured window, and the operations finished in that window from the
# database (lifecycles: jobs completed; logs: lines stored) or from wrk (heartbeats), then divides.
#   prerequisites: as bench/agent-load.sh (the JAR, PostgreSQL at 127.0.0.1:5432 postgres/postgres)
# usage: bench/cpu-per-op.sh heartbeat|lifecycle|logs [seconds measured, default 20]
#   PADDOCK_BENCH_SERVICE=native  the native executable instead of the JAR (bench/service-env.sh)
#   PADDOCK_BENCH_JAR   the JAR to measure (default target/quarkus-app/quarkus-run.jar)
#   PADDOCK_BENCH_SQL   SQL run on the migrated database before the load (e.g. to drop an index)
#   PADDOCK_BENCH_JAVA_OPTS  the service's JVM options (e.g. -XX:StartFlightRecording=filename=f.jfr)
#   PADDOCK_BENCH_WARM  seconds of the same load before the window (default 60): the JIT compiles
#                       for about a minute on this box, and a window after 10 s counted the
#                       compiler as a quarter of the service's CPU a lifecycle
#   PADDOCK_BENCH_HISTORY  finished jobs seeded for each of the 10,000 runners before the load
#                       (default 0): a fleet that has run jobs before, as every fleet in use has
#   PADDOCK_BENCH_PGSS=1  also print the window's statements from pg_stat_statements (calls and
#                       WAL records per operation, execution time; planning time and plans made
#                       when pg_stat_statements.track_planning is on): needs the module in
#                       shared_preload_libraries
set -euo pipefail
cd "$(dirname "$0")/.."
MODE=${1:?heartbeat, lifecycle or logs}
SECS=${2:-20}
DB=paddock_bench
PORT=18081
. bench/service-env.sh $DB
# A lifecycle's runner is written at once every offline-after / 2 (45 s by default; batched in
# between). The bench's 10,000 runners, taken in turn, come round every ~17 s: a third to all of a
# window's lifecycles wrote their runner at once, in bursts that fell in one window and not the
# next (0.89 such writes a lifecycle in one window, none in the one before). A runner that polls
# every few seconds writes at once a few times in a hundred calls. Heartbeats write theirs anyway.
[ "$MODE" = heartbeat ] || export PADDOCK_RUNNERS_OFFLINE_AFTER=${PADDOCK_RUNNERS_OFFLINE_AFTER:-3600s}
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done' EXIT

"$JAVA" bench/LoadGen.java check
dropdb --if-exists $DB && createdb $DB

# a process that ends between pgrep and the read is skipped (awk stops at a missing file: one
# backend ending at the first read made all of PostgreSQL's CPU since its start the window's)
ticks() { cat /dev/null "$@" 2>/dev/null | awk '{s += $14 + $15} END {print s + 0}'; }
# PostgreSQL's CPU: its live processes' ticks, plus those of the processes that ended, which the
# postmaster holds once it has reaped them (its children's ticks): an autovacuum worker that starts
# and ends inside a window, or a backend that ends in it, is counted, and is not subtracted
POSTMASTER=$(pgrep -o -u postgres -x postgres)
postgres_ticks() {
  { ticks $(for p in $(pgrep -u postgres); do echo /proc/$p/stat; done)
    awk '{print $16 + $17}' /proc/$POSTMASTER/stat; } | awk '{s += $1} END {print s}'
}
# by kind, for the window's breakdown: "pid kind ticks" a live process (kind from its title:
# backend, autovacuum worker, walwriter, checkpointer…), then "0 reaped ticks" for the ended ones
postgres_kinds() {
  for p in $(pgrep -u postgres); do
    [ "$p" = "$POSTMASTER" ] && continue
    { read -r stat < /proc/$p/stat && read -r -d '' title < /proc/$p/cmdline; } 2>/dev/null || [ -n "${stat:-}" ] || continue
    case "$title" in
      *autovacuum\ worker*) kind="autovacuum-worker" ;;
      *autovacuum\ launcher*|*walwriter*|*checkpointer*|*background\ writer*|*logical\ replication*|*stats*|*archiver*) kind="background" ;;
      *) kind="backend" ;;
    esac
    echo "$p $kind $(awk '{print $14 + $15}' <<<"$stat")"
    stat=
  done
  echo "0 reaped $(awk '{print $16 + $17}' /proc/$POSTMASTER/stat)"
}
# the baselines: PostgreSQL's CPU per pgbench transaction, 64 clients, the service not yet started:
# a single-row UPDATE (the strict one, each figure's ratio) and pgbench's own TPC-B-like
# transaction (its default script: three UPDATEs, a SELECT and an INSERT), printed beside it
pgbench_prepare $DB
# pgbench_cpu LABEL [pgbench script options]: sets PG_TPS and PG_MS_PER_TX; its backends' ticks are
# read while they live (they end with the run), over SECS of its SECS + 4
pgbench_cpu() {
  local label=$1; shift
  pgbench -n -c 64 -j 2 -T $((SECS + 4)) "$@" ${DB}_pgbench >/tmp/paddock-cpu-pgbench.txt 2>/dev/null &
  local bench=$! b0 b1
  sleep 2
  b0=$(postgres_ticks)
  sleep "$SECS"
  b1=$(postgres_ticks)
  wait $bench
  PG_TPS=$(awk '/^tps/ {printf "%d", $3}' /tmp/paddock-cpu-pgbench.txt)
  PG_MS_PER_TX=$(awk -v t=$((b1 - b0)) -v tps="$PG_TPS" -v secs="$SECS" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.4f", t * 1000 / hz / (tps * secs)}')
  echo "baseline  pgbench $label: $PG_TPS TPS (64 clients); PostgreSQL CPU a transaction $PG_MS_PER_TX ms"
}
pgbench_cpu "TPC-B-like (built-in)"
TPCB_MS_PER_TX=$PG_MS_PER_TX
pgbench_cpu "single-row UPDATE" -f "$PGBENCH_UPDATE"
QUARKUS_HTTP_PORT=$PORT run_service >/tmp/paddock-cpu-$PORT.log 2>&1 &
SERVICE=$!
PIDS+=($SERVICE)
until curl -sf -o /dev/null "http://127.0.0.1:$(management_port $PORT)/q/health/ready"; do
  kill -0 $SERVICE 2>/dev/null || { echo "the service did not start: /tmp/paddock-cpu-$PORT.log" >&2; exit 1; }
  sleep 0.1
done
[ -z "${PADDOCK_BENCH_SQL:-}" ] || psql -q -v ON_ERROR_STOP=1 $DB -c "$PADDOCK_BENCH_SQL"
psql -q $DB -c "INSERT INTO runners (id, tenant, name, max_concurrency, reported_status, token_hash, token_prefix,
                last_heartbeat_at, registered_by)
                SELECT gen_random_uuid(), t, t || '-' || i, 1000, 'online', sha256(convert_to(p || i, 'UTF8')), 'rn_x', now(), 'bench'
                  FROM (VALUES ('bench', 'rn_bench_', 10000), ('bench-logs', 'rn_log_', 600)) f(t, p, n), generate_series(1, n) i"
HISTORY=${PADDOCK_BENCH_HISTORY:-0}
[ "$HISTORY" = 0 ] || psql -q $DB -c "INSERT INTO jobs (id, tenant, type, status, runner_id, runner_name, held_by, attempt,
                created_at, queued_at, started_at, completed_at, duration_ms, progress)
                SELECT gen_random_uuid(), 'bench', 'history', 'success', r.id, r.name, ARRAY[r.id], 1, t, t, t, t, 0, 100
                  FROM runners r, generate_series(1, $HISTORY) h, LATERAL (SELECT now() - h * interval '1 minute' AS t) at
                 WHERE r.tenant = 'bench'" -c "VACUUM ANALYZE jobs"

# lines stored: counted from the batch rows (counting job_logs, a view since V1.20.0, would unnest
# every line in the window); a build before V1.20.0, measured beside a newer one, has the table
if [ "$(psql -tAc "SELECT to_regclass('job_log_batches') IS NOT NULL" $DB)" = t ]; then
  LINES_STORED="SELECT coalesce(sum(line_count), 0) FROM job_log_batches"
else
  LINES_STORED="SELECT count(*) FROM job_logs"
fi

# the service's ticks by thread kind (name without its number): JIT and GC against request work
thread_ticks() { # one awk over every thread's stat: forks would cost the window CPU
  awk '{o = index($0, "("); c = index($0, ") "); name = substr($0, o + 1, c - o - 1)
        gsub(/ /, "", name); sub(/[-#]?[0-9]+$/, "", name); split(substr($0, c + 2), f, " ")
        s[name] += f[12] + f[13]}
       END {for (k in s) print k, s[k]}' /proc/$SERVICE/task/*/stat 2>/dev/null
}
done_count() {
  case $MODE in
    heartbeat) echo 0 ;;
    # only the load's jobs, through the index by tenant, status and creation: a count of every
    # finished job read a seeded history's million twice a run, in the measured PostgreSQL CPU
    lifecycle) psql -tAc "SELECT count(*) FROM jobs WHERE tenant = 'bench' AND status = 'success' AND created_at >= '$LOAD_FROM'" $DB ;;
    logs) psql -tAc "$LINES_STORED" $DB ;;
  esac
}
load() { # seconds
  case $MODE in
    heartbeat) wrk -t2 -c64 -d"${1}s" -s bench/heartbeat.lua "http://127.0.0.1:$PORT" -- 10000 ;;
    lifecycle) "$JAVA" bench/LoadGen.java lifecycle "http://127.0.0.1:$PORT" bench 10000 50 "$1" ;;
    logs) "$JAVA" bench/LoadGen.java logs "http://127.0.0.1:$PORT" bench-logs 600 "$1" ;;
  esac
}
[ "$MODE" != heartbeat ] || wrk -t2 -c64 -d25s -s bench/heartbeat.lua "http://127.0.0.1:$PORT" -- 10000 sweep >/dev/null
LOAD_FROM=$(psql -tAc "SELECT now()" $DB)   # after the history, whose jobs are a minute old or more
load "${PADDOCK_BENCH_WARM:-60}" >/dev/null   # the JIT warms up on the same mix
psql -q $DB -c "VACUUM ANALYZE"

load $((SECS + 8)) >/tmp/paddock-cpu-load.txt &
LOAD=$!
sleep 5   # past the generator's compile and the log writers' setup
GENERATOR=$(pgrep -P $LOAD -f 'LoadGen|wrk')
[ -z "${PADDOCK_BENCH_PGSS:-}" ] || psql -qAt $DB -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements; SELECT pg_stat_statements_reset()" >/dev/null
postgres_kinds >/tmp/paddock-cpu-pg-0.txt
read -r s0 p0 g0 n0 <<<"$(ticks /proc/$SERVICE/stat) $(postgres_ticks) $(ticks /proc/$GENERATOR/stat) $(done_count)"
thread_ticks >/tmp/paddock-cpu-threads-0.txt
sleep "$SECS"
read -r s1 p1 g1 n1 <<<"$(ticks /proc/$SERVICE/stat) $(postgres_ticks) $(ticks /proc/$GENERATOR/stat) $(done_count)"
thread_ticks >/tmp/paddock-cpu-threads-1.txt
postgres_kinds >/tmp/paddock-cpu-pg-1.txt
# the window's statements, kept as they were at its end
[ -z "${PADDOCK_BENCH_PGSS:-}" ] || psql -q $DB -c "DROP TABLE IF EXISTS bench_window_statements;
    CREATE TABLE bench_window_statements AS SELECT * FROM pg_stat_statements
     WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND calls > 0"
wait $LOAD
# wrk counts only its whole run: the requests of the measured window are its rate times the window
[ "$MODE" != heartbeat ] || n1=$(awk -v secs="$SECS" '/Requests\/sec/ {printf "%d", $2 * secs}' /tmp/paddock-cpu-load.txt)
HZ=$(getconf CLK_TCK)
unit=$(case $MODE in logs) echo "200-line batch" ;; *) echo "$MODE" ;; esac)
per=$([ "$MODE" = logs ] && echo 200 || echo 1)
awk -v s=$((s1 - s0)) -v p=$((p1 - p0)) -v g=$((g1 - g0)) -v n=$((n1 - n0)) -v hz="$HZ" -v secs="$SECS" -v per="$per" -v unit="$unit" \
    'BEGIN { ops = n / per; ms = 1000 / hz / ops;
             printf "%s: %.1f /s over %d s; CPU per %s: service %.2f ms, PostgreSQL %.2f ms, generator %.2f ms, all %.2f ms\n",
                    unit, ops / secs, secs, unit, s * ms, p * ms, g * ms, (s + p + g) * ms }'
# the JIT compiler's ticks in the window: still compiling a minute into the load on this box
# (tiered compilation reaches C2 slowly at a few hundred lifecycles a second), so the service's
# share is also shown without it, as it is once the service has run for a while
JIT=$(awk 'NR == FNR {t0[$1] = $2; next} $1 ~ /CompilerThre/ {d = $2 - t0[$1]; if (d > 0) sum += d}
    END {print sum + 0}' /tmp/paddock-cpu-threads-0.txt /tmp/paddock-cpu-threads-1.txt)
# issue 26's figures against the baseline
awk -v s=$((s1 - s0)) -v p=$((p1 - p0)) -v n=$((n1 - n0)) -v hz="$HZ" -v per="$per" -v tx="$PG_MS_PER_TX" -v mode="$MODE" \
    -v tpcb="$TPCB_MS_PER_TX" -v jit="$JIT" \
    'BEGIN { ops = n / per; sms = s * 1000 / hz / ops; pms = p * 1000 / hz / ops; jms = jit * 1000 / hz / ops
             if (mode == "heartbeat")
               printf "service CPU a heartbeat / PostgreSQL CPU a pgbench transaction: %.3f / %.4f ms = %.2f (goal <= 1.0); TPC-B-like: %.2f\n", sms, tx, sms / tx, sms / tpcb
             if (mode == "lifecycle")
               printf "PostgreSQL CPU a lifecycle: %.2f ms = %.1f pgbench transactions (goal <= 10; TPC-B-like: %.1f); service / PostgreSQL: %.2f (goal <= 1.0), without the JIT compiler %.2f\n", pms, pms / tx, pms / tpcb, sms / pms, (sms - jms) / pms }'
# threads that ended inside the window are missing from the second snapshot: their share is "other"
echo "service CPU by thread: $(awk -v s=$((s1 - s0)) 'NR == FNR {t0[$1] = $2; next}
    {d = $2 - t0[$1]; if (d > 0) {printf "%s %.0f%%\n", $1, 100 * d / s; sum += d}}
    END {if (s > sum) printf "other %.0f%%\n", 100 * (s - sum) / s}' \
    /tmp/paddock-cpu-threads-0.txt /tmp/paddock-cpu-threads-1.txt | sort -k2 -nr | head -8 | tr '\n' ' ')"
# PostgreSQL's CPU by kind of process: a process in both snapshots counts its growth, one born in
# the window all its ticks; the ended ones are what the postmaster reaped in the window, less what
# they had used before it began
echo "PostgreSQL CPU by process: $(awk 'NR == FNR {if ($2 == "reaped") r0 = $3; else {k0[$1] = $2; t0[$1] = $3}; next}
    $2 == "reaped" {s["ended in the window"] += $3 - r0; next}
    {s[$2] += $3 - ($1 in t0 ? t0[$1] : 0); seen[$1] = 1}
    END {for (p in t0) if (!(p in seen)) s["ended in the window"] -= t0[p]
         for (k in s) {all += s[k]}; for (k in s) if (all > 0) printf "%s %.0f%%\n", k, 100 * s[k] / all}' \
    /tmp/paddock-cpu-pg-0.txt /tmp/paddock-cpu-pg-1.txt | sort -k2 -t' ' | tr '\n' ' ')"
echo "service RSS $(awk '/VmRSS/ {printf "%d MB", $2/1024}' /proc/$SERVICE/status); $(grep -E "lifecycles:|log ingestion|Requests/sec|Non-2xx|Socket errors" /tmp/paddock-cpu-load.txt | tr -s " \n" " ")"
[ -z "${PADDOCK_BENCH_PGSS:-}" ] || psql -qX $DB -v ops="$(awk -v n=$((n1 - n0)) -v per="$per" 'BEGIN {print n / per}')" <<'SQL'
  SELECT round(calls / :ops::numeric, 3) AS calls_per_op,
         round((total_exec_time / :ops)::numeric, 4) AS exec_ms_per_op, round((total_plan_time / :ops)::numeric, 4) AS plan_ms_per_op, plans,
         round(wal_records::numeric / calls, 1) AS wal_per_call,
         round((shared_blks_hit + shared_blks_read)::numeric / calls, 1) AS blocks_per_call,
         left(regexp_replace(query, '\s+', ' ', 'g'), 120) AS statement
    FROM bench_window_statements ORDER BY total_exec_time DESC LIMIT 25;
SQL
