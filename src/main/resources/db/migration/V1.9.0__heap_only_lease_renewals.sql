-- A running job's lease is renewed by every heartbeat of its runner, progress report and log
-- batch. With lease_expires_at indexed, each renewal wrote a new version of the row into every
-- one of the table's indexes (eleven, a GIN among them): no job update was heap-only
-- (pg_stat_user_tables, bench/RESULTS.md). The lease sweep now finds running jobs through
-- ix_jobs_runner_running, the running jobs only, as the time-out sweep does; and jobs and runners
-- keep a share of each page free, so that a new version of a row fits beside the old one.
DROP INDEX ix_jobs_running_lease;
ALTER TABLE jobs SET (fillfactor = 70);
ALTER TABLE runners SET (fillfactor = 70);
