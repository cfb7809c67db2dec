-- Jobs and their logs. The queue is this table: claims pick rows with FOR UPDATE SKIP LOCKED,
-- so any number of replicas can claim at once without ever handing one job to two runners.
CREATE TABLE jobs (
    id               UUID          NOT NULL,
    tenant           VARCHAR(200)  NOT NULL,
    type             VARCHAR(100)  NOT NULL,
    name             VARCHAR(200),
    labels           VARCHAR(63)[] NOT NULL DEFAULT '{}',
    priority         INTEGER       NOT NULL DEFAULT 0,
    status           VARCHAR(16)   NOT NULL DEFAULT 'queued',
    phase            VARCHAR(32),
    progress         INTEGER,
    repository       VARCHAR(300),
    repository_url   VARCHAR(2000),
    branch           VARCHAR(300),
    commit_sha       VARCHAR(100),
    commit_message   TEXT,
    pr_number        INTEGER,
    pull_request     JSONB,
    trigger          JSONB,
    payload          JSONB,
    secrets          BYTEA,
    secret_names     TEXT[]        NOT NULL DEFAULT '{}',
    runner_id        UUID,
    runner_name      VARCHAR(100),
    -- every runner that ever held the job: a former holder gets 409 lease-lost, a stranger 404
    held_by          UUID[]        NOT NULL DEFAULT '{}',
    attempt          INTEGER       NOT NULL DEFAULT 0,
    max_attempts     INTEGER       NOT NULL DEFAULT 3,
    timeout_seconds  INTEGER       NOT NULL DEFAULT 3600,
    lease_id         UUID,
    lease_expires_at TIMESTAMPTZ,
    created_at       TIMESTAMPTZ   NOT NULL DEFAULT now(),
    queued_at        TIMESTAMPTZ   NOT NULL DEFAULT now(),
    started_at       TIMESTAMPTZ,
    completed_at     TIMESTAMPTZ,
    duration_ms      BIGINT,
    result           JSONB,
    summary          TEXT,
    issues           JSONB,
    issues_found     INTEGER       NOT NULL DEFAULT 0,
    files_reviewed   INTEGER,
    lines_analyzed   INTEGER,
    total_comments   INTEGER,
    quality_rating   VARCHAR(1),
    metrics          JSONB,
    tokens_used      JSONB,
    actions_taken    JSONB,
    error            TEXT,
    -- the canonical final report, so that a resent identical report answers the same
    report           JSONB,
    cancelled_at     TIMESTAMPTZ,
    cancel_reason    TEXT,
    -- the runner has seen that its job was cancelled or timed out: stop repeating it in heartbeats
    stop_acknowledged BOOLEAN      NOT NULL DEFAULT FALSE,
    original_job_id  UUID,
    idempotency_key  VARCHAR(200),
    log_next_seq     BIGINT        NOT NULL DEFAULT 0,
    updated_at       TIMESTAMPTZ   NOT NULL DEFAULT now(),
    CONSTRAINT pk_jobs PRIMARY KEY (id),
    CONSTRAINT ck_jobs_status CHECK (status IN ('queued', 'running', 'success', 'failure', 'cancelled', 'timeout')),
    CONSTRAINT uq_jobs_idempotency UNIQUE (tenant, idempotency_key)
);

-- the claim: queued jobs of a tenant by priority then age
CREATE INDEX ix_jobs_queue ON jobs (tenant, priority DESC, created_at) WHERE status = 'queued';
-- sweeps: running jobs by lease expiry
CREATE INDEX ix_jobs_running_lease ON jobs (lease_expires_at) WHERE status = 'running';
-- a runner's jobs (capacity checks, heartbeats, GET /api/runners/{id}/jobs)
CREATE INDEX ix_jobs_runner ON jobs (runner_id, created_at DESC);
-- people's list: newest first within a tenant, with the common filters
CREATE INDEX ix_jobs_tenant_created ON jobs (tenant, created_at DESC, id DESC);
CREATE INDEX ix_jobs_tenant_status_created ON jobs (tenant, status, created_at DESC);
CREATE INDEX ix_jobs_tenant_repository_created ON jobs (tenant, repository, created_at DESC);
CREATE INDEX ix_jobs_labels ON jobs USING GIN (labels);

CREATE TABLE job_logs (
    job_id    UUID        NOT NULL,
    seq       BIGINT      NOT NULL,
    timestamp TIMESTAMPTZ NOT NULL DEFAULT now(),
    level     VARCHAR(8)  NOT NULL DEFAULT 'info',
    message   TEXT        NOT NULL,
    data      JSONB,
    CONSTRAINT pk_job_logs PRIMARY KEY (job_id, seq),
    CONSTRAINT fk_job_logs_job FOREIGN KEY (job_id) REFERENCES jobs (id) ON DELETE CASCADE
);
