-- Runners: the fleet. Tokens are stored only as SHA-256 hashes (plus a short display prefix),
-- so a database leak never hands out working runner credentials.
CREATE TABLE runners (
    id                UUID         NOT NULL,
    tenant            VARCHAR(200) NOT NULL,
    name              VARCHAR(100) NOT NULL,
    labels            VARCHAR(63)[] NOT NULL DEFAULT '{}',
    version           VARCHAR(100),
    os                VARCHAR(100),
    arch              VARCHAR(100),
    capabilities      JSONB        NOT NULL DEFAULT '{}'::jsonb,
    system_info       JSONB,
    max_concurrency   INTEGER      NOT NULL DEFAULT 5,
    active_jobs       INTEGER      NOT NULL DEFAULT 0,
    jobs_completed    BIGINT       NOT NULL DEFAULT 0,
    -- what the runner last said (or what a person/sweep set): online | busy | draining | offline
    reported_status   VARCHAR(16)  NOT NULL DEFAULT 'offline',
    -- a drain asked for by a person survives heartbeats
    drain_requested   BOOLEAN      NOT NULL DEFAULT FALSE,
    token_hash        BYTEA        NOT NULL,
    token_prefix      VARCHAR(16)  NOT NULL,
    last_heartbeat_at TIMESTAMPTZ,
    registered_by     VARCHAR(200),
    created_at        TIMESTAMPTZ  NOT NULL DEFAULT now(),
    updated_at        TIMESTAMPTZ  NOT NULL DEFAULT now(),
    -- the status people see, derived in one place so filters and claims agree with the API
    status            VARCHAR(16)  GENERATED ALWAYS AS (
        CASE WHEN drain_requested THEN 'draining'
             WHEN reported_status = 'offline' THEN 'offline'
             WHEN reported_status = 'draining' THEN 'draining'
             WHEN reported_status = 'busy' OR active_jobs >= max_concurrency THEN 'busy'
             ELSE 'online' END) STORED,
    CONSTRAINT pk_runners PRIMARY KEY (id),
    CONSTRAINT uq_runners_token_hash UNIQUE (token_hash),
    CONSTRAINT ck_runners_reported_status CHECK (reported_status IN ('online', 'busy', 'draining', 'offline'))
);

CREATE INDEX ix_runners_tenant_heartbeat ON runners (tenant, last_heartbeat_at DESC NULLS LAST, created_at DESC);
CREATE INDEX ix_runners_labels ON runners USING GIN (labels);
-- the offline sweep scans only runners that still look alive
CREATE INDEX ix_runners_alive_heartbeat ON runners (last_heartbeat_at) WHERE reported_status <> 'offline';

-- Token buckets of Bucket4j (agent rate limit, token regeneration limit): shared by every replica.
CREATE TABLE rate_limit_buckets (
    id         VARCHAR(200) NOT NULL,
    state      BYTEA,
    expires_at BIGINT,
    CONSTRAINT pk_rate_limit_buckets PRIMARY KEY (id)
);
