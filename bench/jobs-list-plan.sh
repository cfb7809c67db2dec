#!/usr/bin/env bash
# Query plans of the job list, its filters and the claim with a million jobs: seeds a scratch
# database (paddock_bench) from the Flyway migrations and prints EXPLAIN ANALYZE for each.
# usage: bench/jobs-list-plan.sh [jobs]   (needs psql and a PostgreSQL at 127.0.0.1:5432, postgres/postgres)
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS=${1:-1000000}
export PGHOST=127.0.0.1 PGUSER=postgres PGPASSWORD=${PGPASSWORD:-postgres}
dropdb --if-exists paddock_bench && createdb paddock_bench
for migration in $(ls src/main/resources/db/migration/*.sql | sort -V); do
  psql -q -v ON_ERROR_STOP=1 -d paddock_bench -f "$migration"
done
psql -q -v ON_ERROR_STOP=1 -d paddock_bench <<SQL
INSERT INTO jobs (id, tenant, type, labels, priority, status, repository, pr_number, runner_id, created_at, queued_at)
SELECT gen_random_uuid(),
       CASE WHEN g % 10 = 0 THEN 'other-' || (g % 97) ELSE 'acme' END,
       (ARRAY['code-review', 'scan', 'build'])[1 + g % 3],
       CASE WHEN g % 1000 = 2 THEN ARRAY['arm64'] WHEN g % 3 = 0 THEN ARRAY['linux'] WHEN g % 3 = 1 THEN ARRAY['linux', 'gpu'] ELSE ARRAY[]::varchar[] END,
       (g % 5) - 2,
       CASE WHEN g % 1000 = 0 THEN 'queued' WHEN g % 1000 = 1 THEN 'running' WHEN g % 7 = 0 THEN 'failure' ELSE 'success' END,
       'owner/repo-' || (g % 500), g % 3000,
       CASE WHEN g % 1000 = 0 THEN NULL ELSE ('00000000-0000-0000-0000-' || lpad((g % 50)::text, 12, '0'))::uuid END,
       now() - (g || ' seconds')::interval, now() - (g || ' seconds')::interval
  FROM generate_series(1, $JOBS) g;
ANALYZE jobs;
SQL
plan() { echo; echo "== $1"; psql -d paddock_bench -Atc "EXPLAIN (ANALYZE, COSTS OFF, TIMING ON) $2" | grep -E "Scan|Limit|Sort|Execution Time|Index Cond|Filter" ; }
plan "newest first, one tenant (GET /api/jobs)" \
  "SELECT * FROM jobs WHERE tenant = 'acme' ORDER BY created_at DESC, id DESC LIMIT 50"
plan "status filter (GET /api/jobs?status=failure)" \
  "SELECT * FROM jobs WHERE tenant = 'acme' AND status = 'failure' ORDER BY created_at DESC, id DESC LIMIT 50"
plan "repository filter" \
  "SELECT * FROM jobs WHERE tenant = 'acme' AND repository = 'owner/repo-7' ORDER BY created_at DESC, id DESC LIMIT 50"
plan "since/until window" \
  "SELECT * FROM jobs WHERE tenant = 'acme' AND created_at >= now() - interval '1 hour' ORDER BY created_at DESC, id DESC LIMIT 50"
plan "label filter, a label one job in a thousand has (GET /api/jobs?label=arm64)" \
  "SELECT * FROM jobs WHERE tenant = 'acme' AND labels @> ARRAY['arm64']::varchar[] ORDER BY created_at DESC, id DESC LIMIT 50"
plan "runner's jobs (GET /api/runners/{id}/jobs)" \
  "SELECT * FROM jobs WHERE tenant = 'acme' AND runner_id = '00000000-0000-0000-0000-000000000007' ORDER BY created_at DESC LIMIT 50"
plan "the page's total" \
  "SELECT count(*) FROM jobs WHERE tenant = 'acme' AND status = 'failure'"
plan "the claim's pick (queued, labels, priority then age)" \
  "SELECT id FROM jobs WHERE tenant = 'acme' AND status = 'queued' AND labels <@ ARRAY['linux','gpu']::varchar[] ORDER BY priority DESC, created_at, id LIMIT 5 FOR UPDATE SKIP LOCKED"
