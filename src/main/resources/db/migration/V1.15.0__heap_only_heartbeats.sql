-- Every heartbeat and every other sign of life writes a runner's last_heartbeat_at. With that
-- column indexed (twice: the fleet list's order and the offline sweep's partial index), no
-- runner update was heap-only: each heartbeat wrote a new entry into all five of the table's
-- indexes, the GIN on labels and the unique token index among them (pg_stat_user_tables showed
-- 0 heap-only updates of 1.29 million; bench/RESULTS.md). The fleet list now finds a tenant's
-- runners by tenant and sorts them, and the offline sweep reads the table, once a sweep interval;
-- both are measured in bench/RESULTS.md.
DROP INDEX ix_runners_alive_heartbeat;
DROP INDEX ix_runners_tenant_heartbeat;
CREATE INDEX ix_runners_tenant ON runners (tenant, created_at DESC);
