-- Events: every change of a job's (and later a runner's) state, written by the statement that
-- makes the change, so in its transaction. `resource` is the changed row as it was then (without
-- secrets), rendered as the people's GET shows it when read.
-- `sequence` is given after commit by the sequencer (event/EventSequencer), one batch at a time
-- under the lock of event_sequencer's row: an event committed after a batch was numbered gets a
-- higher number than every event of that batch, so a reader that follows `after` never skips one
-- (a number taken at insert would be: a transaction that inserts first may commit last).
CREATE TABLE events (
    pos      BIGSERIAL    NOT NULL,
    id       UUID         NOT NULL DEFAULT gen_random_uuid(),
    tenant   VARCHAR(200) NOT NULL,
    type     VARCHAR(64)  NOT NULL,
    subject  UUID         NOT NULL,
    time     TIMESTAMPTZ  NOT NULL DEFAULT now(),
    resource JSONB        NOT NULL,
    -- what the event adds to the resource: previous_status, reason
    details  JSONB        NOT NULL DEFAULT '{}'::jsonb,
    sequence BIGINT,
    CONSTRAINT pk_events PRIMARY KEY (pos)
);

-- the sequencer's work: committed events not numbered yet, in insertion order
CREATE INDEX ix_events_unsequenced ON events (pos) WHERE sequence IS NULL;
-- readers: a tenant's events after a number
CREATE UNIQUE INDEX ix_events_tenant_sequence ON events (tenant, sequence) WHERE sequence IS NOT NULL;

CREATE TABLE event_sequencer (
    only_row BOOLEAN NOT NULL DEFAULT TRUE,
    last     BIGINT  NOT NULL,
    CONSTRAINT pk_event_sequencer PRIMARY KEY (only_row),
    CONSTRAINT ck_event_sequencer_one_row CHECK (only_row)
);
INSERT INTO event_sequencer (only_row, last) VALUES (TRUE, 0);
