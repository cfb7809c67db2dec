package dev.paddock.dispatch;

import dev.paddock.db.RowReader;
import dev.paddock.db.Columns;
import dev.paddock.db.NamedSql;
import dev.paddock.support.Api;
import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The dispatch core reads job rows itself: field for field what the entity mapping reads; an
 * event's snapshot of a job (to_jsonb) reads back as the row it was.
 */
@QuarkusTest
class JobRowsTest {

    @Inject
    EntityManager em;

    @Inject
    AgroalDataSource dataSource;

    @Test
    void aJobReadFromItsRowEqualsTheEntityInEveryField() throws Exception {
        Api api = Api.newTenant();
        Api.RunnerRef runner = api.onlineRunner(List.of("linux"), 1);
        String queued = api.enqueue(Map.of("type", "code-review", "labels", List.of("linux"),
                "repository", "acme/app", "branch", "main", "commit_sha", "abc", "pr_number", 7,
                "pull_request", Map.of("title", "t", "draft", false), "trigger", Map.of("by", "push"),
                "payload", Map.of("prompt", "hi", "depth", 3, "ratio", 0.5, "tags", List.of("a", "b")),
                "secrets", Map.of("TOKEN", "hunter2")));
        String lease = (String) Api.claimOne(runner.token()).get("lease_id");
        Api.runner(runner.token()).header("X-Lease-Id", lease).body(Map.of("status", "success", "summary", "fine",
                        "issues", List.of(Map.of("severity", "warning", "file", "a.java", "line", 3)), "metrics", Map.of("ms", 12),
                        "tokens_used", Map.of("input", 10, "output", 5), "actions_taken", List.of("commented", 2)))
                .post("/api/runners/jobs/" + queued + "/result").then().statusCode(200);
        String fresh = api.enqueue(Map.of("type", "plain"));

        for (String id : List.of(queued, fresh)) {
            Job fromRow = read(UUID.fromString(id));
            Job fromEntity = QuarkusTransaction.requiringNew().call(() -> em.find(Job.class, UUID.fromString(id)));
            assertThat(fromRow).usingRecursiveComparison().ignoringFieldsMatchingRegexes("\\$\\$_hibernate.*")
                    .isEqualTo(fromEntity);
        }
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

    private Job readOne(String sql, UUID id, RowReader<Job> reader) throws Exception {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(sql)) {
            select.setObject(1, id);
            try (ResultSet row = select.executeQuery()) {
                assertThat(row.next()).isTrue();
                return reader.read(row);
            }
        }
    }
}
