-- A job's status changes (enqueue, claim, finish) cannot be heap-only updates: each writes an
-- entry into every index of jobs whose predicate the new row meets. These four have a key that is
-- null for many jobs: a queued job has no runner and has not started, most jobs carry no
-- idempotency key, many no repository. Every query that reads them names a value for that key
-- (`runner_id = :runnerId`, `repository = :repository`, `idempotency_key = :key`,
-- `started_at >= now() - …`), which implies the predicate, so they answer as before, and a job
-- without the key is no longer written into them: an enqueue writes four fewer index entries, a
-- claim and a completion two fewer for a job without key and repository (bench/RESULTS.md).
ALTER TABLE jobs DROP CONSTRAINT uq_jobs_idempotency;
CREATE UNIQUE INDEX uq_jobs_idempotency ON jobs (tenant, idempotency_key) WHERE idempotency_key IS NOT NULL;

DROP INDEX ix_jobs_runner;
CREATE INDEX ix_jobs_runner ON jobs (runner_id, created_at DESC, id DESC) WHERE runner_id IS NOT NULL;

DROP INDEX ix_jobs_tenant_repository_created;
CREATE INDEX ix_jobs_tenant_repository_created ON jobs (tenant, repository, created_at DESC, id DESC)
    WHERE repository IS NOT NULL;

DROP INDEX ix_jobs_tenant_started;
CREATE INDEX ix_jobs_tenant_started ON jobs (tenant, started_at) WHERE started_at IS NOT NULL;
