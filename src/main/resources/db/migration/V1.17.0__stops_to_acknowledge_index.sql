-- Every heartbeat batch lists, per runner, the jobs it must stop (cancelled or timed out while it
-- held them) until it acknowledges them. Found through ix_jobs_runner, that read every job each
-- runner ever ran and filtered them in the table: 100,000 rows read and 48 ms for a batch of 50
-- heartbeats whose runners had run 2,000 jobs each (bench/RESULTS.md), growing with each runner's
-- history. This index holds only the stops not yet acknowledged, by runner and time.
CREATE INDEX ix_jobs_stops_to_acknowledge ON jobs (runner_id, completed_at)
    WHERE status IN ('cancelled', 'timeout') AND NOT stop_acknowledged;
