-- The claim takes queued jobs by (priority DESC, created_at, id). The queue index lacked id, so
-- PostgreSQL sorted every queued job of the tenant before taking the first: a claim cost 98 ms
-- with 100,000 jobs queued and a second with a million (bench/queue-depth.sh). In the claim's own
-- order, it reads the index from the head and stops at the LIMIT.
DROP INDEX ix_jobs_queue;
CREATE INDEX ix_jobs_queue ON jobs (tenant, priority DESC, created_at, id) WHERE status = 'queued';
