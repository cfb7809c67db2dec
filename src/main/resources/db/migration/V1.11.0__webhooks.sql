-- Webhooks: a tenant's subscriptions to its events, and every delivery of an event to one.
CREATE TABLE webhooks (
    id                    UUID          NOT NULL,
    tenant                VARCHAR(200)  NOT NULL,
    url                   VARCHAR(2048) NOT NULL,
    -- as given: event types, or prefixes ending in *
    events                TEXT[]        NOT NULL,
    -- the same as LIKE patterns, for the fan-out
    event_patterns        TEXT[]        NOT NULL,
    description           VARCHAR(1000),
    active                BOOLEAN       NOT NULL DEFAULT TRUE,
    -- {"current": base64, "previous": base64} sealed under PADDOCK_SECRETS_KEY (signing needs the
    -- secret itself, so it cannot be a hash); previous is honoured until previous_secret_until
    secrets               BYTEA         NOT NULL,
    previous_secret_until TIMESTAMPTZ,
    -- the sequence of the tenant's newest event already turned into deliveries (or skipped): the
    -- fan-out follows the numbered events as a feed reader follows `after`, so it never skips one
    fanned_out_through    BIGINT        NOT NULL,
    created_by            VARCHAR(200),
    created_at            TIMESTAMPTZ   NOT NULL DEFAULT now(),
    updated_at            TIMESTAMPTZ   NOT NULL DEFAULT now(),
    -- the last successful delivery; failing_since: the first failed attempt after it
    last_delivery_at      TIMESTAMPTZ,
    failing_since         TIMESTAMPTZ,
    CONSTRAINT pk_webhooks PRIMARY KEY (id)
);
CREATE INDEX ix_webhooks_tenant ON webhooks (tenant, created_at DESC, id);
CREATE INDEX ix_webhooks_active ON webhooks (tenant) WHERE active;

CREATE TABLE webhook_deliveries (
    id              UUID         NOT NULL DEFAULT gen_random_uuid(),
    webhook_id      UUID         NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event_id        UUID         NOT NULL,
    event_type      VARCHAR(64)  NOT NULL,
    -- null for a ping, which is not one of the tenant's events
    event_sequence  BIGINT,
    -- the event's row, to render it at the first attempt
    event_pos       BIGINT,
    -- the body as sent, fixed at the first attempt so every retry sends the same bytes
    body            TEXT,
    -- ping and redeliver: sent whether or not the webhook is active
    manual          BOOLEAN      NOT NULL DEFAULT FALSE,
    status          VARCHAR(16)  NOT NULL DEFAULT 'pending',
    attempts        INT          NOT NULL DEFAULT 0,
    last_status_code INT,
    last_error      VARCHAR(1024),
    -- at most 1 KiB of the receiver's last answer
    last_response   TEXT,
    last_attempt_at TIMESTAMPTZ,
    next_attempt_at TIMESTAMPTZ  NOT NULL DEFAULT now(),
    duration_ms     INT,
    -- a replica's claim: another replica takes the delivery only once claimed_until has passed
    -- (the claimer died mid-send), so none is lost and none is sent by two replicas at once
    claim           UUID,
    claimed_until   TIMESTAMPTZ,
    created_at      TIMESTAMPTZ  NOT NULL DEFAULT now(),
    CONSTRAINT pk_webhook_deliveries PRIMARY KEY (id),
    CONSTRAINT ck_webhook_deliveries_status CHECK (status IN ('pending', 'delivered', 'failed'))
);
-- the senders' work: pending deliveries by when they are due
CREATE INDEX ix_webhook_deliveries_due ON webhook_deliveries (next_attempt_at, event_sequence) WHERE status = 'pending';
-- a webhook's delivery log, newest first
CREATE INDEX ix_webhook_deliveries_webhook ON webhook_deliveries (webhook_id, created_at DESC, id);
