-- Long-lived credentials for automation, created by people: acting for their tenant with the scopes
-- they were given. Only the SHA-256 of a key is stored; a deleted key is gone, so it fails at once.
CREATE TABLE api_keys (
    id           UUID PRIMARY KEY,
    tenant       TEXT          NOT NULL,
    name         VARCHAR(100)  NOT NULL,
    scopes       TEXT[]        NOT NULL,
    prefix       TEXT          NOT NULL,
    key_hash     BYTEA         NOT NULL UNIQUE,
    created_by   TEXT          NOT NULL,
    created_at   TIMESTAMPTZ   NOT NULL DEFAULT now(),
    expires_at   TIMESTAMPTZ,
    last_used_at TIMESTAMPTZ
);

CREATE INDEX ix_api_keys_tenant_created ON api_keys (tenant, created_at DESC, id);

