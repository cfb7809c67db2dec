#!/usr/bin/env bash
# What a statement and a transaction cost PostgreSQL beside the rows they change: PostgreSQL's CPU
# per row changed, a row per autocommitted statement (as each runner call is), ten statements in
# one transaction, and one statement changing ten rows. On pgbench's accounts, then, when the
# lifecycle benchmark's database is there (bench/cpu-per-op.sh lifecycle leaves it), on 10,000 of
# its jobs (set running: that database is the lifecycle benchmark's scratch, made anew by its next
# run): a progress-like change (heap-only: no indexed column) and a completion-like one (the status
# flips: an entry in every index). Says how much a batch of holders' calls could save, were
# there calls enough at once to batch (bench/RESULTS.md, twenty-seventh session).
#   prerequisites: PostgreSQL at 127.0.0.1:5432 postgres/postgres, pgbench
# usage: bench/statement-overhead.sh [seconds measured per script, default 15] [clients, default 16]
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-15}
CLIENTS=${2:-16}
export PGHOST=${PGHOST:-127.0.0.1} PGUSER=${PGUSER:-postgres} PGPASSWORD=${PGPASSWORD:-postgres}
DB=paddock_overhead_pgbench
JOBS_DB=paddock_bench
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
dropdb --if-exists $DB 2>/dev/null && createdb $DB
pgbench -i -q -s 10 $DB >/dev/null 2>&1

POSTMASTER=$(pgrep -o -u postgres -x postgres)
# PostgreSQL's CPU ticks: its live processes', and those of the children it reaped
postgres_ticks() {
  { cat $(for p in $(pgrep -u postgres); do echo /proc/$p/stat; done) 2>/dev/null | awk '{s += $14 + $15} END {print s + 0}'
    awk '{print $16 + $17}' /proc/$POSTMASTER/stat; } | awk '{s += $1} END {print s}'
}
# measure DATABASE LABEL SCRIPT ROWS_PER_TRANSACTION: the middle SECS of SECS + 4
measure() {
  pgbench -n -c "$CLIENTS" -j 2 -M prepared -T $((SECS + 4)) -f "$3" "$1" >"$WORK/out.txt" 2>&1 &
  local bench=$! t0 t1 s0 s1
  sleep 2; t0=$(postgres_ticks); s0=$(date +%s.%N)
  sleep "$SECS"; t1=$(postgres_ticks); s1=$(date +%s.%N)
  wait $bench || { echo "$2: pgbench failed: $(grep -m1 -i error "$WORK/out.txt")" >&2; return; }
  local tps; tps=$(grep -oP 'tps = \K[0-9.]+' "$WORK/out.txt" | head -1)
  awk -v t0="$t0" -v t1="$t1" -v s0="$s0" -v s1="$s1" -v tps="$tps" -v rows="$4" -v label="$2" \
    -v hz="$(getconf CLK_TCK)" 'BEGIN {
      cores = (t1 - t0) / hz / (s1 - s0)
      printf "%-64s %8.0f rows/s  PostgreSQL CPU a row %.4f ms\n", label, tps * rows, cores * 1000 / (tps * rows) }'
}
# three scripts over TABLE's KEY column, ids from 1 to N (each client its own range: ten rows of one
# statement are never locked by another client in the other order), setting SET
scripts() { # PREFIX TABLE KEY N SET
  local range="random(1, $(($4 / CLIENTS))) + :client_id * $(($4 / CLIENTS))"
  printf '\\set k %s\nUPDATE %s SET %s WHERE %s = :k;\n' "$range" "$2" "$5" "$3" >"$WORK/$1-one.sql"
  { echo 'BEGIN;'
    for i in $(seq 10); do printf '\\set k%d %s\nUPDATE %s SET %s WHERE %s = :k%d;\n' $i "$range" "$2" "$5" "$3" $i; done
    echo 'COMMIT;'; } >"$WORK/$1-ten-statements.sql"
  { for i in $(seq 10); do printf '\\set k%d %s\n' $i "$range"; done
    printf 'UPDATE %s SET %s WHERE %s IN (:k1, :k2, :k3, :k4, :k5, :k6, :k7, :k8, :k9, :k10);\n' "$2" "$5" "$3"; } >"$WORK/$1-ten-rows.sql"
}
run_three() { # DATABASE PREFIX WHAT
  measure "$1" "$3: a statement a row, autocommitted" "$WORK/$2-one.sql" 1
  measure "$1" "$3: ten statements in one transaction" "$WORK/$2-ten-statements.sql" 10
  measure "$1" "$3: one statement of ten rows" "$WORK/$2-ten-rows.sql" 10
}

scripts accounts pgbench_accounts aid 1000000 "abalance = abalance + 1"
run_three $DB accounts "pgbench accounts"

if psql -tAc "SELECT 1 FROM jobs LIMIT 1" $JOBS_DB >/dev/null 2>&1; then
  # 10,000 of the benchmark's jobs, numbered, running: the rows a runner's calls change
  psql -q $JOBS_DB <<'SQL'
SET client_min_messages = warning;
DROP TABLE IF EXISTS overhead_jobs;
CREATE TABLE overhead_jobs AS SELECT row_number() OVER (ORDER BY id)::int AS n, id FROM jobs LIMIT 10000;
ALTER TABLE overhead_jobs ADD PRIMARY KEY (n);
UPDATE jobs SET status = 'running' WHERE id IN (SELECT id FROM overhead_jobs);
VACUUM ANALYZE jobs;
SQL
  JOBS=$(psql -tAc "SELECT count(*) FROM overhead_jobs" $JOBS_DB)
  scripts progress "jobs j" "j.id" "$JOBS" "phase = 'working', progress = 50, updated_at = now()"
  scripts completion "jobs j" "j.id" "$JOBS" \
    "status = CASE WHEN j.status = 'running' THEN 'success' ELSE 'running' END, completed_at = now(), updated_at = now()"
  # the jobs by number: the scripts' keys are the numbers, each job found through overhead_jobs
  for f in "$WORK"/progress-*.sql "$WORK"/completion-*.sql; do
    sed -i -E 's/WHERE j\.id = (:k[0-9]*);/FROM overhead_jobs o WHERE o.n = \1 AND j.id = o.id;/;
               s/WHERE j\.id IN \(([^)]*)\);/FROM overhead_jobs o WHERE o.n IN (\1) AND j.id = o.id;/' "$f"
  done
  run_three $JOBS_DB progress "a job's progress (heap-only)"
  run_three $JOBS_DB completion "a job's status (every index)"
  psql -q -c "DROP TABLE overhead_jobs" $JOBS_DB
else
  echo "(no $JOBS_DB database with jobs: run bench/cpu-per-op.sh lifecycle first for the jobs' rows)"
fi
dropdb $DB
