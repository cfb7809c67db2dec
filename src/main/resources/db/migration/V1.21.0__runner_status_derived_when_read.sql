-- A runner's status and free slots are derived when read, no longer stored: PostgreSQL prepares a
-- stored generated column's expression at every UPDATE of the table (the claim, the completion, each
-- heartbeat batch), 13-25 % more for a one-row update (bench/RESULTS.md, twentieth session). Readers
-- call these functions on the runner's row; they are SQL functions the planner inlines into the
-- statement, so a prepared statement evaluates them as plain expressions over the row's columns.
-- The rules are those of the dropped columns (V1.3.0, V1.12.0), unchanged.

-- the status people see: an offline runner shows offline even while a drain is asked for
CREATE FUNCTION runner_status(r runners) RETURNS varchar LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN r.reported_status = 'offline' THEN 'offline'
                WHEN r.drain_requested OR r.reported_status = 'draining' THEN 'draining'
                WHEN r.reported_status = 'busy' OR r.active_jobs >= r.max_concurrency THEN 'busy'
                ELSE 'online' END
$$;

-- the one rule of capacity: a claim takes up to this many jobs; an ephemeral runner one, once
CREATE FUNCTION runner_free_slots(r runners) RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN r.reported_status IN ('offline', 'draining') OR r.drain_requested THEN 0
                WHEN r.ephemeral THEN CASE WHEN r.first_claim_at IS NULL AND r.active_jobs = 0 THEN 1 ELSE 0 END
                ELSE greatest(r.max_concurrency - r.active_jobs, 0) END
$$;

ALTER TABLE runners DROP COLUMN status, DROP COLUMN free_slots;
