-- The dispatch core (one owner for job state).

-- How many more jobs a runner can take now: the one rule of capacity. The claim takes at most this
-- many, and /api/runners/available, a queued job's waiting reason and the queue gauges all count a
-- runner as able to take work exactly when free_slots > 0. (A generated column cannot read another,
-- so it restates what "offline" and "draining" mean in the status column beside it.)
ALTER TABLE runners ADD COLUMN free_slots INTEGER GENERATED ALWAYS AS (
    CASE WHEN reported_status IN ('offline', 'draining') OR drain_requested THEN 0
         ELSE greatest(max_concurrency - active_jobs, 0) END) STORED;

-- active_jobs is the service's own count from now on (runners used to overwrite it in heartbeats).
UPDATE runners r SET active_jobs = (SELECT count(*) FROM jobs j WHERE j.runner_id = r.id AND j.status = 'running');

-- a runner's running jobs: heartbeat lease renewals and releases
CREATE INDEX ix_jobs_runner_running ON jobs (runner_id) WHERE status = 'running';

-- Log lines: seq is the service's number (from 1, in arrival order); the runner's own number for a
-- line (its batch offset + position) is kept per attempt, so a resent batch is stored once while a
-- requeued job's next attempt, numbering from the start again, is stored in full.
ALTER TABLE job_logs ADD COLUMN attempt INTEGER NOT NULL DEFAULT 0,
                     ADD COLUMN client_seq BIGINT;
UPDATE job_logs l SET attempt = j.attempt, client_seq = l.seq FROM jobs j WHERE j.id = l.job_id;
-- lines stored as seq 0 (a runner numbering from 0) move up by one, so every line is after 0
UPDATE job_logs SET seq = -(seq + 1) WHERE job_id IN (SELECT job_id FROM job_logs WHERE seq = 0);
UPDATE job_logs SET seq = -seq WHERE seq < 0;
UPDATE jobs j SET log_next_seq = coalesce((SELECT max(seq) + 1 FROM job_logs l WHERE l.job_id = j.id), 1);
CREATE UNIQUE INDEX uq_job_logs_client_seq ON job_logs (job_id, attempt, client_seq) WHERE client_seq IS NOT NULL;
