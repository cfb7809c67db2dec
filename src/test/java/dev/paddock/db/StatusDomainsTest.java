package dev.paddock.db;

import dev.paddock.dispatch.JobStatus;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The database still refuses a status outside its list, and checks it only where one is written:
 * each status column's values are checked by its type (a domain), not by a CHECK constraint on its
 * table, which PostgreSQL parses and prepares again in every statement that writes the table, a
 * lease renewal or a log append too (V1.22.0; bench/RESULTS.md, twenty-second session).
 */
@QuarkusTest
class StatusDomainsTest {

    private static final String CHECK_VIOLATION = "23514";

    @Inject
    AgroalDataSource dataSource;

    @Test
    void theTablesWrittenByEveryCallCarryNoCheckConstraint() throws Exception {
        List<String> checks = new ArrayList<>();
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("""
                     SELECT conrelid::regclass || '.' || conname FROM pg_constraint
                      WHERE contype = 'c'
                        AND conrelid IN ('jobs'::regclass, 'runners'::regclass, 'webhook_deliveries'::regclass)""")) {
            while (rows.next()) {
                checks.add(rows.getString(1));
            }
        }
        assertThat(checks).isEmpty();
    }

    @Test
    void aJobTakesEveryStatusOfTheStateMachineAndNoOther() throws Exception {
        for (JobStatus status : JobStatus.values()) {
            assertThat(insertedJobStatus(status.wire())).isEqualTo(status.wire());
        }
        assertThatThrownBy(() -> insertedJobStatus("paused"))
                .isInstanceOf(SQLException.class).extracting(e -> ((SQLException) e).getSQLState()).isEqualTo(CHECK_VIOLATION);
    }

    @Test
    void aJobsStatusIsCheckedWhenAnUpdateWritesIt() throws Exception {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                UUID job = UUID.randomUUID();
                statement.execute("INSERT INTO jobs (id, tenant, type) VALUES ('" + job + "', 'status-domains', 'check')");
                assertThatThrownBy(() -> statement.execute("UPDATE jobs SET status = 'paused' WHERE id = '" + job + "'"))
                        .isInstanceOf(SQLException.class)
                        .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo(CHECK_VIOLATION);
            } finally {
                connection.rollback();
                connection.setAutoCommit(true);
            }
        }
    }

    @Test
    void runnersAndDeliveriesKeepTheirLists() throws Exception {
        for (String reported : List.of("online", "busy", "draining", "offline")) {
            assertThat(cast(reported, "runner_reported_status")).isEqualTo(reported);
        }
        for (String delivery : List.of("pending", "delivered", "failed")) {
            assertThat(cast(delivery, "webhook_delivery_status")).isEqualTo(delivery);
        }
        assertThatThrownBy(() -> cast("away", "runner_reported_status"))
                .isInstanceOf(SQLException.class).extracting(e -> ((SQLException) e).getSQLState()).isEqualTo(CHECK_VIOLATION);
        assertThatThrownBy(() -> cast("lost", "webhook_delivery_status"))
                .isInstanceOf(SQLException.class).extracting(e -> ((SQLException) e).getSQLState()).isEqualTo(CHECK_VIOLATION);
    }

    /** The status a new job row stored with {@code status}, in a transaction rolled back. */
    private String insertedJobStatus(String status) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO jobs (id, tenant, type, status) VALUES (?, 'status-domains', 'check', ?) RETURNING status")) {
                insert.setObject(1, UUID.randomUUID());
                insert.setString(2, status);
                try (ResultSet row = insert.executeQuery()) {
                    row.next();
                    return row.getString(1);
                }
            } finally {
                connection.rollback();
                connection.setAutoCommit(true);
            }
        }
    }

    private String cast(String value, String domain) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT CAST(? AS " + domain + ")")) {
            select.setString(1, value);
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return row.getString(1);
            }
        }
    }
}
