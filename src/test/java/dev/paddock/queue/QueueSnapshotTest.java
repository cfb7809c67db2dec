package dev.paddock.queue;

import dev.paddock.support.Api;
import dev.paddock.support.GenericPlans;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The queue's waits cost the same at any rate of claims and for any number of tenants: taken over
 * the hour's newest claims, a bounded number in all.
 */
@QuarkusTest
class QueueSnapshotTest {

    @Inject
    AgroalDataSource dataSource;

    @Inject
    QueueSnapshot snapshot;

    @Test
    void theWaitsOfABusyHourAreTakenOverItsNewestClaims() throws Exception {
        Api api = Api.newTenant();
        int older = QueueSnapshot.WAITS_READ / 2;
        // claimed 40 minutes ago after a minute's wait, then the newest claims after 10 ms each
        claimed(api.tenant, older, "40 minutes", "60 seconds");
        claimed(api.tenant, QueueSnapshot.WAITS_READ, "1 minute", "10 milliseconds");

        Map<String, Object> queue = api.person().get("/api/queue").then().statusCode(200).extract().jsonPath()
                .getMap("queues.find { it.labels == ['busy'] }");
        assertThat(((Number) queue.get("wait_p95_ms")).longValue()).isEqualTo(10);
        assertThat(((Number) queue.get("wait_p50_ms")).longValue()).isEqualTo(10);

        Api other = Api.newTenant();
        claimed(other.tenant, 3, "30 minutes", "60 seconds");
        claimed(other.tenant, 2, "2 hours", "10 milliseconds"); // outside the hour
        Map<String, Object> few = other.person().get("/api/queue").then().statusCode(200).extract().jsonPath()
                .getMap("queues.find { it.labels == ['busy'] }");
        assertThat(((Number) few.get("wait_p95_ms")).longValue()).isEqualTo(60_000);
    }

    @Test
    void everyTenantsWaitsShareOneBound() throws Exception {
        String label = "shared-" + UUID.randomUUID();
        for (Api api : List.of(Api.newTenant(), Api.newTenant())) {
            // long waits 40 minutes ago, then each tenant's newest claim after 10 ms
            claimed(api.tenant, 30, "40 minutes", "60 seconds", label);
            claimed(api.tenant, 1, "1 minute", "10 milliseconds", label);
        }
        long tenants;
        try (Connection connection = dataSource.getConnection();
             PreparedStatement count = connection.prepareStatement("SELECT count(DISTINCT tenant) FROM jobs");
             ResultSet row = count.executeQuery()) {
            row.next();
            tenants = row.getLong(1);
        }
        // a bound of one claim a tenant: each tenant's newest, however many it has
        QueueSnapshot.Entry shared = snapshot.take(null, (int) tenants).stream()
                .filter(entry -> entry.labels().equals(List.of(label))).findFirst().orElseThrow();
        assertThat(shared.waitP95Ms()).isEqualTo(10);
    }

    private void claimed(String tenant, int count, String ago, String waited) throws Exception {
        claimed(tenant, count, ago, waited, "busy");
    }

    /** {@code count} jobs of the tenant with one label, claimed {@code ago} after waiting {@code waited}, now done. */
    private void claimed(String tenant, int count, String ago, String waited, String label) throws Exception {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement("""
                     INSERT INTO jobs (id, tenant, type, labels, status, queued_at, started_at, completed_at)
                     SELECT gen_random_uuid(), ?, 'bulk', ARRAY[CAST(? AS varchar)], 'success',
                            now() - CAST(? AS interval) - CAST(? AS interval), now() - CAST(? AS interval), now()
                       FROM generate_series(1, ?)""")) {
            insert.setString(1, tenant);
            insert.setString(2, label);
            insert.setString(3, ago);
            insert.setString(4, waited);
            insert.setString(5, ago);
            insert.setInt(6, count);
            insert.executeUpdate();
        }
    }

    @Test
    void theQueuedRunningAndLatelyClaimedJobsAreReadThroughTheirOwnIndexes() throws Exception {
        // a scan of the table the last resort: what else could find the queued and running jobs shows;
        // the jobs claimed lately through the index of started jobs (V1.19.0: only those are in it)
        String plan = GenericPlans.of(dataSource, QueueSnapshot.SNAPSHOT, GenericPlans.types("tenant", "text", "waits", "integer"),
                List.of(GenericPlans.TABLE_SCAN_LAST));
        assertThat(plan).contains("ix_jobs_queue").contains("ix_jobs_runner_running").contains("ix_jobs_tenant_started")
                .doesNotContain("Seq Scan on jobs");
    }
}
