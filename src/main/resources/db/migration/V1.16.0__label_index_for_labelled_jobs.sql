-- The claim finds a runner's jobs with `labels <@ <the runner's labels>`. Its plan is made once per
-- connection, without the runner's labels, and the planner, guessing that few jobs match, joined
-- the queue to this GIN index: a bitmap of every job ever stored (finished ones too) whose labels
-- the runner has, which for jobs without labels is all of them. Under the lifecycle bench that
-- was a tenth of PostgreSQL's CPU, and it grows with the table (bench/RESULTS.md). The index is
-- now for the jobs list's label filter alone, which names its predicate; a claim cannot use it.
-- Jobs without labels, which the filter never matches, are no longer written into it.
DROP INDEX ix_jobs_labels;
CREATE INDEX ix_jobs_labels ON jobs USING GIN (labels) WHERE labels <> '{}';
