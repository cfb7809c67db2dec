-- A batch of log lines is one INSERT made while its statement holds the job's row lock
-- (JobLogWriter, after DispatchStore's HOLD), so the job exists; the foreign key checked it once
-- per line, a third of the INSERT's time for a 200-line batch (bench/RESULTS.md). Deleting jobs
-- still deletes their lines, once per DELETE statement instead of once per job.
ALTER TABLE job_logs DROP CONSTRAINT fk_job_logs_job;

CREATE FUNCTION delete_logs_of_deleted_jobs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM job_logs WHERE job_id IN (SELECT id FROM deleted_jobs);
    RETURN NULL;
END
$$;

CREATE TRIGGER tr_jobs_delete_logs AFTER DELETE ON jobs REFERENCING OLD TABLE AS deleted_jobs
    FOR EACH STATEMENT EXECUTE FUNCTION delete_logs_of_deleted_jobs();
