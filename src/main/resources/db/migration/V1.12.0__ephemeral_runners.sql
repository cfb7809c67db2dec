-- Ephemeral runners: one job in a life. first_claim_at: when the runner first claimed a job.
ALTER TABLE runners ADD COLUMN ephemeral BOOLEAN NOT NULL DEFAULT FALSE,
                    ADD COLUMN first_claim_at TIMESTAMPTZ;

-- The one rule of capacity (V1.4.0) learns that an ephemeral runner takes one job, once.
ALTER TABLE runners DROP COLUMN free_slots;
ALTER TABLE runners ADD COLUMN free_slots INTEGER GENERATED ALWAYS AS (
    CASE WHEN reported_status IN ('offline', 'draining') OR drain_requested THEN 0
         WHEN ephemeral THEN CASE WHEN first_claim_at IS NULL AND active_jobs = 0 THEN 1 ELSE 0 END
         ELSE greatest(max_concurrency - active_jobs, 0) END) STORED;

-- the sweep's work: ephemeral runners that never claimed, by age
CREATE INDEX ix_runners_ephemeral_unused ON runners (created_at) WHERE ephemeral AND first_claim_at IS NULL;
