-- A runner's jobs are those it runs or has run. runner_id names the job's current (or last)
-- holder only: a job requeued from a runner (its lease lost, the runner deregistered or deleted)
-- loses it, and another runner's claim replaces it; held_by keeps every runner that held the job.
-- A job some runner held other than its runner_id was claimed twice, or claimed and requeued:
-- this index holds those jobs only, few of all, by tenant and newest first. It names neither
-- held_by nor any column a lease renewal writes: an index on held_by (GIN or in a predicate) made
-- the renewals of a claimed job write every index instead of none (DispatchCoreTest).
CREATE INDEX ix_jobs_reattempted ON jobs (tenant, created_at DESC, id DESC)
    WHERE attempt > 1 OR (runner_id IS NULL AND attempt > 0);
