package dev.paddock.event;

import dev.paddock.support.Api;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Events older than the retention go; younger ones stay. */
@QuarkusTest
class EventRetentionTest {

    @Inject
    EventRetention retention;

    @Inject
    AgroalDataSource dataSource;

    @Test
    void eventsOlderThanTheRetentionAreDeletedAndYoungerOnesKept() throws Exception {
        Api old = Api.newTenant();
        Api young = Api.newTenant();
        old.enqueue("t", List.of());
        await().atMost(Duration.ofSeconds(3)).until(() -> numbered(old.tenant) == 1);
        Thread.sleep(4_000);
        young.enqueue("t", List.of());
        await().atMost(Duration.ofSeconds(3)).until(() -> numbered(young.tenant) == 1);

        // every event of the shared test database older than two seconds goes, the young one stays
        assertThat(retention.deleteOlderThan(Duration.ofSeconds(2))).isPositive();

        assertThat(numbered(old.tenant)).isZero();
        assertThat(numbered(young.tenant)).isEqualTo(1);
    }

    private long numbered(String tenant) throws Exception {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement count = connection.prepareStatement(
                     "SELECT count(*) FROM events WHERE tenant = ? AND sequence IS NOT NULL")) {
            count.setString(1, tenant);
            try (ResultSet row = count.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }
}
