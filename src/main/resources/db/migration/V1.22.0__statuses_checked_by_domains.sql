-- A status column's list of values is checked by its type (a domain) instead of a CHECK constraint
-- on the table. PostgreSQL reads a table's CHECK constraints from their text and prepares them at
-- the first row of every statement that inserts or updates the table, whatever columns it changes:
-- 3 % of PostgreSQL's CPU in a lifecycle profile (`ExecConstraints`: `stringToNode` and
-- `ExecPrepareExpr`), paid by a lease renewal, a progress report and a log append as much as by a
-- claim. A domain's check is kept prepared in PostgreSQL's type cache and runs only where a value
-- is assigned to the column: a one-row UPDATE of jobs that does not assign the status ran 15-30 %
-- faster (bench/RESULTS.md, twenty-second session). The values allowed are unchanged.
--
-- Each column changes type before its domain gets the check, so the table is not rewritten (a
-- column changed to a domain that has a check is); only the indexes whose predicate names the
-- column are rebuilt, the small partial ones. The check then validates every stored row.

CREATE DOMAIN job_status AS VARCHAR(16);
ALTER TABLE jobs DROP CONSTRAINT ck_jobs_status;
ALTER TABLE jobs ALTER COLUMN status TYPE job_status;
ALTER DOMAIN job_status ADD CONSTRAINT ck_job_status
    CHECK (VALUE IN ('queued', 'running', 'success', 'failure', 'cancelled', 'timeout'));

CREATE DOMAIN runner_reported_status AS VARCHAR(16);
ALTER TABLE runners DROP CONSTRAINT ck_runners_reported_status;
ALTER TABLE runners ALTER COLUMN reported_status TYPE runner_reported_status;
ALTER DOMAIN runner_reported_status ADD CONSTRAINT ck_runner_reported_status
    CHECK (VALUE IN ('online', 'busy', 'draining', 'offline'));

CREATE DOMAIN webhook_delivery_status AS VARCHAR(16);
ALTER TABLE webhook_deliveries DROP CONSTRAINT ck_webhook_deliveries_status;
ALTER TABLE webhook_deliveries ALTER COLUMN status TYPE webhook_delivery_status;
ALTER DOMAIN webhook_delivery_status ADD CONSTRAINT ck_webhook_delivery_status
    CHECK (VALUE IN ('pending', 'delivered', 'failed'));
