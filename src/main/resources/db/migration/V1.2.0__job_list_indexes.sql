-- The job lists order by (created_at DESC, id DESC). With id in the filtered indexes the first
-- page is read straight off the index instead of through an incremental sort
-- (bench/jobs-list-plan.sh shows the plans with a million jobs).
DROP INDEX ix_jobs_tenant_status_created;
DROP INDEX ix_jobs_tenant_repository_created;
DROP INDEX ix_jobs_runner;
CREATE INDEX ix_jobs_tenant_status_created ON jobs (tenant, status, created_at DESC, id DESC);
CREATE INDEX ix_jobs_tenant_repository_created ON jobs (tenant, repository, created_at DESC, id DESC);
CREATE INDEX ix_jobs_runner ON jobs (runner_id, created_at DESC, id DESC);
