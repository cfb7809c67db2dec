package dev.paddock.db;

import io.quarkus.test.junit.QuarkusTest;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * V1.20.0 moves the lines of a log a row each into rows of batches: a database with lines keeps
 * every line, its number, attempt, the runner's number, level, timestamp and data, and a log that
 * had a gap in its numbering is numbered without one, the job's next number after its last line.
 */
@QuarkusTest
class LogBatchesMigrationTest {

    private static final String A = "00000000-0000-0000-0000-00000000000a";
    private static final String B = "00000000-0000-0000-0000-00000000000b";

    @Test
    void linesStoredARowEachAreKeptAsBatchesOfOne() throws SQLException {
        Config config = ConfigProvider.getConfig();
        String url = config.getValue("quarkus.datasource.jdbc.url", String.class);
        String user = config.getOptionalValue("quarkus.datasource.username", String.class).orElse("postgres");
        String password = config.getOptionalValue("quarkus.datasource.password", String.class).orElse("");
        String database = "paddock_migration_" + UUID.randomUUID().toString().replace("-", "");
        String scratch = url.replaceFirst("/[^/?]+(\\?|$)", "/" + database + "$1");
        execute(url, user, password, "CREATE DATABASE " + database);
        try {
            Flyway.configure().dataSource(scratch, user, password).locations("filesystem:src/main/resources/db/migration")
                    .target("1.19.0").load().migrate();
            try (Connection connection = DriverManager.getConnection(scratch, user, password);
                 Statement statement = connection.createStatement()) {
                statement.execute("INSERT INTO jobs (id, tenant, type, attempt, log_next_seq) VALUES ('" + A
                        + "', 't', 'build', 2, 4), ('" + B + "', 't', 'build', 1, 4)");
                statement.execute("""
                        INSERT INTO job_logs (job_id, seq, attempt, client_seq, timestamp, level, message, data) VALUES
                          ('%1$s', 1, 1, 0, '2026-01-02T03:04:05.123456Z', 'info', 'one', NULL),
                          ('%1$s', 2, 1, 1, '2026-01-02T03:04:06Z', 'warn', 'two', '{"file": "a.c"}'),
                          ('%1$s', 3, 2, NULL, '2026-01-02T03:04:07Z', 'error', 'three', NULL),
                          ('%2$s', 1, 1, NULL, '2026-01-02T03:04:05Z', 'info', 'first', NULL),
                          ('%2$s', 3, 1, NULL, '2026-01-02T03:04:06Z', 'info', 'after a gap', NULL)""".formatted(A, B));
            }

            Flyway.configure().dataSource(scratch, user, password).locations("filesystem:src/main/resources/db/migration")
                    .load().migrate();

            try (Connection connection = DriverManager.getConnection(scratch, user, password);
                 Statement statement = connection.createStatement()) {
                assertThat(rows(statement, """
                        SELECT job_id, seq, attempt, client_seq, timestamp, level, message, data FROM job_logs
                         ORDER BY job_id, seq""")).containsExactly(
                        A + " 1 1 0 2026-01-02 03:04:05.123456+00 info one null",
                        A + " 2 1 1 2026-01-02 03:04:06+00 warn two {\"file\": \"a.c\"}",
                        A + " 3 2 null 2026-01-02 03:04:07+00 error three null",
                        B + " 1 1 null 2026-01-02 03:04:05+00 info first null",
                        B + " 2 1 null 2026-01-02 03:04:06+00 info after a gap null");
                assertThat(rows(statement, "SELECT id, log_next_seq FROM jobs ORDER BY id"))
                        .containsExactly(A + " 4", B + " 3");
                assertThat(rows(statement, "SELECT count(*), sum(line_count) FROM job_log_batches"))
                        .containsExactly("5 5");
            }
        } finally {
            execute(url, user, password, "DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }

    private static void execute(String url, String user, String password, String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url, user, password);
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static List<String> rows(Statement statement, String sql) throws SQLException {
        statement.execute("SET TIME ZONE 'UTC'");
        List<String> rows = new ArrayList<>();
        try (ResultSet result = statement.executeQuery(sql)) {
            int columns = result.getMetaData().getColumnCount();
            while (result.next()) {
                List<String> values = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    values.add(String.valueOf(result.getString(i)));
                }
                rows.add(String.join(" ", values));
            }
        }
        return rows;
    }
}
