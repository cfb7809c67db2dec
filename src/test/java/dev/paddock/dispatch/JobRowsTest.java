package dev.paddock.dispatch;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paddock.db.RowReader;
import dev.paddock.db.Columns;
import dev.paddock.db.NamedSql;
import dev.paddock.runner.Runner;
import dev.paddock.runner.RunnerRows;
import dev.paddock.runner.RunnerState;
import dev.paddock.support.Api;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Job rows are read by the service itself: every column into its field, and an event's snapshot
 * of a job (to_jsonb) reads back as the row it was.
 */
@QuarkusTest
class JobRowsTest {

    @Inject
    AgroalDataSource dataSource;

    @Test
    void everyColumnOfAJobIsReadIntoItsField() throws Exception {
        Api api = Api.newTenant();
        Api.RunnerRef runner = api.onlineRunner(List.of("linux"), 1);
        String queued = api.enqueue(Map.ofEntries(Map.entry("type", "code-review"), Map.entry("name", "review"),
                Map.entry("labels", List.of("linux")), Map.entry("repository", "acme/app"),
                Map.entry("repository_url", "https://example.com/acme/app"), Map.entry("branch", "main"),
                Map.entry("commit_sha", "abc"), Map.entry("commit_message", "fix"), Map.entry("pr_number", 7),
                Map.entry("pull_request", Map.of("title", "t", "draft", false)), Map.entry("trigger", Map.of("by", "push")),
                Map.entry("payload", Map.of("prompt", "hi", "depth", 3, "ratio", 0.5, "tags", List.of("a", "b"))),
                Map.entry("secrets", Map.of("TOKEN", "hunter2"))));
        String lease = (String) Api.claimOne(runner.token()).get("lease_id");
        Api.runner(runner.token()).header("X-Lease-Id", lease).body(Map.of("status", "success", "summary", "fine",
                        "issues", List.of(Map.of("severity", "warning", "file", "a.java", "line", 3)), "metrics", Map.of("ms", 12),
                        "tokens_used", Map.of("input", 10, "output", 5), "actions_taken", List.of("commented", 2)))
                .post("/api/runners/jobs/" + queued + "/result").then().statusCode(200);

        Job job = read(UUID.fromString(queued));
        Map<String, Object> columns = readOne("SELECT to_jsonb(j) FROM jobs j WHERE id = ?", UUID.fromString(queued),
                row -> parse(row.getString(1)));
        assertThat(columns).hasSizeGreaterThan(40);
        assertEveryColumnRead(columns, job);
    }

    @Test
    void everyColumnOfARunnerIsReadIntoItsField() throws Exception {
        Api api = Api.newTenant();
        Api.RunnerRef runner = api.onlineRunner(List.of("linux", "gpu"), 2);
        Api.runner(runner.token()).body(Map.of("status", "online", "version", "1.2.3",
                "system_info", Map.of("cpu", 0.5))).post("/api/runners/heartbeat").then().statusCode(200);
        UUID id = UUID.fromString(runner.id());
        // as every reader reads a runner: its row and what the schema derives from it
        String runnerRow = "SELECT " + RunnerState.COLUMNS + " FROM runners r WHERE id = ?";
        Runner read = readOne(runnerRow, id, row -> RunnerRows.read(Columns.of(row)));
        Map<String, Object> columns = readOne("SELECT to_jsonb(x) FROM (" + runnerRow + ") x", id,
                row -> parse(row.getString(1)));
        assertThat(columns).hasSizeGreaterThan(20);
        assertEveryColumnRead(columns, read);
    }

    /** Each column has the field of its name, set wherever the column holds a value, and no field is more. */
    private static void assertEveryColumnRead(Map<String, Object> columns, Object read) throws Exception {
        for (Map.Entry<String, Object> column : columns.entrySet()) {
            Field field = read.getClass().getField(camelCase(column.getKey()));
            if (column.getValue() != null) {
                assertThat(field.get(read)).as(column.getKey()).isNotNull();
            }
        }
        assertThat(read.getClass().getFields()).hasSize(columns.size());
    }

    @Test
    void aJobReadFromItsSnapshotEqualsItsRowInEveryField() throws Exception {
        Api api = Api.newTenant();
        Api.RunnerRef runner = api.onlineRunner(List.of("linux"), 1);
        String done = api.enqueue(Map.of("type", "code-review", "labels", List.of("linux"), "pr_number", 7,
                "payload", Map.of("prompt", "hi", "depth", 3, "ratio", 0.5, "big", 12345678901L, "none", List.of()),
                "secrets", Map.of("TOKEN", "hunter2")));
        String lease = (String) Api.claimOne(runner.token()).get("lease_id");
        Api.runner(runner.token()).header("X-Lease-Id", lease).body(Map.of("status", "failure", "error", "broke",
                        "metrics", Map.of("ms", 12.25), "actions_taken", List.of("commented", 2, true)))
                .post("/api/runners/jobs/" + done + "/result").then().statusCode(org.hamcrest.Matchers.lessThan(300));
        String fresh = api.enqueue(Map.of("type", "plain"));

        for (String id : List.of(done, fresh)) {
            Job fromRow = read(UUID.fromString(id));
            Job fromSnapshot = readSnapshot(UUID.fromString(id));
            assertThat(fromSnapshot).usingRecursiveComparison().ignoringFieldsMatchingRegexes("\\$\\$_hibernate.*")
                    .isEqualTo(fromRow);
        }
        assertThat(readSnapshot(UUID.fromString(done)).secrets).as("bytea, in hex in the snapshot").isNotEmpty();
    }

    @Test
    void aSnapshotValueThatIsNotWhatItsColumnHoldsIsAnSqlError() throws Exception {
        assertThatThrownBy(() -> Columns.ofSnapshot("{\"created_at\": \"yesterday\"}").instant("created_at"))
                .isInstanceOf(java.sql.SQLException.class).hasMessageContaining("created_at");
        assertThatThrownBy(() -> Columns.ofSnapshot("{\"id\": \"not-a-uuid\"}").uuid("id"))
                .isInstanceOf(java.sql.SQLException.class).hasMessageContaining("id");
        assertThat(Columns.ofSnapshot("{}").integer("priority")).isZero();
        assertThat(Columns.ofSnapshot("{\"progress\": null}").integerOrNull("progress")).isNull();
    }

    @Test
    void namedParametersBecomePositionalAndCastsStayCasts() {
        NamedSql sql = NamedSql.parse("SELECT (x::bigint) FROM t WHERE a = :runner AND b < :limit OR c = :runner");
        assertThat(sql.jdbc()).isEqualTo("SELECT (x::bigint) FROM t WHERE a = ? AND b < ? OR c = ?");
        assertThat(sql.names()).containsExactly("runner", "limit", "runner");
    }

    @Test
    void aParameterWithoutValueIsRefusedBeforeAnythingRuns() throws Exception {
        try (Connection connection = dataSource.getConnection()) {
            assertThatThrownBy(() -> NamedSql.parse("SELECT :a, :b").prepare(connection, Map.of("a", 1)))
                    .hasMessageContaining(":b");
        }
    }

    private Job readSnapshot(UUID id) throws Exception {
        return readOne("SELECT to_jsonb(j) FROM jobs j WHERE id = ?", id,
                row -> JobRows.read(Columns.ofSnapshot(row.getString(1))));
    }

    private Job read(UUID id) throws Exception {
        return readOne("SELECT * FROM jobs WHERE id = ?", id, row -> JobRows.read(Columns.of(row)));
    }

    private <T> T readOne(String sql, UUID id, RowReader<T> reader) throws Exception {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(sql)) {
            select.setObject(1, id);
            try (ResultSet row = select.executeQuery()) {
                assertThat(row.next()).isTrue();
                return reader.read(row);
            }
        }
    }

    private static String camelCase(String column) {
        StringBuilder name = new StringBuilder();
        for (String part : column.split("_")) {
            name.append(name.isEmpty() ? part : Character.toUpperCase(part.charAt(0)) + part.substring(1));
        }
        return name.toString();
    }

    private static Map<String, Object> parse(String json) {
        try {
            return new ObjectMapper().readValue(json, new TypeReference<>() { });
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
