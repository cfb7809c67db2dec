-- A runner's jobs are those it runs or has run. runner_id names the job's current (or last)
-- holder only: a job requeued from a runner (its lease lost, the runner deregistered or deleted)
-- loses it, and another runner's claim replaces it; held_by keeps every runner that held the job.
-- This index finds, by runner, the jobs some runner held other than runner_id: the requeued and
-- the reclaimed, few of all jobs, so it costs nothing to a job that one runner ran.
CREATE INDEX ix_jobs_former_holders ON jobs USING gin (held_by)
    WHERE cardinality(held_by) > 1 OR (runner_id IS NULL AND cardinality(held_by) > 0);
