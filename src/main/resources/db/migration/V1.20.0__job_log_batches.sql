-- A batch of log lines a runner sent is stored as one row: its lines' fields as arrays, numbered
-- from first_seq on (the service's numbers, from 1, without gaps). A row and two index entries a
-- line made a log append of 10 lines 32 WAL records and a 200-line batch 600 index entries
-- (bench/RESULTS.md); the lines are only ever read in order, a page at a time.
--   first_client_seq  the runner's number for the first line (the API's `offset`), null when it
--                     did not number them; the lines of a row are numbered by the runner without
--                     gaps, and two rows of one attempt never share a runner's number
--                     (JobLogWriter stores each run of new numbers as its own row)
--   data              empty when no line of the batch has data; otherwise a value a line (null where none)
CREATE TABLE job_log_batches (
    job_id           UUID          NOT NULL,
    first_seq        BIGINT        NOT NULL,
    line_count       INTEGER       NOT NULL,
    attempt          INTEGER       NOT NULL,
    first_client_seq BIGINT,
    timestamps       TIMESTAMPTZ[] NOT NULL,
    levels           TEXT[]        NOT NULL,
    messages         TEXT[]        NOT NULL,
    data             JSONB[]       NOT NULL,
    CONSTRAINT pk_job_log_batches PRIMARY KEY (job_id, first_seq)
);
CREATE UNIQUE INDEX uq_job_log_batches_client_seq ON job_log_batches (job_id, attempt, first_client_seq)
    WHERE first_client_seq IS NOT NULL;

-- the lines stored so far, each a batch of one, numbered without gaps as readers expect (the
-- numbering has had none since V1.4.0; this makes sure)
INSERT INTO job_log_batches (job_id, first_seq, line_count, attempt, first_client_seq, timestamps, levels, messages, data)
SELECT job_id, row_number() OVER (PARTITION BY job_id ORDER BY seq), 1, attempt, client_seq,
       ARRAY[timestamp], ARRAY[CAST(level AS text)], ARRAY[message],
       CASE WHEN data IS NOT NULL THEN ARRAY[data] ELSE '{}' END
  FROM job_logs;
UPDATE jobs j SET log_next_seq = n.next
  FROM (SELECT job_id, max(first_seq) + 1 AS next FROM job_log_batches GROUP BY job_id) n
 WHERE j.id = n.job_id AND j.log_next_seq <> n.next;

DROP TABLE job_logs;

-- A line a row, as the table was: for people and scripts reading a log in SQL. The service reads
-- the batches (JobLogReader), where a page's bounds find their rows by the primary key.
CREATE VIEW job_logs AS
SELECT b.job_id, b.first_seq + l.n - 1 AS seq, b.attempt,
       b.first_client_seq + l.n - 1 AS client_seq,
       l.timestamp, l.level, l.message, l.data
  FROM job_log_batches b,
       unnest(b.timestamps, b.levels, b.messages, b.data) WITH ORDINALITY AS l(timestamp, level, message, data, n);

CREATE OR REPLACE FUNCTION delete_logs_of_deleted_jobs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM job_log_batches WHERE job_id IN (SELECT id FROM deleted_jobs);
    RETURN NULL;
END
$$;
