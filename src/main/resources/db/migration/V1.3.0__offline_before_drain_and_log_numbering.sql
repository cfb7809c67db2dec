-- A runner that is offline (silent, deregistered, marked, or never seen) shows offline even while
-- a drain is asked for: the drain still holds, and shows again once the runner is back.
ALTER TABLE runners DROP COLUMN status;
ALTER TABLE runners ADD COLUMN status VARCHAR(16) GENERATED ALWAYS AS (
    CASE WHEN reported_status = 'offline' THEN 'offline'
         WHEN drain_requested OR reported_status = 'draining' THEN 'draining'
         WHEN reported_status = 'busy' OR active_jobs >= max_concurrency THEN 'busy'
         ELSE 'online' END) STORED;

-- Log lines are numbered from 1, so that after=0 (and Last-Event-ID: 0) means "from the start".
ALTER TABLE jobs ALTER COLUMN log_next_seq SET DEFAULT 1;
