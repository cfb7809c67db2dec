-- The queue's wait figures read the jobs claimed in the last hour, per tenant.
CREATE INDEX ix_jobs_tenant_started ON jobs (tenant, started_at);
